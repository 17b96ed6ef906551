"""Benchmark: the results and common-ground pages of a consultation of 20 questions with 500
and with 50,000 respondents. Prints the median response time and the SQL statements per page,
and the ratio of the large run to the small one measured in the same run: once with the
answers counted afresh for every view (the first view after a response is finished) and once
with the counts kept from the view before.

    python bench/consultation_results.py                      # SQLite in a temporary folder
    python bench/consultation_results.py --database-url postgresql+psycopg://postgres@127.0.0.1/hsbp_bench

Run by hand; never collected by pytest. The PostgreSQL database is dropped and recreated.
Data is bulk-inserted with explicit ids (the answering rules are tested elsewhere; here only
the reading side is measured).
"""

from __future__ import annotations

import argparse
import random
import time

from common import migrated_app, time_pages
from sqlalchemy import delete, func, insert, select

from hsbp import db
from hsbp.auth.models import User
from hsbp.consultations.models import (
    Answer,
    AnswerChoice,
    Consultation,
    Participation,
    Question,
    Response,
    ResultsCache,
    response_tags,
)
from hsbp.mapping import tags as mapping_tags
from hsbp.partnerships.models import Membership, Partnership
from hsbp.security import Role

PAGES = {
    "results": "/p/{pid}/consultations/{cid}/results",
    "common ground": "/p/{pid}/consultations/{cid}/results/common-ground",
}
SECTORS = ["company", "local_government", "civil_society", "community_group", "individual"]
CHANNELS = ["web", "sms", "assisted"]
# 20 questions: 16 of choices, 2 numbers, 2 texts.
KINDS = ["single", "multiple", "scale", "yes_no"] * 4 + ["number", "number", "text", "text"]
OPTIONS = ["a", "b", "c", "d", "e"]
BATCH = 20_000


def _next_id(session, column) -> int:
    return (session.scalar(select(func.max(column))) or 0) + 1


def _questions(session, consultation_id: int) -> list[Question]:
    questions = []
    for position, kind in enumerate(KINDS):
        choices = (
            [{"key": k, "label": {"es": f"Opción {k}"}} for k in OPTIONS]
            if kind in ("single", "multiple")
            else []
        )
        questions.append(
            Question(
                consultation_id=consultation_id,
                position=position,
                kind=kind,
                text={"es": f"Pregunta {position + 1}"},
                choices=choices,
            )
        )
    session.add_all(questions)
    session.flush()
    return questions


def _answer(rng, question, answer_id, response_id):
    """The answer row and its chosen options for one question."""
    kind = question.kind
    row = {"id": answer_id, "response_id": response_id, "question_id": question.id}
    row.update(skipped=False, number=None, text=None, raw=None)
    if rng.random() < 0.05:
        row["skipped"] = True
        return row, []
    if kind == "number":
        row["number"] = float(rng.randint(0, 12))
        return row, []
    if kind == "text":
        row["text"] = "El agua baja turbia" if rng.random() < 0.5 else "Faltan vías"
        return row, []
    keys = {"single": OPTIONS, "scale": ["1", "2", "3", "4", "5"], "yes_no": ["yes", "no"]}
    if kind == "multiple":
        chosen = [k for k in OPTIONS if rng.random() < 0.35] or ["a"]
    else:
        chosen = [rng.choice(keys[kind])]
    picks = [
        {
            "answer_id": answer_id,
            "response_id": response_id,
            "question_id": question.id,
            "choice": c,
        }
        for c in chosen
    ]
    return row, picks


