"""Opco EP: the CFA portal's « Sécurisation des imports de contrat d'apprentissage » page. The key
is a JWT (« Token de sécurité »), shown beside « Date d'expiration du token »; « Génération du
token » replaces it."""

from __future__ import annotations

import base64
import binascii
import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from .._errors import KeyCheckFailed
from ._base import Portal, PortalKey, parse_french_datetime


class OpcoEP(Portal):
    slug = "opcoep"

    def open_key_page(self) -> None:
        self.at("public site")
        self.goto(self.base_url)
        self.click_in_menu("services_en_ligne", "espace_cfa")
        self.login()
        self.at("Sécurisation des imports de contrat d'apprentissage")
        self.click_in_menu("mon_cfa", "securisation")
        self.wait("generate")

    def read_key(self) -> PortalKey | None:
        self.at("read key")
        # The page renders at once when its data has loaded: with the button shown, a missing
        # token field means there is no token yet.
        self.wait("generate")
        if not self.is_shown("token_field"):
            return None
        # The field is narrower than the token: its value, never its visible text.
        token = self.secret(self.value_for("token_field"))
        if not token:
            return None
        expires_at = self._expiry_of(token)
        shown = parse_french_datetime(self.value_for("token_expiry"))
        if shown is None:
            raise self.changed("token_expiry")
        paris = ZoneInfo("Europe/Paris")
        if expires_at.astimezone(paris).date() != shown.date():
            raise KeyCheckFailed(
                f"{self.slug}: the token expires on {expires_at.astimezone(paris):%d/%m/%Y} "
                f"but the page shows {shown:%d/%m/%Y}",
                opco=self.slug,
                hint="check the token on the portal before using it",
            )
        return PortalKey(token, expires_at)

    def generate_key(self) -> None:
        self.at("generate")
        self.click("generate")
        if self.wait_outcome("confirm", "generated") == "confirm":
            self.click("confirm_ok")
            self.wait("generated")

    def _expiry_of(self, token: str) -> datetime:
        """The token's ``exp`` claim; the signature is the OPCO's business, not checked here."""
        try:
            payload = token.split(".")[1]
            claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
            return datetime.fromtimestamp(int(claims["exp"]), UTC)
        except (IndexError, KeyError, TypeError, ValueError, binascii.Error):
            raise KeyCheckFailed(
                f"{self.slug}: the security token is not a JWT with an 'exp' claim",
                opco=self.slug,
                hint="the portal page may have changed",
            ) from None
