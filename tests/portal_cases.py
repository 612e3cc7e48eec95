"""What the behaviour matrix needs to know of each recorded portal: how a key of that OPCO looks,
and what the portal can do (generate or only show; show the current key or not)."""

from __future__ import annotations

import importlib.util
import secrets
import string
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from robots._demo import recorded_slugs
from robots.portals import portal_class
from robots.recorded import FIXTURES_DIR


def _fixture_module(slug: str) -> Any:
    spec = importlib.util.spec_from_file_location(f"case_{slug}", FIXTURES_DIR / slug / "app.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass(frozen=True)
class Case:
    slug: str

    @property
    def cls(self) -> Any:
        return portal_class(self.slug)

    @property
    def generates(self) -> bool:
        return bool(self.cls.mode == "generate")

    @property
    def shows_key(self) -> bool:
        return bool(self.cls.shows_key)

    def sample_key(self, expires_at: datetime | None = None) -> str:
        """A key as this OPCO would hand it out (a JWT at Opco EP)."""
        module = _fixture_module(self.slug)
        if hasattr(module, "sample_key"):
            return str(module.sample_key(expires_at))
        return "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(40))

    def __str__(self) -> str:
        return self.slug


CASES = [Case(slug) for slug in recorded_slugs()]
GENERATING = [c for c in CASES if c.generates]
