"""A local HTTP server that replays the recorded portals.

Each portal lives in ``fixtures/<slug>/``: its pages (HTML, JS, CSS) and ``app.py``, whose class
``App(RecordedPortal)`` is the portal's state machine (sessions, current key, generations). This
module is the shared part: routing ``/<slug>/...`` to the right app, sessions, static files,
templates, the cookie-consent banner, and the outbox where portals "e-mail" codes and links.
"""

from __future__ import annotations

import html
import importlib.util
import json
import mimetypes
import secrets
import string
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

FIXTURES_DIR = Path(__file__).resolve().parents[2] / "fixtures"
DEMO_USERNAME = "cfa-demo@example.fr"
DEMO_PASSWORD = "Demo-Passw0rd!"


@dataclass
class Scenario:
    """How a recorded portal starts: its one account, whether a key exists, a cookie banner,
    and portal-specific options (``options``)."""

    username: str = DEMO_USERNAME
    password: str = DEMO_PASSWORD
    key: str | None = None
    key_expires_at: datetime | None = None
    cookie_banner: bool = False
    options: dict[str, Any] = field(default_factory=dict)


@dataclass
class Request:
    method: str
    path: str  # inside the portal, always starting with "/"
    query: dict[str, str]
    form: dict[str, str]
    cookies: dict[str, str]
    headers: dict[str, str]
    body: bytes = b""

    def json(self) -> Any:
        return json.loads(self.body or b"null")


@dataclass
class Response:
    status: int = 200
    body: bytes | str = b""
    content_type: str = "text/html; charset=utf-8"
    headers: list[tuple[str, str]] = field(default_factory=list)

    @classmethod
    def redirect(cls, location: str, status: int = 302) -> Response:
        return cls(status, b"", headers=[("Location", location)])

    @classmethod
    def json_body(cls, data: Any, status: int = 200) -> Response:
        return cls(status, json.dumps(data), "application/json")

    @classmethod
    def not_found(cls) -> Response:
        return cls(404, "<h1>Page introuvable</h1>")


class RecordedPortal:
    """The state machine of one recorded portal. Subclasses implement ``handle``; a request it
    does not answer (returns None) is served from the portal's folder as a static file."""

    slug: str = ""
    #: The page the procedure starts from, inside the portal.
    entry_path: str = "/"

    def __init__(self, root: Path, scenario: Scenario, prefix: str, outbox: Path) -> None:
        self.root = root
        self.scenario = scenario
        self.prefix = prefix  # "/<slug>", the portal's mount point on the server
        self.outbox = outbox
        self.key: str | None = scenario.key
        self.key_expires_at: datetime | None = scenario.key_expires_at
        self.generations = 0
        self.logins = 0
        self.failed_logins = 0
        self.sessions: dict[str, dict[str, Any]] = {}
        self.lock = threading.RLock()
        self.outage_left = int(scenario.options.get("unavailable_first", 0))

    # -- to implement ---------------------------------------------------------------------------

    def handle(self, request: Request) -> Response | None:
        return None

    # -- shared machinery ---------------------------------------------------------------------

    def href(self, path: str) -> str:
        """An absolute path on the server for a path inside the portal."""
        return self.prefix + path

    def check_password(self, username: str, password: str) -> bool:
        ok = username == self.scenario.username and password == self.scenario.password
        if ok:
            self.logins += 1
        else:
            self.failed_logins += 1
        return ok

    def session(self, request: Request) -> dict[str, Any] | None:
        return self.sessions.get(request.cookies.get(self.cookie_name, ""))

    @property
    def cookie_name(self) -> str:
        return f"{self.slug}_session"

    def start_session(self, response: Response, **data: Any) -> dict[str, Any]:
        sid = secrets.token_urlsafe(16)
        self.sessions[sid] = dict(data)
        response.headers.append(
            ("Set-Cookie", f"{self.cookie_name}={sid}; Path={self.prefix}/; HttpOnly; SameSite=Lax")
        )
        return self.sessions[sid]

    def end_session(self, request: Request, response: Response) -> None:
        self.sessions.pop(request.cookies.get(self.cookie_name, ""), None)
        response.headers.append(
            ("Set-Cookie", f"{self.cookie_name}=; Path={self.prefix}/; Max-Age=0")
        )

    def new_key(
        self, alphabet: str = string.ascii_letters + string.digits, length: int = 40
    ) -> str:
        """Make a new key (overwriting the current one) and count the generation."""
        with self.lock:
            self.key = "".join(secrets.choice(alphabet) for _ in range(length))
            self.generations += 1
            return self.key

    @property
    def redesigned(self) -> bool:
        """Option ``variant = "redesign"``: the same flow and words in another agency's markup,
        from the portal's ``redesign/`` folder (the robots must not notice)."""
        return self.scenario.options.get("variant") == "redesign"

    def template(self, name: str) -> str:
        """A template's path in the portal's folder: the redesign's own where it has one."""
        if self.redesigned and (self.root / "redesign" / name).is_file():
            return "redesign/" + name
        return name

    def page(self, name: str, **values: Any) -> Response:
        """Render ``fixtures/<slug>/<name>`` (or the redesign's): ``$name`` placeholders filled
        (HTML-escaped, ``raw_*`` values as they are) and ``$prefix`` set."""
        template = (self.root / self.template(name)).read_text(encoding="utf-8")
        filled = {
            k: (v if k.startswith("raw_") else html.escape(str(v))) for k, v in values.items()
        }
        filled.setdefault("prefix", self.prefix)
        body = string.Template(template).safe_substitute(filled)
        return Response(200, body)

    def send_mail(self, name: str, content: str) -> Path:
        """'E-mail' a code or a link: written to the outbox, where a mailbox script reads it."""
        self.outbox.mkdir(parents=True, exist_ok=True)
        path = self.outbox / f"{self.slug}-{name}.txt"
        path.write_text(content, encoding="utf-8")
        return path

    def state(self) -> dict[str, Any]:
        return {
            "slug": self.slug,
            "has_key": self.key is not None,
            "generations": self.generations,
            "logins": self.logins,
            "failed_logins": self.failed_logins,
        }


