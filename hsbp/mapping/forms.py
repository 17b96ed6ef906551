"""Forms of the mapping: a participant, the register's filters, relationships, import, tags."""

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, Optional

from hsbp.mapping.labels import (
    CONSENT_METHOD_LABELS,
    KIND_LABELS,
    PARTICIPANT_SECTOR_LABELS,
    RELATIONSHIP_LABELS,
    RISK_LABELS,
    STATUS_LABELS,
)
from hsbp.partnerships import languages as language_picker
from hsbp.partnerships.forms import MultiCheckboxField

SCALE = [(n, str(n)) for n in range(1, 6)]
# Fields of the participant form about the form itself, not the participant.
FORM_ONLY = (
    "csrf_token",
    "common_languages",
    "clear_phone",
    "clear_email",
    "clear_intermediary",
    "shown",
    "twin_id",
    "distinct",
)
# Shown instead of a value the reader may not see, or that is shown only on a deliberate look.
KEEP_HINTS = {
    "name": _l("Leave blank to keep the real name on file; type a new one to replace it."),
    "phone": _l("Leave blank to keep the number on file; type a new one to replace it."),
    "email": _l("Leave blank to keep the address on file; type a new one to replace it."),
    "intermediary": _l(
        "Leave blank to keep the intermediary on file; type a new one to replace it."
    ),
}


class ParticipantForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=list(KIND_LABELS.items()))
    sector = SelectField(_l("Sector"), choices=list(PARTICIPANT_SECTOR_LABELS.items()))
    locality = StringField(_l("Locality"), validators=[Length(max=200)])
    # The languages of the partnership, of its register and of its country as checkboxes;
    # any other typed by name (with suggestions) or by code into `languages`.
    common_languages = MultiCheckboxField(_l("Languages spoken"), validate_choice=False)
    languages = StringField(
        _l("Other languages"),
        description=_l(
            "Type a language's name and pick it from the suggestions, or its ISO 639 code "
            "(for example: pbb). Separate several with commas."
        ),
        validators=[Length(max=400)],
    )
    tag_ids = MultiCheckboxField(_l("Groups"), coerce=int)
    interest = SelectField(_l("Interest (1-5)"), choices=SCALE, coerce=int, default=3)
    influence = SelectField(_l("Influence (1-5)"), choices=SCALE, coerce=int, default=3)
    phone = StringField(
        _l("Phone for SMS"),
        description=_l("National or international format"),
        validators=[Length(max=40)],
    )
    email = EmailField(_l("E-mail address"), validators=[Optional(), Email(), Length(max=254)])
    intermediary = StringField(_l("In person through (intermediary)"), validators=[Length(max=200)])
    consent_on = DateField(_l("Consent given on"), validators=[Optional()])
    consent_method = SelectField(_l("How consent was obtained"), choices=[], default="")
    consent_scope = TextAreaField(_l("What the consent covers"), validators=[Length(max=2000)])
    risk = SelectField(_l("Participation risk"), choices=list(RISK_LABELS.items()))
    protective_measures = TextAreaField(_l("Protective measures"), validators=[Length(max=2000)])
    # Shown to facilitators only (a representative proposes for their own partner, set by
    # the view): absent from a post, it means "none", never "not a valid choice".
    proposed_by_partner_id = SelectField(_l("Proposed by"), coerce=int, default=0)
    external_ref = StringField(_l("External reference"), validators=[Length(max=100)])
    notes = TextAreaField(_l("Notes"), validators=[Length(max=5000)])
    clear_phone = BooleanField(_l("Remove the phone number on file"))
    clear_email = BooleanField(_l("Remove the e-mail address on file"))
    clear_intermediary = BooleanField(_l("Remove the intermediary on file"))
    # "1" when the form was filled with the protected identity on a deliberate, audited look:
    # its fields are then all shown, and a blank one means blank.
    shown = HiddenField()
    # A participant the fields look like, shown to a facilitator, who may say it is another.
    twin_id = HiddenField()
    distinct = BooleanField(_l("This is someone else: save it anyway"))

    def __init__(self, *args, tags=(), tag_label=str, partners=(), common_languages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._reader = str(get_locale())
        self._offer_languages([*common_languages, *(self.common_languages.data or [])])
        self.languages.suggestions = language_picker.suggestions(
            self._reader, leave_out=common_languages
        )
        self.tag_ids.choices = [(tag.id, tag_label(tag)) for tag in tags]
        self.consent_method.choices = [("", "—"), *CONSENT_METHOD_LABELS.items()]
        self.proposed_by_partner_id.choices = [(0, "—"), *((p.id, p.name) for p in partners)]
        self.hidden: tuple[str, ...] = ()

    def hide(self, keys) -> None:
        """Leave `keys` (name, phone, email, intermediary) blank, blank meaning "keep what is
        on file", unless the form was filled on a deliberate look (`shown`)."""
        if self.shown.data == "1":
            return
        self.hidden = tuple(keys)
        for key in self.hidden:
            self[key].description = KEEP_HINTS[key]
        if "name" in self.hidden:
            self.name.validators = [Optional(), Length(max=200)]
            self.name.flags.required = False

    def fill_from(self, participant, *, identity: dict | None = None) -> None:
        """Show a participant's values, but not those hidden; `identity` holds the protected
        ones when they were asked for."""
        self.tag_ids.data = [tag.id for tag in participant.tags]
        self._offer_languages(participant.languages)
        self.common_languages.data = list(participant.languages)
        self.languages.data = ""
        self.proposed_by_partner_id.data = participant.proposed_by_partner_id or 0
        values = {
            "name": participant.display_name,
            "phone": participant.phone,
            "email": participant.email,
            "intermediary": participant.intermediary,
        }
        for key, value in {**values, **(identity or {})}.items():
            self[key].data = "" if key in self.hidden else value or ""
        if identity:
            self.shown.data = "1"

    def _offer_languages(self, codes) -> None:
        """Make `codes` checkboxes, so a language chosen once is never dropped from view."""
        offered = [code for code, _name in self.common_languages.choices or []]
        offered += [code for code in codes if code not in offered]
        self.common_languages.choices = language_picker.choices(offered, self._reader)

    def validate_languages(self, field) -> None:
        language_picker.refuse_unknown(field.data, self._reader)

    def kept(self) -> list[str]:
        """The hidden fields whose blank means "keep what is on file" (not those the user
        asked to remove)."""
        cleared = {key for key in ("phone", "email", "intermediary") if self[f"clear_{key}"].data}
        return [key for key in self.hidden if key not in cleared]

    def offer_distinct(self, candidate) -> None:
        self.twin_id.data = str(candidate.id)
        self.distinct.data = False

    def distinct_from(self) -> int | None:
        """The participant a facilitator said this one is not, after being shown it."""
        twin = self.twin_id.data or ""
        return int(twin) if self.distinct.data and twin.isdigit() else None

    def service_fields(self) -> dict:
        data = {name: self[name].data for name in self._fields if name not in FORM_ONLY}
        typed, _unknown = language_picker.read_typed(self.languages.data, self._reader)
        checked = self.common_languages.data or []
        data["languages"] = [*checked, *(code for code in typed if code not in checked)]
        data["proposed_by_partner_id"] = self.proposed_by_partner_id.data or None
        data["external_ref"] = self.external_ref.data or ""
        return data


class RegisterFilterForm(FlaskForm):
    """The register's search; a GET form, so it needs no CSRF token."""

    class Meta:
        csrf = False

    q = StringField(_l("Search"), validators=[Length(max=100)])
    sector = SelectField(_l("Sector"), choices=[], default="")
    tag = SelectField(_l("Group"), choices=[], default="")
    status = SelectField(_l("Status"), choices=[], default="")
    risk = SelectField(_l("Participation risk"), choices=[], default="")
    reachable = SelectField(_l("Reachable"), choices=[], default="")

    def __init__(self, *args, tags=(), tag_label=str, **kwargs):
        super().__init__(*args, **kwargs)
        anyone = ("", _l("All"))
        self.sector.choices = [anyone, *PARTICIPANT_SECTOR_LABELS.items()]
        self.tag.choices = [anyone, *((str(t.id), tag_label(t)) for t in tags)]
        self.status.choices = [anyone, *STATUS_LABELS.items()]
        self.risk.choices = [anyone, *RISK_LABELS.items()]
        self.reachable.choices = [anyone, ("yes", _l("Yes")), ("no", _l("No"))]


class RelationshipForm(FlaskForm):
    kind = SelectField(_l("Relationship"), choices=list(RELATIONSHIP_LABELS.items()))
    target = StringField(
        _l("Other participant"),
        description=_l("The name as shown in the register (a pseudonym for protected people)"),
        validators=[DataRequired(), Length(max=200)],
    )
    note = StringField(_l("Note"), validators=[Length(max=500)])


class ImportForm(FlaskForm):
    file = FileField(
        _l("CSV or XLSX file"),
        validators=[
            FileRequired(),
            FileAllowed(["csv", "xlsx"], _l("Upload a .csv or .xlsx file.")),
        ],
    )
