"""Loads ``selectors/<slug>.toml``: a portal's entry URL, other URLs and every locator, found the
way a person finds things (role, label, visible text), each with fallbacks.

A locator is a list of strategies tried together (Playwright's ``or_``), first match wins::

    [locators]
    generate = [{ role = "button", name = "Générer ma clé CFA" }, { text = "Générer ma clé" }]

A strategy has exactly one of ``role`` (with optional ``name`` and ``exact``), ``label``,
``text``, ``placeholder``, ``title`` or ``css`` (the last resort). ``name`` and ``text`` may be
regular expressions written ``/.../i``.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ._errors import ConfigError

SELECTORS_DIR = Path(__file__).resolve().parent.parent / "selectors"

_KINDS = ("role", "label", "text", "placeholder", "title", "css")

# A cookie-consent button as most French sites word it; a portal file may add its own.
COOKIE_ACCEPT = [
    {"role": "button", "name": "/^(tout accepter|accepter( et fermer| tout)?|j'accepte|ok)$/i"},
]


class Strategy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    role: str | None = None
    name: str | None = None
    exact: bool = False
    label: str | None = None
    text: str | None = None
    placeholder: str | None = None
    title: str | None = None
    css: str | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Strategy:
        kinds = [k for k in _KINDS if getattr(self, k) is not None]
        if len(kinds) != 1:
            raise ValueError(f"needs exactly one of {', '.join(_KINDS)}; got {kinds or 'none'}")
        if self.name is not None and self.role is None:
            raise ValueError("'name' only goes with 'role'")
        return self

    @property
    def kind(self) -> str:
        return next(k for k in _KINDS if getattr(self, k) is not None)

    def describe(self) -> str:
        if self.role:
            return f"{self.role} «{self.name}»" if self.name else self.role
        return f"{self.kind} «{getattr(self, self.kind)}»"


def text_or_pattern(value: str) -> str | re.Pattern[str]:
    """``/regex/flags`` becomes a compiled pattern (flag ``i`` only); anything else stays text."""
    match = re.fullmatch(r"/(.*)/(i?)", value, flags=re.S)
    if not match:
        return value
    return re.compile(match.group(1), re.I if match.group(2) else 0)


class PortalInfo(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    base_url: str
    key_pattern: str = Field(description="regular expression a plausible key matches, whole")

    @model_validator(mode="after")
    def _pattern_compiles(self) -> PortalInfo:
        re.compile(self.key_pattern)
        return self


class Selectors(BaseModel):
    """One portal's selectors file, validated."""

    model_config = ConfigDict(extra="forbid")

    slug: str
    portal: PortalInfo
    urls: dict[str, str] = {}
    texts: dict[str, str] = {}
    locators: dict[str, list[Strategy]]

    def locator(self, name: str) -> list[Strategy]:
        try:
            return self.locators[name]
        except KeyError:
            raise ConfigError(
                f"selectors/{self.slug}.toml has no locator '{name}'",
                opco=self.slug,
                hint="add it under [locators]",
            ) from None

    def text(self, name: str) -> str:
        try:
            return self.texts[name]
        except KeyError:
            raise ConfigError(
                f"selectors/{self.slug}.toml has no text '{name}'",
                opco=self.slug,
                hint="add it under [texts]",
            ) from None


def parse_selectors(slug: str, data: dict[str, Any], source: str) -> Selectors:
    locators = data.get("locators", {})
    if isinstance(locators, dict):
        locators.setdefault("cookie_accept", COOKIE_ACCEPT)
        for name, value in list(locators.items()):
            if isinstance(value, dict):  # a single strategy may be written without a list
                locators[name] = [value]
    try:
        return Selectors(slug=slug, **data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors(include_url=False):
            where = ".".join(str(p) for p in err["loc"])
            problems.append(f"{where}: {err['msg']}")
        raise ConfigError(
            f"{source} is invalid: " + "; ".join(problems), opco=slug, hint="fix that file"
        ) from None


@cache
def load_selectors(slug: str, directory: Path = SELECTORS_DIR) -> Selectors:
    path = directory / f"{slug}.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path} is missing", opco=slug) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}", opco=slug) from None
    return parse_selectors(slug, data, str(path))
