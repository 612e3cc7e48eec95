"""Keys a person obtains: pasted in (``cfakey import``) or read once from an e-mailed link
(``cfakey redeem opco2i <url>``). Both are stored at once, like generated keys."""

from __future__ import annotations

import contextlib
import re
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from playwright.sync_api import Browser

from ._browser import open_browser
from ._commands import run_deploy_hook
from ._errors import ConfigError, KeyCheckFailed
from ._logging import get_logger, redactor
from ._opcos import OPCOS
from ._runner import RenewOptions, Result
from ._selectors import load_selectors
from ._settings import Settings
from ._store import KeyStore, Source
from .portals import portal_class

# Whatever the OPCO, a key is one token of printable characters, long enough to be a secret.
PLAUSIBLE_KEY = r"[A-Za-z0-9._~+/=:\-]{16,4096}"


def parse_expiry(text: str) -> datetime:
    """``YYYY-MM-DD`` (end of that day, Paris time) or a full ISO 8601 timestamp."""
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            day = datetime.strptime(text, "%Y-%m-%d").date()
            return datetime.combine(day, time(23, 59), tzinfo=ZoneInfo("Europe/Paris"))
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ConfigError(
            f"--expires '{text}' is not a date", hint="write it YYYY-MM-DD, e.g. 2027-03-31"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def check_key(slug: str, key: str) -> str:
    key = key.strip()
    if not key:
        raise KeyCheckFailed(
            f"{slug}: no key on standard input",
            opco=slug,
            hint=f"pipe the key in: cfakey import {slug} < key.txt",
        )
    if not re.fullmatch(PLAUSIBLE_KEY, key):
        raise KeyCheckFailed(
            f"{slug}: that does not look like an API key ({len(key)} characters"
            + (", with spaces or line breaks" if re.search(r"\s", key) else "")
            + ")",
            opco=slug,
            hint="paste the key alone, on one line, as the OPCO sent it",
        )
    return key


def store_manual_key(
    settings: Settings, slug: str, key: str, expires_at: datetime | None, source: Source
) -> Result:
    log = get_logger(opco=slug)
    redactor.add(key)
    store = KeyStore(settings.store_path)
    now = datetime.now(UTC)
    previous = store.get(slug)
    store.save_key(slug, key, obtained_at=now, expires_at=expires_at, source=source)
    store.update(slug, last_run_at=now, last_outcome="renewed", last_error=None)
    if previous.key and previous.key != key:
        log.warning("replaced the stored key", detail="the previous key is no longer kept")
    log.info("key stored", source=source, expires_at=expires_at.isoformat() if expires_at else None)
    run_deploy_hook(settings.deploy_hook, slug, key, expires_at, log)
    return Result(slug, "renewed", expires_at, action=source)


def import_key(settings: Settings, slug: str, text: str, expires: str | None) -> Result:
    if slug not in OPCOS:
        raise ConfigError(f"unknown OPCO '{slug}'", hint="known: " + ", ".join(OPCOS))
    expires_at = parse_expiry(expires) if expires else None
    key = check_key(slug, text)
    return store_manual_key(settings, slug, key, expires_at, "imported")


def redeem(
    settings: Settings,
    slug: str,
    url: str,
    options: RenewOptions,
    *,
    browser: Browser | None = None,
) -> Result:
    """Open a one-time link, reveal the key, store it. The URL is a secret: never logged."""
    if OPCOS.get(slug) is None or OPCOS[slug].mode != "redeem":
        redeemable = [s for s, o in OPCOS.items() if o.mode == "redeem"]
        raise ConfigError(
            f"'{slug}' hands out no one-time links",
            hint="redeem works for: " + ", ".join(redeemable),
        )
    redactor.add(url)
    if options.dry_run:
        return Result(
            slug, "skipped", None, action="would open the link and store its key", dry_run=True
        )
    cls = portal_class(slug)
    with contextlib.ExitStack() as stack:
        if browser is None:
            browser = stack.enter_context(
                open_browser(settings.browser_path, headed=options.headed)
            )
        context = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris")
        context.set_default_timeout(settings.timeout_seconds * 1000)
        try:
            page = context.new_page()
            portal = cls(page, load_selectors(slug), settings.portal(slug), secret=redactor.add)
            portal.dismiss_cookie_banners()
            found = portal.redeem(url)  # type: ignore[attr-defined]
        finally:
            context.close()
    key = check_key(slug, found.value)
    return store_manual_key(settings, slug, key, found.expires_at, "redeemed")
