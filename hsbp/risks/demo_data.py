"""The texts of the demo's context assessment and risks register for the Caguán partnership
(hsbp.risks.demo makes them through the services). Spanish first, English beside it, as the
partnership works in both."""

from __future__ import annotations

AGRO = "Agroforestal del Caguán S.A.S."
ALCALDIA = "Alcaldía de San Vicente del Caguán"
GOBERNACION = "Gobernación del Caquetá"
MUJERES = "Corporación Mujeres Tejiendo Paz"

# The places of the demo's register and checklist (hsbp.mapping.demo, hsbp.actions.demo_data),
# and two the context adds: the savannahs where the agricultural frontier advances, and the
# former reintegration camp of people who signed the peace agreement.
ESPERANZA, POZOS, BAJO = "Vereda La Esperanza", "Vereda Los Pozos", "Bajo Caguán"
SAN_VICENTE, PLANTA = "San Vicente del Caguán", "Planta Agroforestal"
PLAYA_RICA, RIO_PATO = "Playa Rica", "Río Pato"
YARI, MIRAVALLE = "Llanos del Yarí", "Miravalle"


def es_en(es: str, en: str) -> dict:
    return {"es": es, "en": en}


# The context's first version: what the partners confirmed at the assembly. -------------------

THREATS = [
    ("economic", PLANTA, es_en(
        "Jornales por debajo del mínimo y pagos tardíos de los contratistas de cosecha; pocas "
        "alternativas de ingreso fuera de la plantación y de la ganadería.",
        "Day wages below the minimum and late pay at the harvest contractors; few sources of "
        "income besides the plantation and cattle ranching.",
    )),
    ("food", POZOS, es_en(
        "Las parcelas de pancoger se pierden cuando las fincas pasan a potreros o a caucho; "
        "las familias compran más comida en el pueblo y a mayor precio.",
        "Subsistence plots are lost when farms are turned into pasture or rubber; families buy "
        "more of their food in town, at higher prices.",
    )),
    ("health", ESPERANZA, es_en(
        "El caño que abastece a la vereda recibe los vertimientos de la planta de látex y la "
        "escorrentía de la fumigación: diarreas en niños y brotes en la piel.",
        "The stream that supplies the village receives effluent from the latex plant and "
        "run-off from crop spraying: diarrhoea in children and skin rashes.",
    )),
    ("environmental", YARI, es_en(
        "Tala para potreros en el borde de los Llanos del Yarí y en la zona de amortiguación "
        "del Parque Chiribiquete, sobre todo en la temporada seca.",
        "Forest cleared for pasture at the edge of the Yarí savannahs and in the buffer zone of "
        "Chiribiquete National Park, above all in the dry season.",
    )),
    ("personal", BAJO, es_en(
        "Grupos armados disidentes controlan el corredor hacia el Yarí, cobran extorsión y "
        "amenazan a lideresas y líderes que denuncian.",
        "Dissident armed groups control the corridor towards the Yarí, extort money and "
        "threaten women and men leaders who speak out.",
    )),
    ("community", PLAYA_RICA, es_en(
        "Disputas por linderos entre familias retornadas, poseedores sin título y ganaderos "
        "que compran mejoras bajo presión.",
        "Boundary disputes between returning families, untitled landholders and ranchers who "
        "buy smallholdings under pressure.",
    )),
    ("political", "", es_en(
        "Desconfianza hacia la Alcaldía y la empresa: mucha gente no va a las consultas por "
        "miedo a quedar señalada.",
        "Distrust of the municipality and the company: many people stay away from "
        "consultations for fear of being singled out.",
    )),
]  # fmt: skip

DIVIDERS = [
    (POZOS, es_en(
        "La tierra: títulos sin formalizar, un catastro de 2009 y compras de predios por "
        "ganaderos y por la plantación.",
        "Land: untitled holdings, a 2009 cadastre, and plots bought by ranchers and by the "
        "plantation.",
    )),
    (ESPERANZA, es_en(
        "El agua: la toma del acueducto veredal quedó dentro del predio de la empresa.",
        "Water: the village water intake now lies inside the company's land.",
    )),
    ("", es_en(
        "Quién entra en las listas de contratación: las mujeres y la gente de las veredas "
        "sienten que los cupos se reparten entre conocidos.",
        "Who gets on the hiring lists: women and people from the villages feel the places go "
        "to acquaintances.",
    )),
    (MIRAVALLE, es_en(
        "El estigma hacia las personas en reincorporación del antiguo ETCR, a quienes algunos "
        "culpan de la inseguridad.",
        "Stigma against the people in reintegration at the former camp, whom some blame for "
        "the insecurity.",
    )),
]  # fmt: skip

