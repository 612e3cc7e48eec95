"""L'Opcommerce: « Web Services Partenaire » › top-right menu › « Accrochage API ». The page shows
the key with its « Date d'expiration »; « Générer une nouvelle clé d'API » overwrites it.
« Révoquer l'accès » is never clicked."""

from __future__ import annotations

from datetime import datetime

from ._base import Portal, PortalKey, parse_french_datetime


class Opcommerce(Portal):
    slug = "opcommerce"

    def open_key_page(self) -> None:
        self.at("Web Services Partenaire")
        self.goto(self.base_url)
        self.login()
        if self.wait_outcome("site_choice", "user_menu") == "site_choice":
            self.at("choix de l'établissement")
            self.click("site_choice")
        self.at("Accrochage API")
        self.click_in_menu("user_menu", "accrochage_api")
        self.wait("key_page")

    def read_key(self) -> PortalKey | None:
        self.at("read key")
        value = self.value_for("key_field")
        if not value:  # no key yet: an empty field and no date
            return None
        return PortalKey(self.secret(value), self.expiry())

    def expiry(self) -> datetime | None:
        """« Date d'expiration : … » in one element, or the date shown beside that label."""
        if not self.is_shown("expiry"):
            return None
        return parse_french_datetime(self.loc("expiry").inner_text()) or parse_french_datetime(
            self.value_for("expiry")
        )

    def generate_key(self) -> None:
        self.at("generate")
        self.click("generate")
        self.wait("generated")
