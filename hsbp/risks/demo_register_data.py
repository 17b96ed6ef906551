"""The demo's risks register for the Caguán partnership: each risk's texts, factors and
places, and each partner's connection with its reasoning (hsbp.risks.demo records them
through the services). Spanish first, English beside it, as the partnership works in both."""

from __future__ import annotations

from hsbp.risks.demo_data import (
    AGRO,
    ALCALDIA,
    BAJO,
    ESPERANZA,
    GOBERNACION,
    PLANTA,
    PLAYA_RICA,
    POZOS,
    RIO_PATO,
    SAN_VICENTE,
    YARI,
    es_en,
)

# The register ---------------------------------------------------------------------------------
# key: (who records it, fields of hsbp.risks.services.checked without the localities typed,
# then each connection as (partner, who records it, connection, relationship, reasoning)).
# Salience (severity x 10 + likelihood) is distinct for each risk, so the order is plain.
# They are recorded in the order of ORDER, as the partnership came to see them: the numbers
# (R-1 ...) follow that order, the register the salience.
ORDER = (
    "agua",
    "tierra",
    "camiones",
    "lideres",
    "jornaleros",
    "deforestacion",
    "vigilancia",
    "desplazamiento",
    "violencia_genero",
    "consulta_previa",
)
# The register's order once seeded: open risks by salience (103, 102, 94, 93, 92, 84, 74, 72,
# 64), then the addressed one.
SALIENCE_ORDER = (
    "lideres",
    "desplazamiento",
    "tierra",
    "deforestacion",
    "violencia_genero",
    "agua",
    "vigilancia",
    "consulta_previa",
    "jornaleros",
    "camiones",
)

