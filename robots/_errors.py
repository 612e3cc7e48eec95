"""The errors cfakey reports, each mapped once to a message and an exit status.

    CfakeyError
    ├── ConfigError            exit 2  a setting is missing or wrong, an unknown OPCO
    ├── Refused                exit 3  an overwrite needed a confirmation that was not given
    └── PortalError            exit 1  a portal run failed
        ├── LoginFailed                the portal rejected the username or password
        ├── PortalChanged              an element the procedure names is not on the page
        ├── PortalUnavailable          the portal did not answer (network, timeouts, errors)
        ├── ActionNeeded               a person must act at the OPCO (rights, a form, a link)
        ├── CodeNeeded                 a one-time code is needed and none can be obtained
        ├── CodeRejected               the portal refused the one-time code
        ├── KeyCheckFailed             the key read is empty, implausible or unchanged
        └── StoreError                 the key store cannot be read or written

Messages never carry a password or a key; the logging redactor is a second line of defence.
"""

from __future__ import annotations


class CfakeyError(Exception):
    exit_status = 1

    def __init__(self, message: str, *, opco: str | None = None, hint: str | None = None) -> None:
        self.opco = opco
        self.hint = hint
        super().__init__(message)

    @property
    def message(self) -> str:
        text = str(self.args[0])
        return f"{text} — {self.hint}" if self.hint else text


class ConfigError(CfakeyError):
    exit_status = 2


class MissingSetting(ConfigError):
    def __init__(self, variable: str, what: str, *, opco: str | None = None) -> None:
        self.variable = variable
        super().__init__(
            f"{what} is not set",
            opco=opco,
            hint=f"set {variable} (environment, .env file or secrets directory)",
        )


class Refused(CfakeyError):
    exit_status = 3


class PortalError(CfakeyError):
    exit_status = 1


class LoginFailed(PortalError):
    pass


class PortalChanged(PortalError):
    def __init__(self, opco: str, step: str, locator: str, url: str = "") -> None:
        self.step = step
        self.locator = locator
        where = f" on {url}" if url else ""
        super().__init__(
            f"{opco}: step '{step}': '{locator}' not found{where}",
            opco=opco,
            hint=f"the portal page may have changed; check selectors/{opco}.toml",
        )


class PortalUnavailable(PortalError):
    pass


class ActionNeeded(PortalError):
    pass


class CodeNeeded(PortalError):
    pass


class CodeRejected(PortalError):
    pass


class KeyCheckFailed(PortalError):
    pass


class StoreError(CfakeyError):
    exit_status = 1
