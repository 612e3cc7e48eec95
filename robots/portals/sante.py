"""OPCO Santé: plateforme OF, « Mon organisme » › « Clé d'authentification API CFA ». One key per
SIREN, valid 12 months; « Générer ma clé » replaces it for every establishment of the SIREN."""

from __future__ import annotations

from datetime import datetime, timedelta

from ._base import Portal, PortalKey, add_months, parse_french_datetime

VALIDITY_MONTHS = 12


class Sante(Portal):
    slug = "sante"
    validity = timedelta(days=365)

    def open_key_page(self) -> None:
        self.at("login")
        self.goto(self.base_url)
        self.login()
        self.at("Clé d'authentification API CFA")
        self.click_in_menu("mon_organisme", "cle_api")
        self.wait("generate")

    def read_key(self) -> PortalKey | None:
        self.at("read key")
        if self.wait_outcome("key_field", "no_key") == "no_key":
            return None
        value = self.secret(self.value_for("key_field"))
        return PortalKey(value, self._expiry()) if value else None

    def date_at(self, name: str) -> datetime | None:
        """The date in the text ``name`` finds (« Date d'expiration : … »), or beside it."""
        label = self.loc(name)
        return parse_french_datetime(label.inner_text()) or parse_french_datetime(
            self.value_for(name)
        )

    def generate_key(self) -> None:
        self.at("generate")
        self.click("generate")
        if self.wait_outcome("confirm", "generated") == "confirm":
            self.click("confirm_ok")
            self.wait("generated")

    def new_key_expiry(self, obtained_at: datetime) -> datetime | None:
        return add_months(obtained_at, VALIDITY_MONTHS)

    def _expiry(self) -> datetime | None:
        """The expiry the page prints, else 12 months after the generation date it prints."""
        if self.is_shown("key_expiry"):
            return self.date_at("key_expiry")
        if self.is_shown("key_generated_on"):
            generated = self.date_at("key_generated_on")
            return add_months(generated, VALIDITY_MONTHS) if generated else None
        return None
