"""Trauma and craving: PCL-5 (public domain) and the Penn Alcohol Craving Scale (PACS, free to use).

- PCL-5: 20 items 0-4 about the past month, total 0-80; DSM-5 clusters B (1-5), C (6-7), D (8-14),
  E (15-20) as subscales ``b``-``e``; provisional PTSD at a total at or above the cut-off, a setting
  (``MeasureSettings.pcl5_cutoff``, default 33).
- PACS: 5 items 0-6 about the past week, total 0-30, higher = more craving; no bands.

Wording is a plain paraphrase of each item.
"""

from __future__ import annotations

from functools import lru_cache

from .model import Band, Flag, Instrument, Item, Subscale, Text
from .options import scale
from .settings import DEFAULT_PCL5_CUTOFF, MeasureSettings

_BOTHERED = scale(
    ("Not at all", "Nada"),
    ("A little bit", "Un poco"),
    ("Moderately", "Moderadamente"),
    ("Quite a bit", "Bastante"),
    ("Extremely", "Extremadamente"),
)

_PCL5_WORDING = (
    (
        "Repeated, disturbing and unwanted memories of the stressful experience",
        "Recuerdos repetidos, perturbadores y no deseados de la experiencia estresante",
    ),
    (
        "Repeated, disturbing dreams of the stressful experience",
        "Sueños repetidos y perturbadores sobre la experiencia estresante",
    ),
    (
        "Suddenly feeling or acting as if the stressful experience were happening again (as if you were back "
        "there reliving it)",
        "Sentir o actuar de repente como si la experiencia estresante estuviera ocurriendo otra vez (como si "
        "estuviera allí reviviéndola)",
    ),
    (
        "Feeling very upset when something reminded you of the stressful experience",
        "Sentirse muy alterado(a) cuando algo le recordó la experiencia estresante",
    ),
    (
        "Having strong physical reactions when something reminded you of the stressful experience (for "
        "example a pounding heart, trouble breathing, sweating)",
        "Tener reacciones físicas fuertes cuando algo le recordó la experiencia estresante (por ejemplo, el "
        "corazón acelerado, dificultad para respirar, sudor)",
    ),
    (
        "Avoiding memories, thoughts or feelings related to the stressful experience",
        "Evitar recuerdos, pensamientos o sentimientos relacionados con la experiencia estresante",
    ),
    (
        "Avoiding outside reminders of the stressful experience (for example people, places, conversations, "
        "activities, objects or situations)",
        "Evitar cosas externas que le recuerdan la experiencia estresante (por ejemplo personas, lugares, "
        "conversaciones, actividades, objetos o situaciones)",
    ),
    (
        "Trouble remembering important parts of the stressful experience",
        "Dificultad para recordar partes importantes de la experiencia estresante",
    ),
    (
        "Having strong negative beliefs about yourself, other people or the world (for example: I am bad, "
        "something is seriously wrong with me, no one can be trusted, the world is completely dangerous)",
        "Tener creencias muy negativas sobre usted mismo(a), otras personas o el mundo (por ejemplo: soy "
        "malo(a), algo anda muy mal conmigo, no se puede confiar en nadie, el mundo es totalmente peligroso)",
    ),
    (
        "Blaming yourself or someone else for the stressful experience or for what happened after it",
        "Culparse a sí mismo(a) o a otra persona por la experiencia estresante o por lo que pasó después",
    ),
    (
        "Having strong negative feelings such as fear, horror, anger, guilt or shame",
        "Tener sentimientos negativos fuertes como miedo, horror, enojo, culpa o vergüenza",
    ),
    ("Loss of interest in activities you used to enjoy", "Perder el interés en actividades que antes disfrutaba"),
    ("Feeling distant or cut off from other people", "Sentirse distante o desconectado(a) de otras personas"),
    (
        "Trouble having positive feelings (for example, being unable to feel happiness or loving feelings "
        "for people close to you)",
        "Dificultad para tener sentimientos positivos (por ejemplo, no poder sentir felicidad ni cariño por "
        "las personas cercanas)",
    ),
    (
        "Irritable behavior, angry outbursts or acting aggressively",
        "Comportamiento irritable, arrebatos de enojo o actuar de forma agresiva",
    ),
    (
        "Taking too many risks or doing things that could cause you harm",
        "Correr demasiados riesgos o hacer cosas que podrían hacerle daño",
    ),
    ('Being "superalert", watchful or on guard', 'Estar "superalerta", vigilante o en guardia'),
    ("Feeling jumpy or easily startled", "Sentirse nervioso(a) o asustarse con facilidad"),
    ("Having difficulty concentrating", "Tener dificultad para concentrarse"),
    ("Trouble falling or staying asleep", "Dificultad para dormirse o para seguir dormido(a)"),
)

