"""The charter's words as readers see them: the labels and hints of its principles, protocols,
rules, budget lines and goals (the document itself: hsbp.principles.content)."""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _p

PRINCIPLE_LABELS = {
    "locally_driven": _l("Locally driven"),
    # A context of its own: in Spanish and Arabic the plain word is the pulse's "Inclusivity".
    "inclusive": _p("LIFTS principle", "Inclusive"),
    "forward_looking": _l("Forward looking"),
    "trust": _l("Trust"),
    "sharing": _l("Sharing"),
}
PROTOCOL_LABELS = {
    "entry_rules": _l("Entry rules"),
    "leaver_rules": _l("Leaver rules"),
    "communication_protocol": _l("Communication protocol"),
    "grievance_handling": _l("Grievance handling"),
}
RULE_LABELS = {"consensus": _l("Consensus"), "majority": _l("Majority")}
RULE_FIELD_LABELS = {
    "rule": _l("Decision rule"),
    "majority_percent": _l("Majority needed (percentage of the partners)"),
    "quorum_percent": _l("Quorum (percentage of the partners who answer)"),
}
ACTION_RULE_FIELD_LABEL = _l("Who may change an action")
ACTION_RULE_LABELS = {
    "lead": _l("Lead partner"),
    "owners": _l("Lead and supporting partners"),
    "any": _l("Any partner"),
}
ACTION_RULE_HINTS = {
    "lead": _l(
        "Only representatives of the action's lead partner change it; supporting partners "
        "add progress updates and evidence."
    ),
    "owners": _l("Representatives of the lead partner and of the supporting partners change it."),
    "any": _l("Any partner representative of the partnership changes any action."),
}
ACTION_RULE_NOTE = _l("Facilitators may always change an action; observers never.")
CHECK_RULE_FIELD_LABEL = _l("Check done actions with the community")
CHECK_RULE_LABELS = {
    "never": _l("Never"),
    "choose": _l("The facilitator chooses"),
    "always": _l("Always"),
}
CHECK_RULE_HINTS = {
    "never": _l("No SMS check is sent when an action is done."),
    "choose": _l(
        "When an action is done, a facilitator may ask the people of its places, by SMS, "
        "whether it works for them."
    ),
    "always": _l(
        "When an action is done, the people of its places are asked at once, by SMS, "
        "whether it works for them; the question stays open for two weeks."
    ),
}
COMMUNITY_RULE_FIELD_LABELS = {
    "mode": _l("Community support by SMS"),
    "min_answers": _l("Fewest answers for the community's decision"),
}
COMMUNITY_MODE_LABELS = {
    "informative": _l("Informative"),
    "required": _l("Required for adoption"),
}
COMMUNITY_MODE_HINTS = {
    "informative": _l(
        "The community's vote by SMS is shown beside the partners' endorsements; the partners "
        "decide."
    ),
    "required": _l(
        "A proposal is adopted only when the partners' rule is met and the latest community "
        "vote on it, once closed, has enough answers and a majority of them in support."
    ),
}
KIND_LABELS = {"cash": _l("Cash"), "in_kind": _l("In kind")}
BUDGET_FIELD_LABELS = {
    "description": _l("Description"),
    "partner_id": _l("Partner"),
    "kind": _l("Kind"),
    "amount": _l("Amount"),
    "currency": _l("Currency"),
}
GOAL_FIELD_LABELS = {
    "title": _l("Title"),
    "baseline": _l("Baseline"),
    "target": _l("Target"),
    "due": _l("Due date"),
}
RISK_RULE_FIELD_LABEL = _l("Who reads the risks register")
RISK_RULE_LABELS = {
    "all_members": _l("All members"),
    "connected": _l("Facilitators and the partners connected to each risk"),
}
RISK_RULE_HINTS = {
    "all_members": _l("Every member of the partnership, observers included, reads every risk."),
    "connected": _l(
        "Facilitators read every risk; a partner's members read the risks their organisation "
        "is connected to, and those they recorded."
    ),
}
RISK_RULE_NOTE = _l(
    "Whatever the rule, a partner's own connection to a risk and its leverage are read only by "
    "that partner's members and the facilitators."
)
INCIDENT_PARTNERS_FIELD_LABEL = _l("Partners told of each incident reported by SMS")
INCIDENT_PARTNERS_HINT = _l(
    "The facilitators are always told. The partners chosen here are told too, with the place."
)
