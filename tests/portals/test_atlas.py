"""Atlas (myAtlas): no generate button. Atlas makes the key; renewing means reading the latest
one, adopting (with a warning) a key that changed at Atlas; ``--force`` has nothing to
overwrite."""

from __future__ import annotations

from typing import Any

import pytest

from robots._store import KeyStore, fingerprint
from robots.recorded import Scenario, sample_key

from .._support import Cfakey, Serve, assert_no_secret, log_lines, only_result

pytestmark = pytest.mark.portal
# The recorded myAtlas, and the same portal in another agency's markup
# (tests/test_markup_drift.py): an empty « Ma clé CFA » must read as no key in both.
VARIANTS = pytest.mark.parametrize("variant", [{}, {"variant": "redesign"}], ids=["", "redesign"])


def test_a_key_rotated_at_atlas_is_adopted_with_a_warning(
    serve: Serve, cfakey: Cfakey, store: KeyStore
) -> None:
    first_key = sample_key("atlas")
    app: Any = serve(atlas=Scenario(key=first_key)).apps["atlas"]
    assert cfakey("renew", "atlas").code == 0
    assert store.get("atlas").key == first_key
    rotated = app.rotate_key()

    run = cfakey("renew", "atlas", "--json")

    assert run.code == 0, run.err
    result = only_result(run)
    assert result["outcome"] == "adopted"
    assert result["error"] is None
    [warning] = log_lines(run, "adopting the portal's key")
    line = run.err.splitlines()[warning]
    assert "warning" in line and "changed outside cfakey" in line
    record = store.get("atlas")
    assert record.key == rotated != first_key
    assert record.source == "adopted"
    assert record.previous_fingerprint == fingerprint(first_key)
    assert app.generations == 0
    assert_no_secret(run, first_key, rotated)


def test_force_has_nothing_to_overwrite_and_keeps_the_key(
    serve: Serve, cfakey: Cfakey, store: KeyStore
) -> None:
    key = sample_key("atlas")
    app: Any = serve(atlas=Scenario(key=key)).apps["atlas"]
    assert cfakey("renew", "atlas").code == 0
    before = store.get("atlas")

    run = cfakey("renew", "atlas", "--force", "--json")

    assert run.code == 0, run.err
    result = only_result(run)
    assert result["outcome"] == "up-to-date"
    assert result["error"] is None
    assert "refused" not in run.err and "--yes" not in run.err
    assert not log_lines(run, "overwriting")
    after = store.get("atlas")
    assert after.key == key == app.key
    assert after.obtained_at == before.obtained_at
    assert after.previous_fingerprint is None
    assert app.generations == 0
    assert_no_secret(run, key)


def test_force_after_a_rotation_adopts_the_new_key_without_asking(
    serve: Serve, cfakey: Cfakey, store: KeyStore
) -> None:
    app: Any = serve(atlas=Scenario(key=sample_key("atlas"))).apps["atlas"]
    assert cfakey("renew", "atlas").code == 0
    rotated = app.rotate_key()

    run = cfakey("renew", "atlas", "--force", "--json")

    assert run.code == 0, run.err
    assert only_result(run)["outcome"] == "adopted"
    assert store.get("atlas").key == rotated
    assert_no_secret(run, rotated)


@VARIANTS
def test_no_key_at_atlas_yet_fails_telling_the_user_what_to_do(
    variant: dict[str, str], serve: Serve, cfakey: Cfakey, store: KeyStore
) -> None:
    app: Any = serve(atlas=Scenario(options=variant)).apps["atlas"]

    run = cfakey("renew", "atlas", "--json")

    assert run.code == 1
    result = only_result(run)
    assert result["outcome"] == "failed"
    error = result["error"]
    assert "shows no key yet" in error
    assert "ask its support" in error and "run again" in error
    assert "not found" not in error  # not mistaken for a changed page
    assert app.logins == 1
    assert store.get("atlas").key is None
    assert store.get("atlas").last_outcome == "failed"
    assert_no_secret(run)


def test_nightly_due_run_still_reads_atlas_and_adopts_its_new_key(
    serve: Serve, cfakey: Cfakey, store: KeyStore
) -> None:
    """Atlas changes its key on its own and shows no expiry: `renew --all --due` must look."""
    app = serve(atlas=Scenario(key=sample_key("atlas"))).apps["atlas"]
    assert cfakey("renew", "atlas").code == 0
    app.rotate_key()

    run = cfakey("renew", "--all", "--due", "--json")

    assert run.code == 0, run.err
    assert only_result(run)["outcome"] == "adopted"
    assert store.get("atlas").key == app.key
