"""OPCO Santé (plateforme OF): one key per SIREN, valid 12 months, shown with its « Date
d'expiration »; « Générer ma clé » asks for a confirmation when it replaces a key."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from robots._store import KeyStore, fingerprint
from robots.portals._base import add_months
from robots.recorded import Scenario, sample_key

from .._support import Cfakey, Serve, assert_no_secret, log_lines, now, only_result, seed

pytestmark = pytest.mark.portal
PARIS = ZoneInfo("Europe/Paris")


def paris_day(moment: datetime) -> datetime:
    """The day the portal prints for ``moment`` (dd/mm/yyyy, Paris), at midnight Paris."""
    return datetime.combine(moment.astimezone(PARIS).date(), time(), tzinfo=PARIS)


def test_a_new_key_expires_twelve_months_after_its_generation(
    serve: Serve, cfakey: Cfakey, store: KeyStore
) -> None:
    app: Any = serve(sante=Scenario()).apps["sante"]
    before = now()

    run = cfakey("renew", "sante", "--json")

    assert run.code == 0, run.err
    result = only_result(run)
    assert result["outcome"] == "renewed"
    record = store.get("sante")
    assert record.key == app.key
    assert record.obtained_at is not None and before <= record.obtained_at <= now()
    assert record.expires_at is not None
    twelve_months = add_months(record.obtained_at, 12)
    assert abs(record.expires_at - twelve_months) < timedelta(days=1)
    assert record.expires_at == paris_day(app.key_expires_at)  # the date the page shows
    assert datetime.fromisoformat(result["expires_at"]) == record.expires_at
    assert app.generations == 1 and app.confirmations == 0  # nothing to replace: no dialog
    assert_no_secret(run, app.key)


@pytest.mark.parametrize("days_left", [45, 300])
def test_an_existing_key_is_adopted_with_the_expiry_the_page_shows(
    days_left: int, serve: Serve, cfakey: Cfakey, store: KeyStore
) -> None:
    shown = now() + timedelta(days=days_left)
    key = sample_key("sante")
    app: Any = serve(sante=Scenario(key=key, key_expires_at=shown)).apps["sante"]

    run = cfakey("renew", "sante", "--json")

    assert run.code == 0, run.err
    result = only_result(run)
    assert result["outcome"] == "adopted"
    record = store.get("sante")
    assert record.key == key
    assert record.source == "adopted"
    # Not twelve months from today: the key's own date, as printed (a day, Paris time).
    assert record.expires_at == paris_day(shown)
    assert datetime.fromisoformat(result["expires_at"]) == paris_day(shown)
    assert app.generations == 0
    assert_no_secret(run, key)


def test_an_adopted_key_is_renewed_by_due_when_its_shown_date_comes(
    serve: Serve, cfakey: Cfakey, store: KeyStore
) -> None:
    key = sample_key("sante")
    shown = now() + timedelta(days=45)
    app: Any = serve(sante=Scenario(key=key, key_expires_at=shown)).apps["sante"]
    assert cfakey("renew", "sante").code == 0

    not_yet = cfakey("renew", "sante", "--due", "--json")
    due = cfakey("renew", "sante", "--due", "--within", "60", "--json")

    assert only_result(not_yet)["outcome"] == "skipped"
    assert due.code == 0, due.err
    assert only_result(due)["outcome"] == "renewed"
    assert app.generations == 1 and app.confirmations == 1
    record = store.get("sante")
    assert record.key == app.key != key
    assert record.previous_fingerprint == fingerprint(key)
    assert_no_secret(due, key, app.key)


@pytest.mark.parametrize("portal_asks", [True, False], ids=["dialog", "no-dialog"])
def test_force_yes_overwrites_through_the_confirmation_dialog(
    portal_asks: bool, serve: Serve, cfakey: Cfakey, store: KeyStore
) -> None:
    later = now() + timedelta(days=200)
    old = sample_key("sante")
    app: Any = serve(
        sante=Scenario(key=old, key_expires_at=later, options={"confirm_overwrite": portal_asks})
    ).apps["sante"]
    seed(store, "sante", old, paris_day(later))

    run = cfakey("renew", "sante", "--force", "--yes", "--json")

    assert run.code == 0, run.err
    assert only_result(run)["outcome"] == "renewed"
    [warning] = log_lines(run, "overwriting the current key")
    [generating] = log_lines(run, "generating a key")
    assert warning < generating
    assert app.generations == 1
    assert app.confirmations == (1 if portal_asks else 0)
    record = store.get("sante")
    assert record.key == app.key != old
    assert record.previous_fingerprint == fingerprint(old)
    assert record.expires_at is not None
    assert abs(record.expires_at - add_months(now(), 12)) < timedelta(days=1)
    assert_no_secret(run, old, app.key)


def test_a_key_shown_without_its_dates_keeps_the_expiry_cfakey_stored(
    serve: Serve, cfakey: Cfakey, store: KeyStore
) -> None:
    key = sample_key("sante")
    expires = paris_day(now() + timedelta(days=40))
    app: Any = serve(sante=Scenario(key=key, options={"shows_dates": False})).apps["sante"]
    seed(store, "sante", key, expires)

    kept = cfakey("renew", "sante", "--json")
    due = cfakey("renew", "sante", "--due", "--within", "45", "--json")

    assert kept.code == 0, kept.err
    assert only_result(kept)["outcome"] == "up-to-date"
    assert only_result(kept)["expires_at"] is not None
    assert datetime.fromisoformat(only_result(kept)["expires_at"]) == expires
    assert due.code == 0, due.err
    assert only_result(due)["outcome"] == "renewed"  # by the stored date the page does not show
    assert app.generations == 1
    record = store.get("sante")
    assert record.key == app.key != key
    assert record.expires_at is not None
    assert abs(record.expires_at - add_months(now(), 12)) < timedelta(days=1)
    assert_no_secret(kept, key)
    assert_no_secret(due, key, app.key)


def test_redesign_dates_in_a_table_give_the_expiry(
    serve: Serve, cfakey: Cfakey, store: KeyStore
) -> None:
    expires = (now() + timedelta(days=200)).replace(hour=12, minute=0, second=0, microsecond=0)
    key = sample_key("sante")
    serve(sante=Scenario(key=key, key_expires_at=expires, options={"variant": "redesign"}))

    run = cfakey("renew", "sante", "--json")

    assert run.code == 0, run.err
    assert only_result(run)["outcome"] == "adopted"
    stored = store.get("sante")
    assert stored.key == key
    assert stored.expires_at is not None
    paris = ZoneInfo("Europe/Paris")
    assert stored.expires_at.astimezone(paris).date() == expires.astimezone(paris).date()
