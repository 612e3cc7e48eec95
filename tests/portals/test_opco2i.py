"""OPCO 2i: no portal to log into. The key arrives as an e-mailed one-time link whose page shows
it once (« Afficher le mot de passe »); `cfakey redeem opco2i <url>` reveals, reads and stores
it at once. The link is a secret too: neither it nor the key is ever printed."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from robots._logging import redactor
from robots._store import KeyStore
from robots.recorded import PortalServer, Scenario

pytestmark = pytest.mark.portal
Serve = Callable[..., PortalServer]
SLUG = "opco2i"
KEY = "Zq3-Rk7vXo2LmN8pWt5sYb1cJd4fHg6kUa9eQi0r"


@pytest.fixture(autouse=True)
def fresh_redactor() -> None:
    """The redactor is process-wide: secrets of an earlier in-process run must not hide (or
    mask the absence of) this test's output."""
    redactor.clear()


def e_mailed_link(serve: Serve, key: str = KEY, **options: Any) -> tuple[Any, str, str]:
    """The recorded OPCO 2i (its App), a fresh one-time link to ``key`` and the link's token."""
    server = serve(opco2i=Scenario(options=options))
    app = server.apps[SLUG]
    path = app.make_link(key)
    return app, server.origin + path, path.rsplit("/", 1)[-1]


def assert_not_shown(run: Any, *secrets: str) -> None:
    text = run.out + run.err
    for secret in secrets:
        assert secret not in text


def test_first_use_stores_the_key_at_once_and_prints_neither_key_nor_link(
    serve: Serve, cfakey: Callable[..., Any], store: KeyStore
) -> None:
    app, url, token = e_mailed_link(serve)

    run = cfakey("redeem", SLUG, url, "--json")

    assert run.code == 0, run.err
    [result] = json.loads(run.out)
    assert result["opco"] == SLUG
    assert result["outcome"] == "renewed"
    record = store.get(SLUG)
    assert record.key == KEY
    assert record.source == "redeemed"
    assert record.obtained_at is not None
    assert record.last_outcome == "renewed"
    assert app.state()["links_used"] == 1
    assert_not_shown(run, KEY, token)


def test_table_output_shows_neither_key_nor_link(
    serve: Serve, cfakey: Callable[..., Any], store: KeyStore
) -> None:
    _app, url, token = e_mailed_link(serve)

    run = cfakey("redeem", SLUG, url)

    assert run.code == 0, run.err
    assert "OPCO 2i" in run.out and "renewed" in run.out
    assert store.get(SLUG).key == KEY
    assert_not_shown(run, KEY, token)


def test_link_already_used_is_refused_clearly_and_changes_nothing(
    serve: Serve, cfakey: Callable[..., Any], store: KeyStore
) -> None:
    _app, url, token = e_mailed_link(serve)
    assert cfakey("redeem", SLUG, url).code == 0
    before = store.path.read_bytes()

    run = cfakey("redeem", SLUG, url)

    assert run.code == 1
    assert "already been used" in run.err
    assert "new link" in run.err  # what to do next
    assert store.path.read_bytes() == before  # key, dates and last outcome untouched
    assert store.get(SLUG).key == KEY
    assert_not_shown(run, KEY, token)


def test_expired_link_is_refused_clearly_and_stores_nothing(
    serve: Serve, cfakey: Callable[..., Any], store: KeyStore
) -> None:
    app, url, token = e_mailed_link(serve, link_days=7)
    app.advance(days=8)

    run = cfakey("redeem", SLUG, url)

    assert run.code == 1
    assert "expired" in run.err
    assert "new link" in run.err
    assert store.get(SLUG).key is None
    assert app.state()["links_used"] == 0
    assert_not_shown(run, KEY, token)


def test_dry_run_does_not_open_the_link(
    serve: Serve, cfakey: Callable[..., Any], store: KeyStore
) -> None:
    app, url, token = e_mailed_link(serve)

    dry = cfakey("redeem", SLUG, url, "--dry-run", "--json")

    assert dry.code == 0, dry.err
    [result] = json.loads(dry.out)
    assert result["dry_run"] is True
    assert result["action"].startswith("would ")
    assert app.state()["links_used"] == 0
    assert not store.path.exists()
    assert_not_shown(dry, token)
    # The link is still good for the real thing.
    real = cfakey("redeem", SLUG, url)
    assert real.code == 0, real.err
    assert store.get(SLUG).key == KEY


def test_status_afterwards_shows_opco2i_stored(
    serve: Serve, cfakey: Callable[..., Any], store: KeyStore
) -> None:
    _app, url, _token = e_mailed_link(serve)
    assert cfakey("redeem", SLUG, url).code == 0

    run = cfakey("status", "--json")

    assert run.code == 0, run.err
    row = next(r for r in json.loads(run.out) if r["opco"] == SLUG)
    assert row["mode"] == "redeem"
    assert row["stored"] is True
    assert row["obtained_at"] is not None
    assert row["last_outcome"] == "renewed"
    assert KEY not in run.out


def test_a_second_link_replaces_the_stored_key(
    serve: Serve, cfakey: Callable[..., Any], store: KeyStore
) -> None:
    app, first, _token = e_mailed_link(serve)
    assert cfakey("redeem", SLUG, first).code == 0
    newer = "Yw8-Pm2nBc5xKl7qTr4vZs9dFg1hJk3oLe6uAi0t"
    second = app.make_link(newer)

    run = cfakey("redeem", SLUG, _origin(first) + second)

    assert run.code == 0, run.err
    assert store.get(SLUG).key == newer
    assert "replaced the stored key" in run.err
    assert_not_shown(run, KEY, newer, second.rsplit("/", 1)[-1])


def test_not_a_web_link_is_a_usage_error(
    serve: Serve, cfakey: Callable[..., Any], store: KeyStore
) -> None:
    app, url, token = e_mailed_link(serve)

    run = cfakey("redeem", SLUG, url.replace("http://", "ftp://", 1))

    assert run.code == 2
    assert "web link" in run.err
    assert store.get(SLUG).key is None
    assert app.state()["links_used"] == 0
    assert_not_shown(run, token)


def _origin(url: str) -> str:
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0]}"
