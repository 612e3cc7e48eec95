"""One module per portal robot; ``portal_class(slug)`` finds the robot of an OPCO."""

from __future__ import annotations

import importlib

from ._base import Portal, PortalKey


def portal_class(slug: str) -> type[Portal]:
    module = importlib.import_module(f"{__name__}.{slug}")
    for value in vars(module).values():
        if (
            isinstance(value, type)
            and issubclass(value, Portal)
            and value.__dict__.get("slug") == slug
        ):
            return value
    raise LookupError(f"robots/portals/{slug}.py defines no Portal subclass with slug = {slug!r}")


__all__ = ["Portal", "PortalKey", "portal_class"]
