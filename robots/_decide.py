"""The decision rules of a renewal, as a pure function of what the portal shows, what the store
holds and what the user asked for (SPEC, "What renew does", step 3)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from ._store import KeyRecord


class Action(Enum):
    GENERATE = "generate"  # no key yet: nothing is overwritten
    RENEW = "renew"  # the key is due: generate, overwriting it (warn first)
    OVERWRITE = "overwrite"  # --force on a key that is not due: needs confirmation
    KEEP = "keep"  # the portal's key is the stored one and not due
    ADOPT = "adopt"  # the portal's key is not the stored one: store it, warn
    READ_ONLY_MISSING = "missing"  # a read-only portal shows no key yet


@dataclass(frozen=True)
class Decision:
    action: Action
    expires_at: datetime | None
    reason: str

    @property
    def clicks_generate(self) -> bool:
        return self.action in (Action.GENERATE, Action.RENEW, Action.OVERWRITE)

    @property
    def overwrites(self) -> bool:
        return self.action in (Action.RENEW, Action.OVERWRITE)


def is_due(expires_at: datetime | None, now: datetime, within_days: int) -> bool:
    """A key is due when it expires within ``within_days``; a key of unknown expiry never is."""
    return expires_at is not None and expires_at - now <= timedelta(days=within_days)


def decide(
    portal_key: str | None,
    portal_expires_at: datetime | None,
    stored: KeyRecord,
    *,
    can_generate: bool,
    force: bool,
    within_days: int,
    now: datetime,
) -> Decision:
    """What to do with one portal. ``portal_key`` is None when the portal shows no key, or,
    for portals that never show the current key, when the store has none either."""
    if portal_key is None:
        if not can_generate:
            return Decision(Action.READ_ONLY_MISSING, None, "the portal shows no key yet")
        return Decision(Action.GENERATE, None, "no key yet")

    same = portal_key == stored.key
    expires_at = portal_expires_at or (stored.expires_at if same else None)
    # A key the store does not hold: changed at the portal outside cfakey, or a new store.
    unknown = "changed outside cfakey" if stored.key else "not in the store yet"
    whose = "the key" if same else f"the portal's key ({unknown})"
    if can_generate and is_due(expires_at, now, within_days):
        return Decision(Action.RENEW, expires_at, f"{whose} expires soon")
    if can_generate and force:
        return Decision(Action.OVERWRITE, expires_at, "--force on a key that is not due")
    if same:
        return Decision(Action.KEEP, expires_at, "the key is the stored one and not due")
    return Decision(Action.ADOPT, expires_at, f"the portal's key is {unknown}")
