"""The eleven OPCO: slug, name, how the key is obtained, and what a person does for the others."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Mode = Literal["generate", "read", "redeem", "import"]


@dataclass(frozen=True)
class Opco:
    slug: str
    name: str
    mode: Mode
    #: For keys a person must obtain: the next step, in a few words.
    human_step: str | None = None

    @property
    def automated(self) -> bool:
        return self.mode in ("generate", "read")


OPCOS: dict[str, Opco] = {
    o.slug: o
    for o in [
        Opco("afdas", "Afdas", "generate"),
        Opco("atlas", "Atlas", "read"),
        Opco("opcommerce", "L'Opcommerce", "generate"),
        Opco("ocapiat", "OCAPIAT", "generate"),
        Opco("opcoep", "Opco EP", "generate"),
        Opco("mobilites", "OPCO Mobilités", "generate"),
        Opco("sante", "OPCO Santé", "generate"),
        Opco(
            "opco2i",
            "OPCO 2i",
            "redeem",
            "fill OPCO 2i's form, then `cfakey redeem opco2i <link>` with the e-mailed link",
        ),
        Opco(
            "constructys",
            "Constructys",
            "import",
            "fill Constructys' form, answer its e-mail, then `cfakey import constructys`",
        ),
        Opco("akto", "AKTO", "import", "ask AKTO for the key, then `cfakey import akto`"),
        Opco(
            "uniformation",
            "Uniformation",
            "import",
            "ask Uniformation for the key, then `cfakey import uniformation`",
        ),
    ]
}

ROBOT_SLUGS = [slug for slug, o in OPCOS.items() if o.automated]
