"""Which rows the report by framework reads: the tags of one framework (only references the
dataset has), narrowed to a partner, and, for a page, the first few items of each kind under
each reference. The database ranks the tagged ids under each reference with window
functions (row_number() and count() over the reference, on SQLite 3.25+ and PostgreSQL),
so the counts come with the rows in one query and only the rows kept are read in full."""

from __future__ import annotations

from sqlalchemy import Integer, case, cast, distinct, func, select
from sqlalchemy.orm import Session

from hsbp.risks.framework_models import FrameworkTag


class Scope:
    """The partnership, the framework's tags, the partner the report is narrowed to and how
    many items of each kind a reference lists (None: all of them)."""

    def __init__(
        self,
        session: Session,
        partnership_id: int,
        key: str,
        partner_id: int | None,
        *,
        codes: list[str],
        limit: int | None = None,
    ):
        self.session, self.partnership_id, self.key = session, partnership_id, key
        self.partner_id, self.codes, self.limit = partner_id, codes, limit

    def tags(self, kind: str) -> tuple:
        """The WHERE clauses of this framework's tags of items of `kind`: only references the
        dataset still has, so every count is of what the report can list."""
        return (
            FrameworkTag.partnership_id == self.partnership_id,
            FrameworkTag.subject_kind == kind,
            FrameworkTag.reference.startswith(f"{self.key}:", autoescape=True),
            FrameworkTag.reference.in_(self.codes),
        )

    @staticmethod
    def row_id(kind: str):
        """The id a tag of `kind` names, as a number, so the row is found by its primary key
        (a text comparison with the id would read every row for every tag). Only a tag of
        `kind` is cast: a goal's key is no number, whatever order the database filters in."""
        return cast(
            case((FrameworkTag.subject_kind == kind, FrameworkTag.subject_key), else_=None),
            Integer,
        )

    def tagged_ids(self, kind: str, model, *where):
        """A subquery of the ids of `model` rows tagged in this framework."""
        return (
            select(model.id)
            .select_from(FrameworkTag)
            .join(model, model.id == self.row_id(kind))
            .where(*self.tags(kind), model.partnership_id == self.partnership_id, *where)
        )

    def ranked(self, kind: str, model, order, *where):
        """The ids of `model` rows tagged in this framework (narrowed by `where`) with their
        reference, their place under it in `order` (tag_place) and how many the reference
        has (tag_total): a CTE of ids and windows, so the database sorts narrow rows and the
        caller reads the columns shown for the rows it keeps (`kept`)."""
        return (
            select(
                FrameworkTag.reference,
                model.id,
                func.row_number()
                .over(partition_by=FrameworkTag.reference, order_by=order)
                .label("tag_place"),
                func.count().over(partition_by=FrameworkTag.reference).label("tag_total"),
            )
            .select_from(FrameworkTag)
            .join(model, model.id == self.row_id(kind))
            .where(*self.tags(kind), model.partnership_id == self.partnership_id, *where)
            .cte(f"tagged_{kind}")
        )

    @staticmethod
    def counts(tagged) -> tuple:
        """The reference and its total of a `ranked` row, and how many distinct items the
        whole framework has (tag_items, the same on every row: a subquery of the CTE, which
        the database computes once)."""
        items = select(func.count(distinct(tagged.c.id))).correlate(None).scalar_subquery()
        return tagged.c.reference, tagged.c.tag_total, items.label("tag_items")

    def kept(self, tagged) -> list:
        """The WHERE clause keeping the first `limit` rows under each reference, if any."""
        return [] if self.limit is None else [tagged.c.tag_place <= self.limit]

    def cut(self, found: list) -> list:
        return found if self.limit is None else found[: self.limit]
