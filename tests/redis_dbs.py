"""The Redis databases tests may use. CI runs its SQLite and PostgreSQL passes side by side
against one Redis, so each pass has its own three databases: what one pass flushes or counts,
the other never sees."""

import os


def redis_url(slot: int) -> str:
    """redis://…/15, 14 or 13 for slots 0, 1, 2 on SQLite; 12, 11 or 10 on PostgreSQL."""
    if slot not in (0, 1, 2):
        raise ValueError(f"no such test Redis slot: {slot}")
    first = 12 if os.environ.get("HSBP_TEST_DATABASE_URL") else 15
    return f"redis://127.0.0.1:6379/{first - slot}"
