"""Afdas (MyA, Salesforce): only the head office (siège social) can generate the « Identifiant
API CFA », which every company of its SIREN shares; generating overwrites it, and a failed
generation is never clicked again."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import pytest

from robots._store import KeyStore
from robots.recorded import Scenario, sample_key

from .._support import Cfakey, Serve, assert_no_secret, log_lines, now, only_result, seed

pytestmark = pytest.mark.portal
TIMEOUT_SECONDS = 8  # CFAKEY_TIMEOUT_SECONDS in tests/conftest.py
# Logging in and opening « Mon Compte » takes 2-3 s; waiting for a button that never comes would
# add the whole timeout on top of that.
FAST_SECONDS = TIMEOUT_SECONDS - 2
# The recorded MyA, and the same portal in another agency's markup (tests/test_markup_drift.py):
# what only Afdas does (no button off the head office, a confirmation, a refused generation) must
# be recognised in both.
VARIANTS = pytest.mark.parametrize("variant", [{}, {"variant": "redesign"}], ids=["", "redesign"])


@VARIANTS
def test_an_account_without_the_button_fails_fast_naming_the_head_office(
    variant: dict[str, str], serve: Serve, cfakey: Cfakey, store: KeyStore
) -> None:
    app: Any = serve(afdas=Scenario(options={"siege": False, **variant})).apps["afdas"]

    started = time.monotonic()
    run = cfakey("renew", "afdas", "--json")
    elapsed = time.monotonic() - started

    assert run.code == 1
    result = only_result(run)
    assert result["outcome"] == "failed"
    error = result["error"]
    assert "siège social" in error and "head office" in error
    assert "SIREN" in error
    assert "not found" not in error  # not mistaken for a changed page
    assert elapsed < FAST_SECONDS, f"{elapsed:.1f} s: it waited for a button that never comes"
    assert app.generate_calls == 0
    assert app.generations == 0
    assert store.get("afdas").key is None
    assert_no_secret(run)


def test_an_account_without_the_button_adopts_the_identifier_its_head_office_shares(
    serve: Serve, cfakey: Cfakey, store: KeyStore
) -> None:
    shared = sample_key("afdas")
    app: Any = serve(afdas=Scenario(key=shared, options={"siege": False})).apps["afdas"]

    run = cfakey("renew", "afdas", "--json")

    assert run.code == 0, run.err
    result = only_result(run)
    assert result["outcome"] == "adopted"
    assert result["expires_at"] is None  # MyA shows no expiry
    record = store.get("afdas")
    assert record.key == shared
    assert record.source == "adopted"
    assert record.expires_at is None
    assert app.generate_calls == 0
    assert_no_secret(run, shared)


@VARIANTS
def test_a_failed_generation_is_clicked_once_stores_nothing_and_says_what_to_do(
    variant: dict[str, str], serve: Serve, cfakey: Cfakey, store: KeyStore
) -> None:
    app: Any = serve(afdas=Scenario(options={"generation_fails": True, **variant})).apps["afdas"]

    run = cfakey("renew", "afdas", "--json")

    assert run.code == 1
    result = only_result(run)
    assert result["outcome"] == "failed"
    error = result["error"]
    assert "did not generate" in error
    # What to do: the portal's own advice (its support address) and the robot's.
    assert "a.davin@afdas.com" in error
    assert "try again later" in error
    assert app.generate_calls == 1  # never clicked again, not even by a retry of the run
    assert app.generations == 0
    assert store.get("afdas").key is None
    assert store.get("afdas").last_outcome == "failed"
    assert_no_secret(run)


def test_a_failed_overwrite_keeps_the_stored_identifier(
    serve: Serve, cfakey: Cfakey, store: KeyStore
) -> None:
    old = sample_key("afdas")
    app: Any = serve(afdas=Scenario(key=old, options={"generation_fails": True})).apps["afdas"]
    seed(store, "afdas", old, None)

    run = cfakey("renew", "afdas", "--force", "--yes", "--json")

    assert run.code == 1
    assert only_result(run)["outcome"] == "failed"
    assert app.generate_calls == 1
    assert app.key == old
    record = store.get("afdas")
    assert record.key == old
    assert record.previous_fingerprint is None
    assert_no_secret(run, old)


@pytest.mark.parametrize("confirmation", ["existing", "always", "never"])
def test_overwriting_warns_before_the_click_whatever_the_portal_asks(
    confirmation: str, serve: Serve, cfakey: Cfakey, store: KeyStore
) -> None:
    old = sample_key("afdas")
    app: Any = serve(afdas=Scenario(key=old, options={"confirmation": confirmation})).apps["afdas"]
    seed(store, "afdas", old, None)

    run = cfakey("renew", "afdas", "--force", "--yes", "--json")

    assert run.code == 0, run.err
    result = only_result(run)
    assert result["outcome"] == "renewed"
    assert result["expires_at"] is None
    [warning] = log_lines(run, "overwriting the current key")
    [generating] = log_lines(run, "generating a key")
    assert warning < generating
    assert "Afdas" in run.err.splitlines()[warning]
    assert app.generate_calls == app.generations == 1
    record = store.get("afdas")
    assert record.key == app.key != old
    assert record.expires_at is None
    assert record.obtained_at is not None and now() - record.obtained_at < timedelta(minutes=1)
    assert_no_secret(run, old, app.key)


@VARIANTS
def test_a_first_identifier_asked_to_be_confirmed_is_generated_without_a_warning(
    variant: dict[str, str], serve: Serve, cfakey: Cfakey, store: KeyStore
) -> None:
    app: Any = serve(afdas=Scenario(options={"confirmation": "always", **variant})).apps["afdas"]

    run = cfakey("renew", "afdas", "--json")

    assert run.code == 0, run.err
    assert only_result(run)["outcome"] == "renewed"
    assert not log_lines(run, "overwriting")  # nothing existed to overwrite
    assert app.generate_calls == app.generations == 1
    assert store.get("afdas").key == app.key
    assert_no_secret(run, app.key)
