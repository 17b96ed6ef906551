"""The demo's suggestions on the Caguán charter's version 2: the women's organisation asked
for the higher local-hiring target the amendment carries (accepted), and the company asked
for a longer notice to leave (declined, with the reason). Written as the history they left
before version 2 was proposed, since the demo's version 2 is already proposed."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from hsbp import audit
from hsbp.auth.models import User
from hsbp.partnerships.models import Membership, Partner, Partnership
from hsbp.principles import services
from hsbp.principles.demo import AGROFORESTAL, MUJERES
from hsbp.principles.suggestion_models import CharterSuggestion, SuggestionStatus

LONGER_NOTICE = {
    "es": "Quien sale avisa por escrito con tres meses de anticipación y entrega cuentas de "
    "los recursos a su cargo.",
}


def seed_suggestions(session: Session, *, partnership: Partnership, facilitator: User) -> None:
    """Two decided suggestions on version 2 of `partnership`'s charter, with their audit
    entries; nothing when there is no version 2 or its representatives are missing."""
    version = services.get_version(session, partnership_id=partnership.id, number=2)
    first = services.get_version(session, partnership_id=partnership.id, number=1)
    rows = session.execute(
        select(Partner, Membership.user_id)
        .join(Membership, Membership.partner_id == Partner.id)
        .where(Partner.partnership_id == partnership.id, Partner.name.in_([MUJERES, AGROFORESTAL]))
    ).all()
    speakers = {partner.name: (partner, user_id) for partner, user_id in rows}
    if version is None or first is None or len(speakers) < 2:
        return
    start = version.created_at
    goal = version.content["goals"][1]
    women, women_user = speakers[MUJERES]
    company, company_user = speakers[AGROFORESTAL]
    made = [
        CharterSuggestion(
            partnership_id=partnership.id,
            version=version,
            clause=f"goals/{goal['key']}/target",
            author_id=women_user,
            partner_id=women.id,
            before=first.content["goals"][1]["target"],
            wording=goal["target"],
            comment="Lo pedimos al respaldar la versión 1: la meta de empleo de mujeres se "
            "revisa a los seis meses.",
            status=SuggestionStatus.ACCEPTED,
            reason="",
            decided_by_id=facilitator.id,
            created_at=start + timedelta(minutes=5),
            decided_at=start + timedelta(minutes=30),
        ),
        CharterSuggestion(
            partnership_id=partnership.id,
            version=version,
            clause="protocols/leaver_rules",
            author_id=company_user,
            partner_id=company.id,
            before=version.content["protocols"]["leaver_rules"],
            wording=LONGER_NOTICE,
            comment="Un mes no alcanza para entregar los viveros en buen estado.",
            status=SuggestionStatus.DECLINED,
            reason="La asamblea acordó un mes; se revisa en la próxima enmienda.",
            decided_by_id=facilitator.id,
            created_at=start + timedelta(minutes=10),
            decided_at=start + timedelta(minutes=35),
        ),
    ]
    session.add_all(made)
    session.flush()
    for row, action in zip(made, ("accept", "decline"), strict=True):
        details = {"number": version.number, "suggestion_id": row.id, "clause": row.clause}
        audit.record(
            session,
            actor_id=row.author_id,
            action="charter.suggestion.create",
            obj=row,
            partnership_id=partnership.id,
            details={**details, "partner_id": row.partner_id, "languages": sorted(row.wording)},
        )
        audit.record(
            session,
            actor_id=facilitator.id,
            action=f"charter.suggestion.{action}",
            obj=row,
            partnership_id=partnership.id,
            details=details | ({"reason": row.reason} if row.reason else {}),
        )
    session.flush()
