"""The base of every portal robot: a page object over one portal's key page.

A portal module says only what is that portal's: how to reach the key page from its entry URL,
how to read the key (and its expiry) shown there, and which click generates a new one. Browsers,
retries, decisions, warnings, the store and the report live in ``robots._runner``.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import ClassVar, Literal

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from .._errors import LoginFailed, PortalChanged, PortalUnavailable
from .._selectors import Selectors, Strategy, text_or_pattern
from .._settings import PortalSettings, require_credentials

Mode = Literal["generate", "read", "redeem", "import"]
MENU_TIMEOUT_MS = 3000  # an open menu shows its items at once; longer means it closed
BANNER_TIMEOUT_MS = 3000  # a banner's button is clickable at once; longer means it went away


@dataclass(frozen=True)
class PortalKey:
    """A key as a portal shows it, with its expiry when the portal shows one."""

    value: str
    expires_at: datetime | None = None

    def __repr__(self) -> str:  # keys never reach a log through a repr
        return f"PortalKey(value=<redacted>, expires_at={self.expires_at!r})"


class Portal:
    """One portal, driven through one Playwright page. Subclasses set ``slug`` and implement
    ``open_key_page``, ``read_key`` and, for ``mode = "generate"``, ``generate_key``."""

    slug: ClassVar[str]
    mode: ClassVar[Mode] = "generate"
    #: How long a new key lasts when the portal shows no expiry (None: unknown, never due).
    validity: ClassVar[timedelta | None] = None
    #: Keep the browser session (cookies) between runs, for portals that e-mail a login code.
    keeps_session: ClassVar[bool] = False
    #: False for portals that never show the current key (only the store knows it).
    shows_key: ClassVar[bool] = True
    #: True where a URL is itself a secret (a one-time link): never put one in a message.
    urls_are_secret: ClassVar[bool] = False

    def __init__(
        self,
        page: Page,
        selectors: Selectors,
        settings: PortalSettings,
        *,
        one_time_code: Callable[[], str] | None = None,
        secret: Callable[[str], None] = lambda _value: None,
    ) -> None:
        self.page = page
        self.selectors = selectors
        self.settings = settings
        self.step = "start"
        self._one_time_code = one_time_code
        self._secret = secret

    # -- the verbs a portal implements -------------------------------------------------------

    def open_key_page(self) -> None:
        """From the entry URL, log in and reach the page that shows the key."""
        raise NotImplementedError

    def read_key(self) -> PortalKey | None:
        """The key the page shows now, or None when there is none yet."""
        raise NotImplementedError

    def generate_key(self) -> None:
        """The click (and its confirmation) that makes a new key. Never retried."""
        raise NotImplementedError

    def new_key_expiry(self, obtained_at: datetime) -> datetime | None:
        """The expiry of a key generated now, when the portal does not show one."""
        return obtained_at + self.validity if self.validity else None

    # -- what portal code is written with -------------------------------------------------------

    @property
    def base_url(self) -> str:
        return self.settings.base_url or self.selectors.portal.base_url

    def url(self, name: str) -> str:
        """A URL of the selectors file, relative ones resolved against the entry URL."""
        from urllib.parse import urljoin

        return urljoin(self.base_url, self.selectors.urls[name])

    def dismiss_cookie_banners(self) -> None:
        """Whenever a cookie-consent banner covers the page, accept it before the next action."""
        # no_wait_after: a banner a modal dialog has made inert cannot be clicked, yet it does
        # not block the dialog's own buttons (the dialog sits above it): carry on.
        self.page.add_locator_handler(
            self.loc("cookie_accept"), _accept_cookies, no_wait_after=True
        )

    def at(self, step: str) -> None:
        """Name the step under way, for errors and logs."""
        self.step = step

    def loc(self, name: str, within: Locator | Page | None = None) -> Locator:
        """The locator called ``name`` in the selectors file, all its fallbacks or-ed."""
        scope = within or self.page
        combined: Locator | None = None
        for strategy in self.selectors.locator(name):
            one = _build(scope, strategy)
            combined = one if combined is None else combined.or_(one)
        assert combined is not None
        return combined.first

    def wait(self, name: str, *, state: Literal["visible", "attached"] = "visible") -> Locator:
        locator = self.loc(name)
        try:
            locator.wait_for(state=state)
        except PlaywrightTimeoutError:
            raise self.changed(name) from None
        return locator

    def is_shown(self, name: str) -> bool:
        return self.loc(name).is_visible()

    def click(self, name: str) -> None:
        try:
            self.loc(name).click()
        except PlaywrightTimeoutError:
            raise self.changed(name) from None

    def click_in_menu(self, menu: str, item: str) -> None:
        """Click an item of a drop-down menu: at once where the layout shows it outright (a side
        navigation, a menu laid out open), else after opening the menu. A menu that closed
        under us (a cookie banner dismissed over it, a re-render) is opened once more."""
        self.page.wait_for_load_state()  # before styles apply, a closed menu's items look shown
        if self.wait_outcome(item, menu) == item:
            self.click(item)
            return
        for attempt in (1, 2):
            if attempt == 1 or not self.loc(item).is_visible():
                self.click(menu)
            try:
                self.loc(item).click(timeout=MENU_TIMEOUT_MS)
                return
            except PlaywrightTimeoutError:
                if attempt == 2:
                    raise self.changed(f"{menu} › {item}") from None

    def fill(self, name: str, value: str) -> None:
        try:
            self.loc(name).fill(value)
        except PlaywrightTimeoutError:
            raise self.changed(name) from None

    def select(self, name: str, value: str) -> None:
        try:
            self.loc(name).select_option(value)
        except PlaywrightTimeoutError:
            raise self.changed(name) from None

    def choose(self, name: str, option: str) -> None:
        """Pick ``option`` (its visible text) in a native select or in a custom combobox."""
        field = self.loc(name)
        try:
            if field.evaluate("e => e.tagName") == "SELECT":
                field.select_option(label=option)
                return
            if field.get_attribute("aria-expanded") != "true":
                field.click()
            self.page.get_by_role("option", name=option, exact=True).click()
        except PlaywrightTimeoutError:
            raise self.changed(f"{name} › {option}") from None

    def options_of(self, name: str) -> list[str]:
        """The visible texts of the options a select or combobox offers (a combobox is opened)."""
        field = self.loc(name)
        try:
            if field.evaluate("e => e.tagName") == "SELECT":
                return [t.strip() for t in field.locator("option").all_inner_texts()]
            field.click()
            options = self.page.get_by_role("option")
            options.first.wait_for()
            texts = [t.strip() for t in options.all_inner_texts()]
            if field.get_attribute("aria-expanded") == "true":  # close it, as a keyboard does
                field.press("Escape")
            return texts
        except PlaywrightTimeoutError:
            raise self.changed(name) from None

    def text_of(self, name: str) -> str:
        try:
            return self.loc(name).inner_text().strip()
        except PlaywrightTimeoutError:
            raise self.changed(name) from None

    def value_of(self, name: str, within: Locator | None = None) -> str:
        """What a person reads in an element: a field's whole value (not what fits in it on
        screen), else its text."""
        try:
            value = self.loc(name, within).evaluate(_OWN_VALUE)
        except PlaywrightTimeoutError:
            raise self.changed(name) from None
        return str(value).strip()

    def value_for(self, name: str) -> str:
        """The value shown for a caption: the field it labels (whole value), or what stands
        beside it — a description list's <dd>, a table cell, an element labelled by it."""
        try:
            value = self.loc(name).evaluate(_VALUE_FOR_CAPTION)
        except PlaywrightTimeoutError:
            raise self.changed(name) from None
        if not isinstance(value, str):
            raise self.changed(name)
        return value.strip()

    def goto(self, url: str) -> None:
        shown = "the link" if self.urls_are_secret else url
        try:
            response = self.page.goto(url)
        except PlaywrightError as exc:
            detail = "" if self.urls_are_secret else f": {_first_line(exc)}"
            raise PortalUnavailable(
                f"{self.slug}: cannot open {shown}{detail}",
                opco=self.slug,
                hint="check the network"
                + ("" if self.urls_are_secret else f", or CFAKEY_{self.slug.upper()}__BASE_URL"),
            ) from None
        if response is not None and response.status >= 500:
            raise PortalUnavailable(
                f"{self.slug}: {shown} answered HTTP {response.status}",
                opco=self.slug,
                hint="the portal is down; try again later",
            )

    def changed(self, locator: str) -> PortalChanged:
        return PortalChanged(
            self.slug, self.step, locator, "" if self.urls_are_secret else self.page.url
        )

    def login(self) -> None:
        """Fill ``username`` and ``password``, press ``login_submit``, then wait for either
        ``logged_in`` or ``login_error``; the latter raises LoginFailed. A session that still
        holds (a second pass after a failure, a single sign-on) skips the form."""
        username, password = require_credentials(self.settings, self.slug)
        self.at("login")
        if self.wait_outcome("username", "logged_in") == "logged_in":
            return
        self.fill("username", username)
        self.fill("password", password)
        self.click("login_submit")
        self.wait_outcome("logged_in", "login_error")
        if self.is_shown("login_error"):
            raise self.login_failed()

    def login_failed(self) -> LoginFailed:
        variables = f"CFAKEY_{self.slug.upper()}__USERNAME and CFAKEY_{self.slug.upper()}__PASSWORD"
        return LoginFailed(
            f"{self.slug}: the portal refused the username or password",
            opco=self.slug,
            hint=f"check {variables}; cfakey does not retry, to spare the account a lockout",
        )

    def wait_outcome(self, *names: str) -> str:
        """Wait until one of several locators shows; return its name."""
        combined = self.loc(names[0])
        for name in names[1:]:
            combined = combined.or_(self.loc(name))
        try:
            combined.first.wait_for(state="visible")
        except PlaywrightTimeoutError:
            raise self.changed(" or ".join(names)) from None
        for name in names:
            if self.loc(name).is_visible():
                return name
        return names[0]

    def one_time_code(self) -> str:
        """The code the portal e-mailed, from the OTP command or a prompt."""
        if self._one_time_code is None:
            raise RuntimeError("no one-time code provider")
        return self._one_time_code()

    def secret(self, value: str) -> str:
        """Register a value read from the portal as secret (redacted from every log)."""
        self._secret(value)
        return value


