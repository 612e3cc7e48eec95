"""OPCO Mobilités: an SSO that e-mails a one-time code (three attempts, then the account is
blocked), a browser session kept beside the store so a nightly run needs no code, a key per SIRET
shown once in a pop-in, valid 365 days; the portal never shows the current key."""

from __future__ import annotations

import functools
import json
import stat
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from robots._logging import redactor
from robots._runner import RenewOptions
from robots._store import KeyStore
from robots.recorded import DEMO_PASSWORD, PortalServer, Scenario

pytestmark = pytest.mark.portal
Serve = Callable[..., PortalServer]
SLUG = "mobilites"
OTP_VARIABLE = "CFAKEY_MOBILITES__OTP_COMMAND"
SIRET_VARIABLE = "CFAKEY_MOBILITES__SIRET"
SIRET_A, SIRET_B = "12345678900011", "12345678900029"


@pytest.fixture(autouse=True)
def fresh_redactor() -> None:
    """The redactor is process-wide: a code registered by an earlier test (in-process runs)
    would blank digits of this test's messages."""
    redactor.clear()


def start(serve: Serve, **options: Any) -> Any:
    """The recorded portal (its App, for the counters) with the given scenario options."""
    return serve(mobilites=Scenario(options=options)).apps[SLUG]


def session_file(store: KeyStore) -> Path:
    return store.path.with_name(f"{SLUG}.session.json")


def result_of(run: Any) -> dict[str, Any]:
    [result] = json.loads(run.out)
    assert result["opco"] == SLUG
    return result


def assert_no_secret(run: Any, *secrets: str | None) -> None:
    text = run.out + run.err
    for secret in (DEMO_PASSWORD, *secrets):
        if secret:
            assert secret not in text


def sent_code(tmp_path: Path) -> str:
    return (tmp_path / "outbox" / f"{SLUG}-code.txt").read_text(encoding="utf-8")


def test_fresh_run_signs_in_with_one_code_and_stores_a_365_day_key(
    serve: Serve, cfakey: Callable[..., Any], store: KeyStore, tmp_path: Path
) -> None:
    app = start(serve)

    run = cfakey("renew", SLUG, "--json")

    assert run.code == 0, run.err
    result = result_of(run)
    assert result["outcome"] == "renewed"
    assert (app.codes_sent, app.code_attempts, app.generations) == (1, 1, 1)
    record = store.get(SLUG)
    assert record.key == app.keys["99999999900009"]
    assert record.source == "generated"
    expected = datetime.now(UTC) + timedelta(days=365)
    assert record.expires_at is not None
    assert abs(record.expires_at - expected) < timedelta(minutes=5)
    assert abs(datetime.fromisoformat(result["expires_at"]) - expected) < timedelta(minutes=5)
    assert_no_secret(run, record.key, sent_code(tmp_path))


def test_session_is_kept_0600_beside_the_store_and_a_forced_rerun_needs_no_code(
    serve: Serve, cfakey: Callable[..., Any], store: KeyStore
) -> None:
    app = start(serve)
    assert cfakey("renew", SLUG).code == 0
    first_key = store.get(SLUG).key
    session = session_file(store)
    assert session.is_file()
    assert stat.S_IMODE(session.stat().st_mode) == 0o600
    saved = session.read_text(encoding="utf-8")
    assert "KEYCLOAK_SESSION_MOBILITES" in saved
    assert first_key is not None and first_key not in saved  # a key lives in the store only

    run = cfakey("renew", SLUG, "--force", "--yes", "--json")

    assert run.code == 0, run.err
    assert result_of(run)["outcome"] == "renewed"
    assert app.codes_sent == 1  # the saved session held: no new code e-mailed
    assert app.code_attempts == 1
    assert app.logins == 1
    assert app.generations == 2
    assert store.get(SLUG).key == app.keys["99999999900009"] != first_key
    assert stat.S_IMODE(session.stat().st_mode) == 0o600
    assert_no_secret(run, first_key, store.get(SLUG).key)


