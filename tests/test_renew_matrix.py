"""The behaviour every portal owes its users, run against each recorded portal with a real
headless Chromium: the same matrix for all, parametrized by portal."""

from __future__ import annotations

import json
import stat
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from robots._store import KeyStore
from robots.recorded import PortalServer, Scenario

from ._support import assert_no_secret
from .portal_cases import CASES, GENERATING, Case

pytestmark = pytest.mark.portal
Serve = Callable[..., PortalServer]
NOW = datetime.now(UTC)


def with_key(serve: Serve, store: KeyStore, case: Case, days_left: int) -> tuple[Any, str]:
    """The portal and the store hold the same key, expiring in ``days_left`` days."""
    expires_at = NOW + timedelta(days=days_left)
    key = case.sample_key(expires_at)
    app = serve(**{case.slug: Scenario(key=key, key_expires_at=expires_at)}).apps[case.slug]
    store.save_key(
        case.slug,
        key,
        obtained_at=NOW - timedelta(days=100),
        expires_at=expires_at,
        source="generated",
    )
    return app, key


@pytest.mark.parametrize("case", CASES, ids=str)
def test_fresh_portal_renews_and_stores_the_portals_key(
    case: Case, serve: Serve, cfakey: Callable[..., object], store: KeyStore
) -> None:
    # A read-only portal (Atlas) always has a key of its own making: the robot adopts it.
    scenario = Scenario() if case.generates else Scenario(key=case.sample_key())
    app = serve(**{case.slug: scenario}).apps[case.slug]

    run = cfakey("renew", case.slug, "--json")

    assert run.code == 0, run.err
    [result] = json.loads(run.out)
    assert result["outcome"] == ("renewed" if case.generates else "adopted")
    assert result["error"] is None
    record = store.get(case.slug)
    assert record.key == app.key
    assert app.generations == (1 if case.generates else 0)
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(store.path.parent.stat().st_mode) == 0o700
    assert_no_secret(run, app.key)


@pytest.mark.parametrize("case", [c for c in CASES if c.shows_key], ids=str)
def test_key_present_and_not_due_is_adopted_then_kept_without_a_click(
    case: Case, serve: Serve, cfakey: Callable[..., object], store: KeyStore
) -> None:
    expires = NOW + timedelta(days=200)
    key = case.sample_key(expires)
    app = serve(**{case.slug: Scenario(key=key, key_expires_at=expires)}).apps[case.slug]

    first = cfakey("renew", case.slug, "--json")
    second = cfakey("renew", case.slug, "--json")

    assert first.code == 0, first.err
    assert json.loads(first.out)[0]["outcome"] == "adopted"
    assert "adopting" in first.err
    assert second.code == 0, second.err
    assert json.loads(second.out)[0]["outcome"] == "up-to-date"
    assert store.get(case.slug).key == key
    assert store.get(case.slug).source == "adopted"
    assert app.generations == 0
    assert_no_secret(first, key)
    assert_no_secret(second, key)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_second_run_with_due_opens_nothing(
    case: Case, serve: Serve, cfakey: Callable[..., object], store: KeyStore
) -> None:
    scenario = Scenario() if case.generates else Scenario(key=case.sample_key())
    app = serve(**{case.slug: scenario}).apps[case.slug]
    assert cfakey("renew", case.slug).code == 0
    logins, generations = app.logins, app.generations

    run = cfakey("renew", case.slug, "--due", "--json")

    assert run.code == 0, run.err
    assert json.loads(run.out)[0]["outcome"] in ("skipped", "up-to-date")
    assert app.generations == generations
    if store.get(case.slug).expires_at is not None:  # known expiry: no need to log in at all
        assert app.logins == logins