_OWN_VALUE = """(e) => ["INPUT", "TEXTAREA", "SELECT", "OUTPUT"].includes(e.tagName)
    ? e.value : e.innerText"""

# From a caption, the value a person reads with it: a field's value (the field itself, a
# <label>'s control or the field it wraps), the element it labels (aria-labelledby), a <dt>'s
# <dd>, a table header's cell, else the element right after it (or the field inside that).
_VALUE_FOR_CAPTION = """(e) => {
  const isField = (n) => n && ["INPUT", "TEXTAREA", "SELECT", "OUTPUT"].includes(n.tagName);
  const fieldIn = (n) => (isField(n) ? n : n && n.querySelector("input, textarea, select"));
  const read = (n) => (n ? (fieldIn(n) ? fieldIn(n).value : n.innerText) : null);
  if (isField(e)) return e.value;
  if (e.control) return e.control.value;
  if (e.tagName === "LABEL" && fieldIn(e)) return fieldIn(e).value;
  if (e.id) {
    const labelled = document.querySelector(`[aria-labelledby~="${CSS.escape(e.id)}"]`);
    if (labelled) return read(labelled);
  }
  if (e.tagName === "DT") {
    let n = e.nextElementSibling;
    while (n && n.tagName !== "DD") n = n.nextElementSibling;
    return read(n);
  }
  if (e.tagName === "TH") {
    const row = e.parentElement;
    const cells = Array.from(row.children);
    const after = cells.slice(cells.indexOf(e) + 1).find((c) => c.tagName === "TD");
    if (after) return read(after);
    const table = e.closest("table");
    const body = table && Array.from(table.rows).find((r) => r !== row && r.querySelector("td"));
    return body ? read(body.cells[cells.indexOf(e)]) : null;
  }
  return read(e.nextElementSibling) ?? "";
}"""


