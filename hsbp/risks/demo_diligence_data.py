"""The texts of the demo's due diligence on the Caguán register: leverage, the guiding
questions, escalation and a responsible disengagement, key moments, links, incidents, framework
tags and do-no-harm screenings (hsbp.risks.demo_diligence makes them through the services).
Days are counted from the partnership's own date, so the demo stays current."""

from __future__ import annotations

from hsbp.risks.demo_data import AGRO, ALCALDIA, BAJO, ESPERANZA

# Leverage: (risk, partner, who assesses it) -> ({kind: strength}, note).
LEVERAGE = {
    ("desplazamiento", AGRO, "company"): (
        {"commercial": "medium", "business": "low", "collective": "medium", "podium": "low"},
        "Somos cerca del 30 % de sus ventas de carne y el contrato se renueva este mes.",
    ),
    ("deforestacion", AGRO, "company"): (
        {"commercial": "low", "business": "none", "collective": "medium", "podium": "low"},
        "Éramos un cliente entre muchos, cerca del 10 % de las ventas del aserrío.",
    ),
    ("jornaleros", AGRO, "company"): (
        {"commercial": "high", "business": "medium", "collective": "low", "podium": "low"},
        "Somos el único cliente de dos de los tres contratistas.",
    ),
    ("vigilancia", AGRO, "company"): (
        {"commercial": "high", "business": "medium", "collective": "low", "podium": "none"},
        "El contrato de vigilancia se renegocia cada año y lo paga la empresa.",
    ),
    ("tierra", AGRO, "company"): (
        {"commercial": "low", "business": "medium", "collective": "high", "podium": "medium"},
        "Podemos llevar a la mesa de tierras los títulos de lo que compramos y pedir lo mismo a "
        "los ganaderos que nos venden.",
    ),
    ("tierra", ALCALDIA, "official"): (
        {
            "commercial": "none",
            "business": "none",
            "collective": "high",
            "podium": "medium",
            "regulatory": "high",
        },
        "El catastro, los certificados de uso del suelo y la convocatoria de la mesa de tierras "
        "son de la Alcaldía.",
    ),
}

# The guiding questions, answered in order: (risk, partner) -> answers (a prefix of the seven).
QUESTIONS = {
    ("desplazamiento", AGRO): [
        "Estamos vinculados: compramos la carne del casino a Hacienda El Recreo, que amplía "
        "potreros sobre predios campesinos. No causamos ni contribuimos a la expansión.",
        "Sí: somos su mayor comprador fuera de la feria de ganado y el contrato se renueva "
        "cada año.",
        "Sí, para que deje de correr cercas y de comprar mejoras bajo presión mientras la mesa "
        "de tierras aclara los linderos. No puede, por sí sola, devolver predios ya vendidos.",
        "En la renovación del contrato: cláusula de no expansión sobre predios en disputa ni "
        "sobre bosque, verificación satelital cada trimestre y pago condicionado a cumplirla.",
        "Con la Asociación de Ganaderos y la Alcaldía en la mesa de tierras, y con los otros "
        "compradores de carne de San Vicente, para pedir lo mismo.",
        "Hay otros dos proveedores en el municipio. Dejar a El Recreo afectaría a unos ocho "
        "vaqueros y no resolvería el conflicto: seguiría vendiendo a otros.",
        "Hoy no: quedarnos con condiciones da más influencia que salir. Si corre otra cerca, "
        "suspendemos las compras y lo decimos en la mesa.",
    ],
    ("deforestacion", AGRO): [
        "Vinculados: comprábamos postes y madera de fermentación al Aserrío El Yarí, que compra "
        "madera de fincas taladas en la zona de amortiguación.",
        "Poca: éramos un cliente entre muchos.",
        "Podíamos exigir el origen legal de la madera, pero el aserrío no podía probarlo para "
        "la mayor parte de lo que vende.",
        "Pedimos salvoconductos de Corpoamazonia por despacho, condicionamos el pago a ellos y "
        "suspendimos los pedidos.",
        "Lo intentamos con Corpoamazonia y la Gobernación; el aserrío siguió sin mostrar el "
        "origen.",
        "Sí: la Asociación de Reforestadores del Caguán vende madera de plantación con "
        "certificado de origen. Los ocho trabajadores del aserrío no dependen solo de nosotros.",
        "No: seguir comprando financiaba la tala. Salimos con aviso y ofrecimos volver si "
        "demuestra origen legal.",
    ],
    ("jornaleros", AGRO): [
        "Contribuimos: el precio por hectárea y los plazos de pago que fijamos a los "
        "contratistas presionan los jornales y las jornadas.",
        "Sí, mucha: somos el único cliente de dos de los tres contratistas.",
        "Sí: podemos exigir el salario mínimo por día, la afiliación a seguridad social y el "
        "pago quincenal, y pagar a tiempo para que puedan cumplir.",
        "En la licitación de 2027: un precio que cubra el salario legal, pago a 15 días y "
        "verificación de las planillas con el sindicato y la Personería.",
    ],
}

