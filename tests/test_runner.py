"""Runner guarantees that no portal test shows on its own: a new key is never lost."""

from __future__ import annotations

import json
import re
import stat
from pathlib import Path

import pytest

from robots._store import KeyStore
from robots.recorded import Scenario

from ._support import Cfakey, Serve, assert_no_secret, only_result


def test_store_failure_after_generation_saves_the_key_and_says_where(
    serve: Serve, cfakey: Cfakey, store: KeyStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = serve(ocapiat=Scenario()).apps["ocapiat"]

    def disk_full(*_args: object, **_kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(KeyStore, "save_key", disk_full)
    run = cfakey("renew", "ocapiat", "--json")

    assert run.code == 1
    error = only_result(run)["error"]
    match = re.search(r"THE KEY IS SAVED IN (\S+) \(mode 0600\)", error)
    assert match, error
    rescued = Path(match.group(1))
    assert rescued.read_text().strip() == app.key
    assert stat.S_IMODE(rescued.stat().st_mode) == 0o600
    assert f"cfakey import ocapiat < {rescued}" in error
    assert_no_secret(run, app.key)


def test_portal_unavailable_at_first_is_retried_then_renewed(
    serve: Serve, cfakey: Cfakey, store: KeyStore
) -> None:
    app = serve(ocapiat=Scenario(options={"unavailable_first": 1})).apps["ocapiat"]

    run = cfakey("renew", "ocapiat", "--json")

    assert run.code == 0, run.err
    assert only_result(run)["outcome"] == "renewed"
    assert "HTTP 503" in run.err and "trying again" in run.err
    assert app.generations == 1
    assert store.get("ocapiat").key == app.key


def test_portal_down_gives_up_after_bounded_attempts(
    serve: Serve, cfakey: Cfakey, store: KeyStore
) -> None:
    app = serve(ocapiat=Scenario(options={"unavailable_first": 100})).apps["ocapiat"]

    run = cfakey("renew", "ocapiat", "--json")

    assert run.code == 1
    assert "answered HTTP 503" in only_result(run)["error"]
    assert run.err.count("trying again") == 2  # three attempts in all
    assert app.outage_left == 97
    assert store.get("ocapiat").key is None


def test_an_implausible_current_key_is_neither_adopted_nor_overwritten(
    serve: Serve, cfakey: Cfakey, store: KeyStore
) -> None:
    """A page showing « Non renseigné » where the key was: a person must look."""
    app = serve(ocapiat=Scenario(key="Non renseigné")).apps["ocapiat"]

    run = cfakey("renew", "ocapiat", "--json")

    assert run.code == 1
    assert "does not look like one" in only_result(run)["error"]
    assert app.generations == 0
    assert store.get("ocapiat").key is None


def test_a_bug_in_one_portal_fails_it_alone_without_leaking_secrets(
    serve: Serve, cfakey: Cfakey, store: KeyStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    from robots.portals.atlas import Atlas

    def broken(self: Atlas) -> None:
        raise ValueError(f"bug while holding {self.settings.password.get_secret_value()}")  # type: ignore[union-attr]

    monkeypatch.setattr(Atlas, "open_key_page", broken)
    server = serve(atlas=Scenario(key="A" * 32), ocapiat=Scenario())

    run = cfakey("renew", "atlas", "ocapiat", "--json")

    assert run.code == 1
    atlas, ocapiat = json.loads(run.out)
    assert atlas["outcome"] == "failed" and "internal error (ValueError)" in atlas["error"]
    assert ocapiat["outcome"] == "renewed"
    assert store.get("ocapiat").key == server.apps["ocapiat"].key
    assert "Traceback" in run.err  # logged for the report, redacted
    assert_no_secret(run, server.apps["ocapiat"].key)