CONNECTORS = [
    (ESPERANZA, es_en(
        "La escuela rural y su restaurante escolar, donde se encuentran todas las familias.",
        "The rural school and its canteen, where every family meets.",
    )),
    (ESPERANZA, es_en(
        "El comité de usuarios del acueducto, que reúne a campesinos y trabajadores de la "
        "plantación.",
        "The water users' committee, which brings together smallholders and plantation workers.",
    )),
    (SAN_VICENTE, es_en(
        "La emisora comunitaria y el mercado campesino de los sábados.",
        "The community radio and the Saturday farmers' market.",
    )),
    (MIRAVALLE, es_en(
        "Los proyectos de cacao de firmantes de paz que venden a compradores locales.",
        "The cocoa projects of peace signatories who sell to local buyers.",
    )),
]  # fmt: skip

# Key actors: mapped participants by their register name, a protected one by where they live
# (the seed finds them by place and never reads their name), and actors named freely.
ACTORS = [
    ("participant", "Asociación de Ganaderos del Caguán", es_en(
        "Mucha influencia sobre el uso de la tierra; algunos socios amplían potreros hacia "
        "predios de familias campesinas.",
        "Strong influence over land use; some members extend pasture onto smallholders' land.",
    )),
    ("participant", "Resguardo Nasa Kiwe Uma — autoridad tradicional", es_en(
        "Autoridad del pueblo nasa en la cuenca del río Pato; pide consulta previa para "
        "cualquier ampliación.",
        "Authority of the Nasa people in the Pato river basin; asks for prior consultation "
        "before any expansion.",
    )),
    ("participant", "Personería Municipal", es_en(
        "Recibe denuncias y activa la ruta de protección de líderes sociales.",
        "Takes complaints and triggers the protection route for social leaders.",
    )),
    ("participant", "Corpoamazonia (autoridad ambiental)", es_en(
        "Otorga y vigila el permiso de vertimientos de la planta.",
        "Grants and monitors the plant's effluent permit.",
    )),
    ("protected", ESPERANZA, es_en(
        "Lideresa del comité del agua; amenazada tras denunciar el caño. Contacto solo por "
        "la facilitadora.",
        "Woman leader of the water committee, threatened after reporting the stream. Contact "
        "only through the facilitator.",
    )),
    ("name", "Grupos armados disidentes del corredor Caguán-Yarí", es_en(
        "Controlan vías y economías ilegales; se benefician de la tala y de la compra de "
        "tierras.",
        "Control roads and illegal economies; profit from logging and land purchases.",
    )),
    ("name", "Agencia Nacional de Tierras", es_en(
        "Puede formalizar la propiedad campesina; su oficina más cercana está en Florencia.",
        "Can formalise smallholders' ownership; its nearest office is in Florencia.",
    )),
]  # fmt: skip

TRENDS = [
    (ESPERANZA, es_en(
        "Más quejas por el agua desde que se amplió la planta de látex.",
        "More complaints about water since the latex plant was enlarged.",
    )),
    (YARI, es_en(
        "Nuevos potreros y puntos de calor cada temporada seca, de enero a marzo.",
        "New pastures and fire hotspots every dry season, from January to March.",
    )),
    (BAJO, es_en(
        "Retornan familias desplazadas y aumentan las disputas por predios ocupados.",
        "Displaced families are returning, and disputes over occupied plots are rising.",
    )),
    (SAN_VICENTE, es_en(
        "Panfletos contra lideresas antes de cada elección local.",
        "Pamphlets against women leaders before every local election.",
    )),
]  # fmt: skip

SUMMARY_V1 = (
    "Lectura compartida del territorio acordada en la asamblea de la alianza: el agua, la "
    "tierra y la presencia armada son las tensiones principales."
)
# What the second version adds, and the comment it gets from the women's organisation.
THREAT_V2 = ("personal", BAJO, es_en(
    "Reclutamiento de adolescentes por grupos armados, con ofertas de dinero por mensajes de "
    "celular.",
    "Armed groups recruiting teenagers, offering money through phone messages.",
))  # fmt: skip
TREND_V2 = (PLANTA, es_en(
    "Llegan trabajadores de fuera para la cosecha y se instalan cerca de la vereda.",
    "Workers from elsewhere arrive for the harvest and settle near the village.",
))  # fmt: skip
SUMMARY_V2 = "Revisión semestral: se suman el reclutamiento y la llegada de trabajadores."
COMMENT_V2 = (
    "Pedimos nombrar también el riesgo para las niñas, no solo para los adolescentes, y no "
    "escribir la vereda exacta de cada caso en el documento."
)
CONFIRM_V2 = "La Alcaldía está de acuerdo con la revisión."
MINUTES = "Confirmado en la asamblea de la alianza (acta 011), sin cuenta en la plataforma."