CONSENT_SNIPPET = '<script src="/_common/consent.js" data-portal="{slug}" defer></script>'


def _fixture_module(slug: str, fixtures: Path = FIXTURES_DIR) -> Any:
    root = fixtures / slug
    spec = importlib.util.spec_from_file_location(f"cfakey_fixture_{slug}", root / "app.py")
    if spec is None or spec.loader is None:
        raise FileNotFoundError(root / "app.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def sample_key(slug: str, expires_at: datetime | None = None) -> str:
    """A key as this OPCO hands them out (its fixture's ``sample_key`` where it has one, e.g. a
    JWT at Opco EP), for a scenario that starts with a key."""
    make = getattr(_fixture_module(slug), "sample_key", None)
    if make is not None:
        return str(make(expires_at))
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(40))


def load_app(
    slug: str, scenario: Scenario, outbox: Path, fixtures: Path = FIXTURES_DIR
) -> RecordedPortal:
    module = _fixture_module(slug, fixtures)
    app: RecordedPortal = module.App(fixtures / slug, scenario, f"/{slug}", outbox)
    app.slug = slug
    return app


class PortalServer:
    """Serves every recorded portal under ``http://host:port/<slug>/`` from a background thread."""

    def __init__(
        self,
        scenarios: dict[str, Scenario],
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        outbox: Path,
        fixtures: Path = FIXTURES_DIR,
    ) -> None:
        self.outbox = outbox
        self.fixtures = fixtures
        self.apps = {slug: load_app(slug, sc, outbox, fixtures) for slug, sc in scenarios.items()}
        self._httpd = _QuietServer((host, port), _handler_for(self))
        self._httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def origin(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def entry_url(self, slug: str) -> str:
        """The portal's entry URL: what ``CFAKEY_<SLUG>__BASE_URL`` points at."""
        return f"{self.origin}/{slug}{self.apps[slug].entry_path}"

    def start(self) -> PortalServer:
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._httpd.serve_forever()

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> PortalServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def dispatch(self, request: Request, full_path: str) -> Response:
        if full_path in ("/", ""):
            return self._index()
        if full_path.startswith("/_common/"):
            return _static(self.fixtures / "_common", full_path[len("/_common/") :])
        slug, _, rest = full_path.lstrip("/").partition("/")
        app = self.apps.get(slug)
        if app is None:
            return Response.not_found()
        if not rest and not full_path.endswith("/"):
            return Response.redirect(f"/{slug}/")
        request.path = "/" + rest
        with app.lock:
            if app.outage_left > 0:  # scenario option ``unavailable_first``: a portal waking up
                app.outage_left -= 1
                return Response(503, "<h1>Service momentanément indisponible</h1>")
            response = app.handle(request)
        if response is None:
            response = _static(app.root, rest)
        if (
            app.scenario.cookie_banner
            and response.content_type.startswith("text/html")
            and request.cookies.get(f"{slug}_consent") is None
        ):
            body = response.body.decode() if isinstance(response.body, bytes) else response.body
            snippet = CONSENT_SNIPPET.format(slug=slug)
            response.body = body.replace("</body>", snippet + "</body>", 1)
        return response

    def _index(self) -> Response:
        links = "".join(f'<li><a href="/{slug}/">{slug}</a></li>' for slug in sorted(self.apps))
        return Response(
            200,
            "<!doctype html><html lang='fr'><head><meta charset='utf-8'><title>cfakey — portails "
            f"enregistrés</title></head><body><h1>Portails enregistrés</h1><ul>{links}</ul>"
            f"<p>Compte de démonstration : {DEMO_USERNAME}</p></body></html>",
        )


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        # A browser closing a connection early is normal; anything else is a fixture bug.
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def _static(root: Path, rest: str) -> Response:
    rest = rest or "index.html"
    path = (root / rest).resolve()
    if root.resolve() not in path.parents or not path.is_file() or path.name == "app.py":
        return Response.not_found()
    ctype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if ctype.startswith("text/") or ctype in ("application/javascript", "application/json"):
        ctype += "; charset=utf-8"
    return Response(200, path.read_bytes(), ctype)


def _handler_for(server: PortalServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # quiet: tests read stderr
            pass

        def _serve(self) -> None:
            url = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            ctype = self.headers.get("Content-Type", "")
            form = (
                dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
                if ctype.startswith("application/x-www-form-urlencoded")
                else {}
            )
            jar = SimpleCookie(self.headers.get("Cookie", ""))
            request = Request(
                method=self.command,
                path=url.path,
                query=dict(parse_qsl(url.query, keep_blank_values=True)),
                form=form,
                cookies={k: m.value for k, m in jar.items()},
                headers={k.lower(): v for k, v in self.headers.items()},
                body=body,
            )
            try:
                response = server.dispatch(request, url.path)
            except Exception as exc:  # a fixture bug shows as a 500, as a real portal's would
                response = Response(
                    500, f"<h1>Erreur interne</h1><pre>{html.escape(repr(exc))}</pre>"
                )
            payload = response.body.encode() if isinstance(response.body, str) else response.body
            self.send_response(response.status)
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(payload)))
            self.send_header("Cache-Control", "no-store")
            for name, value in response.headers:
                self.send_header(name, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(payload)

        do_GET = do_POST = do_HEAD = _serve

    return Handler


def utcnow() -> datetime:
    return datetime.now(UTC)
