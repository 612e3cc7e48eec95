"""The common runner: for each portal, login → key page → read → decide → (warn) generate →
read → check → store → deploy → report. Portal modules only say how their site looks."""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from playwright.sync_api import Browser, BrowserContext, Page
from playwright.sync_api import Error as PlaywrightError
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential,
)

from ._browser import open_browser
from ._commands import code_source_missing, one_time_code, run_deploy_hook
from ._decide import Action, Decision, decide, is_due
from ._errors import (
    ActionNeeded,
    CfakeyError,
    ConfigError,
    KeyCheckFailed,
    LoginFailed,
    PortalUnavailable,
    Refused,
    StoreError,
)
from ._logging import get_logger, redactor
from ._opcos import OPCOS
from ._selectors import load_selectors
from ._settings import PortalSettings, Settings, require_credentials
from ._store import KeyRecord, KeyStore, Source, write_private
from .portals import Portal, PortalKey, portal_class

Outcome = Literal["renewed", "adopted", "up-to-date", "skipped", "failed", "refused"]
READ_ATTEMPTS = 3


@dataclass
class RenewOptions:
    due: bool = False
    within_days: int = 30
    force: bool = False
    yes: bool = False
    dry_run: bool = False
    headed: bool = False
    #: Ask on the terminal (overwrite confirmation, one-time codes) when stdin is a TTY.
    interactive: bool = field(default_factory=lambda: sys.stdin.isatty())


@dataclass
class Result:
    opco: str
    outcome: Outcome
    expires_at: datetime | None = None
    error: str | None = None
    #: What was done or, with --dry-run, what would be done.
    action: str | None = None
    dry_run: bool = False
    #: The failure is the configuration's (exit status 2), e.g. a SIRET to choose.
    config_error: bool = False

    @property
    def days_left(self) -> int | None:
        if self.expires_at is None:
            return None
        return (self.expires_at - datetime.now(UTC)).days

    def to_json(self) -> dict[str, Any]:
        return {
            "opco": self.opco,
            "outcome": self.outcome,
            "expires_at": self.expires_at.isoformat() if self.expires_at else None,
            "error": self.error,
            "action": self.action,
            "dry_run": self.dry_run,
        }


def exit_status(results: list[Result]) -> int:
    if any(r.config_error for r in results):
        return 2
    if any(r.outcome == "failed" for r in results):
        return 1
    if any(r.outcome == "refused" for r in results):
        return 3
    return 0


def check_renewable(slugs: list[str], settings: Settings) -> None:
    """Every named OPCO exists, has a robot and has credentials; else a ConfigError (exit 2)."""
    for slug in slugs:
        opco = OPCOS.get(slug)
        if opco is None:
            raise ConfigError(f"unknown OPCO '{slug}'", hint="known: " + ", ".join(OPCOS))
        if not opco.automated:
            raise ConfigError(
                f"{slug}: {opco.name} has no portal to renew from",
                opco=slug,
                hint=opco.human_step,
            )
        require_credentials(settings.portal(slug), slug)


def renew(
    slugs: list[str],
    settings: Settings,
    options: RenewOptions,
    *,
    browser: Browser | None = None,
) -> list[Result]:
    """Renew each OPCO in turn; one failure never stops the others."""
    check_renewable(slugs, settings)
    get_logger().info(
        "renew", opcos=slugs, due=options.due, force=options.force, dry_run=options.dry_run
    )
    store = KeyStore(settings.store_path)
    redactor.add(*settings.passwords())
    redactor.add(*(r.key for r in store.read().records.values() if r.key))
    results: list[Result] = []
    with _browser(browser, settings, options) as get_browser:
        for slug in slugs:
            results.append(_renew_one(slug, settings, options, store, get_browser))
    return results


@contextmanager
def _browser(
    given: Browser | None, settings: Settings, options: RenewOptions
) -> Iterator[Callable[[], Browser]]:
    """A browser opened on first use only: a run where every key is skipped starts none."""
    if given is not None:
        yield lambda: given
        return
    with ExitStack() as stack:
        opened: list[Browser] = []

        def get() -> Browser:
            if not opened:
                opened.append(
                    stack.enter_context(open_browser(settings.browser_path, headed=options.headed))
                )
            return opened[0]

        yield get


def _renew_one(
    slug: str,
    settings: Settings,
    options: RenewOptions,
    store: KeyStore,
    get_browser: Callable[[], Browser],
) -> Result:
    # A dry run writes nothing, not even a lock file.
    with nullcontext() if options.dry_run else store.renewing(slug):
        return _renew_locked(slug, settings, options, store, get_browser)


