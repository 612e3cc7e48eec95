"""What the per-portal tests share: a run's secrets check and a seeded store."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from robots._store import KeyStore
from robots.recorded import DEMO_PASSWORD, PortalServer

Serve = Callable[..., PortalServer]


class Run(Protocol):
    code: int
    out: str
    err: str


Cfakey = Callable[..., Run]


def now() -> datetime:
    return datetime.now(UTC)


def assert_no_secret(run: Run, *secrets: str | None) -> None:
    """Neither the password nor a key in anything the user sees (stdout, stderr, logs)."""
    text = run.out + run.err
    for secret in (DEMO_PASSWORD, *secrets):
        if secret:
            assert secret not in text


def only_result(run: Run) -> dict[str, Any]:
    """The one result of a ``--json`` run for one OPCO."""
    [result] = json.loads(run.out)
    assert isinstance(result, dict)
    return result


def seed(
    store: KeyStore, slug: str, key: str, expires_at: datetime | None, *, days_ago: int = 100
) -> None:
    """A key cfakey generated earlier."""
    store.save_key(
        slug,
        key,
        obtained_at=now() - timedelta(days=days_ago),
        expires_at=expires_at,
        source="generated",
    )


def log_lines(run: Run, text: str) -> list[int]:
    """The indexes of the stderr lines containing ``text``."""
    return [i for i, line in enumerate(run.err.splitlines()) if text in line]
