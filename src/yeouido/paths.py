"""Where yeouido keeps files on a user's machine (below every layer; imports nothing of ours).

- data: ``YEOUIDO_DATA_DIR`` or the platform's user data directory (paper accounts, journals,
  the bar store);
- cache: ``YEOUIDO_CACHE_DIR`` or the platform's user cache directory (rebuildable files);
- config: ``YEOUIDO_CONFIG_DIR`` or the platform's user config directory (settings and the
  broker token cache, kept private to the user).
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs


def data_dir() -> Path:
    """The user data directory of yeouido."""
    override = os.environ.get("YEOUIDO_DATA_DIR")
    return Path(override) if override else Path(platformdirs.user_data_dir("yeouido"))


def cache_dir() -> Path:
    """The user cache directory of yeouido."""
    override = os.environ.get("YEOUIDO_CACHE_DIR")
    return Path(override) if override else Path(platformdirs.user_cache_dir("yeouido"))


def config_dir() -> Path:
    """The user config directory of yeouido (settings, cached broker tokens)."""
    override = os.environ.get("YEOUIDO_CONFIG_DIR")
    return Path(override) if override else Path(platformdirs.user_config_dir("yeouido"))
