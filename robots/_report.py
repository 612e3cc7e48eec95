"""What cfakey prints on stdout: result tables for people, JSON documents for programs."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from ._decide import is_due
from ._opcos import OPCOS
from ._runner import Result
from ._settings import Settings
from ._store import KeyRecord, StoreData

DUE_WITHIN_DAYS = 30  # as `renew --due`


def table(rows: Sequence[Sequence[str]], headers: Sequence[str]) -> str:
    widths = [max(len(str(c)) for c in col) for col in zip(headers, *rows, strict=False)]
    line = "  ".join(f"{{:<{w}}}" for w in widths)
    out = [line.format(*headers).rstrip(), line.format(*("-" * w for w in widths)).rstrip()]
    out += [line.format(*row).rstrip() for row in rows]
    return "\n".join(out)


PARIS = ZoneInfo("Europe/Paris")  # the OPCO's dates are French dates


def _date(moment: datetime | str | None) -> str:
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment.astimezone(PARIS).strftime("%Y-%m-%d") if moment else "-"


def days_left(moment: datetime | None, now: datetime | None = None) -> int | None:
    if moment is None:
        return None
    return (moment - (now or datetime.now(UTC))).days


def print_results(results: list[Result], out: TextIO, *, as_json: bool) -> None:
    if as_json:
        json.dump([r.to_json() for r in results], out, ensure_ascii=False, indent=2)
        out.write("\n")
        return
    rows = [
        [
            OPCOS[r.opco].name,
            r.outcome + (" (dry run)" if r.dry_run else ""),
            _date(r.expires_at),
            r.error or r.action or "",
        ]
        for r in results
    ]
    out.write(table(rows, ["OPCO", "result", "expires", "detail"]) + "\n")


def next_step(slug: str, record: KeyRecord, configured: bool, now: datetime) -> str | None:
    """What a person must do for this key, in a few words; None when cfakey has it in hand."""
    opco = OPCOS[slug]
    if opco.automated:
        if not configured:
            return f"set CFAKEY_{slug.upper()}__USERNAME and CFAKEY_{slug.upper()}__PASSWORD"
        if record.last_outcome in ("failed", "refused"):
            return f"see `cfakey renew {slug}`: the last run {record.last_outcome}"
        return None
    if record.key and not is_due(record.expires_at, now, DUE_WITHIN_DAYS):
        return None
    return opco.human_step


def status_rows(
    data: StoreData, settings: Settings, now: datetime | None = None
) -> list[dict[str, Any]]:
    now = now or datetime.now(UTC)
    rows = []
    for slug, opco in OPCOS.items():
        record = data.get(slug)
        rows.append(
            {
                "opco": slug,
                "name": opco.name,
                "mode": opco.mode,
                "stored": record.key is not None,
                "obtained_at": record.obtained_at.isoformat() if record.obtained_at else None,
                "expires_at": record.expires_at.isoformat() if record.expires_at else None,
                "days_left": days_left(record.expires_at, now),
                "last_outcome": record.last_outcome,
                "source": record.source,
                "next_step": next_step(slug, record, settings.portal(slug).configured, now),
            }
        )
    return rows


def print_status(data: StoreData, settings: Settings, out: TextIO, *, as_json: bool) -> None:
    rows = status_rows(data, settings)
    if as_json:
        json.dump(rows, out, ensure_ascii=False, indent=2)
        out.write("\n")
        return
    lines = [
        [
            r["name"],
            r["mode"],
            "yes" if r["stored"] else "no",
            _date(r["obtained_at"]),
            _date(r["expires_at"]),
            "-" if r["days_left"] is None else str(r["days_left"]),
            r["last_outcome"] or "-",
            r["next_step"] or "",
        ]
        for r in rows
    ]
    headers = ["OPCO", "mode", "stored", "obtained", "expires", "days left", "last run", "to do"]
    out.write(table(lines, headers) + "\n")