def _renew_locked(
    slug: str,
    settings: Settings,
    options: RenewOptions,
    store: KeyStore,
    get_browser: Callable[[], Browser],
) -> Result:
    log = get_logger(opco=slug)
    stored = store.get(slug)
    # A portal that only shows its key (Atlas) changes it on its own: reading it is harmless, so
    # --due still looks; where cfakey generates, a key not due is not even opened.
    generates = OPCOS[slug].mode == "generate"
    not_due = stored.key and not is_due(stored.expires_at, _now(), options.within_days)
    if options.due and generates and not_due:
        log.info("not due", expires_at=_iso(stored.expires_at))
        return _record(store, slug, Result(slug, "skipped", stored.expires_at, action="not due"))
    try:
        run = _PortalRun(slug, settings, options, store, stored, log)
        with run.opened(get_browser()):
            result = run.execute()
    except Refused as exc:
        log.warning("refused", error=exc.message)
        result = Result(slug, "refused", stored.expires_at, error=redactor.redact(exc.message))
    except CfakeyError as exc:
        log.error("failed", error=exc.message, error_type=type(exc).__name__)
        result = Result(
            slug,
            "failed",
            stored.expires_at,
            error=redactor.redact(exc.message),
            config_error=isinstance(exc, ConfigError),
        )
    except PlaywrightError as exc:
        message = f"{slug}: the browser failed: {_first_line(exc)}"
        log.error("failed", error=message, error_type=type(exc).__name__)
        result = Result(slug, "failed", stored.expires_at, error=redactor.redact(message))
    except Exception as exc:  # a bug: this OPCO fails, the others still run
        log.exception("internal error")
        message = f"{slug}: internal error ({type(exc).__name__}); please report it with the log"
        result = Result(slug, "failed", stored.expires_at, error=message)
    if result.dry_run:
        return result
    return _record(store, slug, result)


def _record(store: KeyStore, slug: str, result: Result) -> Result:
    """Note the run's outcome in the store (never touching the key itself)."""
    try:
        store.update(slug, last_run_at=_now(), last_outcome=result.outcome, last_error=result.error)
    except (OSError, StoreError) as exc:
        get_logger(opco=slug).error("cannot record the outcome", error=str(exc))
    return result


