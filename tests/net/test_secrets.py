"""Secrets: masked reprs, and a log filter that masks registered values everywhere."""

from __future__ import annotations

import io
import logging

import pytest

from yeouido.net.secrets import (
    MASK,
    REGISTRY,
    Secret,
    SecretFilter,
    install_log_masking,
    mask,
    register_secret,
)

APP_SECRET = "S" * 40 + "secretvalue"


def test_secret_repr_str_and_format_are_masked() -> None:
    secret = Secret("my-app-secret-value")
    assert repr(secret) == f"Secret('{MASK}')"
    assert str(secret) == MASK
    assert f"{secret}" == MASK
    assert "my-app-secret-value" not in repr([secret, {"k": secret}])
    assert secret.reveal() == "my-app-secret-value"
    assert Secret("my-app-secret-value") == secret


def test_secret_cannot_be_pickled() -> None:
    import pickle

    with pytest.raises(TypeError):
        pickle.dumps(Secret("abcdefgh"))


def test_mask_replaces_registered_values_longest_first() -> None:
    register_secret("token-abc")
    register_secret("token-abcdef")
    assert mask("x token-abcdef y token-abc") == f"x {MASK} y {MASK}"


def test_short_values_are_not_registered() -> None:
    register_secret("01")
    assert "01" not in REGISTRY


def test_filter_masks_message_args_and_exceptions() -> None:
    register_secret(APP_SECRET)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(SecretFilter())
    logger = logging.getLogger("test.secrets.filter")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    try:
        logger.info("secret in message " + APP_SECRET)
        logger.info("secret in args %s %r", APP_SECRET, {"appsecret": APP_SECRET})
        try:
            raise ValueError(f"bad {APP_SECRET}")
        except ValueError:
            logger.exception("failed")
    finally:
        logger.removeHandler(handler)
    text = stream.getvalue()
    assert APP_SECRET not in text
    assert text.count(MASK) >= 4


def test_installed_masking_covers_child_loggers_and_late_handlers(
    caplog: pytest.LogCaptureFixture,
) -> None:
    install_log_masking()
    install_log_masking()  # idempotent
    token = "eyJ0eXAiOiJKV1QiLCJhbGciOi-late-token"
    register_secret(Secret(token))
    with caplog.at_level(logging.DEBUG):
        logging.getLogger("aiohttp.client.child").warning("header authorization=Bearer %s", token)
    assert caplog.records
    assert all(token not in record.getMessage() for record in caplog.records)
    assert token not in caplog.text