# Escalation: (risk, partner) -> [(step, days ago, note)], in order.
ESCALATION = {
    ("desplazamiento", AGRO): [
        ("engage", 70, "Reunión con el administrador de la hacienda sobre las quejas de Los "
         "Pozos; se comprometió a no correr más cercas."),
        ("condition", 21, "Condiciones por escrito para renovar el contrato: no expandir sobre "
         "predios en disputa ni sobre bosque, con verificación satelital trimestral."),
    ],
    ("vigilancia", AGRO): [
        ("engage", 5, "Reunión con Vigilancia Privada Amazonía tras la queja del retén: se "
         "retiró al guarda y se revisan las requisas."),
    ],
    ("deforestacion", AGRO): [
        ("engage", 170, "Pedimos al aserrío los salvoconductos de cada despacho."),
        ("condition", 130, "Pago condicionado a los salvoconductos de Corpoamazonia."),
        ("suspend", 75, "Pedidos suspendidos: dos despachos llegaron sin salvoconducto."),
        ("disengage", 25, "Contrato terminado tras 60 días de aviso; compramos ahora a la "
         "Asociación de Reforestadores del Caguán."),
    ],
}  # fmt: skip
# The responsible-disengagement assessment, recorded before the last step above.
DISENGAGEMENT = (
    ("deforestacion", AGRO),
    {
        "harmed_by_leaving": "Los ocho trabajadores del aserrío y dos transportadores que "
        "llevaban la madera; nuestras compras eran cerca del 10 % de sus ventas.",
        "mitigation": "Aviso de 60 días; compra de los pedidos ya cortados con salvoconducto; "
        "presentación del aserrío al programa de forestería comunitaria de Corpoamazonia; los "
        "transportadores siguen con la carga de cacao.",
        "notice": "Carta a la gerencia del aserrío con 60 días de aviso, con copia a "
        "Corpoamazonia y a la mesa de la alianza.",
    },
    85,  # days ago the notice was given
)

# Key moments: (partner, kind, title, days from today, days before to remind, note).
MOMENTS = [
    (AGRO, "contract_negotiation", "Negociación del contrato de vigilancia 2027", -20, 14,
     "Exigir formación en Principios Voluntarios y retenes fuera del camino de la escuela."),
    (AGRO, "contract_renewal", "Renovación del contrato de carne con Hacienda El Recreo", 9, 14,
     "Cláusula de no expansión sobre predios en disputa ni bosque, con verificación."),
    (AGRO, "board_meeting", "Junta directiva: presupuesto 2027 y ampliación hacia el río Pato",
     24, 10, "Pedir que la ampliación espere la consulta previa con el Cabildo."),
    (AGRO, "audit", "Auditoría de certificación Rainforest Alliance del cacao", 40, 21, ""),
    (AGRO, "tender", "Licitación de cosecha y mantenimiento 2027", 55, 30,
     "Salario mínimo por día, seguridad social y pago quincenal verificable."),
    (ALCALDIA, "licence_renewal", "Renovación del concepto de uso del suelo de la planta", 70,
     21, "Condicionar a la revisión de linderos de los predios comprados en 2023."),
    (AGRO, "licence_renewal", "Renovación del permiso de vertimientos ante Corpoamazonia", 100,
     30, ""),
]  # fmt: skip
IN_WINDOW = "Renovación del contrato de carne con Hacienda El Recreo"

