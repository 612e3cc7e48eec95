"""The ``cfakey`` command line. Exit status: 0 fine, 1 a key failed, 2 usage or configuration
error, 3 an overwrite was refused for want of confirmation."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from playwright.sync_api import Browser

from . import __version__
from ._errors import CfakeyError, ConfigError
from ._logging import configure_logging, get_logger, redactor
from ._opcos import OPCOS, ROBOT_SLUGS
from ._report import print_results, print_status
from ._runner import RenewOptions, exit_status, renew
from ._settings import Settings, load_settings
from ._store import KeyStore


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cfakey",
        description="Obtain, renew and store the API keys (CFA_KEY) of the OPCO.",
    )
    parser.add_argument("--version", action="version", version=f"cfakey {__version__}")
    log_format = {
        "choices": ["auto", "console", "json"],
        "help": "logs on stderr: console text, JSON lines, or auto (console on a terminal)",
    }
    parser.add_argument("--log-format", default=None, **log_format)  # type: ignore[arg-type]
    # Also accepted after the command, where people tend to put it.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--log-format", default=argparse.SUPPRESS, **log_format)  # type: ignore[arg-type]
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("renew", parents=[common], help="renew keys at the OPCO portals")
    p.add_argument("opcos", nargs="*", metavar="OPCO", help="slugs: " + ", ".join(ROBOT_SLUGS))
    p.add_argument("--all", action="store_true", help="every portal whose credentials are set")
    p.add_argument("--due", action="store_true", help="only keys missing or expiring soon")
    p.add_argument(
        "--within",
        type=int,
        default=30,
        metavar="DAYS",
        help="with --due: expiring within DAYS days (default 30)",
    )
    p.add_argument("--force", action="store_true", help="generate even if the key is not due")
    p.add_argument("--yes", action="store_true", help="confirm overwriting a working key")
    p.add_argument("--dry-run", action="store_true", help="read and decide; change nothing")
    p.add_argument("--json", action="store_true", help="print a JSON document")
    p.add_argument("--headed", action="store_true", help="show the browser")

    p = sub.add_parser("status", parents=[common], help="every OPCO: its key, expiry and last run")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser(
        "show", parents=[common], help="print a stored key (the one command that prints keys)"
    )
    p.add_argument("opco", metavar="OPCO")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("import", parents=[common], help="store a key read on standard input")
    p.add_argument("opco", metavar="OPCO")
    p.add_argument("--expires", metavar="YYYY-MM-DD", help="its expiry, when known")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser(
        "redeem", parents=[common], help="open a one-time link (OPCO 2i) and store its key"
    )
    p.add_argument("opco", metavar="OPCO")
    p.add_argument("url")
    p.add_argument("--dry-run", action="store_true")
    p.add_argument("--json", action="store_true")
    p.add_argument("--headed", action="store_true")

    p = sub.add_parser(
        "demo", parents=[common], help="renew every key against the recorded portals"
    )
    p.add_argument("--json", action="store_true")
    p.add_argument("--headed", action="store_true")

    p = sub.add_parser("portals", parents=[common], help="the recorded portals")
    portals = p.add_subparsers(dest="portals_command", required=True, metavar="ACTION")
    serve = portals.add_parser(
        "serve", parents=[common], help="serve the recorded portals for a person to browse"
    )
    serve.add_argument("--port", type=int, default=8765)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--key-present", action="store_true", help="portals start with a key")
    serve.add_argument("--cookie-banner", action="store_true", help="show a cookie banner")
    serve.add_argument(
        "--redesign", action="store_true", help="the second rendition: same words, other markup"
    )
    return parser


def main(argv: Sequence[str] | None = None, *, browser: Browser | None = None) -> int:
    """Run one command; ``browser`` lets tests share one Chromium between runs."""
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
    except ConfigError as exc:
        configure_logging()
        return _fail(exc)
    configure_logging(args.log_format or settings.log_format)
    redactor.add(*settings.passwords())
    try:
        return _dispatch(args, settings, browser)
    except CfakeyError as exc:
        return _fail(exc)
    except KeyboardInterrupt:
        sys.stderr.write("cfakey: interrupted\n")
        return 130
    except Exception as exc:  # a bug: logged (redacted, no locals), never a raw traceback
        get_logger().exception("internal error")
        sys.stderr.write(f"cfakey: internal error ({type(exc).__name__}); please report it\n")
        return 1


def _fail(exc: CfakeyError) -> int:
    sys.stderr.write(f"cfakey: error: {redactor.redact(exc.message)}\n")
    return exc.exit_status


def _dispatch(args: argparse.Namespace, settings: Settings, browser: Browser | None) -> int:
    if args.command == "renew":
        return _renew(args, settings, browser)
    if args.command == "status":
        print_status(KeyStore(settings.store_path).read(), settings, sys.stdout, as_json=args.json)
        return 0
    if args.command == "show":
        return _show(args, settings)
    if args.command == "import":
        from ._manual import import_key

        result = import_key(settings, _slug(args.opco), sys.stdin.read(), args.expires)
        print_results([result], sys.stdout, as_json=args.json)
        return 0
    if args.command == "redeem":
        from ._manual import redeem

        options = RenewOptions(dry_run=args.dry_run, headed=args.headed)
        result = redeem(settings, _slug(args.opco), args.url, options, browser=browser)
        print_results([result], sys.stdout, as_json=args.json)
        return 0
    if args.command == "demo":
        from ._demo import run_demo

        return run_demo(as_json=args.json, headed=args.headed, browser=browser)
    if args.command == "portals":
        from ._demo import serve_portals

        return serve_portals(
            args.host, args.port, args.key_present, args.cookie_banner, args.redesign
        )
    raise AssertionError(args.command)  # pragma: no cover


def _slug(name: str) -> str:
    slug = name.strip().lower()
    if slug not in OPCOS:
        raise ConfigError(f"unknown OPCO '{name}'", hint="known: " + ", ".join(OPCOS))
    return slug


def _renew(args: argparse.Namespace, settings: Settings, browser: Browser | None) -> int:
    if args.all and args.opcos:
        raise ConfigError("give OPCO names or --all, not both")
    if args.all:
        slugs = [s for s in ROBOT_SLUGS if settings.portal(s).configured]
        if not slugs:
            raise ConfigError(
                "no portal has credentials",
                hint="set CFAKEY_<OPCO>__USERNAME and CFAKEY_<OPCO>__PASSWORD, e.g. "
                "CFAKEY_OCAPIAT__USERNAME",
            )
    elif args.opcos:
        slugs = list(dict.fromkeys(_slug(s) for s in args.opcos))
    else:
        raise ConfigError("name the OPCO to renew, or --all", hint="e.g. cfakey renew ocapiat")
    if args.within < 0:
        raise ConfigError("--within must be a number of days, 0 or more")
    options = RenewOptions(
        due=args.due,
        within_days=args.within,
        force=args.force,
        yes=args.yes,
        dry_run=args.dry_run,
        headed=args.headed,
    )
    results = renew(slugs, settings, options, browser=browser)
    print_results(results, sys.stdout, as_json=args.json)
    return exit_status(results)


def _show(args: argparse.Namespace, settings: Settings) -> int:
    import json

    slug = _slug(args.opco)
    record = KeyStore(settings.store_path).get(slug)
    if not record.key:
        opco = OPCOS[slug]
        todo = f"run `cfakey renew {slug}`" if opco.automated else opco.human_step
        sys.stderr.write(f"cfakey: no key stored for {opco.name}: {todo}\n")
        return 1
    if args.json:
        json.dump(
            {
                "opco": slug,
                "key": record.key,
                "obtained_at": record.obtained_at.isoformat() if record.obtained_at else None,
                "expires_at": record.expires_at.isoformat() if record.expires_at else None,
                "source": record.source,
            },
            sys.stdout,
            ensure_ascii=False,
        )
        sys.stdout.write("\n")
    else:
        sys.stdout.write(record.key + "\n")
    return 0
