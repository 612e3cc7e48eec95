"""The robots find things as a person does, so a redesign that keeps the procedure's words but
changes the markup (tags, ids, classes, structure, how labels are tied to fields) must not stop
them. Every recorded portal has a second rendition, option ``variant = "redesign"``."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from robots._store import KeyStore
from robots.recorded import PortalServer, Scenario

from ._support import assert_no_secret
from .portal_cases import CASES, Case

Serve = Callable[..., PortalServer]
REDESIGN = {"variant": "redesign"}


@pytest.mark.parametrize("case", CASES, ids=str)
def test_robot_renews_on_the_redesigned_portal(
    case: Case, serve: Serve, cfakey: Callable[..., object], store: KeyStore
) -> None:
    key = None if case.generates else case.sample_key()
    app = serve(**{case.slug: Scenario(key=key, options=REDESIGN)}).apps[case.slug]

    run = cfakey("renew", case.slug, "--json")

    assert run.code == 0, run.err  # type: ignore[attr-defined]
    assert json.loads(run.out)[0]["outcome"] in ("renewed", "adopted")  # type: ignore[attr-defined]
    assert store.get(case.slug).key == app.key
    assert_no_secret(run, app.key)  # type: ignore[arg-type]


@pytest.mark.parametrize("case", [c for c in CASES if c.generates and c.shows_key], ids=str)
def test_robot_reads_and_overwrites_on_the_redesigned_portal(
    case: Case, serve: Serve, cfakey: Callable[..., object], store: KeyStore
) -> None:
    old = case.sample_key()
    app = serve(**{case.slug: Scenario(key=old, options=REDESIGN)}).apps[case.slug]

    first = cfakey("renew", case.slug, "--json")
    forced = cfakey("renew", case.slug, "--force", "--yes", "--json")

    assert first.code == 0, first.err  # type: ignore[attr-defined]
    assert json.loads(first.out)[0]["outcome"] == "adopted"  # type: ignore[attr-defined]
    assert forced.code == 0, forced.err  # type: ignore[attr-defined]
    assert app.generations == 1
    assert store.get(case.slug).key == app.key != old


@pytest.mark.parametrize("case", CASES, ids=str)
def test_wrong_password_is_recognised_on_the_redesigned_portal(
    case: Case, serve: Serve, cfakey: Callable[..., object]
) -> None:
    app = serve(**{case.slug: Scenario(password="other", options=REDESIGN)}).apps[case.slug]

    run = cfakey("renew", case.slug, "--json")

    assert run.code == 1
    assert "refused the username or password" in json.loads(run.out)[0]["error"]  # type: ignore[attr-defined]
    assert app.failed_logins == 1