RISKS = {
    "lideres": ("leader", {
        "title": es_en(
            "Amenazas a lideresas y líderes que hablan en las consultas y mesas de la alianza",
            "Threats against women and men leaders who speak at the partnership's "
            "consultations and tables",
        ),
        "description": es_en(
            "Tras la última mesa del agua, dos lideresas que denunciaron el caño "
            "recibieron mensajes intimidatorios y hombres armados preguntaron por la junta de "
            "noche. Si las actas o las listas de asistencia circulan con nombres, quienes "
            "participan quedan expuestos ante los grupos que controlan el corredor.",
            "After the last water table, two women leaders who reported the stream "
            "received intimidating messages, and armed men asked about the village board at "
            "night. If minutes or attendance lists circulate with names, those who take part "
            "are exposed to the groups that control the corridor.",
        ),
        "kind": "potential",
        "affected_groups": "Lideresas y líderes de juntas, del comité del agua y de víctimas, "
        "y sus familias.",
        "localities": [ESPERANZA, BAJO, SAN_VICENTE],
        "rights": ["life_security", "expression", "assembly_association", "participation"],
        "dimensions": ["personal", "community", "political"],
        "scale": 4, "scope": 2, "irremediability": 4, "likelihood": 3,
    }, [
        (AGRO, "facilitator", "contributes", "", (
            "Las consultas de la empresa sobre el agua se hicieron en reuniones abiertas con "
            "listas de asistencia que circularon entre contratistas: quien habló contra la "
            "empresa quedó identificado. La empresa no amenaza a nadie, pero su forma de "
            "consultar contribuye a exponer a quienes hablan. Registrado en la mesa de riesgos "
            "con el acuerdo del representante de la empresa."
        )),
        (ALCALDIA, "facilitator", "contributes", "", (
            "Las actas de las mesas veredales se publicaron en la cartelera de la Alcaldía con "
            "los nombres de quienes intervinieron, y las solicitudes de protección tardaron "
            "semanas en llegar al comité municipal."
        )),
    ]),
    "desplazamiento": ("company", {
        "title": es_en(
            "Desplazamiento de familias campesinas por la expansión ganadera de un proveedor",
            "Displacement of smallholder families by a supplier's cattle-ranching expansion",
        ),
        "description": es_en(
            "Hacienda El Recreo, que vende la carne del casino de la planta, amplía potreros "
            "hacia predios de familias poseedoras en Los Pozos: ofrece comprar mejoras a bajo "
            "precio, corre cercas y mete ganado en cultivos. Las familias que se niegan cuentan "
            "visitas de hombres que no son de la zona.",
            "Hacienda El Recreo, which sells the beef for the plant's canteen, is extending its "
            "pastures onto smallholders' plots in Los Pozos: it offers low prices for their "
            "improvements, moves fences and lets cattle into crops. Families who refuse "
            "describe visits from men who are not from the area.",
        ),
        "kind": "potential",
        "affected_groups": "Unas 40 familias poseedoras de Los Pozos; el Consejo de Mayores "
        "Campesinos.",
        "localities": [POZOS, PLAYA_RICA],
        "rights": ["land_resources", "housing", "food", "life_security"],
        "dimensions": ["economic", "food", "personal", "community"],
        "scale": 3, "scope": 3, "irremediability": 4, "likelihood": 2,
    }, [
        (AGRO, "company", "linked", "Hacienda El Recreo (proveedor de carne del casino)", (
            "No causamos ni contribuimos a la expansión ganadera, pero cada mes compramos unas "
            "cuatro toneladas de carne para el casino de la planta a Hacienda El Recreo, que "
            "amplía potreros hacia predios de familias campesinas. El daño está vinculado a "
            "nuestras compras por esa relación comercial."
        )),
    ]),
    "tierra": ("official", {
        "title": es_en(
            "Conflictos por la tierra con familias campesinas sin título en Los Pozos y Playa "
            "Rica",
            "Land conflicts with untitled smallholder families in Los Pozos and Playa Rica",
        ),
        "description": es_en(
            "Muchas familias trabajan sus predios desde hace décadas sin título; el catastro "
            "municipal no reconoce posesiones y algunas compras se hicieron sobre linderos en "
            "disputa. Sin formalización, las ventas bajo presión pueden repetir el despojo del "
            "conflicto armado.",
            "Many families have worked their plots for decades without title; the municipal "
            "cadastre does not record possession, and some purchases were made over disputed "
            "boundaries. Without formalisation, sales under pressure can repeat the "
            "dispossession of the armed conflict.",
        ),
        "kind": "potential",
        "affected_groups": "Familias poseedoras sin título; familias retornadas de Playa Rica.",
        "localities": [POZOS, PLAYA_RICA, BAJO],
        "rights": ["land_resources", "housing", "food", "remedy"],
        "dimensions": ["economic", "food", "community"],
        "scale": 3, "scope": 3, "irremediability": 3, "likelihood": 4,
    }, [
        (ALCALDIA, "official", "contributes", "", (
            "El catastro municipal no se actualiza desde 2009 y no registra posesiones, y la "
            "Secretaría de Agricultura expidió certificados de uso del suelo sobre predios en "
            "disputa. Eso deja a las familias sin cómo probar su posesión frente a compradores "
            "con más poder."
        )),
        (AGRO, "facilitator", "contributes", "", (
            "La empresa compró en 2023 dos predios en Los Pozos cuyos linderos reclaman "
            "familias poseedoras, y su cerca nueva cortó el camino a la escuela. Comprar sin "
            "verificar la tradición de la tierra contribuye a consolidar el despojo."
        )),
    ]),
    "deforestacion": ("company", {
        "title": es_en(
            "Deforestación en la zona de amortiguación del Chiribiquete y los Llanos del Yarí",
            "Deforestation in the buffer zone of Chiribiquete and the Yarí savannahs",
        ),
        "description": es_en(
            "La madera de postes y de cajones de fermentación que compraba la plantación venía "
            "de fincas recién taladas en el borde del Yarí. La tala seca quebradas de las que "
            "dependen familias y el pueblo nasa, y abre paso a la ganadería ilegal.",
            "The wood for posts and fermentation boxes the plantation bought came from farms "
            "freshly cleared at the edge of the Yarí. Clearing dries up streams that families "
            "and the Nasa people depend on, and opens the way to illegal ranching.",
        ),
        "kind": "potential",
        "affected_groups": "Familias de las veredas altas y el resguardo nasa del río Pato.",
        "localities": [YARI, RIO_PATO],
        "rights": ["water_sanitation", "food", "culture", "land_resources"],
        "dimensions": ["environmental", "food", "community"],
        "scale": 2, "scope": 4, "irremediability": 3, "likelihood": 3,
    }, [
        (AGRO, "company", "linked", "Aserrío El Yarí (postes y madera de fermentación)", (
            "No talamos, pero comprábamos al Aserrío El Yarí los postes de las cercas y la "
            "madera de los cajones de fermentación, y esa madera sale de fincas taladas en la "
            "zona de amortiguación. Nuestras compras están vinculadas a la tala por esa "
            "relación de suministro."
        )),
        (GOBERNACION, "facilitator", "contributes", "", (
            "El mejoramiento de la vía departamental hacia el Yarí, financiado por la "
            "Gobernación sin un plan de control de la frontera agrícola, facilita la entrada "
            "de motosierras y de ganado."
        )),
    ]),
    "violencia_genero": ("facilitator", {
        "title": es_en(
            "Violencia basada en género alrededor del campamento de trabajadores",
            "Gender-based violence around the workers' camp",
        ),
        "description": es_en(
            "El campamento aloja a unos 90 trabajadores de fuera a 800 metros de la vereda, "
            "con venta de licor cerca y sin transporte los fines de semana. Las mujeres y "
            "niñas que pasan por el camino de la escuela cuentan acoso.",
            "The camp houses some 90 workers from elsewhere 800 metres from the village, with "
            "alcohol sold nearby and no transport at weekends. Women and girls who walk the "
            "school path describe harassment.",
        ),
        "kind": "potential",
        "affected_groups": "Mujeres, adolescentes y niñas de la vereda La Esperanza.",
        "localities": [PLANTA, ESPERANZA],
        "rights": ["life_security", "non_discrimination", "children"],
        "dimensions": ["personal", "community"],
        "scale": 4, "scope": 2, "irremediability": 3, "likelihood": 2,
    }, [
        (AGRO, "facilitator", "contributes", "", (
            "La empresa decide dónde y cómo vive el personal del campamento, sus reglas de "
            "conducta y su transporte; sin reglas ni transporte propio, contribuye al riesgo "
            "de acoso y violencia contra mujeres y niñas de la vereda."
        )),
    ]),
    "agua": ("company", {
        "title": es_en(
            "Contaminación del caño La Esperanza por vertimientos de la planta de látex y "
            "agroquímicos",
            "Pollution of the La Esperanza stream by latex-plant effluent and agrochemicals",
        ),
        "description": es_en(
            "Desde la ampliación de la planta de látex, el caño baja turbio y con olor a "
            "amoníaco después de cada lavado de tanques, y la escorrentía de la fumigación del "
            "lote 7 llega a la misma cuenca. El último monitoreo de Corpoamazonia encontró "
            "amonio por encima del permiso de vertimientos.",
            "Since the latex plant was enlarged, the stream runs murky and smells of ammonia "
            "after every tank wash, and run-off from spraying plot 7 reaches the same basin. "
            "Corpoamazonia's latest monitoring found ammonium above the effluent permit.",
        ),
        "kind": "actual",
        "affected_groups": "180 familias que toman agua del caño; niñas y niños de la escuela "
        "rural.",
        "localities": [ESPERANZA, PLANTA],
        "rights": ["water_sanitation", "health", "food", "children"],
        "dimensions": ["food", "health", "environmental"],
        "scale": 3, "scope": 3, "irremediability": 2, "likelihood": 4,
    }, [
        (AGRO, "company", "causes", "", (
            "Los vertimientos salen del tanque de lavado de nuestra planta de látex y la "
            "escorrentía de nuestros lotes fumigados: nadie más interviene. Nos corresponde "
            "cesar el vertimiento fuera de norma, reparar a las familias y evitar que se "
            "repita."
        )),
        (ALCALDIA, "facilitator", "contributes", "", (
            "El acueducto veredal comprometido por la Alcaldía en 2024 sigue sin terminar, así "
            "que las familias siguen tomando agua del caño contaminado."
        )),
    ]),
    "vigilancia": ("company", {
        "title": es_en(
            "La seguridad privada de la plantación y su trato con la comunidad en los retenes",
            "The plantation's private security and how it treats people at checkpoints",
        ),
        "description": es_en(
            "En el retén del camino a la escuela hubo requisas a mujeres y jóvenes, un trato "
            "abusivo a una menor y cierres del paso. Donde la gente desconfía de todo actor "
            "armado, un abuso puede escalar y exponer a quien se queja.",
            "At the checkpoint on the school path, women and young people were searched, a girl "
            "was treated abusively and the way was closed. Where people distrust every armed "
            "actor, one abuse can escalate and expose whoever complains.",
        ),
        "kind": "actual",
        "affected_groups": "Jóvenes, mujeres y niñas que usan el camino de la escuela.",
        "localities": [ESPERANZA, PLANTA],
        "rights": ["life_security", "children", "non_discrimination"],
        "dimensions": ["personal", "community"],
        "scale": 3, "scope": 2, "irremediability": 2, "likelihood": 4,
    }, [
        (AGRO, "company", "contributes", "Vigilancia Privada Amazonía Ltda.", (
            "La conducta de los guardas es del contratista, pero nosotros decidimos dónde van "
            "los retenes y qué instrucciones tienen, y no exigimos formación en los Principios "
            "Voluntarios: eso contribuye a los abusos."
        )),
    ]),
    "consulta_previa": ("facilitator", {
        "title": es_en(
            "Ampliación de la plantación hacia el río Pato sin consulta previa con el pueblo "
            "nasa",
            "Plantation expansion towards the Pato river without prior consultation with the "
            "Nasa people",
        ),
        "description": es_en(
            "El plan de 300 hectáreas de caucho hacia la cuenca del río Pato toca el territorio "
            "que el Cabildo Nasa Kiwe Uma reclama y dos sitios sagrados. Sin consulta previa, "
            "libre e informada, la ampliación afectaría su territorio y su cultura.",
            "The plan for 300 hectares of rubber towards the Pato river basin touches the "
            "territory the Nasa Kiwe Uma council claims and two sacred sites. Without free, "
            "prior and informed consultation, the expansion would harm their land and culture.",
        ),
        "kind": "potential",
        "affected_groups": "Comunidad nasa reasentada en la cuenca del río Pato.",
        "localities": [RIO_PATO],
        "rights": ["participation", "land_resources", "culture"],
        "dimensions": ["community", "political"],
        "scale": 2, "scope": 2, "irremediability": 3, "likelihood": 2,
    }, [
        (AGRO, "facilitator", "causes", "", (
            "El plan de ampliación es de la empresa: si lo ejecuta sin consulta previa con el "
            "Cabildo, la empresa causaría directamente la afectación del territorio nasa."
        )),
    ]),
    "jornaleros": ("company", {
        "title": es_en(
            "Condiciones de trabajo de los jornaleros de los contratistas de cosecha",
            "Working conditions of the harvest contractors' day labourers",
        ),
        "description": es_en(
            "La cosecha de látex y el mantenimiento se contratan por tarea con tres empresas "
            "locales. Hubo quincenas incompletas, jornadas de más de diez horas en temporada "
            "de pica y jornaleros sin afiliación a riesgos laborales al aplicar agroquímicos.",
            "The latex harvest and upkeep are contracted by the task to three local firms. "
            "Fortnightly pay came short, days ran past ten hours in the tapping season, and "
            "labourers applied agrochemicals without occupational-risk insurance.",
        ),
        "kind": "actual",
        "affected_groups": "Unos 160 jornaleros de los contratistas, muchos jóvenes y personas "
        "en reincorporación.",
        "localities": [PLANTA],
        "rights": ["work_conditions", "work", "health"],
        "dimensions": ["economic", "health"],
        "scale": 2, "scope": 3, "irremediability": 1, "likelihood": 4,
    }, [
        (AGRO, "company", "contributes", "Servicios Agrícolas del Caguán y otros dos "
         "contratistas de cosecha", (
            "Los contratistas pagan a los jornaleros, pero el precio por hectárea que pagamos y "
            "nuestros plazos de pago de 60 días presionan los jornales y las jornadas: "
            "contribuimos a las condiciones que tienen."
        )),
    ]),
    "camiones": ("facilitator", {
        "title": es_en(
            "Polvo y riesgo de accidentes por los camiones de carga frente a la escuela",
            "Dust and accident risk from haulage lorries outside the school",
        ),
        "description": es_en(
            "Los camiones que sacan el látex y el cacao pasaban frente a la escuela a la hora "
            "de entrada y salida, levantando polvo todo el día.",
            "The lorries carrying latex and cocoa passed the school when children arrived and "
            "left, raising dust all day.",
        ),
        "kind": "potential",
        "affected_groups": "Niñas y niños de la escuela rural y sus familias.",
        "localities": [ESPERANZA],
        "rights": ["health", "children"],
        "dimensions": ["health", "personal"],
        "scale": 2, "scope": 2, "irremediability": 1, "likelihood": 3,
    }, [
        (AGRO, "facilitator", "contributes", "Cooperativa de Transportadores del Caguán", (
            "La carga es de la empresa y ella fija cuándo sale; la cooperativa conduce. Los "
            "horarios de despacho de la empresa contribuían a que los camiones pasaran a la "
            "hora de la escuela."
        )),
    ]),
}  # fmt: skip
ADDRESSED = {
    "camiones": (
        "Desde hace tres meses los camiones pasan solo entre las 10:00 y las 12:00 y después "
        "de las 16:00, y la vía se humedece en verano. La junta y la escuela confirmaron en la "
        "mesa pasada que no ha habido incidentes ni quejas nuevas."
    ),
}