@pytest.mark.parametrize("case", GENERATING, ids=str)
def test_due_key_is_renewed_with_a_warning_first(
    case: Case, serve: Serve, cfakey: Callable[..., object], store: KeyStore
) -> None:
    app, old = with_key(serve, store, case, days_left=10)
    soon = store.get(case.slug).expires_at
    assert soon is not None

    run = cfakey("renew", case.slug, "--due", "--json")

    assert run.code == 0, run.err
    assert json.loads(run.out)[0]["outcome"] == "renewed"
    warning = next(line for line in run.err.splitlines() if "overwriting" in line)
    assert case.slug in warning and "software" in warning
    record = store.get(case.slug)
    assert record.key == app.key != old
    # The old key's expiry is never carried over; Afdas shows none and its keys do not expire.
    assert record.expires_at is None or record.expires_at > soon
    assert (record.expires_at is None) == (case.slug == "afdas")
    assert record.previous_fingerprint is not None
    assert app.generations == 1
    assert_no_secret(run, old, app.key)


@pytest.mark.parametrize("case", GENERATING, ids=str)
def test_force_without_yes_and_without_terminal_refuses(
    case: Case, serve: Serve, cfakey: Callable[..., object], store: KeyStore
) -> None:
    app, key = with_key(serve, store, case, days_left=200)

    run = cfakey("renew", case.slug, "--force", "--json")

    assert run.code == 3
    [result] = json.loads(run.out)
    assert result["outcome"] == "refused"
    assert "--yes" in result["error"]
    assert app.generations == 0
    assert store.get(case.slug).key == key
    assert_no_secret(run, key)


@pytest.mark.parametrize("case", GENERATING, ids=str)
def test_force_with_yes_stores_a_new_key(
    case: Case, serve: Serve, cfakey: Callable[..., object], store: KeyStore
) -> None:
    app, key = with_key(serve, store, case, days_left=200)

    run = cfakey("renew", case.slug, "--force", "--yes", "--json")

    assert run.code == 0, run.err
    assert json.loads(run.out)[0]["outcome"] == "renewed"
    assert app.generations == 1
    assert store.get(case.slug).key == app.key != key
    assert_no_secret(run, key, app.key)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_dry_run_clicks_nothing_and_writes_nothing(
    case: Case, serve: Serve, cfakey: Callable[..., object], store: KeyStore
) -> None:
    scenario = Scenario() if case.generates else Scenario(key=case.sample_key())
    app = serve(**{case.slug: scenario}).apps[case.slug]

    run = cfakey("renew", case.slug, "--dry-run", "--json")

    assert run.code == 0, run.err
    [result] = json.loads(run.out)
    assert result["dry_run"] is True
    assert result["action"].startswith("would ")
    assert app.generations == 0
    assert not store.path.exists()


@pytest.mark.parametrize("case", CASES, ids=str)
def test_wrong_password_fails_clearly_once_and_stores_nothing(
    case: Case, serve: Serve, cfakey: Callable[..., object], store: KeyStore
) -> None:
    app = serve(**{case.slug: Scenario(password="another-password")}).apps[case.slug]

    run = cfakey("renew", case.slug, "--json")

    assert run.code == 1
    [result] = json.loads(run.out)
    assert result["outcome"] == "failed"
    assert f"CFAKEY_{case.slug.upper()}__PASSWORD" in result["error"]
    assert "refused the username or password" in result["error"]
    assert app.failed_logins == 1  # never retried: a lockout would cost the CFA more
    assert store.get(case.slug).key is None
    assert_no_secret(run, "another-password")


@pytest.mark.parametrize("case", CASES, ids=str)
def test_cookie_banner_is_dismissed(
    case: Case, serve: Serve, cfakey: Callable[..., object], store: KeyStore
) -> None:
    scenario = Scenario(cookie_banner=True)
    if not case.generates:
        scenario.key = case.sample_key()
    app = serve(**{case.slug: scenario}).apps[case.slug]

    run = cfakey("renew", case.slug, "--json")

    assert run.code == 0, run.err
    assert json.loads(run.out)[0]["outcome"] in ("renewed", "adopted")
    assert store.get(case.slug).key == app.key
