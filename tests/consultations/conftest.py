"""Fixtures of the consultation tests: a partnership in two languages with a facilitator and
an open consultation of every kind of question, skip logic included."""

import pytest

from hsbp.consultations import questions, services
from hsbp.security import Role


def texts(es: str, en: str) -> dict:
    return {"es": es, "en": en}


def choice(key: str, es: str, en: str) -> dict:
    return {"key": key, "label": texts(es, en)}


@pytest.fixture
def partnership(make):
    return make.partnership(name="Caguán", locales=["es", "en"], default_locale="es")


@pytest.fixture
def facilitator(make, partnership):
    user = make.user(name="Lucía", locale="en")
    make.member(partnership, Role.FACILITATOR, user=user)
    return user


def consultation_fields(**overrides) -> dict:
    fields = {
        "title": texts("Agua y caminos", "Water and roads"),
        "purpose": texts("Qué necesita cada vereda", "What each village needs"),
        "dimensions": ["environmental", "economic"],
        "audience": {"contacts": True, "members": True},
        "channels": ["web", "public", "sms", "assisted"],
        "anonymous": False,
    }
    fields.update(overrides)
    return fields


@pytest.fixture
def build(session, facilitator, partnership):
    """build(**overrides): an open consultation with five questions:
    1 single (water source), 2 multiple (worries), 3 scale (trust), 4 yes/no (meetings),
    5 text, shown only to those who answered "river" to 1, 6 number (children)."""

    def make_consultation(open_it=True, **overrides):
        consultation = services.create_consultation(
            session,
            actor=facilitator,
            partnership=partnership,
            fields=consultation_fields(**overrides),
        )
        add = lambda **fields: questions.add_question(  # noqa: E731
            session,
            actor=facilitator,
            partnership=partnership,
            consultation=consultation,
            fields=fields,
        )
        water = add(
            kind="single",
            text=texts("¿De dónde viene su agua?", "Where does your water come from?"),
            choices=[
                choice("river", "Río", "River"),
                choice("well", "Pozo", "Well"),
                choice("pipe", "Acueducto", "Piped"),
            ],
        )
        add(
            kind="multiple",
            text=texts("¿Qué le preocupa?", "What worries you?"),
            choices=[
                choice("dust", "Polvo", "Dust"),
                choice("roads", "Vías", "Roads"),
                choice("jobs", "Empleo", "Jobs"),
            ],
        )
        add(kind="scale", text=texts("Confianza en la empresa", "Trust in the company"))
        add(kind="yes_no", text=texts("¿Va a las reuniones?", "Do you attend meetings?"))
        add(
            kind="text",
            text=texts("¿Qué pasa con el río?", "What is happening to the river?"),
            show_if_question_id=water.id,
            show_if_choices=["river"],
        )
        add(
            kind="number",
            text=texts("¿Cuántos niños en casa?", "How many children at home?"),
            minimum=0,
            maximum=30,
        )
        if open_it:
            services.open_consultation(session, actor=facilitator, consultation=consultation)
        session.flush()
        return consultation

    return make_consultation
