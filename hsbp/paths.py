"""Where templates, catalogs and migrations are, in a source checkout and in an installed wheel."""

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    """Return the folder `name` (templates, translations, migrations).

    A wheel carries it inside the package; a checkout (or an editable install) keeps it at
    the repository root, beside the package.
    """
    inside = PACKAGE_DIR / name
    if inside.is_dir():
        return inside
    return PACKAGE_DIR.parent / name


def public_url(endpoint: str, **values) -> str:
    """An absolute link for e-mails and SMS, built on HSBP_PUBLIC_URL (the address people
    reach, which behind a proxy or tunnel differs from the one the app sees)."""
    from flask import current_app

    path = current_app.url_map.bind("hsbp.invalid").build(endpoint, values)
    return current_app.config["PUBLIC_URL"] + path
