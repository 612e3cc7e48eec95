"""``cfakey demo`` (renew every key against the recorded portals, into a throw-away store) and
``cfakey portals serve`` (the recorded portals, for a person to browse)."""

from __future__ import annotations

import contextlib
import shlex
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from playwright.sync_api import Browser

from ._opcos import ROBOT_SLUGS
from ._report import print_results
from ._runner import RenewOptions, exit_status, renew
from ._settings import load_settings
from .portals import portal_class
from .recorded import (
    DEMO_PASSWORD,
    DEMO_USERNAME,
    FIXTURES_DIR,
    PortalServer,
    Scenario,
    sample_key,
)


def recorded_slugs() -> list[str]:
    """The portals that have a robot and a recording."""
    robots_dir = Path(__file__).parent / "portals"
    return [
        slug
        for slug in ROBOT_SLUGS
        if (FIXTURES_DIR / slug / "app.py").is_file() and (robots_dir / f"{slug}.py").is_file()
    ]


def demo_overrides(server: PortalServer) -> dict[str, dict[str, object]]:
    """Settings that point every portal at the recorded one, with the demo account."""
    overrides: dict[str, dict[str, object]] = {}
    for slug in server.apps:
        overrides[slug] = {
            "username": DEMO_USERNAME,
            "password": DEMO_PASSWORD,
            "base_url": server.entry_url(slug),
            # The recorded portals "e-mail" their codes to the outbox; a real CFA points this at
            # a script that reads its mailbox.
            "otp_command": "cat " + shlex.quote(str(server.outbox / f"{slug}-code.txt")),
        }
    return overrides


def run_demo(*, as_json: bool = False, headed: bool = False, browser: Browser | None = None) -> int:
    slugs = recorded_slugs()
    with tempfile.TemporaryDirectory(prefix="cfakey-demo-") as tmp:
        # Atlas makes its keys itself: its recording starts with one, for the robot to read.
        scenarios = {
            slug: Scenario(key=None if portal_class(slug).mode == "generate" else sample_key(slug))
            for slug in slugs
        }
        with PortalServer(scenarios, outbox=Path(tmp) / "outbox") as server:
            settings = load_settings(
                store_path=Path(tmp) / "store" / "keys.json", **demo_overrides(server)
            )
            if not as_json:
                print(
                    f"cfakey demo: {len(slugs)} recorded portals on {server.origin}, "
                    "a throw-away key store\n",
                    flush=True,
                )
            options = RenewOptions(headed=headed, interactive=False)
            results = renew(slugs, settings, options, browser=browser)
            print_results(results, sys.stdout, as_json=as_json)
    return exit_status(results)


def serve_portals(
    host: str, port: int, key_present: bool, cookie_banner: bool, redesign: bool = False
) -> int:
    slugs = [*recorded_slugs(), "opco2i"]
    expires = datetime.now(UTC) + timedelta(days=200) if key_present else None
    scenarios = {
        slug: Scenario(
            key=sample_key(slug, expires) if key_present else None,
            key_expires_at=expires,
            cookie_banner=cookie_banner,
            options={"variant": "redesign"} if redesign else {},
        )
        for slug in slugs
    }
    outbox = Path(tempfile.mkdtemp(prefix="cfakey-outbox-"))
    server = PortalServer(scenarios, host=host, port=port, outbox=outbox)
    print(f"Recorded portals on {server.origin}/  (account {DEMO_USERNAME} / {DEMO_PASSWORD})")
    for slug in slugs[:-1]:
        print(f"  CFAKEY_{slug.upper()}__BASE_URL={server.entry_url(slug)}")
    code_file = shlex.quote(str(outbox / "mobilites-code.txt"))
    print(f"  CFAKEY_MOBILITES__OTP_COMMAND='cat {code_file}'")
    link = server.apps["opco2i"].make_link(sample_key("opco2i"))  # type: ignore[attr-defined]
    print(f"  OPCO 2i one-time link: {server.origin}{link}")
    print(f"E-mailed codes and links land in {outbox}; Ctrl-C stops.", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    return 0
