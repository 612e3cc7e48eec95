"""Opco EP (Portail Action Apprentissage): the key is a JWT longer than the field that shows it;
cfakey reads it whole, takes its expiry from the ``exp`` claim (signature not verified) and checks
it against « Date d'expiration du token »."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from robots._store import KeyStore
from robots.recorded import Scenario, sample_key

from .._support import Cfakey, Serve, assert_no_secret, now, only_result, seed

pytestmark = pytest.mark.portal
VISIBLE_CHARS = 60  # the field is 420 px of monospace: about 50 characters show


def exp_claim(token: str) -> datetime:
    payload = token.split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return datetime.fromtimestamp(int(claims["exp"]), UTC)


def test_a_new_token_is_stored_whole_with_its_exp_claim_as_expiry(
    serve: Serve, cfakey: Cfakey, store: KeyStore
) -> None:
    app: Any = serve(opcoep=Scenario(options={"lifetime_days": 90})).apps["opcoep"]

    run = cfakey("renew", "opcoep", "--json")

    assert run.code == 0, run.err
    result = only_result(run)
    assert result["outcome"] == "renewed"
    record = store.get("opcoep")
    assert record.key is not None and record.key == app.key
    assert len(record.key) > VISIBLE_CHARS * 5  # a JWT with an RS256 signature, not its start
    assert record.key.count(".") == 2
    expected = exp_claim(app.key)
    assert record.expires_at == expected  # to the second, not the page's day at midnight
    assert datetime.fromisoformat(result["expires_at"]) == expected
    assert timedelta(days=89) < expected - now() <= timedelta(days=90)  # lifetime_days=90
    assert app.generations == 1
    assert_no_secret(run, app.key)


@pytest.mark.parametrize(
    "exp",
    [
        datetime(2031, 7, 14, 22, 30, tzinfo=UTC),  # 15/07 in Paris: the page shows that day
        datetime(2031, 1, 15, 12, 0, tzinfo=UTC),
    ],
    ids=["paris-next-day", "same-day"],
)
def test_an_existing_token_is_adopted_with_its_exp_claim(
    exp: datetime, serve: Serve, cfakey: Cfakey, store: KeyStore
) -> None:
    token = sample_key("opcoep", exp)
    app: Any = serve(opcoep=Scenario(key=token)).apps["opcoep"]

    run = cfakey("renew", "opcoep", "--json")

    assert run.code == 0, run.err
    assert only_result(run)["outcome"] == "adopted"
    record = store.get("opcoep")
    assert record.key == token
    assert record.expires_at == exp
    assert app.generations == 0
    assert_no_secret(run, token)


@pytest.mark.parametrize("variant", ["recorded", "redesign"])  # a field, or a <dl> entry
def test_a_page_date_that_disagrees_with_the_token_fails_and_stores_nothing(
    variant: str, serve: Serve, cfakey: Cfakey, store: KeyStore
) -> None:
    exp = datetime(2031, 3, 10, 9, 0, tzinfo=UTC)
    token = sample_key("opcoep", exp)
    shown = datetime(2031, 2, 10, 9, 0, tzinfo=UTC)
    scenario = Scenario(key=token, key_expires_at=shown, options={"variant": variant})
    app: Any = serve(opcoep=scenario).apps["opcoep"]

    run = cfakey("renew", "opcoep", "--json")

    assert run.code == 1
    result = only_result(run)
    assert result["outcome"] == "failed"
    error = result["error"]
    assert "10/03/2031" in error and "10/02/2031" in error  # both dates, said plainly
    assert "check the token" in error
    assert store.get("opcoep").key is None
    assert app.generations == 0
    assert_no_secret(run, token)
    # Not even a recognisable piece of it (its header is common to every token, its payload
    # and signature are not).
    for part in token.split(".")[1:]:
        assert part[:20] not in run.out + run.err


def test_a_page_date_saying_soon_is_not_trusted_over_the_token(
    serve: Serve, cfakey: Cfakey, store: KeyStore
) -> None:
    # The page says the token expires in 10 days, the token says 200: a robot trusting the page
    # would overwrite a working token with --due.
    token = sample_key("opcoep", now() + timedelta(days=200))
    app: Any = serve(opcoep=Scenario(key=token, key_expires_at=now() + timedelta(days=10))).apps[
        "opcoep"
    ]

    run = cfakey("renew", "opcoep", "--due", "--json")

    assert run.code == 1
    assert only_result(run)["outcome"] == "failed"
    assert app.generations == 0
    assert app.key == token
    assert store.get("opcoep").key is None
    assert_no_secret(run, token)


@pytest.mark.parametrize("variant", ["recorded", "redesign"])
def test_overwriting_through_the_portals_confirmation_dialog(
    variant: str, serve: Serve, cfakey: Cfakey, store: KeyStore
) -> None:
    later = now() + timedelta(days=200)
    old = sample_key("opcoep", later)
    options = {"confirm_overwrite": True, "variant": variant}
    app: Any = serve(opcoep=Scenario(key=old, options=options)).apps["opcoep"]
    seed(store, "opcoep", old, later)

    run = cfakey("renew", "opcoep", "--force", "--yes", "--json")

    assert run.code == 0, run.err
    assert only_result(run)["outcome"] == "renewed"
    assert app.generations == 1
    record = store.get("opcoep")
    assert record.key == app.key != old
    assert record.expires_at == exp_claim(app.key)
    assert_no_secret(run, old, app.key)
