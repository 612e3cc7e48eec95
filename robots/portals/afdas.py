"""Afdas: MyA « portail prestataire » (Salesforce Experience Cloud) › « Mon Compte ». The field
« Identifiant API CFA » has no expiry; « Générer un identifiant API CFA » overwrites it, and only
a group's head office (siège social) has that button: its identifier serves the whole SIREN."""

from __future__ import annotations

import re

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from .._errors import ActionNeeded, PortalUnavailable
from ._base import Portal, PortalKey


class Afdas(Portal):
    slug = "afdas"

    def open_key_page(self) -> None:
        self.at("login")
        self.goto(self.base_url)
        self.login()
        self.at("Mon compte")
        self.click("mon_compte")
        self.wait("account_loaded")
        self.wait("key_label")

    def read_key(self) -> PortalKey | None:
        self.at("read key")
        value = self.text_of("key_value")
        # An empty field may be shown as a dash or the like: no letter or digit, no identifier.
        return PortalKey(self.secret(value)) if re.search(r"[A-Za-z0-9]", value) else None

    def generate_key(self) -> None:
        self.at("generate")
        if not self.is_shown("generate"):  # the record has loaded (open_key_page waited for it)
            raise ActionNeeded(
                "afdas: this MyA account has no « Générer un identifiant API CFA » button: "
                "only the head office (siège social) can generate the API CFA identifier, "
                "which is shared by every company of the same SIREN",
                opco=self.slug,
                hint="set CFAKEY_AFDAS__USERNAME/PASSWORD to the head office's MyA account, "
                "or ask the head office for the identifier and use `cfakey import afdas`",
            )
        before = self.text_of("key_value")
        self.click("generate")
        outcome = self.wait_outcome("confirm", "generated", "generate_error")
        if outcome == "confirm":
            try:  # inside the confirmation only: the page behind it has its own « Générer »
                self.loc("confirm_ok", within=self.loc("confirm")).click()
            except PlaywrightTimeoutError:
                raise self.changed("confirm_ok") from None
            outcome = self.wait_outcome("generated", "generate_error")
        if outcome == "generate_error":
            raise PortalUnavailable(
                "afdas: MyA did not generate the identifier: "
                + " ".join(self.text_of("generate_error").split()),
                opco=self.slug,
                hint="try again later, or write to the address the portal gives",
            )
        try:  # the record is refreshed after the Apex call: wait for the new value
            expect(self.loc("key_value")).not_to_have_text(before)
        except AssertionError:
            raise self.changed("key_value") from None
