"""The `hsbp` command: db, user create, demo."""

import pytest
from alembic.script import ScriptDirectory
from click.testing import CliRunner
from sqlalchemy import create_engine, text

from hsbp.cli import main
from hsbp.migrate import alembic_config


@pytest.fixture
def cli_env(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    monkeypatch.setenv("HSBP_ENV", "development")
    monkeypatch.setenv("HSBP_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("HSBP_DATABASE_URL", url)
    monkeypatch.setenv("HSBP_QUEUE_URL", "immediate")
    return url


def run(*args, input=None):
    result = CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)
    return result


def rows(url, sql):
    engine = create_engine(url)
    with engine.connect() as connection:
        found = connection.execute(text(sql)).all()
    engine.dispose()
    return found


def test_db_upgrade_and_downgrade(cli_env):
    assert run("db", "upgrade").output.endswith("Database upgraded to head.\n")
    head = ScriptDirectory.from_config(alembic_config(cli_env)).get_current_head()
    assert rows(cli_env, "SELECT version_num FROM alembic_version") == [(head,)]
    assert run("db", "downgrade", "base").exit_code == 0
    assert rows(cli_env, "SELECT count(*) FROM alembic_version") == [(0,)]


def test_user_create_with_flags(cli_env):
    run("db", "upgrade")
    result = run(
        "user",
        "create",
        "--email",
        "Admin@Example.org",
        "--name",
        "Ada",
        "--password",
        "a long admin password",
        "--admin",
    )
    assert result.exit_code == 0
    assert result.output == "Created admin@example.org (site administrator).\n"
    assert rows(cli_env, "SELECT email, is_site_admin FROM users") == [("admin@example.org", 1)]


def test_user_create_asks_for_what_is_missing(cli_env):
    run("db", "upgrade")
    result = run("user", "create", input="ana@example.org\nAna\nlong password 1\nlong password 1\n")
    assert result.exit_code == 0
    assert "Created ana@example.org." in result.output


def test_user_create_explains_a_refusal_and_writes_nothing(cli_env):
    run("db", "upgrade")
    result = run("user", "create", "--email", "a@example.org", "--name", "A", "--password", "short")
    assert result.exit_code == 1
    assert "Use at least 10 characters." in result.output
    assert rows(cli_env, "SELECT count(*) FROM users") == [(0,)]


def test_demo_migrates_seeds_once_and_prints_the_logins(cli_env):
    first = run("demo", "--no-serve")
    assert "Demo partnership seeded." in first.output
    assert "lucia.hernandez@demo.hsbp.example" in first.output
    assert "andres.gomez@demo.hsbp.example" in first.output
    assert "martha.rincon@demo.hsbp.example" in first.output
    second = run("demo", "--no-serve")
    assert "Demo database already holds data." in second.output
    assert rows(cli_env, "SELECT count(*) FROM partnerships") == [(2,)]
    reset = run("demo", "--no-serve", "--reset")
    assert "Demo partnership seeded." in reset.output
    # 7 people of the story and 13 staff of three partners who answer the health pulses.
    assert rows(cli_env, "SELECT count(*) FROM users") == [(20,)]
    assert rows(cli_env, "SELECT count(*) FROM mapping_participants") == [(24,)]


def test_demo_logins_work(cli_env):
    from hsbp import create_app
    from hsbp.demo import DEMO_LOGINS

    run("demo", "--no-serve")
    app = create_app({"WTF_CSRF_ENABLED": False})
    for _role, email, password in DEMO_LOGINS:
        client = app.test_client()
        response = client.post("/login", data={"email": email, "password": password})
        assert response.headers["Location"] == "/partnerships", email
        # A list, a partnership's dashboard or the administration: a page, whoever it is.
        assert client.get("/partnerships", follow_redirects=True).status_code == 200


def test_missing_production_settings_are_one_clear_line(monkeypatch, tmp_path):
    for name in ("ENV", "SECRET_KEY", "FIELD_KEY"):
        monkeypatch.delenv(f"HSBP_{name}", raising=False)
    monkeypatch.setenv("HSBP_INSTANCE_PATH", str(tmp_path))
    result = CliRunner().invoke(main, ["db", "current"])
    assert result.exit_code == 1
    assert result.output == (
        "Error: HSBP_SECRET_KEY and HSBP_FIELD_KEY must be set in production "
        "(HSBP_ENV=production).\n"
    )


def test_worker_refuses_to_start_without_its_database_schema_or_queue(cli_env, monkeypatch):
    behind = run("worker")
    monkeypatch.setenv("HSBP_QUEUE_URL", "redis://:queue-password@127.0.0.1:1/0")
    assert run("db", "upgrade").exit_code == 0
    no_queue = run("worker")
    assert (behind.exit_code, behind.output) == (
        1,
        "Error: the worker cannot start: the database schema is behind this hsbp: run"
        " `hsbp db upgrade`.\n",
    )
    assert (no_queue.exit_code, no_queue.output) == (
        1,
        "Error: the worker cannot start: cannot reach the task queue at"
        " redis://:***@127.0.0.1:1/0.\n",
    )
