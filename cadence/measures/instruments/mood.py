"""Depression and anxiety: PHQ-9, GAD-7 and their two-item screens PHQ-2 and GAD-2.

PHQ-9 and GAD-7 (Kroenke, Spitzer, Williams; Pfizer) are free to use without permission; the English
wording is the standard wording. Scoring per DOMAIN.md §4.
"""

from __future__ import annotations

from dataclasses import replace

from .model import Band, Flag, Instrument, Item, ItemFlag, Text
from .options import scale

TWO_WEEKS = Text("Over the last 2 weeks", "Durante las últimas 2 semanas")

FREQUENCY = scale(
    ("Not at all", "Ningún día"),
    ("Several days", "Varios días"),
    ("More than half the days", "Más de la mitad de los días"),
    ("Nearly every day", "Casi todos los días"),
)

_PHQ_INSTRUCTIONS = Text(
    "Over the last 2 weeks, how often have you been bothered by any of the following problems?",
    "Durante las últimas 2 semanas, ¿con qué frecuencia le han molestado los siguientes problemas?",
)

_PHQ9_WORDING = (
    ("Little interest or pleasure in doing things", "Poco interés o placer en hacer las cosas"),
    ("Feeling down, depressed, or hopeless", "Sentirse desanimado(a), deprimido(a) o sin esperanza"),
    (
        "Trouble falling or staying asleep, or sleeping too much",
        "Dificultad para dormirse o para seguir dormido(a), o dormir demasiado",
    ),
    ("Feeling tired or having little energy", "Sentirse cansado(a) o con poca energía"),
    ("Poor appetite or overeating", "Poco apetito o comer en exceso"),
    (
        "Feeling bad about yourself — or that you are a failure or have let yourself or your family down",
        "Sentirse mal consigo mismo(a), o sentir que es un fracaso o que se ha fallado a sí mismo(a) o a su familia",
    ),
    (
        "Trouble concentrating on things, such as reading the newspaper or watching television",
        "Dificultad para concentrarse en cosas como leer el periódico o ver la televisión",
    ),
    (
        "Moving or speaking so slowly that other people could have noticed? Or the opposite — being so "
        "fidgety or restless that you have been moving around a lot more than usual",
        "Moverse o hablar tan despacio que otras personas podrían haberlo notado, o lo contrario: estar tan "
        "inquieto(a) o agitado(a) que se ha movido mucho más de lo normal",
    ),
    (
        "Thoughts that you would be better off dead or of hurting yourself in some way",
        "Pensamientos de que estaría mejor muerto(a) o de hacerse daño de alguna manera",
    ),
)

_GAD7_WORDING = (
    ("Feeling nervous, anxious, or on edge", "Sentirse nervioso(a), ansioso(a) o con los nervios de punta"),
    (
        "Not being able to stop or control worrying",
        "No poder dejar de preocuparse o no poder controlar la preocupación",
    ),
    ("Worrying too much about different things", "Preocuparse demasiado por diferentes cosas"),
    ("Trouble relaxing", "Dificultad para relajarse"),
    ("Being so restless that it is hard to sit still", "Estar tan inquieto(a) que es difícil quedarse quieto(a)"),
    ("Becoming easily annoyed or irritable", "Molestarse o irritarse con facilidad"),
    ("Feeling afraid, as if something awful might happen", "Sentir miedo, como si algo terrible fuera a pasar"),
)


def _items(prefix: str, wording: tuple[tuple[str, str], ...]) -> tuple[Item, ...]:
    return tuple(
        Item(field=f"{prefix}_{n}", number=str(n), text=Text(en, es), options=FREQUENCY)
        for n, (en, es) in enumerate(wording, start=1)
    )


PHQ9_ITEM9_FLAG = Flag(
    "phq9_item9",
    Text(
        "Item 9 above 0: thoughts of self-harm — review safety now",
        "Ítem 9 mayor que 0: pensamientos de hacerse daño — revise la seguridad ahora",
    ),
)

