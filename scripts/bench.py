"""Benchmark: one renewal per recorded portal, timed, with the memory the robot and its browser
used. Prints figures; asserts nothing (speed is measured here, not tested)."""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

from robots._browser import open_browser
from robots._demo import demo_overrides, recorded_slugs
from robots._logging import configure_logging
from robots._runner import RenewOptions, renew
from robots._settings import load_settings
from robots.portals import portal_class
from robots.recorded import PortalServer, Scenario, sample_key


def main() -> int:
    configure_logging("json", stream=open("/dev/null", "w"))  # noqa: SIM115
    slugs = recorded_slugs()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        scenarios = {
            s: Scenario(key=None if portal_class(s).mode == "generate" else sample_key(s))
            for s in slugs
        }
        with PortalServer(scenarios, outbox=Path(tmp) / "outbox") as server:
            settings = load_settings(store_path=Path(tmp) / "keys.json", **demo_overrides(server))
            start = time.perf_counter()
            with open_browser(settings.browser_path) as browser:
                launched = time.perf_counter() - start
                for slug in slugs:
                    t0 = time.perf_counter()
                    [result] = renew(
                        [slug], settings, RenewOptions(interactive=False), browser=browser
                    )
                    rows.append((slug, result.outcome, time.perf_counter() - t0))
            total = time.perf_counter() - start
    print(f"browser launch: {launched:6.2f} s")
    for slug, outcome, seconds in rows:
        print(f"{slug:12} {outcome:10} {seconds:6.2f} s")
    print(f"total:        {total:6.2f} s for {len(rows)} portals")
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak RSS: cfakey {own:.0f} MiB, largest browser process {children:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
