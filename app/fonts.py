"""The Chinese TrueType font the PDF exports embed.

reportlab's built-in CID fonts (STSong-Light…) are not embedded: they only display where the
reader has an Asian font pack. A TrueType font is embedded as a subset of the glyphs used, so
the PDF looks the same everywhere. Debian's ``fonts-wqy-zenhei`` provides one; the setting
``CJK_FONT_PATH`` (environment ``CERTPATH_CJK_FONT_PATH``) points elsewhere.
"""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

from flask import current_app, has_app_context
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

DEFAULT_CJK_FONT_PATH = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
FONT_NAME = "CertpathCJK"

_lock = threading.Lock()
_registered: dict[str, str] = {}  # font file path -> reportlab font name


class FontUnavailable(RuntimeError):
    """The Chinese font file is missing or unreadable: PDF exports cannot be built."""

    def __init__(self, path: str, reason: str = "file not found") -> None:
        super().__init__(
            f"Chinese font for PDF exports unavailable at {path!r} ({reason}). "
            "Install it with `apt-get install fonts-wqy-zenhei`, or set CERTPATH_CJK_FONT_PATH "
            "to a TrueType font (.ttf/.ttc) that covers Chinese."
        )
        self.path = path


def cjk_font_path() -> str:
    """The configured font file: app setting, then environment, then the Debian package's."""
    configured = current_app.config.get("CJK_FONT_PATH") if has_app_context() else None
    # The environment is read directly as well, so the variable works even where the setting
    # has not been declared among the config defaults.
    return configured or os.environ.get("CERTPATH_CJK_FONT_PATH") or DEFAULT_CJK_FONT_PATH


def cjk_font() -> str:
    """Register the Chinese font with reportlab (once per file) and return its font name."""
    path = cjk_font_path()
    with _lock:
        name = _registered.get(path)
        if name is None:
            name = _register(path)
            _registered[path] = name
        return name


def clear_cache() -> None:
    """Forget registrations (tests switching ``CJK_FONT_PATH``)."""
    with _lock:
        _registered.clear()


def _register(path: str) -> str:
    if not Path(path).is_file():
        raise FontUnavailable(path)
    # A distinct name per non-default file: re-registering one name with another face would
    # change fonts under documents already laid out with the old metrics.
    name = FONT_NAME
    if path != DEFAULT_CJK_FONT_PATH:
        name += "-" + hashlib.sha256(path.encode()).hexdigest()[:8]
    try:
        # subfontIndex 0 of a .ttc is the proportional face (WenQuanYi Zen Hei); ignored for .ttf.
        font = TTFont(name, path, subfontIndex=0)
    except (TTFError, OSError) as exc:
        raise FontUnavailable(path, str(exc)) from exc
    pdfmetrics.registerFont(font)
    # One face only: map bold/italic to it so paragraph markup never looks for a missing font.
    for bold in (0, 1):
        for italic in (0, 1):
            addMapping(name, bold, italic, name)
    return name