# What each risk links to: grievances by the start of their text, actions by their Spanish
# title with the role, indicators by their Spanish name, pulse gaps by (round, dimension):
# the round counted from the latest (0) back.
LINKS = {
    "agua": {
        "grievances": [
            "El agua del caño sale turbia",
            "La toma de agua de la vereda",
            "El acueducto veredal lleva",
        ],
        "actions": [
            ("Proteger las rondas de los caños", "mitigation"),
            ("Acueducto veredal La Esperanza", "remediation"),
        ],
        "indicators": [
            "Hogares que toman el agua del río",
            "Días de la última semana con agua en la llave",
        ],
    },
    "tierra": {
        "grievances": [
            "La cerca nueva de la plantación",
            "El catastro municipal no reconoce",
            "Nos quieren sacar del predio",
        ],
        "actions": [
            ("Instalar la mesa de tierras y agua", "mitigation"),
            ("Censo de linderos en cinco veredas", "mitigation"),
            ("Jornadas de conciliación de linderos", "mitigation"),
        ],
        "indicators": ["Conflictos por tierra y agua registrados"],
    },
    "lideres": {
        "grievances": ["Hombres armados preguntan", "Hay amenazas contra quienes"],
        "actions": [("Protocolo de seguridad para lideresas", "mitigation")],
        "gaps": [(0, "inclusivity")],
    },
    "jornaleros": {"grievances": ["Me pagaron la quincena incompleta"]},
    "vigilancia": {"grievances": ["Un vigilante de la empresa trató mal"]},
    "camiones": {
        "grievances": ["Los camiones levantan polvo"],
        "actions": [
            ("Horarios de carga acordados con la comunidad", "mitigation"),
            ("Señales y reductores cerca de la escuela", "mitigation"),
        ],
        "gaps": [(1, "trust")],
    },
}

# Incidents: (channel, who: a demo user's key for the web, the mapped participant whose SMS
# contact sends it for SMS, days ago, anonymous, place (web only: SMS finds it in the text),
# text, status, the risk it is attached to).
INCIDENTS = [
    ("web", "facilitator", 100, False, BAJO,
     "Panfleto pegado en la tienda de Bajo Caguán: declara objetivo a quienes hablan con la "
     "empresa y la Alcaldía.", "closed", None),
    ("sms", "Junta de Acción Comunal Vereda Los Pozos", 38, False, "",
     "En la vereda Los Pozos trabajadores de la hacienda tumbaron la cerca de una familia y "
     "metieron ganado, la gente está brava.", "acknowledged", "desplazamiento"),
    ("sms", "Comité de Usuarios del Acueducto Veredal", 6, True, "",
     "Dos hombres en moto preguntaron en la vereda La Esperanza por la señora del comité del "
     "agua, dijeron que vuelven el sábado.", "acknowledged", "lideres"),
    ("web", "official", 2, False, ESPERANZA,
     "En el retén de la plantación los vigilantes retuvieron dos horas a jóvenes que iban al "
     "partido; hubo empujones y amenazas de quemar la caseta.", "new", None),
]  # fmt: skip

# Framework references, as the partners tagged them (hsbp.risks.frameworks codes).
RISK_TAGS = {
    "agua": ["ifc:PS3", "ifc:PS4", "ungp:13", "ungp:22", "gri:303"],
    "tierra": ["ifc:PS5", "ungp:13", "oecd:IV"],
    "lideres": ["ungp:18", "oecd:IV", "ungc:1"],
    "jornaleros": ["ifc:PS2", "ilo_mne:wages", "ilo_mne:safety_health", "gri:403"],
    "deforestacion": ["ifc:PS6", "ungp:13", "ungp:19", "gri:304"],
    "vigilancia": ["ifc:PS4", "vpshr:private", "vpshr:risk.violence", "ungp:13"],
    "desplazamiento": ["ifc:PS5", "ungp:19", "gri:414-2"],
    "violencia_genero": ["ifc:PS2", "ifc:PS4"],
    "consulta_previa": ["ifc:PS1", "ifc:PS7", "ungp:18"],
    "camiones": ["ifc:PS4"],
}
# Who tags each risk: the company its own water risk, the facilitator the rest.
TAGGED_BY_COMPANY = {"agua"}
ACTION_TAGS = {
    "Proteger las rondas de los caños": ["ifc:PS3", "ifc:PS6"],
    "Acueducto veredal La Esperanza": ["ifc:PS4", "gri:303"],
    "Protocolo de seguridad para lideresas": ["ungp:18", "oecd:IV"],
    "Bolsa de empleo local con cupos para mujeres": ["ifc:PS2", "ilo_mne:equality", "gri:405"],
}
INDICATOR_TAGS = {"Hogares que toman el agua del río": ["ifc:PS4", "gri:303"]}
GOAL_TAGS = {"Menos conflictos por la tierra y el agua": ["ifc:PS5", "ungp:29"]}

