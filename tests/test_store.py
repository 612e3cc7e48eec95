"""The key store: private, atomic, locked, and never losing a key."""

from __future__ import annotations

import json
import os
import stat
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from robots._errors import StoreError
from robots._store import KeyRecord, KeyStore, fingerprint

NOW = datetime(2026, 12, 4, tzinfo=UTC)


def save(store: KeyStore, slug: str, key: str) -> KeyRecord:
    return store.save_key(slug, key, obtained_at=NOW, expires_at=None, source="generated")


def test_store_is_private_and_round_trips(tmp_path: Path) -> None:
    store = KeyStore(tmp_path / "deep" / "keys.json")
    save(store, "ocapiat", "key-one-aaaaaaaaaaaaaaaa")
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(store.path.parent.stat().st_mode) == 0o700
    record = KeyStore(store.path).get("ocapiat")
    assert record.key == "key-one-aaaaaaaaaaaaaaaa"
    assert record.obtained_at == NOW and record.source == "generated"


def test_new_key_keeps_only_a_fingerprint_of_the_previous_one(tmp_path: Path) -> None:
    store = KeyStore(tmp_path / "keys.json")
    save(store, "ocapiat", "old-key-aaaaaaaaaaaaaaaa")
    save(store, "ocapiat", "new-key-bbbbbbbbbbbbbbbb")
    record = store.get("ocapiat")
    assert record.previous_fingerprint == fingerprint("old-key-aaaaaaaaaaaaaaaa")
    assert "old-key" not in store.path.read_text()


def test_repr_of_a_record_hides_the_key() -> None:
    assert "secret-value" not in repr(KeyRecord(key="secret-value"))


def test_crash_between_write_and_rename_leaves_the_previous_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = KeyStore(tmp_path / "keys.json")
    save(store, "ocapiat", "kept-key-aaaaaaaaaaaaaaa")
    before = store.path.read_bytes()

    def crash(*_args: object) -> None:
        raise OSError("simulated crash before rename")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError):
        save(store, "ocapiat", "lost-key-bbbbbbbbbbbbbbb")
    monkeypatch.undo()

    assert store.path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_concurrent_writers_lose_no_record(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    slugs = [f"opco{i}" for i in range(12)]

    def write(slug: str) -> None:
        save(KeyStore(path), slug, f"{slug}-key-aaaaaaaaaaaaaaaa")

    threads = [threading.Thread(target=write, args=(s,)) for s in slugs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(json.loads(path.read_text())["keys"]) == sorted(slugs)


def test_unreadable_store_is_reported_not_overwritten(tmp_path: Path) -> None:
    store = KeyStore(tmp_path / "keys.json")
    store.path.write_text("{not json")
    with pytest.raises(StoreError, match="not valid"):
        save(store, "ocapiat", "key-aaaaaaaaaaaaaaaaaaaa")
    assert store.path.read_text() == "{not json"


def test_a_second_run_for_the_same_opco_waits_for_the_first(tmp_path: Path) -> None:
    store = KeyStore(tmp_path / "keys.json")
    events: list[str] = []
    first_holds = threading.Event()

    def second() -> None:
        first_holds.wait()
        with store.renewing("ocapiat"):
            events.append("second")

    other = threading.Thread(target=second)
    other.start()
    with store.renewing("ocapiat"):
        first_holds.set()
        with KeyStore(tmp_path / "keys.json").renewing("sante"):  # another OPCO: no wait
            events.append("other opco")
        other.join(timeout=0.5)
        assert other.is_alive()  # still waiting for the first run
        events.append("first")
    other.join()
    assert events == ["other opco", "first", "second"]
