"""Settings: names as in SPEC, secrets kept secret, and errors that name the variable to set."""

from __future__ import annotations

from pathlib import Path

import pytest

from robots._errors import ConfigError, MissingSetting
from robots._settings import load_settings, require_credentials


def test_nested_environment_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CFAKEY_OCAPIAT__USERNAME", "OF12345.001")
    monkeypatch.setenv("CFAKEY_OCAPIAT__PASSWORD", "pw-from-env")
    monkeypatch.setenv("CFAKEY_OCAPIAT__LIFETIME_MONTHS", "6")
    monkeypatch.setenv("CFAKEY_MOBILITES__SIRET", "99999999900009")
    settings = load_settings()
    assert settings.ocapiat.username == "OF12345.001"
    assert settings.ocapiat.lifetime_months == 6
    assert settings.mobilites.siret == "99999999900009"
    assert "pw-from-env" not in repr(settings)
    assert settings.passwords() == ["pw-from-env"]


def test_dotenv_and_secrets_directory(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, clean_env: Path
) -> None:
    (clean_env / ".env").write_text("CFAKEY_SANTE__USERNAME=from-dotenv\n")
    secrets = tmp_path / "secrets"
    secrets.mkdir()
    (secrets / "CFAKEY_SANTE__PASSWORD").write_text("pw-from-file")
    monkeypatch.setenv("CFAKEY_SECRETS_DIR", str(secrets))
    settings = load_settings()
    assert require_credentials(settings.sante, "sante") == ("from-dotenv", "pw-from-file")


def test_ocapiat_lifetime_defaults_to_twelve_months() -> None:
    assert load_settings().ocapiat.lifetime_months == 12


def test_missing_password_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CFAKEY_ATLAS__USERNAME", "me@example.fr")
    with pytest.raises(MissingSetting) as caught:
        require_credentials(load_settings().atlas, "atlas")
    assert caught.value.variable == "CFAKEY_ATLAS__PASSWORD"
    assert caught.value.exit_status == 2
    assert "CFAKEY_ATLAS__PASSWORD" in caught.value.message


def test_malformed_value_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CFAKEY_OCAPIAT__LIFETIME_MONTHS", "twelve")
    with pytest.raises(ConfigError, match="CFAKEY_OCAPIAT__LIFETIME_MONTHS"):
        load_settings()
