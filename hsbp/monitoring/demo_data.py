"""The demo's monitoring data for the Caguán partnership (hsbp.monitoring.demo makes it
through the services): indicators and their values, the people who answer the pulses, and
the September review's attendance, minutes and decisions."""

from __future__ import annotations

from datetime import date

COMPANY = "Agroforestal del Caguán S.A.S."
TOWN = "Alcaldía de San Vicente del Caguán"
WOMEN = "Corporación Mujeres Tejiendo Paz"
JUNTA = "Junta de Acción Comunal Vereda La Esperanza"
BASELINE_ON = date(2025, 1, 1)


def es_en(es: str, en: str) -> dict:
    """A text in Spanish and English, as the demo partnership writes it."""
    return {"es": es, "en": en}


def _quarters(count: int) -> list[date]:
    return [date(2025 + n // 4, 3 * (n % 4) + 1, 1) for n in range(count)]


def _halves(count: int) -> list[date]:
    return [date(2025 + n // 2, 6 * (n % 2) + 1, 1) for n in range(count)]


# (goal index, fields, [(period, value)], partner name)
INDICATORS = [
    (
        0,
        {
            "name": es_en(
                "Conflictos por tierra y agua registrados", "Land and water disputes recorded"
            ),
            "definition": es_en(
                "Conflictos por linderos o agua que llegan a la mesa de tierras en el trimestre.",
                "Boundary or water disputes brought to the land table in the quarter.",
            ),
            "kind": "number",
            "unit": "conflictos",
            "baseline_value": "23",
            "target_value": "8",
            "target_on": date(2028, 12, 31),
            "direction": "lower",
            "frequency": "quarterly",
            "source": "Registro de la mesa de tierras",
            "disaggregation": ["locality"],
        },
        list(zip(_quarters(8), ["22", "21", "19", "18", "17", "15", "14", "13"], strict=True)),
        TOWN,
    ),
    (
        1,
        {
            "name": es_en(
                "Mujeres y jóvenes en el empleo directo", "Women and young people in direct jobs"
            ),
            "definition": es_en(
                "Porcentaje de los empleos directos ocupados por mujeres y por jóvenes de 18 a 28 "
                "años del municipio, al cierre del trimestre.",
                "Share of direct jobs held by women and by young people aged 18 to 28 from the "
                "municipality, at the end of the quarter.",
            ),
            "kind": "percentage",
            "baseline_value": "18",
            "target_value": "40",
            "target_on": date(2027, 12, 31),
            "direction": "higher",
            "frequency": "quarterly",
            "source": "Nómina de Agroforestal del Caguán",
            "disaggregation": ["sex", "age_band"],
        },
        list(zip(_quarters(8), ["18", "19", "19", "20", "21", "23", "22", "22"], strict=True)),
        COMPANY,
    ),
    (
        2,
        {
            "name": es_en(
                "Meses al año con la vía transitable", "Months a year the road is passable"
            ),
            "kind": "number",
            "unit": "meses",
            "baseline_value": "8",
            "target_value": "12",
            "target_on": date(2027, 6, 30),
            "direction": "higher",
            "frequency": "half_yearly",
            "source": "Secretaría de Infraestructura",
        },
        list(zip(_halves(4), ["8", "9", "10", "11"], strict=True)),
        TOWN,
    ),
    (
        1,
        {
            "name": es_en("Fondo común desembolsado", "Common fund disbursed"),
            "kind": "money",
            "currency": "COP",
            "baseline_value": "0",
            "target_value": "600000000",
            "target_on": date(2027, 12, 31),
            "direction": "higher",
            "frequency": "half_yearly",
            "source": "Actas del comité del fondo",
        },
        list(zip(_halves(4), ["40000000", "110000000", "190000000", "250000000"], strict=True)),
        COMPANY,
    ),
    (
        0,
        {
            "name": es_en(
                "Confianza de las veredas en la mesa de tierras",
                "Villages' trust in the land table",
            ),
            "kind": "scale",
            "levels": [
                {"value": 1, "label": es_en("Ninguna", "None")},
                {"value": 2, "label": es_en("Poca", "Little")},
                {"value": 3, "label": es_en("Alguna", "Some")},
                {"value": 4, "label": es_en("Bastante", "Much")},
                {"value": 5, "label": es_en("Plena", "Full")},
            ],
            "baseline_value": "2",
            "target_value": "4",
            "target_on": date(2027, 12, 31),
            "direction": "higher",
            "frequency": "yearly",
            "source": "Asamblea anual de las juntas",
        },
        [(date(2025, 1, 1), "2"), (date(2026, 1, 1), "2")],
        WOMEN,
    ),
]
RIVER = es_en("Hogares que toman el agua del río", "Households drinking river water")
# Who answered the small water survey of June 2026: (answer, how many).
WATER_SURVEY = [("river", 9), ("well", 6), ("pipe", 8), ("rain", 2)]
# Extra staff who answer the pulses, so each constituency has the five it needs to be shown.
STAFF = {
    COMPANY: ["Carlos Méndez", "Diana Ruiz", "Jorge Salas", "Paola Cifuentes"],
    WOMEN: ["Rosa Quintero", "Luz Marina Tovar", "Esperanza Guzmán", "Nelly Ospina"],
    JUNTA: [
        "Heriberto Lozano",
        "Marleny Castro",
        "Wilson Trujillo",
        "Gloria Patiño",
        "Óscar Bermeo",
    ],
}


WATER_DAYS = es_en(
    "Días de la última semana con agua en la llave", "Days last week with water at the tap"
)


# The centre of each constituency's scores per round: the company high, community groups low.
LEANINGS = {
    "company": [4.4, 4.5],
    "civil_society": [2.9, 3.2],
    "community_group": [1.9, 2.4],
    "community": [1.7, 2.2],
}
COMMENTS = {
    "company": "La mesa funciona; falta que la alcaldía cumpla con la vía.",
    "civil_society": "Nos consultan tarde y las mujeres siguen fuera de la contratación.",
    "community_group": "Los camiones siguen pasando frente a la escuela. Prometen y no cumplen.",
    "community": "Nadie nos avisa de las reuniones",
}


PRESENT = {
    COMPANY: "Andrés Felipe Gómez Castaño, Diana Ruiz",
    TOWN: "Martha Cecilia Rincón Vargas",
    WOMEN: "Yuliana Perdomo Cuéllar, Rosa Quintero",
    "Fundación Raíces del Caguán": "Abogada de la fundación",
    JUNTA: "Heriberto Lozano, Marleny Castro",
    "Asociación de Víctimas del Bajo Caguán": "Dos delegados de la asociación",
}
MINUTES = (
    "1. Indicadores: el empleo de mujeres y jóvenes está lejos de la meta (22 % frente a 31 % "
    "esperado); el fondo común va algo atrasado.\n"
    "2. Pulso de salud: la empresa califica la confianza en 4,4 y las juntas en 1,8; las juntas "
    "piden cumplir lo pactado sobre la vía antes de hablar de confianza.\n"
    "3. Quejas: dos vencidas, una por el polvo de los camiones frente a la escuela.\n"
    "Acuerdos: ver decisiones."
)
DECISIONS = [
    {
        "text": "Agroforestal publicará cada vacante por la emisora comunitaria y por SMS dos "
        "semanas antes de contratar, y la Corporación Mujeres Tejiendo Paz acompañará la "
        "selección. Se propone subir la meta de empleo de mujeres y jóvenes en la carta.",
        "decided_by": "Todos los socios presentes",
        "actions": [
            ("Publicar las vacantes por la emisora y por SMS", COMPANY, date(2026, 12, 31)),
            ("Taller de hojas de vida con mujeres de las veredas", WOMEN, date(2026, 11, 30)),
        ],
        "amend_charter": True,
    },
    {
        "text": "Los camiones de la empresa no pasan frente a la escuela entre las 6:30 y las "
        "8:00 ni entre las 12:00 y las 13:00; la alcaldía señaliza el horario.",
        "decided_by": "Agroforestal, Alcaldía y Junta de Acción Comunal",
        "actions": [
            ("Señalizar el horario de carga frente a la escuela", TOWN, date(2026, 10, 31))
        ],
        "amend_charter": False,
    },
]
