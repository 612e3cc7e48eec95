"""Settings, read with pydantic-settings from the environment (prefix ``CFAKEY_``, nested
delimiter ``__``), a ``.env`` file and a secrets directory (``CFAKEY_SECRETS_DIR``, default
``/run/secrets``), in that order of precedence."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, SecretStr, ValidationError
from pydantic_settings import (
    BaseSettings,
    NestedSecretsSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from ._errors import ConfigError, MissingSetting


class PortalSettings(BaseModel):
    """What one portal needs: credentials, its entry URL, and how to get an e-mailed code."""

    username: str | None = None
    password: SecretStr | None = None
    base_url: str | None = None
    otp_command: str | None = None

    @property
    def configured(self) -> bool:
        return bool(self.username and self.password)


class OcapiatSettings(PortalSettings):
    lifetime_months: int = 12


class MobilitesSettings(PortalSettings):
    siret: str | None = None


def _secrets_dir() -> str | None:
    path = os.environ.get("CFAKEY_SECRETS_DIR", "/run/secrets")
    return path if os.path.isdir(path) else None


def default_store_path() -> Path:
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "cfakey" / "keys.json"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="CFAKEY_",
        env_nested_delimiter="__",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        secrets_nested_delimiter="__",
        secrets_dir_missing="ok",
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Secrets files may be nested like variables: <dir>/CFAKEY_OCAPIAT__PASSWORD.
        secrets = NestedSecretsSettingsSource(file_secret_settings)
        return init_settings, env_settings, dotenv_settings, secrets

    store_path: Path = default_store_path()
    browser_path: Path | None = None
    deploy_hook: str | None = None
    timeout_seconds: float = 30.0
    log_format: Literal["auto", "console", "json"] = "auto"

    afdas: PortalSettings = PortalSettings()
    atlas: PortalSettings = PortalSettings()
    opcommerce: PortalSettings = PortalSettings()
    ocapiat: OcapiatSettings = OcapiatSettings()
    opcoep: PortalSettings = PortalSettings()
    mobilites: MobilitesSettings = MobilitesSettings()
    sante: PortalSettings = PortalSettings()
    opco2i: PortalSettings = PortalSettings()
    constructys: PortalSettings = PortalSettings()
    akto: PortalSettings = PortalSettings()
    uniformation: PortalSettings = PortalSettings()

    def portal(self, slug: str) -> PortalSettings:
        settings: PortalSettings = getattr(self, slug)
        return settings

    def passwords(self) -> list[str]:
        """Every configured password, for the log redactor."""
        found = []
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, PortalSettings) and value.password:
                found.append(value.password.get_secret_value())
        return found


def require_credentials(settings: PortalSettings, slug: str) -> tuple[str, str]:
    """The username and password of a portal, or a MissingSetting naming the variable to set."""
    prefix = f"CFAKEY_{slug.upper()}__"
    if not settings.username:
        raise MissingSetting(prefix + "USERNAME", f"the {slug} username", opco=slug)
    if not settings.password or not settings.password.get_secret_value():
        raise MissingSetting(prefix + "PASSWORD", f"the {slug} password", opco=slug)
    return settings.username, settings.password.get_secret_value()


def load_settings(**overrides: Any) -> Settings:
    """Read the settings; a malformed value becomes a ConfigError naming the variable."""
    try:
        return Settings(_secrets_dir=_secrets_dir(), **overrides)
    except ValidationError as exc:
        problems = []
        for err in exc.errors(include_input=False, include_url=False):
            variable = "CFAKEY_" + "__".join(str(p) for p in err["loc"]).upper()
            problems.append(f"{variable}: {err['msg']}")
        raise ConfigError(
            "invalid setting: " + "; ".join(problems), hint="fix the value and run again"
        ) from None
