"""AES-256-CBC with PKCS#7 and base64, as KIS encrypts order/fill notices."""

from __future__ import annotations

import base64
import secrets
import string

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from yeouido.brokers.kis.protocol import AES_IV_LENGTH, AES_KEY_LENGTH

_ASCII = string.ascii_letters + string.digits


def new_key_iv() -> tuple[str, str]:
    """A random ASCII key (32 chars) and iv (16 chars)."""
    key = "".join(secrets.choice(_ASCII) for _ in range(AES_KEY_LENGTH))
    iv = "".join(secrets.choice(_ASCII) for _ in range(AES_IV_LENGTH))
    return key, iv


def encrypt(plain: str, key: str, iv: str) -> str:
    """base64(AES-256-CBC(PKCS#7(utf-8 text)))."""
    padder = padding.PKCS7(128).padder()
    data = padder.update(plain.encode("utf-8")) + padder.finalize()
    encryptor = Cipher(
        algorithms.AES(key.encode("ascii")), modes.CBC(iv.encode("ascii"))
    ).encryptor()
    return base64.b64encode(encryptor.update(data) + encryptor.finalize()).decode("ascii")


def decrypt(cipher_text: str, key: str, iv: str) -> str:
    """The inverse of :func:`encrypt`."""
    decryptor = Cipher(
        algorithms.AES(key.encode("ascii")), modes.CBC(iv.encode("ascii"))
    ).decryptor()
    data = decryptor.update(base64.b64decode(cipher_text)) + decryptor.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    return (unpadder.update(data) + unpadder.finalize()).decode("utf-8")
