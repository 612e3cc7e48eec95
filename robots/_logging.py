"""Logging with structlog: readable on a terminal, JSON lines otherwise, and every secret
(configured passwords, keys read, one-time links) replaced wherever it appears — in fields,
messages and exception text. Tracebacks never carry local variables."""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Iterable
from typing import Any, Literal, TextIO

import structlog
from structlog.typing import EventDict, WrappedLogger

REDACTED = "«secret»"
_MIN_SECRET = 4  # shorter values would blank out ordinary words


class Redactor:
    """The set of values that must never be printed, and the function that hides them."""

    def __init__(self) -> None:
        self._secrets: set[str] = set()
        self._lock = threading.Lock()

    def add(self, *values: str | None) -> None:
        with self._lock:
            for value in values:
                if value and len(value) >= _MIN_SECRET:
                    self._secrets.add(value)

    def clear(self) -> None:
        with self._lock:
            self._secrets.clear()

    def redact(self, text: str) -> str:
        # Longest first, so a secret that contains another is hidden whole.
        for secret in sorted(self._secrets, key=len, reverse=True):
            if secret in text:
                text = text.replace(secret, REDACTED)
        return text

    def redact_value(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.redact(value)
        if isinstance(value, dict):
            return {k: self.redact_value(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return type(value)(self.redact_value(v) for v in value)
        if isinstance(value, BaseException):
            return self.redact(f"{type(value).__name__}: {value}")
        return value

    def __call__(self, _logger: WrappedLogger, _name: str, event_dict: EventDict) -> EventDict:
        return {k: self.redact_value(v) for k, v in event_dict.items()}


redactor = Redactor()


def configure_logging(
    fmt: Literal["auto", "console", "json"] = "auto",
    *,
    stream: TextIO | None = None,
    level: int = logging.INFO,
) -> None:
    """Send structlog to ``stream`` (stderr), redacted, as console text or JSON lines."""
    out = stream or sys.stderr
    if fmt == "auto":
        fmt = "console" if out.isatty() else "json"
    renderer: Any
    if fmt == "console":
        renderer = structlog.dev.ConsoleRenderer(
            colors=out.isatty(), exception_formatter=structlog.dev.plain_traceback
        )
        pre: list[Any] = [structlog.processors.TimeStamper(fmt="%H:%M:%S")]
    else:
        renderer = structlog.processors.JSONRenderer(ensure_ascii=False)
        pre = [structlog.processors.TimeStamper(fmt="iso", utc=True)]
    processors: Iterable[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        *pre,
        # Exceptions become plain text (no locals) before redaction sees them.
        structlog.processors.format_exc_info,
        redactor,
        renderer,
    ]
    structlog.configure(
        processors=list(processors),
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=structlog.PrintLoggerFactory(out),
        cache_logger_on_first_use=False,
    )


def get_logger(**context: Any) -> Any:
    return structlog.get_logger("cfakey").bind(**context)