def build(app, size: int) -> tuple[int, int, int]:
    """A partnership with an open consultation of 20 questions and `size` respondents."""
    rng = random.Random(size)
    with app.app_context():
        session = db.session()
        partnership = Partnership(
            name=f"Bench {size}",
            country="CO",
            default_locale="es",
            locales=["es"],
            timezone="America/Bogota",
        )
        user = User(email=f"bench{size}@example.org", name="Bench", password_hash="x")
        session.add_all([partnership, user])
        session.flush()
        session.add(
            Membership(partnership_id=partnership.id, user_id=user.id, role=Role.FACILITATOR)
        )
        consultation = Consultation(
            partnership_id=partnership.id,
            title={"es": "Agua y vías"},
            channels=CHANNELS,
            status="open",
            anonymous=True,
        )
        session.add(consultation)
        session.flush()
        questions = _questions(session, consultation.id)
        tags = [t.id for t in mapping_tags.group_tags(session, partnership_id=partnership.id)]
        response_id = _next_id(session, Response.id)
        answer_id = _next_id(session, Answer.id)
        responses, answers, picks, tagged, asked = [], [], [], [], []

        def flush():
            for table, rows in (
                (Response, responses),
                (response_tags, tagged),
                (Answer, answers),
                (AnswerChoice, picks),
                (Participation, asked),
            ):
                if rows:
                    session.execute(insert(table), rows)
                    rows.clear()

        for n in range(size):
            sector = rng.choice(SECTORS)
            state = "complete" if rng.random() < 0.9 else rng.choice(["partial", "in_progress"])
            responses.append(
                {
                    "id": response_id,
                    "consultation_id": consultation.id,
                    "channel": rng.choice(CHANNELS),
                    "state": state,
                    "locale": "es",
                    "sector": sector,
                    "locality": "",
                }
            )
            asked.append(
                {
                    "consultation_id": consultation.id,
                    "channel": "sms",
                    "state": state,
                    "sector": sector,
                    "reprompts": 0,
                }
            )
            for tag in rng.sample(tags, rng.choice([0, 0, 1, 1, 2])):
                tagged.append({"response_id": response_id, "tag_id": tag})
            for question in questions:
                row, chosen = _answer(rng, question, answer_id, response_id)
                answers.append(row)
                picks.extend(chosen)
                answer_id += 1
            response_id += 1
            if len(answers) >= BATCH or n == size - 1:
                flush()
        db.finish(commit=True)
        return partnership.id, consultation.id, user.id


def measure(app, partnership_id, consultation_id, user_id, repeats: int) -> dict:
    """{(page, counted afresh or kept): timings} for each page."""
    urls = {name: p.format(pid=partnership_id, cid=consultation_id) for name, p in PAGES.items()}

    def forget_counts():
        with app.app_context():
            db.session().execute(delete(ResultsCache))
            db.finish(commit=True)

    fresh = time_pages(app, user_id, urls, repeats, before_each=forget_counts)
    kept = time_pages(app, user_id, urls, repeats)
    return {
        **{(name, "counted"): found for name, found in fresh.items()},
        **{(name, "kept"): found for name, found in kept.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--large", type=int, default=50_000)
    args = parser.parse_args()
    app = migrated_app(args.database_url)
    url = app.config["DATABASE_URL"]
    started = time.perf_counter()
    small = measure(app, *build(app, 500), repeats=args.repeats)
    large_ids = build(app, args.large)
    built = time.perf_counter() - started
    large = measure(app, *large_ids, repeats=args.repeats)
    print(f"database: {url.split(':')[0]}; median of {args.repeats} requests per page")
    print(f"data built in {built:.0f} s")
    header = ("500 ms", "large ms", "ratio", "SQL 500", "SQL large", "KB large")
    print(f"{'page':<24}" + "".join(f"{h:>10}" for h in header))
    for name, counts in small:
        (t1, q1, _b1), (t2, q2, b2) = small[name, counts], large[name, counts]
        row = f"{name} ({counts})"
        print(f"{row:<24}{t1:>10.1f}{t2:>10.1f}{t2 / t1:>10.1f}{q1:>10}{q2:>10}{b2 / 1024:>10.1f}")
    print("counted: every view counts the answers; kept: the counts of the view before are read")


if __name__ == "__main__":
    main()
