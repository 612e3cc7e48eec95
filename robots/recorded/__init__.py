"""The recorded portals: a local HTTP server replaying ``fixtures/<slug>/``, for tests, the demo
and a person who wants to browse them (``cfakey portals serve``)."""

from ._server import (
    DEMO_PASSWORD,
    DEMO_USERNAME,
    FIXTURES_DIR,
    PortalServer,
    RecordedPortal,
    Request,
    Response,
    Scenario,
    sample_key,
)

__all__ = [
    "DEMO_PASSWORD",
    "DEMO_USERNAME",
    "FIXTURES_DIR",
    "PortalServer",
    "RecordedPortal",
    "Request",
    "Response",
    "Scenario",
    "sample_key",
]
