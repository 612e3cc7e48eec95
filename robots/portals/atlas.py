"""Atlas: myAtlas › « myAtlas prestataire » › user menu › « Mes paramètres » › « Ma clé CFA ».
Atlas generates the key itself and shows only its latest version: the robot reads it."""

from __future__ import annotations

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from ._base import Portal, PortalKey


class Atlas(Portal):
    slug = "atlas"
    mode = "read"

    def open_key_page(self) -> None:
        self.at("myAtlas")
        self.goto(self.base_url)
        self.login()
        self.at("choix de l'espace")
        self.click("espace_prestataire")
        self.at("Mes paramètres")
        # « Mes paramètres » sits in the user menu; a layout that shows it outright (a nav list
        # instead of a drop-down) is clicked at once.
        if self.wait_outcome("mes_parametres", "user_menu") == "mes_parametres":
            self.click("mes_parametres")
        else:
            self.click_in_menu("user_menu", "mes_parametres")
        self.wait("key_section")

    def read_key(self) -> PortalKey | None:
        self.at("Ma clé CFA")
        if self.wait_outcome("key_value", "no_key") == "no_key":
            return None
        value = self._shown_value("key_value")
        return PortalKey(self.secret(value)) if value else None

    def _shown_value(self, name: str) -> str:
        """What the element shows: a field's value (a read-only input), else its text."""
        element = self.loc(name)
        try:
            if element.evaluate("e => e instanceof HTMLInputElement || e.tagName === 'TEXTAREA'"):
                return element.input_value().strip()
            return element.inner_text().strip()
        except PlaywrightTimeoutError:
            raise self.changed(name) from None
