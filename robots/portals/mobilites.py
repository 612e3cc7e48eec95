"""OPCO Mobilités: M-Gestion CFA, reached from opcomobilites.fr through an SSO that e-mails a
verification code (so the session is kept between runs). A key is generated per SIRET and shown
once, in a pop-in; the portal never shows the current key. It is valid 365 days."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import Locator
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from .._errors import ActionNeeded, CodeRejected, ConfigError, LoginFailed, PortalUnavailable
from .._settings import MobilitesSettings
from ._base import Portal, PortalKey

_SIRET = re.compile(r"\b(\d{3}) ?(\d{3}) ?(\d{3}) ?(\d{5})\b")
_SIRET_SETTING = "CFAKEY_MOBILITES__SIRET"


class Mobilites(Portal):
    slug = "mobilites"
    validity = timedelta(days=365)
    keeps_session = True
    shows_key = False

    def open_key_page(self) -> None:
        self.at("public site")
        self.goto(self.base_url)
        self.click("m_gestion_cfa")
        self.at("M-Gestion CFA")
        self.click("connect")
        if self.wait_outcome("home", "username") == "username":  # else the saved session holds
            self.sign_in()
        self.at("Clé d'authentification")
        self.click("key_menu")
        self.wait("key_page")

    def sign_in(self) -> None:
        try:
            self.login()  # lands on « Code de vérification »
        except LoginFailed:
            if self.is_shown("account_blocked"):
                raise self.blocked() from None
            raise
        self.at("verification code")
        self.fill("code_field", self.one_time_code())
        self.click("code_submit")
        if self.wait_outcome("home", "code_error") == "code_error":
            if self.is_shown("account_blocked"):
                raise self.blocked()
            raise CodeRejected(  # never retried: three wrong codes block the account
                "mobilites: the portal refused the verification code",
                opco=self.slug,
                hint="check that the OTP command returns the latest code e-mailed by OPCO "
                "Mobilités; three wrong codes block the account",
            )

    def establishment(self) -> str:
        """The SIRET list's entry to generate for: the configured SIRET, or the only one. The
        list is a native select or a custom combobox (opened to read it, then closed)."""
        entries = self.options_of("siret")
        found = {"".join(m.groups()): entry for entry in entries if (m := _SIRET.search(entry))}
        if not found:
            raise self.changed("siret")
        assert isinstance(self.settings, MobilitesSettings)
        wanted = re.sub(r"\D", "", self.settings.siret or "")
        listed = ", ".join(found)
        if wanted and wanted not in found:
            raise ConfigError(
                f"mobilites: SIRET {wanted} is not one of this account's establishments ({listed})",
                opco=self.slug,
                hint=f"set {_SIRET_SETTING} to one of them",
            )
        if not wanted and len(found) > 1:
            raise ConfigError(
                f"mobilites: the account has {len(found)} establishments ({listed}); "
                "which one is the key for?",
                opco=self.slug,
                hint=f"set {_SIRET_SETTING} to one of them",
            )
        return found[wanted] if wanted else next(iter(found.values()))

    def read_key(self) -> PortalKey | None:
        self.at("read key")
        if not self.is_shown("popin"):
            return None
        value = self.secret(self.value_of("key_value", within=self.loc("popin")))
        self.click("close")
        self.loc("popin").wait_for(state="hidden")
        return PortalKey(value)

    def generate_key(self) -> None:
        self.at("generate")
        self.choose("siret", self.establishment())
        self.click("generate")
        if self.wait_outcome("popin", "generate_error") == "generate_error":
            raise PortalUnavailable(
                f"mobilites: no key generated: {self.text_of('generate_error')}",
                opco=self.slug,
                hint="try again later",
            )
        try:
            self.key_in_popin().wait_for()
        except PlaywrightTimeoutError:
            raise self.changed("key_value") from None

    def key_in_popin(self) -> Locator:
        return self.loc("key_value", within=self.loc("popin"))

    def blocked(self) -> ActionNeeded:
        return ActionNeeded(
            "mobilites: the account is blocked after three wrong verification codes",
            opco=self.slug,
            hint="ask your OPCO Mobilités « service de proximité » to unblock it",
        )
