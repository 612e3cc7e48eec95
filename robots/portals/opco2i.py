"""OPCO 2i: no portal. The key arrives as a one-time link e-mailed by OPCO 2i; its page shows the
key once, behind « Afficher le mot de passe ». The link is a secret too: never in a message."""

from __future__ import annotations

from urllib.parse import urlsplit

from .._errors import ActionNeeded, ConfigError
from ._base import Portal, PortalKey


class Opco2i(Portal):
    slug = "opco2i"
    mode = "redeem"
    urls_are_secret = True

    def redeem(self, url: str) -> PortalKey:
        """Open the e-mailed link, reveal the key and read it. The link is spent once revealed."""
        self.secret(url)
        if urlsplit(url).scheme not in ("http", "https"):
            raise ConfigError(
                "opco2i: that is not a web link", opco=self.slug, hint=_ASK_AGAIN_OR_COPY
            )
        self.at("one-time link")
        self.goto(url)
        if self.wait_outcome("reveal", "link_invalid") == "link_invalid":
            raise self.link_spent()
        self.click("reveal")
        self.at("revealed password")
        if self.wait_outcome("key_field", "link_invalid") == "link_invalid":
            raise self.link_spent()
        return PortalKey(self.secret(self.value_of("key_field")))

    def link_spent(self) -> ActionNeeded:
        return ActionNeeded(
            "opco2i: this link has expired or has already been used",
            opco=self.slug,
            hint="ask OPCO 2i for a new link, then run `cfakey redeem opco2i <link>` again",
        )


_ASK_AGAIN_OR_COPY = "copy the whole link from OPCO 2i's e-mail (it starts with https://)"