def _build(scope: Locator | Page, strategy: Strategy) -> Locator:
    if strategy.role is not None:
        if strategy.name is None:
            return scope.get_by_role(strategy.role)  # type: ignore[arg-type]
        return scope.get_by_role(
            strategy.role,  # type: ignore[arg-type]
            name=text_or_pattern(strategy.name),
            exact=strategy.exact or None,
        )
    if strategy.label is not None:
        return scope.get_by_label(text_or_pattern(strategy.label), exact=strategy.exact or None)
    if strategy.text is not None:
        return scope.get_by_text(text_or_pattern(strategy.text), exact=strategy.exact or None)
    if strategy.placeholder is not None:
        return scope.get_by_placeholder(
            text_or_pattern(strategy.placeholder), exact=strategy.exact or None
        )
    if strategy.title is not None:
        return scope.get_by_title(text_or_pattern(strategy.title), exact=strategy.exact or None)
    assert strategy.css is not None
    return scope.locator(strategy.css)


def _accept_cookies(button: Locator) -> None:
    # A banner gone by itself (the page moved on while it showed) leaves nothing to dismiss.
    with contextlib.suppress(PlaywrightError):
        button.click(timeout=BANNER_TIMEOUT_MS)


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def parse_french_datetime(text: str) -> datetime | None:
    """``dd/mm/yyyy`` or ``dd/mm/yyyy HH:MM`` in Paris time, as French portals print them."""
    from zoneinfo import ZoneInfo

    match = re.search(r"(\d{1,2})/(\d{1,2})/(\d{4})(?:\s+(?:à\s+)?(\d{1,2})[:h](\d{2}))?", text)
    if not match:
        return None
    day, month, year, hour, minute = match.groups()
    return datetime(
        int(year),
        int(month),
        int(day),
        int(hour or 0),
        int(minute or 0),
        tzinfo=ZoneInfo("Europe/Paris"),
    )


def add_months(moment: datetime, months: int) -> datetime:
    """The same day ``months`` later, or the month's last day when it has no such day."""
    import calendar

    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)
