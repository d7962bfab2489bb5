"""The paper service's JSON codec, now the venue protocol's (:mod:`yeouido.brokers.remote.codec`);
kept under this name for existing imports."""

from __future__ import annotations

from yeouido.brokers.remote.codec import Spawner, decode, decode_error, encode, encode_error

__all__ = ["Spawner", "decode", "decode_error", "encode", "encode_error"]