#: DSM-5 symptom clusters: subscale code -> (first item, last item), inclusive.
PCL5_CLUSTERS = {"b": (1, 5), "c": (6, 7), "d": (8, 14), "e": (15, 20)}

_CLUSTER_LABELS = {
    "b": Text("Cluster B: intrusion", "Grupo B: intrusión"),
    "c": Text("Cluster C: avoidance", "Grupo C: evitación"),
    "d": Text(
        "Cluster D: negative changes in thinking and mood",
        "Grupo D: cambios negativos en pensamientos y estado de ánimo",
    ),
    "e": Text("Cluster E: changes in arousal and reactivity", "Grupo E: cambios en la activación y la reactividad"),
}

PCL5_PROVISIONAL_FLAG = Flag(
    "pcl5_provisional_ptsd",
    Text(
        "PCL-5 total at or above the cut-off: provisional PTSD — confirm with a clinical interview",
        "Total del PCL-5 igual o mayor que el punto de corte: TEPT provisional — confirme con una entrevista clínica",
    ),
)


@lru_cache(maxsize=16)
def pcl5_bands(cutoff: int) -> tuple[Band, ...]:
    """The two PCL-5 bands for a cut-off: ``below_cutoff`` (0 to cut-off - 1) and ``provisional_ptsd``."""
    return (
        Band("below_cutoff", Text("Below the PTSD cut-off", "Por debajo del punto de corte de TEPT"), 0, cutoff - 1),
        Band("provisional_ptsd", Text("Provisional PTSD", "TEPT provisional"), cutoff, 80, flag=PCL5_PROVISIONAL_FLAG),
    )


def _pcl5_bands_for(settings: MeasureSettings) -> tuple[Band, ...]:
    return pcl5_bands(settings.pcl5_cutoff)


def _pcl5_case_for(settings: MeasureSettings) -> int:
    return settings.pcl5_cutoff


PCL5 = Instrument(
    code="pcl5",
    abbreviation="PCL-5",
    name=Text("PTSD Checklist for DSM-5", "Lista de Verificación del TEPT para el DSM-5"),
    version="1.0",
    recall_period=Text("Past month", "Último mes"),
    recall_duration="P1M",
    instructions=Text(
        "Below is a list of problems that people sometimes have after a very stressful experience. Keeping "
        "your worst stressful experience in mind, choose how much you have been bothered by each problem in "
        "the past month.",
        "A continuación hay una lista de problemas que a veces tienen las personas después de una experiencia "
        "muy estresante. Pensando en su peor experiencia estresante, indique cuánto le ha molestado cada "
        "problema en el último mes.",
    ),
    items=tuple(
        Item(f"pcl5_{n}", str(n), Text(en, es), _BOTHERED) for n, (en, es) in enumerate(_PCL5_WORDING, start=1)
    ),
    source="Weathers et al. (2013), National Center for PTSD; public domain; paraphrased",
    total_range=(0, 80),
    bands=pcl5_bands(DEFAULT_PCL5_CUTOFF),
    subscales=tuple(
        Subscale(
            code,
            _CLUSTER_LABELS[code],
            tuple(f"pcl5_{n}" for n in range(first, last + 1)),
            0,
            4 * (last - first + 1),
        )
        for code, (first, last) in PCL5_CLUSTERS.items()
    ),
    bands_from_settings=_pcl5_bands_for,
    case_from_settings=_pcl5_case_for,
)

