"""The decision rules: when cfakey generates, keeps, adopts, or needs a confirmation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from robots._decide import Action, decide, is_due
from robots._store import KeyRecord

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
LATER = NOW + timedelta(days=200)
SOON = NOW + timedelta(days=10)


def run(portal_key: str | None, portal_exp: datetime | None, stored: KeyRecord, **kw: object):
    options = {"can_generate": True, "force": False, "within_days": 30, "now": NOW, **kw}
    return decide(portal_key, portal_exp, stored, **options)  # type: ignore[arg-type]


def test_no_key_at_the_portal_is_generated_without_overwriting() -> None:
    decision = run(None, None, KeyRecord())
    assert decision.action is Action.GENERATE
    assert decision.clicks_generate and not decision.overwrites


def test_stored_key_not_due_is_kept() -> None:
    assert run("k1", LATER, KeyRecord(key="k1")).action is Action.KEEP


def test_stored_key_due_is_renewed_with_overwrite() -> None:
    decision = run("k1", SOON, KeyRecord(key="k1"))
    assert decision.action is Action.RENEW and decision.overwrites


def test_expiry_comes_from_the_store_when_the_portal_shows_none() -> None:
    assert run("k1", None, KeyRecord(key="k1", expires_at=SOON)).action is Action.RENEW
    assert run("k1", None, KeyRecord(key="k1", expires_at=LATER)).action is Action.KEEP


def test_key_changed_outside_cfakey_is_adopted() -> None:
    decision = run("k2", LATER, KeyRecord(key="k1", expires_at=SOON))
    assert decision.action is Action.ADOPT
    assert decision.expires_at == LATER
    assert "changed outside cfakey" in decision.reason


def test_adopted_key_of_unknown_expiry_does_not_inherit_the_old_expiry() -> None:
    assert run("k2", None, KeyRecord(key="k1", expires_at=SOON)).expires_at is None


def test_force_on_a_key_not_due_needs_confirmation() -> None:
    decision = run("k1", LATER, KeyRecord(key="k1"), force=True)
    assert decision.action is Action.OVERWRITE and decision.overwrites


def test_force_on_a_due_key_is_an_ordinary_renewal() -> None:
    assert run("k1", SOON, KeyRecord(key="k1"), force=True).action is Action.RENEW


def test_read_only_portal_never_generates() -> None:
    assert run(None, None, KeyRecord(), can_generate=False).action is Action.READ_ONLY_MISSING
    assert run("k1", SOON, KeyRecord(key="k1"), can_generate=False).action is Action.KEEP
    assert run("k2", None, KeyRecord(key="k1"), can_generate=False, force=True).action is (
        Action.ADOPT
    )


@pytest.mark.parametrize(
    ("expires", "within", "due"),
    [(None, 30, False), (SOON, 30, True), (SOON, 5, False), (LATER, 365, True), (NOW, 0, True)],
)
def test_is_due(expires: datetime | None, within: int, due: bool) -> None:
    assert is_due(expires, NOW, within) is due