def test_session_expired_on_the_server_signs_in_again_with_a_new_code(
    serve: Serve, cfakey: Callable[..., Any], store: KeyStore
) -> None:
    app = start(serve, session_days=30)
    assert cfakey("renew", SLUG).code == 0
    assert app.codes_sent == 1
    app.advance(days=31)  # the browser still holds the cookie; the SSO has forgotten it

    run = cfakey("renew", SLUG, "--force", "--yes", "--json")

    assert run.code == 0, run.err
    assert result_of(run)["outcome"] == "renewed"
    assert app.codes_sent == 2
    assert app.code_attempts == 2
    assert app.logins == 2
    assert app.generations == 2
    assert store.get(SLUG).key == app.keys["99999999900009"]
    assert stat.S_IMODE(session_file(store).stat().st_mode) == 0o600


def test_headless_without_otp_command_stops_before_using_an_attempt(
    serve: Serve, cfakey: Callable[..., Any], store: KeyStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = start(serve)
    monkeypatch.delenv(OTP_VARIABLE)

    run = cfakey("renew", SLUG, "--json")

    assert run.code == 1
    result = result_of(run)
    assert result["outcome"] == "failed"
    assert OTP_VARIABLE in result["error"]
    assert "one-time code" in result["error"]
    assert app.code_attempts == 0
    assert app.codes_sent == 0 and app.logins == 0  # the password was not even sent
    assert not app.blocked
    assert app.generations == 0
    assert store.get(SLUG).key is None
    assert not session_file(store).exists()


def test_rejected_code_stops_the_run_after_one_attempt(
    serve: Serve,
    cfakey: Callable[..., Any],
    store: KeyStore,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    app = start(serve)
    # The mailbox script reads a stale code: the one e-mailed, plus one.
    outbox_code = tmp_path / "outbox" / f"{SLUG}-code.txt"
    stale = "awk '{printf \"%06d\\n\", ($1 + 1) % 1000000}' "
    monkeypatch.setenv(OTP_VARIABLE, stale + str(outbox_code))

    run = cfakey("renew", SLUG, "--json")

    assert run.code == 1
    result = result_of(run)
    assert result["outcome"] == "failed"
    assert "refused the verification code" in result["error"]
    assert "block" in result["error"]  # says why it did not try again
    assert app.code_attempts == 1  # two attempts left for a person
    assert app.codes_sent == 1
    assert not app.blocked
    assert app.generations == 0
    assert store.get(SLUG).key is None
    assert not session_file(store).exists()


def test_code_typed_on_a_terminal_is_used_when_no_command_is_set(
    serve: Serve, cfakey: Callable[..., Any], store: KeyStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = start(serve)
    monkeypatch.delenv(OTP_VARIABLE)
    # A terminal: stdin is a TTY for the run; the code e-mailed is made known in advance.
    on_a_terminal = functools.partial(RenewOptions, interactive=True)
    monkeypatch.setattr("robots._cli.RenewOptions", on_a_terminal)
    send = app._send_code

    def send_known_code(pending: dict[str, Any]) -> None:
        send(pending)
        pending["code"] = "424242"

    monkeypatch.setattr(app, "_send_code", send_known_code)

    run = cfakey("renew", SLUG, "--json", stdin="424242\n")

    assert run.code == 0, run.err
    assert result_of(run)["outcome"] == "renewed"
    assert "one-time code" in run.err  # the prompt
    assert app.code_attempts == 1
    assert store.get(SLUG).key == app.keys["99999999900009"]
    assert_no_secret(run, store.get(SLUG).key)


def test_several_sirets_and_none_set_exits_2_listing_them_and_generates_nothing(
    serve: Serve, cfakey: Callable[..., Any], store: KeyStore
) -> None:
    app = start(serve, sirets=[SIRET_A, SIRET_B])

    run = cfakey("renew", SLUG, "--json")

    assert run.code == 2  # the configuration's to fix, not the portal's
    result = result_of(run)
    assert result["outcome"] == "failed"
    assert SIRET_A in result["error"] and SIRET_B in result["error"]
    assert SIRET_VARIABLE in result["error"]
    assert app.generations == 0
    assert app.keys == {}
    assert store.get(SLUG).key is None


def test_configured_siret_gets_the_key(
    serve: Serve, cfakey: Callable[..., Any], store: KeyStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = start(serve, sirets=[SIRET_A, SIRET_B])
    monkeypatch.setenv(SIRET_VARIABLE, "123 456 789 00029")  # as printed on a Kbis

    run = cfakey("renew", SLUG, "--json")

    assert run.code == 0, run.err
    assert result_of(run)["outcome"] == "renewed"
    assert set(app.keys) == {SIRET_B}
    assert store.get(SLUG).key == app.keys[SIRET_B]
    assert app.generations == 1
    assert_no_secret(run, app.keys[SIRET_B])


def test_configured_siret_not_on_the_account_generates_nothing(
    serve: Serve, cfakey: Callable[..., Any], store: KeyStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = start(serve, sirets=[SIRET_A, SIRET_B])
    monkeypatch.setenv(SIRET_VARIABLE, "98765432100017")

    run = cfakey("renew", SLUG, "--json")

    assert run.code == 2
    error = result_of(run)["error"]
    assert "98765432100017" in error and SIRET_A in error and SIRET_B in error
    assert app.generations == 0
    assert store.get(SLUG).key is None


def test_session_signed_in_on_a_failed_run_is_kept_for_the_next(
    serve: Serve, cfakey: Callable[..., Any], store: KeyStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = start(serve, sirets=[SIRET_A, SIRET_B])
    assert cfakey("renew", SLUG).code != 0  # signed in, then: which SIRET?
    monkeypatch.setenv(SIRET_VARIABLE, SIRET_A)

    run = cfakey("renew", SLUG, "--json")

    assert run.code == 0, run.err
    assert app.codes_sent == 1


def test_stored_key_not_due_opens_no_session(
    serve: Serve, cfakey: Callable[..., Any], store: KeyStore
) -> None:
    app = start(serve)
    key = "F4XX:" + "Z" * 43 + "="
    expires = datetime.now(UTC) + timedelta(days=200)
    store.save_key(
        SLUG,
        key,
        obtained_at=datetime.now(UTC) - timedelta(days=165),
        expires_at=expires,
        source="generated",
    )

    run = cfakey("renew", SLUG, "--json")

    assert run.code == 0, run.err
    result = result_of(run)
    assert result["outcome"] == "up-to-date"
    assert datetime.fromisoformat(result["expires_at"]) == expires
    assert (app.logins, app.codes_sent, app.code_attempts, app.generations) == (0, 0, 0, 0)
    assert store.get(SLUG).key == key
    assert not session_file(store).exists()
    assert_no_secret(run, key)


RENDITIONS = pytest.mark.parametrize("variant", ["recorded", "redesign"])


@RENDITIONS
def test_a_blocked_account_is_reported_at_the_password(
    variant: str, serve: Serve, cfakey: Callable[..., Any], store: KeyStore
) -> None:
    app = start(serve, variant=variant)
    app.blocked = True  # three wrong codes on an earlier day

    run = cfakey("renew", SLUG, "--json")

    assert run.code != 0
    result = result_of(run)
    assert result["outcome"] == "failed"
    assert "account is blocked" in result["error"]
    assert app.codes_sent == 0
    assert app.generations == 0
    assert store.get(SLUG).key is None


@RENDITIONS
def test_a_code_that_blocks_the_account_is_reported_as_such(
    variant: str,
    serve: Serve,
    cfakey: Callable[..., Any],
    store: KeyStore,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    app = start(serve, variant=variant)
    # This code is the account's last attempt: refused, it blocks the account.
    monkeypatch.setitem(app._verify.__func__.__globals__, "MAX_CODE_ATTEMPTS", 1)
    outbox_code = tmp_path / "outbox" / f"{SLUG}-code.txt"
    stale = "awk '{printf \"%06d\\n\", ($1 + 1) % 1000000}' "
    monkeypatch.setenv(OTP_VARIABLE, stale + str(outbox_code))

    run = cfakey("renew", SLUG, "--json")

    assert run.code != 0
    assert "account is blocked" in result_of(run)["error"]
    assert app.blocked
    assert app.code_attempts == 1
    assert app.generations == 0
    assert store.get(SLUG).key is None