# Do-no-harm screenings: action (Spanish title) -> (who answers, answers). Once the context
# named its tense places, the partners screened every action under way there (so none is
# flagged on the dashboard) and the boundary mediation days before they start; the planned
# signs by the school and the blocked childcare centre still owe theirs.
SCREENINGS = {
    "Acueducto veredal La Esperanza": ("company", {
        "who_at_risk": "Las integrantes del comité del agua, ya amenazadas por denunciar el "
        "caño, y las familias cuyas casas quedan lejos de la red.",
        "divider": "El agua: con la toma dentro del predio de la empresa, la obra puede verse "
        "como un favor de la empresa y no como un derecho de la vereda.",
        "connector": "El comité de usuarios del acueducto, que reúne a campesinos y a "
        "trabajadores de la plantación.",
    }),
    "Proteger las rondas de los caños": ("company", {
        "who_at_risk": "Las familias que cultivan en las orillas y perderían parte de su "
        "parcela si se aíslan las rondas sin acuerdo.",
        "divider": "La tierra: aislar las rondas puede leerse como otra cerca de la empresa "
        "sobre predios campesinos.",
        "connector": "El comité del agua y la escuela, que ya hacen jornadas de siembra juntos.",
    }),
    "Compras a proveedores locales": ("company", {
        "who_at_risk": "Los productores que vendan a la empresa, si otros los ven como "
        "favorecidos, y quienes queden fuera de la lista.",
        "divider": "Quién recibe los beneficios de la plantación y quién no.",
        "connector": "El mercado campesino de los sábados y la asociación de mujeres "
        "cacaoteras.",
    }),
    "Bolsa de empleo local con cupos para mujeres": ("company", {
        "who_at_risk": "Las mujeres contratadas, si el trabajo las expone al acoso en el "
        "camino o en el campamento.",
        "divider": "Quién entra en las listas de contratación.",
        "connector": "Las organizaciones de mujeres, que publican las vacantes por la emisora.",
    }),
    "Mantenimiento de la vía La Esperanza-Caguán": ("official", {
        "who_at_risk": "Los conductores de la maquinaria, a quienes grupos armados pueden "
        "pedir extorsión en el tramo alto.",
        "divider": "El uso de la vía: camiones de la plantación frente a la escuela.",
        "connector": "La escuela rural y los horarios de carga acordados con la junta.",
    }),
    "Censo de linderos en cinco veredas": ("facilitator", {
        "who_at_risk": "Las familias poseedoras que declaran sus linderos frente a vecinos "
        "ganaderos, y los encuestadores de la universidad.",
        "divider": "La tierra: los títulos sin formalizar y las compras de mejoras.",
        "connector": "El Consejo de Mayores Campesinos, que conoce los linderos antiguos.",
    }),
    "Jornadas de conciliación de linderos": ("facilitator", {
        "who_at_risk": "Las familias poseedoras que reclamen ante vecinos ganaderos, y quienes "
        "declaren como testigos de linderos.",
        "divider": "La tierra: los títulos sin formalizar y las compras de mejoras bajo "
        "presión.",
        "connector": "El Consejo de Mayores Campesinos, que conoce los linderos antiguos y al "
        "que respetan todas las partes.",
    }),
}  # fmt: skip