class _PortalRun:
    """One renewal of one portal, in its own browser context."""

    def __init__(
        self,
        slug: str,
        settings: Settings,
        options: RenewOptions,
        store: KeyStore,
        stored: KeyRecord,
        log: Any,
    ) -> None:
        self.slug = slug
        self.name = OPCOS[slug].name
        self.settings = settings
        self.portal_settings: PortalSettings = settings.portal(slug)
        self.options = options
        self.store = store
        self.stored = stored
        self.log = log
        self.selectors = load_selectors(slug)
        self.cls = portal_class(slug)
        self.session_path = store.path.with_name(f"{slug}.session.json")
        self.context: BrowserContext | None = None
        self.page: Page | None = None
        self.portal: Portal | None = None
        self.reached_key_page = False

    @contextmanager
    def opened(self, browser: Browser) -> Iterator[None]:
        state = (
            str(self.session_path)
            if self.cls.keeps_session and self.session_path.is_file()
            else None
        )
        self.context = browser.new_context(
            storage_state=state, locale="fr-FR", timezone_id="Europe/Paris", accept_downloads=True
        )
        self.context.set_default_timeout(self.settings.timeout_seconds * 1000)
        try:
            self.page = self.context.new_page()
            self.portal = self.cls(
                self.page,
                self.selectors,
                self.portal_settings,
                one_time_code=self._one_time_code,
                secret=redactor.add,
            )
            self.portal.dismiss_cookie_banners()
            yield
        finally:
            # Kept whatever the outcome: a login paid for with an e-mailed code is not wasted.
            self._save_session()
            self.context.close()

    # -- the steps ---------------------------------------------------------------------------

    def execute(self) -> Result:
        assert self.portal is not None
        if self.cls.shows_key:
            shown = self._reach(open_page=True, read=True)
            if shown is not None and not self._plausible(shown.value):
                # Neither adopt it nor overwrite what may be a working key: a person looks.
                raise KeyCheckFailed(
                    f"{self.slug}: what the page shows as the current key does not look like "
                    f"one ({len(shown.value)} characters)",
                    opco=self.slug,
                    hint=f"the page may have changed: check selectors/{self.slug}.toml",
                )
        else:  # only the store knows the current key: open the portal only to generate
            stored = self.stored
            shown = PortalKey(stored.key, stored.expires_at) if stored.key else None
        decision = decide(
            shown.value if shown else None,
            shown.expires_at if shown else None,
            self.stored,
            can_generate=self.cls.mode == "generate",
            force=self.options.force,
            within_days=self.options.within_days,
            now=_now(),
        )
        self.log.info("decision", action=decision.action.value, reason=decision.reason)
        if self.options.dry_run:
            return self._dry_run(decision)
        if decision.action is Action.READ_ONLY_MISSING:
            raise ActionNeeded(
                f"{self.slug}: {self.name} shows no key yet",
                opco=self.slug,
                hint=f"{self.name} generates it; ask its support, then run again",
            )
        if decision.action is Action.KEEP:
            return self._keep(shown, decision)
        if decision.action is Action.ADOPT:
            assert shown is not None
            return self._adopt(shown, decision)
        if decision.action is Action.OVERWRITE:
            self._confirm_overwrite()
        if not self.cls.shows_key:
            self._reach(open_page=True, read=False)
        return self._generate(shown, decision)

    def _check_code_source(self) -> None:
        """A portal that e-mails a login code, with no saved session and no way to read the
        code, fails before the password is sent and a code is spent."""
        if (
            self.cls.keeps_session
            and not self.session_path.is_file()
            and not self.portal_settings.otp_command
            and not self.options.interactive
        ):
            raise code_source_missing(self.slug)

    def _reach(self, *, open_page: bool, read: bool = True) -> PortalKey | None:
        """Reach the key page and read it; logins, navigation and reads are retried (bounded),
        a refused password or a changed page are not."""
        assert self.portal is not None
        portal = self.portal
        for attempt in Retrying(
            stop=stop_after_attempt(READ_ATTEMPTS),
            wait=wait_exponential(multiplier=1, max=8),
            retry=retry_if_exception_type((PortalUnavailable, _TransientBrowserError)),
            before_sleep=self._log_retry,
            reraise=True,
        ):
            with attempt:
                try:
                    if open_page:
                        self._check_code_source()
                        portal.open_key_page()
                        self.reached_key_page = True
                    return portal.read_key() if read else None
                except PlaywrightError as exc:
                    if "Timeout" in type(exc).__name__:
                        raise portal.changed(portal.step) from None
                    raise _TransientBrowserError(f"{self.slug}: {_first_line(exc)}") from None
        return None  # pragma: no cover - Retrying either returns or raises

    def _log_retry(self, state: RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome else None
        self.log.warning(
            "portal unavailable, trying again",
            attempt=state.attempt_number,
            of=READ_ATTEMPTS,
            wait_s=round(state.next_action.sleep, 1) if state.next_action else None,
            error=str(error),
        )

    def _dry_run(self, decision: Decision) -> Result:
        would = {
            Action.GENERATE: "would generate a key",
            Action.RENEW: "would generate a new key, overwriting the current one",
            Action.OVERWRITE: "would overwrite a working key (needs --yes)",
            Action.KEEP: "would keep the current key",
            Action.ADOPT: "would adopt the portal's key",
            Action.READ_ONLY_MISSING: "nothing to read yet",
        }[decision.action]
        return Result(
            self.slug,
            "skipped",
            decision.expires_at or self.stored.expires_at,
            action=would,
            dry_run=True,
        )

    def _keep(self, shown: PortalKey | None, decision: Decision) -> Result:
        if shown and decision.expires_at and decision.expires_at != self.stored.expires_at:
            self.store.update(self.slug, expires_at=decision.expires_at)
        self.log.info("key up to date", expires_at=_iso(decision.expires_at))
        return Result(self.slug, "up-to-date", decision.expires_at, action="kept")

    def _adopt(self, shown: PortalKey, decision: Decision) -> Result:
        self.log.warning(
            "adopting the portal's key",
            reason=decision.reason,
            detail=f"the key at {self.name} is not the one cfakey stored; storing it",
        )
        self._store_key(shown.value, decision.expires_at, "adopted")
        self._deploy(shown.value, decision.expires_at)
        return Result(self.slug, "adopted", decision.expires_at, action="adopted")

    def _confirm_overwrite(self) -> None:
        if self.options.yes:
            return
        question = (
            f"{self.name}: the current key is not due. Generating a new one makes the CFA's "
            "software fail at this OPCO until it has the new key. Overwrite it? [y/N] "
        )
        if self.options.interactive:
            sys.stderr.write(question)
            sys.stderr.flush()
            if sys.stdin.readline().strip().lower() in ("y", "yes", "o", "oui"):
                return
        raise Refused(
            f"{self.slug}: overwriting a key that is not due needs confirmation",
            opco=self.slug,
            hint="add --yes to confirm, or drop --force",
        )

    def _generate(self, shown: PortalKey | None, decision: Decision) -> Result:
        assert self.portal is not None
        old = shown.value if shown else None
        if old is not None and old != self.stored.key:
            # Keep the working key before replacing it: if generation fails, it is not lost.
            self._store_key(old, decision.expires_at, "adopted")
        if decision.overwrites:
            self.log.warning(
                "overwriting the current key",
                reason=decision.reason,
                breaks=f"the CFA's software is refused by {self.name} until it has the new key",
            )
        self.log.info("generating a key")
        try:
            self.portal.generate_key()
        except (ActionNeeded, ConfigError, LoginFailed):
            raise  # a refusal, not an accident: re-reading would show nothing new
        except (CfakeyError, PlaywrightError) as exc:
            # Never click again: look at what the portal now shows instead.
            self.log.error("generation failed; re-reading the portal", error=str(exc))
            new = self._reread_after_failure()
            if new is None or new.value == old:
                raise
        else:
            new = self._reach(open_page=False)
        now = _now()
        value = self._check(new, old)
        expires_at = (new.expires_at if new else None) or self.portal.new_key_expiry(now)
        self._store_key(value, expires_at, "generated", obtained_at=now)
        self._deploy(value, expires_at)
        return Result(self.slug, "renewed", expires_at, action="generated")

    def _reread_after_failure(self) -> PortalKey | None:
        try:
            return self._reach(open_page=True) if self.cls.shows_key else None
        except (CfakeyError, PlaywrightError):
            return None

    def _plausible(self, value: str) -> bool:
        return re.fullmatch(self.selectors.portal.key_pattern, value) is not None

    def _check(self, new: PortalKey | None, old: str | None) -> str:
        if new is None or not new.value:
            raise KeyCheckFailed(
                f"{self.slug}: no key on the page after generating",
                opco=self.slug,
                hint=f"log into {self.name} to check whether a key was generated",
            )
        redactor.add(new.value)
        if not self._plausible(new.value):
            raise KeyCheckFailed(
                f"{self.slug}: what was read after generating does not look like a key "
                f"({len(new.value)} characters)",
                opco=self.slug,
                hint=f"a key was probably generated: copy it from {self.name} by hand and "
                f"`cfakey import {self.slug}`; then check selectors/{self.slug}.toml",
            )
        if new.value == old:
            raise KeyCheckFailed(
                f"{self.slug}: the key did not change after generating",
                opco=self.slug,
                hint=f"log into {self.name} to check",
            )
        return new.value

    def _store_key(
        self,
        key: str,
        expires_at: datetime | None,
        source: Source,
        *,
        obtained_at: datetime | None = None,
    ) -> None:
        """Store the key before anything else; if the store fails, save it where a person
        can find it and say where, loudly."""
        try:
            self.stored = self.store.save_key(
                self.slug,
                key,
                obtained_at=obtained_at or _now(),
                expires_at=expires_at,
                source=source,
            )
        except (OSError, StoreError) as exc:
            rescue = _rescue(self.slug, key, self.store.path)
            raise StoreError(
                f"{self.slug}: a new key could not be written to the store ({exc})",
                opco=self.slug,
                hint=f"THE KEY IS SAVED IN {rescue} (mode 0600): import it with "
                f"`cfakey import {self.slug} < {rescue}` once the store is fixed",
            ) from None
        self.log.info("key stored", source=source, expires_at=_iso(expires_at))

    def _save_session(self) -> None:
        if not self.cls.keeps_session or self.options.dry_run or self.page is None:
            return
        if not self.reached_key_page:  # not signed in: nothing worth keeping
            return
        assert self.context is not None
        write_private(self.session_path, json.dumps(self.context.storage_state()))

    def _deploy(self, key: str, expires_at: datetime | None) -> None:
        run_deploy_hook(self.settings.deploy_hook, self.slug, key, expires_at, self.log)

    def _one_time_code(self) -> str:
        return one_time_code(self.slug, self.portal_settings, self.options.interactive)


class _TransientBrowserError(PortalUnavailable):
    pass


def _rescue(slug: str, key: str, store_path: Path) -> Path:
    stamp = _now().strftime("%Y%m%dT%H%M%SZ")
    for directory in (store_path.parent, Path.home(), Path("/tmp")):
        path = directory / f"cfakey-rescued-{slug}-{stamp}.key"
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(key + "\n")
                handle.flush()
                os.fsync(handle.fileno())
            return path
        except OSError:
            continue
    raise StoreError(f"{slug}: nowhere to save a new key; the key is lost")  # pragma: no cover


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _now() -> datetime:
    return datetime.now(UTC)
