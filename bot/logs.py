"""Logging set-up for ``dosay serve``: one JSON object per line (``DOSAY_LOG_FORMAT=json``, the
container default) or human-readable lines (``text``, the default on a laptop).

dosay never logs tokens or message text; as a second line of defence every record passes through
``Redact``, which masks anything shaped like a Slack token or a bearer credential, and the chatty
third-party loggers that print request bodies at DEBUG (slack_sdk, slack_bolt) are held at WARNING.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime
from typing import Literal

LogFormat = Literal["json", "text"]

_SECRET = re.compile(r"\b(?:xox[abposr]|xapp)-[A-Za-z0-9-]+|(?i:bearer)\s+[A-Za-z0-9._~+/=-]+")
_QUIET = ("slack_sdk", "slack_bolt", "alembic", "botbuilder", "msrest", "urllib3", "aiohttp.access")
#: LogRecord attributes that are not user-supplied ``extra=`` fields.
_STANDARD = set(vars(logging.LogRecord("x", 0, "x", 0, "x", None, None))) | {"message", "asctime"}


def redact(text: str) -> str:
    return _SECRET.sub("[redacted]", text)


class Redact(logging.Filter):
    """Mask token-shaped strings in the formatted message (args are merged first)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True


class JsonFormatter(logging.Formatter):
    """``{"ts", "level", "logger", "msg", ...extra, "exc_type"}`` — one line, no traceback text
    (a traceback can quote local values); the exception type is enough to find the code path."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": redact(record.getMessage()),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                out[key] = value if isinstance(value, int | float | bool | None) else redact(str(value))
        if record.exc_info and record.exc_info[0] is not None:
            out["exc_type"] = record.exc_info[0].__name__
        return json.dumps(out, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def formatter(fmt: LogFormat) -> logging.Formatter:
    return JsonFormatter() if fmt == "json" else TextFormatter()


def configure_logging(fmt: LogFormat = "text", *, level: int = logging.INFO) -> logging.Handler:
    """Replace the root handlers with one stderr handler in ``fmt``; returns it (tests swap its stream)."""
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    handler = logging.StreamHandler()
    handler.setFormatter(formatter(fmt))
    handler.addFilter(Redact())
    root.addHandler(handler)
    root.setLevel(level)
    for name in _QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)
    return handler
