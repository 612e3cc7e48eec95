"""Redaction: a password or key never reaches a log line, whatever carries it."""

from __future__ import annotations

import io
import json

from robots._logging import REDACTED, configure_logging, get_logger, redactor


def test_secrets_are_redacted_in_fields_messages_and_tracebacks() -> None:
    out = io.StringIO()
    configure_logging("json", stream=out)
    redactor.add("hunter2-password", "KEY-1234567890abcdef")
    log = get_logger(opco="ocapiat")
    log.info("read KEY-1234567890abcdef", nested={"pw": ["hunter2-password"]})
    try:
        raise RuntimeError("login with hunter2-password failed")
    except RuntimeError:
        log.exception("boom")
    text = out.getvalue()
    assert "hunter2-password" not in text and "KEY-1234567890abcdef" not in text
    lines = [json.loads(line) for line in text.splitlines()]
    assert lines[0]["event"] == f"read {REDACTED}"
    assert REDACTED in lines[1]["exception"]


def test_tracebacks_carry_no_local_variables() -> None:
    out = io.StringIO()
    configure_logging("json", stream=out)
    local_secret = "value-only-in-a-local"  # noqa: F841 - what a rich traceback would show
    try:
        raise ValueError("x")
    except ValueError:
        get_logger().exception("failed")
    assert "value-only-in-a-local" not in out.getvalue()


def test_console_format_is_readable_text() -> None:
    out = io.StringIO()
    configure_logging("console", stream=out)
    get_logger(opco="sante").warning("overwriting the current key")
    line = out.getvalue()
    assert "overwriting the current key" in line and "opco" in line
    assert not line.lstrip().startswith("{")