PHQ9 = Instrument(
    code="phq9",
    abbreviation="PHQ-9",
    name=Text("Patient Health Questionnaire-9", "Cuestionario sobre la Salud del Paciente-9"),
    version="1.0",
    recall_period=TWO_WEEKS,
    recall_duration="P2W",
    instructions=_PHQ_INSTRUCTIONS,
    items=_items("phq9", _PHQ9_WORDING),
    source="Kroenke, Spitzer & Williams (2001); free to use without permission",
    total_range=(0, 27),
    bands=(
        Band("none_minimal", Text("None–minimal", "Ninguna o mínima"), 0, 4),
        Band("mild", Text("Mild", "Leve"), 5, 9),
        Band("moderate", Text("Moderate", "Moderada"), 10, 14),
        Band("moderately_severe", Text("Moderately severe", "Moderadamente grave"), 15, 19),
        Band("severe", Text("Severe", "Grave"), 20, 27),
    ),
    # Item 9 is a safety flag whatever the total (DOMAIN.md §4).
    item_flags=(ItemFlag("phq9_9", 0, PHQ9_ITEM9_FLAG),),
    loinc_total="44261-6",
    loinc_panel="44249-1",
    case_at_or_above=10,  # caseness: PHQ-9 above 9
)

GAD7 = Instrument(
    code="gad7",
    abbreviation="GAD-7",
    name=Text("Generalized Anxiety Disorder-7", "Trastorno de Ansiedad Generalizada-7"),
    version="1.0",
    recall_period=TWO_WEEKS,
    recall_duration="P2W",
    instructions=_PHQ_INSTRUCTIONS,
    items=_items("gad7", _GAD7_WORDING),
    source="Spitzer, Kroenke, Williams & Löwe (2006); free to use without permission",
    total_range=(0, 21),
    bands=(
        Band("minimal", Text("Minimal", "Mínima"), 0, 4),
        Band("mild", Text("Mild", "Leve"), 5, 9),
        Band("moderate", Text("Moderate", "Moderada"), 10, 14),
        Band("severe", Text("Severe", "Grave"), 15, 21),
    ),
    loinc_total="70274-6",
    loinc_panel="69737-5",
    case_at_or_above=8,  # caseness: GAD-7 above 7
)


def _screen_bands(code: str, full: str) -> tuple[Band, ...]:
    positive = Flag(
        f"{code}_positive",
        Text(
            f"Positive screen (3 or more): give the full {full}",
            f"Tamizaje positivo (3 o más): aplique el {full} completo",
        ),
    )
    return (
        Band("negative", Text("Negative screen", "Tamizaje negativo"), 0, 2),
        Band("positive", Text("Positive screen", "Tamizaje positivo"), 3, 6, flag=positive),
    )


def _first_two(source: Instrument, prefix: str) -> tuple[Item, ...]:
    return tuple(replace(item, field=f"{prefix}_{item.number}") for item in source.items[:2])


PHQ2 = Instrument(
    code="phq2",
    abbreviation="PHQ-2",
    name=Text("Patient Health Questionnaire-2", "Cuestionario sobre la Salud del Paciente-2"),
    version="1.0",
    recall_period=TWO_WEEKS,
    recall_duration="P2W",
    instructions=_PHQ_INSTRUCTIONS,
    items=_first_two(PHQ9, "phq2"),
    source="Kroenke, Spitzer & Williams (2003); first two PHQ-9 items; free to use",
    total_range=(0, 6),
    bands=_screen_bands("phq2", "PHQ-9"),
    loinc_total="55758-7",
)

GAD2 = Instrument(
    code="gad2",
    abbreviation="GAD-2",
    name=Text("Generalized Anxiety Disorder-2", "Trastorno de Ansiedad Generalizada-2"),
    version="1.0",
    recall_period=TWO_WEEKS,
    recall_duration="P2W",
    instructions=_PHQ_INSTRUCTIONS,
    items=_first_two(GAD7, "gad2"),
    source="Kroenke et al. (2007); first two GAD-7 items; free to use",
    total_range=(0, 6),
    bands=_screen_bands("gad2", "GAD-7"),
)
