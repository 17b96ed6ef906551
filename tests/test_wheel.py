"""The package works as a built wheel: templates, catalogs, migrations and assets inside."""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = """
import hsbp, os
from hsbp import create_app, migrate
app = create_app({"ENV": "development", "QUEUE_URL": "immediate"})
migrate.upgrade(app.config["DATABASE_URL"])
client = app.test_client()
body = client.get("/login", headers={"Accept-Language": "ar"}).get_data(as_text=True)
print(hsbp.__file__)
print('dir="rtl"' in body, "تسجيل الدخول" in body, client.get("/static/hsbp.css").status_code)
"""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    builders = pytest.importorskip("hatchling.builders.wheel")
    out = tmp_path_factory.mktemp("dist")
    return Path(next(iter(builders.WheelBuilder(str(ROOT)).build(directory=str(out)))))


def test_wheel_carries_templates_catalogs_migrations_and_assets(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in (
        "hsbp/templates/base.html",
        "hsbp/translations/ar/LC_MESSAGES/messages.mo",
        "hsbp/translations/sw/LC_MESSAGES/messages.mo",
        "hsbp/migrations/env.py",
        "hsbp/migrations/versions/0001_foundation.py",
        "hsbp/static/hsbp.css",
    ):
        assert expected in names, expected


def test_installed_wheel_migrates_and_serves_in_arabic(wheel, tmp_path):
    unpacked = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(unpacked)
    env = {
        "PYTHONPATH": str(unpacked),
        "HSBP_INSTANCE_PATH": str(tmp_path / "instance"),
        "PATH": "/usr/bin:/bin",
    }
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", SCRIPT],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    location, checks = result.stdout.strip().splitlines()[-2:]
    assert location == str(unpacked / "hsbp" / "__init__.py")
    assert checks == "True True 200"
