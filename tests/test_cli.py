"""The cfakey command as users and schedulers see it: exit statuses, messages, JSON documents."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from robots._opcos import OPCOS
from robots._store import KeyStore
from robots.recorded import DEMO_PASSWORD, DEMO_USERNAME, PortalServer, Scenario

Serve = Callable[..., PortalServer]


def cli(
    *argv: str, stdin: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The real console entry point, in a child process with no terminal."""
    return subprocess.run(
        [sys.executable, "-m", "robots", *argv],
        input=stdin,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
        check=False,
    )


def test_missing_credentials_is_a_configuration_error_naming_the_variable() -> None:
    done = cli("renew", "ocapiat")
    assert done.returncode == 2
    assert "CFAKEY_OCAPIAT__USERNAME" in done.stderr
    assert done.stdout == ""


def test_unknown_opco_is_a_usage_error() -> None:
    done = cli("renew", "opcox")
    assert done.returncode == 2
    assert "unknown OPCO 'opcox'" in done.stderr and "ocapiat" in done.stderr


def test_all_without_any_credentials_says_what_to_set() -> None:
    done = cli("renew", "--all", "--due")
    assert done.returncode == 2
    assert "CFAKEY_OCAPIAT__USERNAME" in done.stderr


def test_renew_end_to_end_in_a_child_process(serve: Serve) -> None:
    server = serve(ocapiat=Scenario(cookie_banner=True))
    done = cli("renew", "ocapiat", "--json", "--log-format", "json")
    assert done.returncode == 0, done.stderr
    [result] = json.loads(done.stdout)
    assert result["opco"] == "ocapiat" and result["outcome"] == "renewed"
    assert result["expires_at"]
    key = server.apps["ocapiat"].key
    assert key and key not in done.stdout + done.stderr
    assert DEMO_PASSWORD not in done.stdout + done.stderr
    assert all(json.loads(line)["event"] for line in done.stderr.splitlines())
    shown = cli("show", "ocapiat", "--json")
    assert shown.returncode == 0
    assert json.loads(shown.stdout) == {
        "opco": "ocapiat",
        "key": key,
        "obtained_at": json.loads(shown.stdout)["obtained_at"],
        "expires_at": result["expires_at"],
        "source": "generated",
    }


def test_renew_all_takes_only_the_configured_portals(
    serve: Serve, cfakey: Callable[..., object]
) -> None:
    serve(ocapiat=Scenario())
    run = cfakey("renew", "--all", "--json")
    assert run.code == 0, run.err  # type: ignore[attr-defined]
    assert [r["opco"] for r in json.loads(run.out)] == ["ocapiat"]  # type: ignore[attr-defined]


def test_status_lists_all_eleven_opco() -> None:
    done = cli("status", "--json")
    assert done.returncode == 0
    rows = json.loads(done.stdout)
    assert [r["opco"] for r in rows] == list(OPCOS)
    for row in rows:
        assert {
            "opco",
            "mode",
            "stored",
            "obtained_at",
            "expires_at",
            "days_left",
            "last_outcome",
        } <= set(row)
    modes = {r["opco"]: r["mode"] for r in rows}
    assert modes["atlas"] == "read" and modes["opco2i"] == "redeem"
    assert modes["akto"] == "import" and modes["ocapiat"] == "generate"
    steps = {r["opco"]: r["next_step"] for r in rows}
    assert "ask AKTO" in steps["akto"]
    assert "cfakey redeem opco2i" in steps["opco2i"]
    assert steps["ocapiat"] == "set CFAKEY_OCAPIAT__USERNAME and CFAKEY_OCAPIAT__PASSWORD"
    table = cli("status").stdout
    assert "Uniformation" in table and "days left" in table


def test_show_without_a_key_exits_1_with_a_message() -> None:
    done = cli("show", "sante")
    assert done.returncode == 1
    assert done.stdout == ""
    assert "no key stored for OPCO Santé: run `cfakey renew sante`" in done.stderr
    manual = cli("show", "akto")
    assert manual.returncode == 1
    assert "ask AKTO for the key, then `cfakey import akto`" in manual.stderr


def test_import_reads_stdin_and_tracks_the_expiry(store: KeyStore) -> None:
    key = "CONSTRUCTYS-0123456789abcdef"
    done = cli("import", "constructys", "--expires", "2027-06-30", stdin=key + "\n")
    assert done.returncode == 0, done.stderr
    assert key not in done.stdout + done.stderr
    record = store.get("constructys")
    assert record.key == key and record.source == "imported"
    assert record.expires_at is not None and record.expires_at.date().isoformat() == "2027-06-30"
    status = {r["opco"]: r for r in json.loads(cli("status", "--json").stdout)}
    assert status["constructys"]["stored"] is True
    assert status["constructys"]["days_left"] is not None
    assert status["constructys"]["next_step"] is None  # not due: nothing for a person to do
    soon = (datetime.now(UTC) + timedelta(days=10)).date().isoformat()
    cli("import", "constructys", "--expires", soon, stdin=key + "\n")
    status = {r["opco"]: r for r in json.loads(cli("status", "--json").stdout)}
    assert "Constructys" in status["constructys"]["next_step"]


