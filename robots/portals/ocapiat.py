"""OCAPIAT: PartNet's « Interfaçage OCAPIAT » tab. A key exists → « Afficher ma clé CFA »;
generating needs a lifetime in months and overwrites the previous key."""

from __future__ import annotations

from datetime import datetime

from .._errors import ConfigError, PortalUnavailable
from .._settings import OcapiatSettings
from ._base import Portal, PortalKey, add_months


class Ocapiat(Portal):
    slug = "ocapiat"

    def open_key_page(self) -> None:
        self.at("public site")
        self.goto(self.base_url)
        self.click("mon_espace")
        self.at("Mon espace Ocapiat")
        self.click("profil_cfa")
        self.click("partnet")
        self.login()
        self.at("Interfaçage OCAPIAT")
        self.click("interfacage")
        self.wait("key_page")

    def read_key(self) -> PortalKey | None:
        self.at("read key")
        if self.wait_outcome("show_key", "no_key", "key_field") == "no_key":
            return None
        if not self.is_shown("key_field"):
            self.click("show_key")
        value = self.secret(self.value_for("key_field"))
        return PortalKey(value) if value else None

    def generate_key(self) -> None:
        self.at("generate")
        self.choose_lifetime()
        self.click("generate")
        outcome = self.wait_outcome("confirm", "generated", "generate_error")
        if outcome == "confirm":
            self.click("confirm_ok")
            outcome = self.wait_outcome("generated", "generate_error")
        if outcome == "generate_error":
            raise PortalUnavailable(
                f"ocapiat: PartNet answered « {self.text_of('generate_error')} »",
                opco=self.slug,
                hint="try again later",
            )

    def choose_lifetime(self) -> None:
        """The configured lifetime, or a ConfigError listing those PartNet offers."""
        wanted = f"{self.lifetime_months} mois"
        offered = self.options_of("lifetime")
        if wanted not in offered:
            raise ConfigError(
                f"ocapiat: PartNet offers no lifetime of {wanted} ({', '.join(offered)})",
                opco=self.slug,
                hint="set CFAKEY_OCAPIAT__LIFETIME_MONTHS to one of them",
            )
        self.choose("lifetime", wanted)

    @property
    def lifetime_months(self) -> int:
        assert isinstance(self.settings, OcapiatSettings)
        return self.settings.lifetime_months

    def new_key_expiry(self, obtained_at: datetime) -> datetime | None:
        return add_months(obtained_at, self.lifetime_months)
