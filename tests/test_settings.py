"""Settings: validated at start, errors name the variable, every setting documented."""

from __future__ import annotations

import re
import stat
from pathlib import Path

import pytest

from samverkan.settings import SETTINGS, SettingsError, load_settings

DOCS = Path(__file__).resolve().parent.parent / "docs" / "configuration.md"


def test_defaults(tmp_path):
    settings = load_settings({"SAMVERKAN_DATA_DIR": str(tmp_path)})
    assert settings.data_dir == tmp_path.resolve()
    assert settings.database_url is None and settings.sqlite_path == tmp_path.resolve() / "samverkan.sqlite"
    assert settings.employer_name == "Lunds kommun"
    assert settings.cookie_secure is True and settings.session_hours == 10


def test_secret_key_is_generated_once_and_private(tmp_path, caplog):
    first = load_settings({"SAMVERKAN_DATA_DIR": str(tmp_path)})
    key_file = tmp_path / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert "SAMVERKAN_SECRET_KEY is not set" in caplog.text
    assert load_settings({"SAMVERKAN_DATA_DIR": str(tmp_path)}).secret_key == first.secret_key


@pytest.mark.parametrize(
    "name, value, words",
    [
        ("SAMVERKAN_DATABASE_URL", "mysql://x/y", "postgresql://"),
        ("SAMVERKAN_SECRET_KEY", "short", "32"),
        ("SAMVERKAN_COOKIE_SECURE", "perhaps", "true or false"),
        ("SAMVERKAN_SESSION_HOURS", "0", "between 1 and 720"),
        ("SAMVERKAN_SESSION_HOURS", "ten", "whole number"),
        ("SAMVERKAN_LOGIN_MAX_FAILURES", "1000", "between 1 and 100"),
        ("SAMVERKAN_DB_POOL_SIZE", "-1", "between 0 and 100"),
        ("SAMVERKAN_LOG_LEVEL", "LOUD", "DEBUG"),
        ("SAMVERKAN_SESION_HOURS", "5", "unknown setting"),
    ],
)
def test_bad_values_name_the_variable(tmp_path, name, value, words):
    with pytest.raises(SettingsError) as error:
        load_settings({"SAMVERKAN_DATA_DIR": str(tmp_path), name: value})
    assert str(error.value).startswith(name + ":")
    assert words in str(error.value)


def test_data_dir_that_is_a_file(tmp_path):
    file = tmp_path / "file"
    file.write_text("x")
    with pytest.raises(SettingsError, match="^SAMVERKAN_DATA_DIR: .* not a directory"):
        load_settings({"SAMVERKAN_DATA_DIR": str(file)})


def test_every_setting_is_documented():
    documented = set(re.findall(r"`(SAMVERKAN_[A-Z_]+)`", DOCS.read_text()))
    missing = {s.env for s in SETTINGS} - documented
    assert not missing, f"undocumented in docs/configuration.md: {sorted(missing)}"