_PACS_ITEMS = (
    (
        "How often have you thought about drinking, or about how good a drink would make you feel?",
        "¿Con qué frecuencia ha pensado en beber, o en lo bien que le haría sentir una bebida?",
        (
            ("Never", "Nunca"),
            ("Rarely", "Rara vez"),
            ("Occasionally", "Ocasionalmente"),
            ("Sometimes", "A veces"),
            ("Often", "A menudo"),
            ("Most of the time", "La mayor parte del tiempo"),
            ("Nearly all of the time", "Casi todo el tiempo"),
        ),
    ),
    (
        "At its most severe point, how strong was your craving?",
        "En su momento más intenso, ¿qué tan fuerte fue su antojo (ganas de beber)?",
        (
            ("None at all", "Ninguno"),
            ("Slight, that is, a very mild urge", "Leve, es decir, unas ganas muy ligeras"),
            ("Mild urge", "Ganas ligeras"),
            ("Moderate urge", "Ganas moderadas"),
            ("Strong urge, but easily controlled", "Ganas fuertes, pero fáciles de controlar"),
            ("Strong urge and difficult to control", "Ganas fuertes y difíciles de controlar"),
            ("Strong urge and would have drunk if able to", "Ganas fuertes; habría bebido si hubiera podido"),
        ),
    ),
    (
        "How much time have you spent thinking about drinking, or about how good a drink would make you feel?",
        "¿Cuánto tiempo ha pasado pensando en beber, o en lo bien que le haría sentir una bebida?",
        (
            ("None at all", "Nada"),
            ("Less than 20 minutes", "Menos de 20 minutos"),
            ("21 to 45 minutes", "De 21 a 45 minutos"),
            ("46 to 90 minutes", "De 46 a 90 minutos"),
            ("90 minutes to 3 hours", "De 90 minutos a 3 horas"),
            ("Between 3 and 6 hours", "Entre 3 y 6 horas"),
            ("More than 6 hours", "Más de 6 horas"),
        ),
    ),
    (
        "How hard would it have been to resist taking a drink if you had known there was a bottle in your house?",
        "¿Qué tan difícil le habría sido resistirse a beber si hubiera sabido que había una botella en su casa?",
        (
            ("Not difficult at all", "Nada difícil"),
            ("Very mildly difficult", "Muy ligeramente difícil"),
            ("Mildly difficult", "Ligeramente difícil"),
            ("Moderately difficult", "Moderadamente difícil"),
            ("Very difficult", "Muy difícil"),
            ("Extremely difficult", "Extremadamente difícil"),
            ("Would not be able to resist", "No habría podido resistirme"),
        ),
    ),
    (
        "Thinking about your answers above, how would you rate your overall average craving for alcohol "
        "during the past week?",
        "Pensando en sus respuestas anteriores, ¿cómo calificaría su antojo promedio de alcohol durante la "
        "última semana?",
        (
            ("Never thought about drinking and never had the urge", "Nunca pensé en beber ni tuve ganas"),
            ("Rarely thought about drinking or had the urge", "Rara vez pensé en beber o tuve ganas"),
            ("Occasionally thought about drinking or had the urge", "Ocasionalmente pensé en beber o tuve ganas"),
            ("Sometimes thought about drinking or had the urge", "A veces pensé en beber o tuve ganas"),
            ("Often thought about drinking or had the urge", "A menudo pensé en beber o tuve ganas"),
            (
                "Thought about drinking or had the urge most of the time",
                "La mayor parte del tiempo pensé en beber o tuve ganas",
            ),
            (
                "Thought about drinking or had the urge nearly all of the time",
                "Casi todo el tiempo pensé en beber o tuve ganas",
            ),
        ),
    ),
)

PACS = Instrument(
    code="pacs",
    abbreviation="PACS",
    name=Text("Penn Alcohol Craving Scale", "Escala de Antojo de Alcohol de Penn"),
    version="1.0",
    recall_period=Text("Past week", "Última semana"),
    recall_duration="P1W",
    instructions=Text(
        "These questions are about your craving for alcohol during the past week. Choose the answer that "
        "best describes you.",
        "Estas preguntas son sobre su antojo (ganas) de alcohol durante la última semana. Elija la respuesta "
        "que mejor le describa.",
    ),
    items=tuple(
        Item(f"pacs_{n}", str(n), Text(en, es), scale(*labels))
        for n, (en, es, labels) in enumerate(_PACS_ITEMS, start=1)
    ),
    source="Flannery, Volpicelli & Pettinati (1999); free to use; paraphrased",
    total_range=(0, 30),
)
