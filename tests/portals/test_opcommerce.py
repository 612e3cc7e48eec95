"""L'Opcommerce (Web Services Partenaire, ASP.NET): login with a ReturnUrl redirect, a choice of
établissement, « Accrochage API » with the key's « Date d'expiration » (Paris time), which
``--due`` renews by; « Révoquer l'accès » is never clicked."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from robots._store import KeyStore
from robots.recorded import Scenario, sample_key

from .._support import Cfakey, Serve, assert_no_secret, now, only_result, seed

pytestmark = pytest.mark.portal
PARIS = ZoneInfo("Europe/Paris")


def in_days(days: int) -> datetime:
    """A moment ``days`` from now, to the minute, as the portal prints it."""
    return (now() + timedelta(days=days)).replace(second=0, microsecond=0)


@pytest.mark.parametrize(
    "shown",
    [
        # Summer time (UTC+2) and winter time (UTC+1): a UTC reading is off by 2 h or 1 h.
        datetime(2031, 7, 14, 23, 30, tzinfo=PARIS),
        datetime(2031, 1, 31, 0, 15, tzinfo=PARIS),
    ],
    ids=["summer", "winter"],
)
def test_the_pages_expiry_date_is_stored_in_paris_time(
    shown: datetime, serve: Serve, cfakey: Cfakey, store: KeyStore
) -> None:
    key = sample_key("opcommerce")
    app: Any = serve(opcommerce=Scenario(key=key, key_expires_at=shown)).apps["opcommerce"]

    run = cfakey("renew", "opcommerce", "--json")

    assert run.code == 0, run.err
    result = only_result(run)
    assert result["outcome"] == "adopted"
    assert datetime.fromisoformat(result["expires_at"]) == shown
    record = store.get("opcommerce")
    assert record.key == key
    assert record.expires_at == shown
    assert app.generations == 0
    assert_no_secret(run, key)


def test_a_generated_keys_expiry_is_the_one_the_portal_shows(
    serve: Serve, cfakey: Cfakey, store: KeyStore
) -> None:
    app: Any = serve(opcommerce=Scenario(options={"validity_days": 200})).apps["opcommerce"]

    run = cfakey("renew", "opcommerce", "--json")

    assert run.code == 0, run.err
    assert only_result(run)["outcome"] == "renewed"
    record = store.get("opcommerce")
    assert record.key == app.key
    assert app.key_expires_at is not None
    assert record.expires_at == app.key_expires_at  # 200 days, not a guessed 365
    assert_no_secret(run, app.key)


@pytest.mark.parametrize(
    ("days_left", "within", "outcome"),
    [(20, "30", "renewed"), (60, "30", "skipped"), (60, "90", "renewed")],
)
def test_due_renews_by_the_portals_expiry_date(
    days_left: int,
    within: str,
    outcome: str,
    serve: Serve,
    cfakey: Cfakey,
    store: KeyStore,
) -> None:
    expires = in_days(days_left)
    old = sample_key("opcommerce")
    app: Any = serve(opcommerce=Scenario(key=old, key_expires_at=expires)).apps["opcommerce"]
    seed(store, "opcommerce", old, expires)

    run = cfakey("renew", "opcommerce", "--due", "--within", within, "--json")

    assert run.code == 0, run.err
    result = only_result(run)
    assert result["outcome"] == outcome
    record = store.get("opcommerce")
    if outcome == "renewed":
        assert app.generations == 1
        assert record.key == app.key != old
        assert record.expires_at == app.key_expires_at
        assert record.expires_at is not None and record.expires_at > expires
    else:
        assert app.logins == 0  # the stored expiry says it all: the portal is not opened
        assert app.generations == 0
        assert record.key == old
        assert record.expires_at == expires
    assert app.revoke_clicks == app.revocations == 0
    assert_no_secret(run, old, app.key)


def test_revoke_is_never_clicked_across_fresh_adopt_and_forced_runs(
    serve: Serve, cfakey: Cfakey, store: KeyStore
) -> None:
    app: Any = serve(opcommerce=Scenario()).apps["opcommerce"]

    fresh = cfakey("renew", "opcommerce", "--json")
    kept = cfakey("renew", "opcommerce", "--json")
    forced = cfakey("renew", "opcommerce", "--force", "--yes", "--json")

    assert [only_result(r)["outcome"] for r in (fresh, kept, forced)] == [
        "renewed",
        "up-to-date",
        "renewed",
    ]
    assert app.revoke_clicks == 0  # not even pressed (a dismissed confirm() revokes nothing)
    assert app.revocations == 0
    assert app.generations == 2
    assert app.key is not None
    assert store.get("opcommerce").key == app.key
    for run in (fresh, kept, forced):
        assert_no_secret(run, app.key)


def test_an_account_with_one_site_has_no_site_list_and_works(
    serve: Serve, cfakey: Cfakey, store: KeyStore
) -> None:
    app: Any = serve(
        opcommerce=Scenario(options={"sites": ["CFA DU COMMERCE ET DES SERVICES - SIEGE"]})
    ).apps["opcommerce"]

    run = cfakey("renew", "opcommerce", "--json")

    assert run.code == 0, run.err
    assert only_result(run)["outcome"] == "renewed"
    assert store.get("opcommerce").key == app.key
    assert app.generations == 1 and app.logins == 1
    assert_no_secret(run, app.key)


def test_an_account_with_several_sites_logs_in_once_through_the_site_list(
    serve: Serve, cfakey: Cfakey, store: KeyStore
) -> None:
    sites = ["CFA A - SIEGE", "CFA A - ANTENNE DE NANTES", "CFA A - ANTENNE DE LILLE"]
    app: Any = serve(opcommerce=Scenario(options={"sites": sites})).apps["opcommerce"]

    run = cfakey("renew", "opcommerce", "--json")

    assert run.code == 0, run.err
    assert only_result(run)["outcome"] == "renewed"
    assert store.get("opcommerce").key == app.key
    assert app.logins == 1 and app.failed_logins == 0
    assert_no_secret(run, app.key)


def test_redesign_expiry_beside_its_label_is_read(
    serve: Serve, cfakey: Cfakey, store: KeyStore
) -> None:
    expires = (now() + timedelta(days=200)).replace(second=0, microsecond=0)
    key = sample_key("opcommerce")
    serve(opcommerce=Scenario(key=key, key_expires_at=expires, options={"variant": "redesign"}))

    run = cfakey("renew", "opcommerce", "--json")

    assert run.code == 0, run.err
    assert only_result(run)["outcome"] == "adopted"
    stored = store.get("opcommerce")
    assert stored.key == key
    assert stored.expires_at == expires
