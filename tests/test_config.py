"""Settings from HSBP_* variables, and the refusal to run production without secrets."""

import pytest
from cryptography.fernet import Fernet

from hsbp.config import ConfigError, load_settings


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    for name in (
        "ENV",
        "SECRET_KEY",
        "FIELD_KEY",
        "DATABASE_URL",
        "PUBLIC_URL",
        "QUEUE_URL",
        "RATELIMIT_STORAGE_URL",
    ):
        monkeypatch.delenv(f"HSBP_{name}", raising=False)


def test_production_refuses_to_start_without_secret_and_field_key(tmp_path):
    with pytest.raises(ConfigError, match="HSBP_SECRET_KEY and HSBP_FIELD_KEY must be set"):
        load_settings(tmp_path)


def test_production_starts_with_both_keys(tmp_path, monkeypatch):
    monkeypatch.setenv("HSBP_SECRET_KEY", "s" * 40)
    monkeypatch.setenv("HSBP_FIELD_KEY", Fernet.generate_key().decode())
    settings = load_settings(tmp_path)
    assert settings["HSBP_ENV"] == "production"
    assert not (tmp_path / "secret_key").exists()


def test_development_generates_the_secret_key_once_and_keeps_it(tmp_path, monkeypatch):
    monkeypatch.setenv("HSBP_ENV", "development")
    first = load_settings(tmp_path)
    second = load_settings(tmp_path)
    assert first["SECRET_KEY"] == second["SECRET_KEY"]
    assert len(first["SECRET_KEY"]) >= 40
    assert first["FIELD_KEY"] == second["FIELD_KEY"]
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_defaults_keep_data_in_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("HSBP_ENV", "development")
    settings = load_settings(tmp_path)
    assert settings["DATABASE_URL"] == f"sqlite:///{tmp_path / 'hsbp.sqlite3'}"
    assert settings["QUEUE_URL"] == f"sqlite:///{tmp_path / 'queue.sqlite3'}"
    assert settings["RATELIMIT_STORAGE_URI"] == "memory://"


def test_environment_variables_are_read(tmp_path, monkeypatch):
    monkeypatch.setenv("HSBP_ENV", "development")
    monkeypatch.setenv("HSBP_DATABASE_URL", "postgresql+psycopg://db.internal/hsbp")
    monkeypatch.setenv("HSBP_PUBLIC_URL", "https://hsbp.example.org/")
    monkeypatch.setenv("HSBP_QUEUE_URL", "redis://127.0.0.1:6379/1")
    monkeypatch.setenv("HSBP_RATELIMIT_STORAGE_URL", "redis://127.0.0.1:6379/2")
    settings = load_settings(tmp_path)
    assert settings["DATABASE_URL"] == "postgresql+psycopg://db.internal/hsbp"
    assert settings["PUBLIC_URL"] == "https://hsbp.example.org"
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["QUEUE_URL"] == "redis://127.0.0.1:6379/1"
    assert settings["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/2"


def test_a_bad_field_key_is_explained(tmp_path, monkeypatch):
    monkeypatch.setenv("HSBP_ENV", "development")
    monkeypatch.setenv("HSBP_FIELD_KEY", "not-a-key")
    with pytest.raises(ConfigError, match="HSBP_FIELD_KEY must be a Fernet key"):
        load_settings(tmp_path)


def test_an_unknown_environment_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("HSBP_ENV", "staging")
    with pytest.raises(ConfigError, match="HSBP_ENV must be one of"):
        load_settings(tmp_path)
