"""What the behaviour matrix needs to know of each recorded portal: how a key of that OPCO looks,
and what the portal can do (generate or only show; show the current key or not)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from robots._demo import recorded_slugs
from robots.portals import Portal, portal_class
from robots.recorded import sample_key


@dataclass(frozen=True)
class Case:
    slug: str

    @property
    def cls(self) -> type[Portal]:
        return portal_class(self.slug)

    @property
    def generates(self) -> bool:
        return self.cls.mode == "generate"

    @property
    def shows_key(self) -> bool:
        return self.cls.shows_key

    def sample_key(self, expires_at: datetime | None = None) -> str:
        return sample_key(self.slug, expires_at)

    def __str__(self) -> str:
        return self.slug


CASES = [Case(slug) for slug in recorded_slugs()]
GENERATING = [c for c in CASES if c.generates]
