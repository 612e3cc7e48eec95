"""Shared fixtures: one real headless Chromium for the session (pytest-playwright), the recorded
portals on a local HTTP server, a clean environment and a throw-away key store."""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Playwright

from robots._browser import find_chromium, launch_args
from robots._cli import main
from robots._logging import redactor
from robots._store import KeyStore
from robots.recorded import DEMO_PASSWORD, DEMO_USERNAME, PortalServer, Scenario


@pytest.fixture(scope="session")
def browser_type_launch_args(
    browser_type_launch_args: dict[str, Any], playwright: Playwright
) -> dict[str, Any]:
    """pytest-playwright launches the same Chromium the robot would: Playwright's own build where
    installed, else the distribution's (and --no-sandbox as root)."""
    executable = find_chromium(playwright, None)
    args = dict(browser_type_launch_args)
    if executable is not None:
        args["executable_path"] = str(executable)
    args["args"] = [*args.get("args", []), *launch_args()]
    return args


@pytest.fixture(autouse=True)
def fresh_redactor() -> Iterator[None]:
    """Each test starts with no secret registered, as each run of cfakey does."""
    redactor.clear()
    yield
    redactor.clear()


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No CFAKEY_ variable, .env or secrets directory of the developer's leaks into a test."""
    for name in list(os.environ):
        if name.startswith("CFAKEY_"):
            monkeypatch.delenv(name)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.chdir(home)
    monkeypatch.setenv("CFAKEY_SECRETS_DIR", str(tmp_path / "no-secrets"))
    monkeypatch.setenv("CFAKEY_STORE_PATH", str(tmp_path / "store" / "keys.json"))
    monkeypatch.setenv("CFAKEY_TIMEOUT_SECONDS", "15")
    return home


@pytest.fixture
def store(tmp_path: Path) -> KeyStore:
    return KeyStore(tmp_path / "store" / "keys.json")


@pytest.fixture
def serve(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., PortalServer]]:
    """Start the recorded portals with given scenarios and point the settings at them."""
    servers: list[PortalServer] = []

    def start(**scenarios: Scenario) -> PortalServer:
        server = PortalServer(scenarios, outbox=tmp_path / "outbox").start()
        servers.append(server)
        for slug in scenarios:
            prefix = f"CFAKEY_{slug.upper()}__"
            monkeypatch.setenv(prefix + "USERNAME", DEMO_USERNAME)
            monkeypatch.setenv(prefix + "PASSWORD", DEMO_PASSWORD)
            monkeypatch.setenv(prefix + "BASE_URL", server.entry_url(slug))
            monkeypatch.setenv(
                prefix + "OTP_COMMAND", f"cat {tmp_path / 'outbox' / (slug + '-code.txt')}"
            )
        return server

    yield start
    for server in servers:
        server.stop()


@dataclass
class Run:
    code: int
    out: str
    err: str


@pytest.fixture
def cfakey(
    browser: Browser, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Callable[..., Run]:
    """Run the cfakey command in-process, sharing the session's Chromium; stdin is no terminal
    unless ``tty=True`` (then a person answers with ``stdin``)."""

    def run(*argv: str, stdin: str = "", tty: bool = False) -> Run:
        capsys.readouterr()
        monkeypatch.setattr("sys.stdin", _Terminal(stdin) if tty else io.StringIO(stdin))
        code = main(list(argv), browser=browser)
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True
