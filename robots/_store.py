"""The key store: one JSON file, mode 0600 in a 0700 directory, rewritten atomically (temporary
file, fsync, rename) under an exclusive lock, so two runs never interleave and a crash leaves
either the old file or the new one, never half of each."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from ._errors import StoreError

Source = Literal["generated", "adopted", "imported", "redeemed"]
FORMAT_VERSION = 1


def fingerprint(key: str) -> str:
    """A short, one-way identifier of a key: enough to tell keys apart, useless to an attacker."""
    return "sha256:" + hashlib.sha256(key.encode()).hexdigest()[:16]


@dataclass
class KeyRecord:
    """What the store knows of one OPCO's key and of the last run for it."""

    key: str | None = None
    obtained_at: datetime | None = None
    expires_at: datetime | None = None
    source: Source | None = None
    previous_fingerprint: str | None = None
    last_run_at: datetime | None = None
    last_outcome: str | None = None
    last_error: str | None = None

    def __repr__(self) -> str:
        shown = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "key"}
        return f"KeyRecord(key={'<redacted>' if self.key else None}, {shown})"

    @property
    def fingerprint(self) -> str | None:
        return fingerprint(self.key) if self.key else None

    def with_key(
        self, key: str, *, obtained_at: datetime, expires_at: datetime | None, source: Source
    ) -> KeyRecord:
        previous = self.fingerprint if self.key and self.key != key else self.previous_fingerprint
        return replace(
            self,
            key=key,
            obtained_at=obtained_at,
            expires_at=expires_at,
            source=source,
            previous_fingerprint=previous,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in asdict(self).items()
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> KeyRecord:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        for name in ("obtained_at", "expires_at", "last_run_at"):
            if values.get(name):
                values[name] = datetime.fromisoformat(values[name])
        return cls(**values)


@dataclass
class StoreData:
    records: dict[str, KeyRecord] = field(default_factory=dict)

    def get(self, slug: str) -> KeyRecord:
        return self.records.get(slug) or KeyRecord()


class KeyStore:
    def __init__(self, path: Path) -> None:
        self.path = path.expanduser()
        self.lock_path = self.path.with_name(self.path.name + ".lock")

    def read(self) -> StoreData:
        try:
            raw = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return StoreData()
        except OSError as exc:
            raise StoreError(f"cannot read the key store {self.path}: {exc.strerror}") from None
        try:
            data = json.loads(raw)
            return StoreData({s: KeyRecord.from_json(r) for s, r in data.get("keys", {}).items()})
        except (ValueError, TypeError, AttributeError) as exc:
            raise StoreError(
                f"the key store {self.path} is not valid ({type(exc).__name__})",
                hint="restore it from a backup; cfakey does not overwrite a store it cannot read",
            ) from None

    def get(self, slug: str) -> KeyRecord:
        return self.read().get(slug)

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the store's exclusive lock (a separate file, so the rename keeps working)."""
        with self._flock(self.lock_path):
            yield

    @contextlib.contextmanager
    def renewing(self, slug: str) -> Iterator[None]:
        """Held for a whole portal run: a second run for the same OPCO waits, then sees what
        the first stored, instead of generating a key that the first would then overwrite."""
        with self._flock(self.path.with_name(f"{self.path.name}.{slug}.lock")):
            yield

    @contextlib.contextmanager
    def _flock(self, path: Path) -> Iterator[None]:
        self._ensure_dir()
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def modify(self, slug: str, change: Callable[[KeyRecord], KeyRecord]) -> KeyRecord:
        """Read, change one OPCO's record, write back — all under the lock, so a concurrent
        run's changes to other OPCO (or to this one) are never lost."""
        with self.locked():
            data = self.read()
            record = change(data.get(slug))
            data.records[slug] = record
            self._write(data)
            return record

    def update(self, slug: str, **changes: Any) -> KeyRecord:
        return self.modify(slug, lambda record: replace(record, **changes))

    def save_key(
        self,
        slug: str,
        key: str,
        *,
        obtained_at: datetime,
        expires_at: datetime | None,
        source: Source,
    ) -> KeyRecord:
        return self.modify(
            slug,
            lambda record: record.with_key(
                key, obtained_at=obtained_at, expires_at=expires_at, source=source
            ),
        )

    def _ensure_dir(self) -> None:
        directory = self.path.parent
        if not directory.exists():
            directory.mkdir(mode=0o700, parents=True, exist_ok=True)

    def _write(self, data: StoreData) -> None:
        payload = json.dumps(
            {
                "version": FORMAT_VERSION,
                "keys": {s: r.to_json() for s, r in sorted(data.records.items())},
            },
            indent=2,
            ensure_ascii=False,
        )
        write_private(self.path, payload)


def write_private(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` atomically, mode 0600: a temporary file beside it, fsync,
    rename, fsync of the directory. A crash leaves the old file or the new one."""
    directory = path.parent
    if not directory.exists():
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    dir_fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
