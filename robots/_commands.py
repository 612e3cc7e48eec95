"""The shell commands a CFA configures: the deploy hook that hands a new key to its software
(the key on stdin) and the command that fetches a one-time code from its mailbox."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime
from typing import Any

from ._errors import CfakeyError, CodeNeeded, PortalError
from ._opcos import OPCOS
from ._settings import PortalSettings

COMMAND_TIMEOUT_S = 300


def _run(
    command: str,
    *,
    variable: str,
    what: str,
    error: type[CfakeyError],
    slug: str,
    stdin: str | None = None,
    env: dict[str, str] | None = None,
) -> str:
    """Run a configured command; its stdout, or ``error`` naming the variable to check.
    Its output is never logged: it may hold a key or a code."""
    try:
        done = subprocess.run(
            command,
            shell=True,
            input=stdin,
            text=True,
            env=env,
            capture_output=True,
            timeout=COMMAND_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise error(
            f"{slug}: {what} did not finish in {COMMAND_TIMEOUT_S} s",
            opco=slug,
            hint=f"check {variable}",
        ) from None
    if done.returncode != 0:
        raise error(
            f"{slug}: {what} failed (exit {done.returncode})", opco=slug, hint=f"check {variable}"
        )
    return done.stdout


def run_deploy_hook(
    hook: str | None, slug: str, key: str, expires_at: datetime | None, log: Any
) -> None:
    """Hand the key to the CFA's software: the hook reads it on stdin."""
    if not hook:
        return
    env = dict(
        os.environ, CFAKEY_OPCO=slug, CFAKEY_EXPIRES_AT=expires_at.isoformat() if expires_at else ""
    )
    _run(
        hook,
        variable="CFAKEY_DEPLOY_HOOK; the key is stored: `cfakey show` hands it over by hand",
        what="the key is stored, but the deploy hook",
        error=PortalError,
        slug=slug,
        stdin=key,
        env=env,
    )
    log.info("deploy hook done")


def one_time_code(slug: str, settings: PortalSettings, interactive: bool) -> str:
    """The code a portal e-mailed: from the OTP command, else a prompt on a terminal."""
    variable = f"CFAKEY_{slug.upper()}__OTP_COMMAND"
    if settings.otp_command:
        out = _run(
            settings.otp_command,
            variable=variable,
            what="the one-time code command",
            error=CodeNeeded,
            slug=slug,
        )
        code = out.strip()
        if not code:
            raise CodeNeeded(
                f"{slug}: the one-time code command printed no code",
                opco=slug,
                hint=f"check {variable}",
            )
        return code
    if interactive:
        sys.stderr.write(f"{OPCOS[slug].name} e-mailed a one-time code. Code: ")
        sys.stderr.flush()
        code = sys.stdin.readline().strip()
        if code:
            return code
    raise code_source_missing(slug)


def code_source_missing(slug: str) -> CodeNeeded:
    return CodeNeeded(
        f"{slug}: the portal e-mails a one-time code and cfakey has no way to read it",
        opco=slug,
        hint=f"set CFAKEY_{slug.upper()}__OTP_COMMAND to a command that prints the code, "
        "or run on a terminal",
    )
