"""Settings from HSBP_* variables, and the refusal to run production without secrets."""

import os

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
        "MAIL_SERVER",
        "MAIL_LOG",
    ):
        monkeypatch.delenv(f"HSBP_{name}", raising=False)


def test_production_refuses_to_start_without_secret_and_field_key(tmp_path):
    with pytest.raises(ConfigError, match="HSBP_SECRET_KEY and HSBP_FIELD_KEY must be set"):
        load_settings(tmp_path)


def production_keys(monkeypatch):
    monkeypatch.setenv("HSBP_SECRET_KEY", "s" * 40)
    monkeypatch.setenv("HSBP_FIELD_KEY", Fernet.generate_key().decode())


def test_production_starts_with_both_keys_and_a_mail_server(tmp_path, monkeypatch):
    production_keys(monkeypatch)
    monkeypatch.setenv("HSBP_MAIL_SERVER", "smtp.example.org")
    settings = load_settings(tmp_path)
    assert settings["HSBP_ENV"] == "production"
    assert (settings["MAIL_SERVER"], settings["MAIL_LOG"]) == ("smtp.example.org", False)
    assert not (tmp_path / "secret_key").exists()


def test_production_refuses_to_start_without_a_mail_server(tmp_path, monkeypatch):
    production_keys(monkeypatch)
    with pytest.raises(ConfigError) as refused:
        load_settings(tmp_path)
    assert str(refused.value) == (
        "HSBP_MAIL_SERVER must be set in production (HSBP_ENV=production), or HSBP_MAIL_LOG=1"
        " to write e-mails, with their sign-in links, to the log instead."
    )


def test_production_writes_e_mails_to_the_log_only_when_told_to(tmp_path, monkeypatch):
    production_keys(monkeypatch)
    monkeypatch.setenv("HSBP_MAIL_LOG", "1")
    settings = load_settings(tmp_path)
    assert (settings["MAIL_SERVER"], settings["MAIL_LOG"]) == (None, True)


def test_development_writes_e_mails_to_the_log(tmp_path, monkeypatch):
    monkeypatch.setenv("HSBP_ENV", "development")
    assert load_settings(tmp_path)["MAIL_LOG"] is True
    monkeypatch.setenv("HSBP_MAIL_LOG", "0")
    assert load_settings(tmp_path)["MAIL_LOG"] is False


def test_development_generates_the_secret_key_once_and_keeps_it(tmp_path, monkeypatch):
    monkeypatch.setenv("HSBP_ENV", "development")
    first = load_settings(tmp_path)
    second = load_settings(tmp_path)
    assert first["SECRET_KEY"] == second["SECRET_KEY"]
    assert len(first["SECRET_KEY"]) >= 40
    assert first["FIELD_KEY"] == second["FIELD_KEY"]
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "field_key").stat().st_mode & 0o777 == 0o600


def test_development_keys_and_their_folder_are_private_whatever_the_umask(tmp_path, monkeypatch):
    # Created 0600 from the first byte (not written, then chmod-ed), whatever the umask.
    monkeypatch.setenv("HSBP_ENV", "development")
    previous = os.umask(0)
    try:
        load_settings(tmp_path / "instance")
    finally:
        os.umask(previous)
    assert (tmp_path / "instance").stat().st_mode & 0o777 == 0o700
    for name in ("secret_key", "field_key"):
        assert (tmp_path / "instance" / name).stat().st_mode & 0o777 == 0o600


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


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("MAIL_PORT", "5 87", "HSBP_MAIL_PORT must be a number, not '5 87'."),
        ("SMS_SEND_TIMEOUT", "ten", "HSBP_SMS_SEND_TIMEOUT must be a number, not 'ten'."),
        ("READY_SPOOL_LIMIT", "-1", "HSBP_READY_SPOOL_LIMIT must not be negative, not '-1'."),
    ],
)
def test_a_malformed_number_is_one_clear_line(tmp_path, monkeypatch, name, value, message):
    monkeypatch.setenv("HSBP_ENV", "development")
    monkeypatch.setenv(f"HSBP_{name}", value)
    with pytest.raises(ConfigError) as refused:
        load_settings(tmp_path)
    assert str(refused.value) == message
