"""Atlas: myAtlas › « myAtlas prestataire » › user menu › « Mes paramètres » › « Ma clé CFA ».
Atlas generates the key itself and shows only its latest version: the robot reads it."""

from __future__ import annotations

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
        self.click_in_menu("user_menu", "mes_parametres")
        self.wait("key_section")

    def read_key(self) -> PortalKey | None:
        self.at("Ma clé CFA")
        if self.wait_outcome("key_value", "no_key") == "no_key":
            return None
        value = self.value_of("key_value")
        return PortalKey(self.secret(value)) if value else None
