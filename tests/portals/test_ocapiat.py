"""OCAPIAT beyond the shared matrix: the lifetime setting, and what happens when the portal
fails around « Générer ma clé CFA » (re-read, never re-click)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from robots._store import KeyStore
from robots.recorded import Scenario

from .._support import Cfakey, Serve, assert_no_secret, log_lines, now, only_result


def test_lifetime_setting_is_the_one_chosen_and_gives_the_expiry(
    serve: Serve, cfakey: Cfakey, store: KeyStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CFAKEY_OCAPIAT__LIFETIME_MONTHS", "6")
    app = serve(ocapiat=Scenario()).apps["ocapiat"]

    run = cfakey("renew", "ocapiat", "--json")

    assert run.code == 0, run.err
    assert app.lifetime_months == 6
    expires_at = store.get("ocapiat").expires_at
    assert expires_at is not None
    assert timedelta(days=180) <= expires_at - now() <= timedelta(days=185)


def test_lifetime_the_portal_does_not_offer_is_a_configuration_error(
    serve: Serve, cfakey: Cfakey, store: KeyStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CFAKEY_OCAPIAT__LIFETIME_MONTHS", "7")
    app = serve(ocapiat=Scenario()).apps["ocapiat"]

    run = cfakey("renew", "ocapiat", "--json")

    assert run.code == 2
    error = only_result(run)["error"]
    assert "7 mois" in error and "12 mois" in error
    assert "CFAKEY_OCAPIAT__LIFETIME_MONTHS" in error
    assert app.generate_requests == 0
    assert store.get("ocapiat").key is None


def test_key_made_but_answer_lost_is_found_by_re_reading_and_stored(
    serve: Serve, cfakey: Cfakey, store: KeyStore
) -> None:
    old = "0" * 36
    app = serve(ocapiat=Scenario(key=old, options={"response_lost": True})).apps["ocapiat"]

    run = cfakey("renew", "ocapiat", "--force", "--yes", "--json")

    assert run.code == 0, run.err
    assert only_result(run)["outcome"] == "renewed"
    assert app.generate_requests == 1  # one click: the new key was found by reading
    assert app.generations == 1
    assert store.get("ocapiat").key == app.key != old
    assert log_lines(run, "re-reading the portal")
    assert_no_secret(run, old, app.key)


def test_failed_generation_is_not_clicked_again_and_keeps_the_old_key(
    serve: Serve, cfakey: Cfakey, store: KeyStore
) -> None:
    old = "0" * 36
    app = serve(ocapiat=Scenario(key=old, options={"generation_fails": True})).apps["ocapiat"]

    run = cfakey("renew", "ocapiat", "--force", "--yes", "--json")

    assert run.code == 1
    result = only_result(run)
    assert result["outcome"] == "failed"
    assert "Erreur technique" in result["error"] and "try again later" in result["error"]
    assert app.generate_requests == 1
    assert app.generations == 0
    assert store.get("ocapiat").key == old  # adopted before the attempt, never lost
