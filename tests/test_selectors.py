"""Selectors files: every one loads, and a typo fails at load time naming file and key."""

from __future__ import annotations

import pytest

from robots._errors import ConfigError
from robots._selectors import SELECTORS_DIR, load_selectors, parse_selectors

FILES = sorted(p.stem for p in SELECTORS_DIR.glob("*.toml"))


@pytest.mark.parametrize("slug", FILES)
def test_every_selectors_file_loads(slug: str) -> None:
    selectors = load_selectors(slug)
    assert selectors.portal.base_url.startswith("https://")
    assert "cookie_accept" in selectors.locators


def test_typo_names_the_file_and_the_key() -> None:
    data = {
        "portal": {"name": "X", "base_url": "https://x.fr/", "key_pattern": ".+"},
        "locators": {"generate": [{"role": "button", "nmae": "Générer"}]},
    }
    with pytest.raises(ConfigError) as caught:
        parse_selectors("x", data, "selectors/x.toml")
    assert "selectors/x.toml" in caught.value.message
    assert "locators.generate" in caught.value.message


def test_a_strategy_needs_exactly_one_kind() -> None:
    data = {
        "portal": {"name": "X", "base_url": "https://x.fr/", "key_pattern": ".+"},
        "locators": {"generate": {"role": "button", "text": "Générer"}},
    }
    with pytest.raises(ConfigError, match="exactly one of"):
        parse_selectors("x", data, "selectors/x.toml")