def test_import_refuses_an_empty_key(store: KeyStore) -> None:
    done = cli("import", "akto", stdin="\n")
    assert done.returncode == 1
    assert "no key on standard input" in done.stderr
    assert not store.path.exists()


def test_import_refuses_an_implausible_key(store: KeyStore) -> None:
    done = cli("import", "uniformation", stdin="Bonjour, voici votre clé : abc\n")
    assert done.returncode == 1
    assert "does not look like an API key" in done.stderr
    assert "Bonjour" not in done.stderr
    assert not store.path.exists()


def test_import_refuses_a_malformed_date(store: KeyStore) -> None:
    done = cli("import", "akto", "--expires", "30/06/2027", stdin="A" * 32)
    assert done.returncode == 2
    assert "YYYY-MM-DD" in done.stderr


def test_deploy_hook_gets_the_key_on_stdin(
    serve: Serve, cfakey: Callable[..., object], tmp_path: Path, monkeypatch
) -> None:
    received = tmp_path / "received"
    monkeypatch.setenv("CFAKEY_DEPLOY_HOOK", f'cat > {received}; echo "$CFAKEY_OPCO" >> {received}')
    server = serve(ocapiat=Scenario())
    run = cfakey("renew", "ocapiat")
    assert run.code == 0, run.err  # type: ignore[attr-defined]
    assert received.read_text() == f"{server.apps['ocapiat'].key}ocapiat\n"


def test_failed_deploy_hook_keeps_the_key_and_exits_1(
    serve: Serve, cfakey: Callable[..., object], store: KeyStore, monkeypatch
) -> None:
    monkeypatch.setenv("CFAKEY_DEPLOY_HOOK", "exit 7")
    server = serve(ocapiat=Scenario())
    run = cfakey("renew", "ocapiat", "--json")
    assert run.code == 1  # type: ignore[attr-defined]
    assert "deploy hook failed (exit 7)" in json.loads(run.out)[0]["error"]  # type: ignore[attr-defined]
    assert store.get("ocapiat").key == server.apps["ocapiat"].key


def _seed_not_due(store: KeyStore, key: str) -> None:
    later = datetime.now(UTC) + timedelta(days=200)
    store.save_key(
        "ocapiat", key, obtained_at=datetime.now(UTC), expires_at=later, source="generated"
    )


def test_force_on_a_terminal_asks_and_a_yes_overwrites(
    serve: Serve, cfakey: Callable[..., object], store: KeyStore
) -> None:
    key = "f" * 36
    server = serve(ocapiat=Scenario(key=key))
    _seed_not_due(store, key)
    run = cfakey("renew", "ocapiat", "--force", stdin="o\n", tty=True)
    assert run.code == 0, run.err  # type: ignore[attr-defined]
    assert "Overwrite it? [y/N]" in run.err  # type: ignore[attr-defined]
    assert server.apps["ocapiat"].generations == 1
    assert store.get("ocapiat").key == server.apps["ocapiat"].key != key


def test_force_on_a_terminal_answered_no_refuses(
    serve: Serve, cfakey: Callable[..., object], store: KeyStore
) -> None:
    key = "f" * 36
    server = serve(ocapiat=Scenario(key=key))
    _seed_not_due(store, key)
    run = cfakey("renew", "ocapiat", "--force", stdin="\n", tty=True)
    assert run.code == 3  # type: ignore[attr-defined]
    assert server.apps["ocapiat"].generations == 0
    assert store.get("ocapiat").key == key


def test_portals_serve_and_renew_as_a_user_would(tmp_path: Path) -> None:
    """`cfakey portals serve` in one process, `cfakey renew ocapiat` in another."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "robots", "portals", "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        banner = [server.stdout.readline() for _ in range(2)]
        assert f"http://127.0.0.1:{port}/" in banner[0]
        base_url = next(
            line.split("=", 1)[1].strip()
            for line in iter(server.stdout.readline, "")
            if line.strip().startswith("CFAKEY_OCAPIAT__BASE_URL=")
        )
        env = {
            "CFAKEY_OCAPIAT__USERNAME": DEMO_USERNAME,
            "CFAKEY_OCAPIAT__PASSWORD": DEMO_PASSWORD,
            "CFAKEY_OCAPIAT__BASE_URL": base_url,
        }
        done = cli("renew", "ocapiat", env=env)
        assert done.returncode == 0, done.stderr
        assert "OCAPIAT" in done.stdout and "renewed" in done.stdout
        again = cli("renew", "ocapiat", "--json", env=env)
        assert json.loads(again.stdout)[0]["outcome"] == "up-to-date"
    finally:
        server.terminate()
        server.wait(timeout=10)
