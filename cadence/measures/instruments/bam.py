"""Brief Addiction Monitor (BAM), 17 items, past 30 days (VA, Cacciola et al. 2013).

Answer list (23 entries, item 7 flattened into its sub-items)::

    [1, 2, 3, 4, 5, 6, 7A, 7B, 7C, 7D, 7E, 7F, 7G, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]

- Every item is scored 0-4 (an int), except item 14 (enough income), a yes/no item answered with a
  bool that scores yes = 4, no = 0.
- "How many days" items take the day category, not the raw count: 0 = 0 days, 1 = 1-3, 2 = 4-8,
  3 = 9-15, 4 = 16-30 (``days_category`` converts a count).
- 7A-7G (days of each drug) elaborate item 6 and are asked only when item 6 is above 0. When item 6 is
  0 they are skipped: leave them None, or 0 (which agrees with item 6 and is stored as None); any other
  value contradicts item 6 and is an error. When item 6 is above 0 all seven are required.

Subscales (DOMAIN.md §4): use = 4+5+6 (0-12, concern at 1 or more); risk = 1+2+3+8+11+15 (0-24, concern
at 12 or more); protective = 9+10+12+13+14+16 (0-24, higher is better, concern at 12 or less). 7A-7G and
17 are in no subscale. There is no total. Wording is a plain paraphrase.
"""

from __future__ import annotations

from .model import Condition, Flag, Instrument, Item, Option, Subscale, Text
from .options import scale, yes_no

DAYS = scale(
    ("0 days", "0 días"),
    ("1-3 days", "1-3 días"),
    ("4-8 days", "4-8 días"),
    ("9-15 days", "9-15 días"),
    ("16-30 days", "16-30 días"),
)

AMOUNT = scale(
    ("Not at all", "Nada"),
    ("Slightly", "Un poco"),
    ("Moderately", "Moderadamente"),
    ("Considerably", "Considerablemente"),
    ("Extremely", "Extremadamente"),
)

HEALTH = scale(
    ("Excellent", "Excelente"),
    ("Very good", "Muy buena"),
    ("Good", "Buena"),
    ("Fair", "Regular"),
    ("Poor", "Mala"),
)

_DAY_CATEGORY_UPPER_BOUNDS = (0, 3, 8, 15, 30)


def days_category(days: int) -> int:
    """The BAM answer value (0-4) for a count of days in the past 30.

    Raises ``ValueError`` for a count that is not a whole number from 0 to 30.
    """
    if isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= 30:
        raise ValueError(f"days must be a whole number from 0 to 30, not {days!r}")
    for category, upper in enumerate(_DAY_CATEGORY_UPPER_BOUNDS):
        if days <= upper:
            return category
    raise AssertionError("unreachable")  # pragma: no cover


def _item(
    number: str,
    en: str,
    es: str,
    options: tuple[Option, ...] = DAYS,
    *,
    asked_when: Condition | None = None,
    empty_values: tuple[int, ...] = (),
) -> Item:
    return Item(f"bam_{number.lower()}", number, Text(en, es), options, asked_when, empty_values)


_IF_ANY_DRUG_DAYS = Condition("bam_6", (1, 2, 3, 4))

_DRUGS = (
    ("A", "marijuana (cannabis)", "marihuana (cannabis)"),
    (
        "B",
        "sedatives or tranquilizers (for example benzodiazepines such as Valium or Xanax, or barbiturates)",
        "sedantes o tranquilizantes (por ejemplo benzodiacepinas como Valium o Xanax, o barbitúricos)",
    ),
    ("C", "cocaine or crack", "cocaína o crack"),
    (
        "D",
        "other stimulants (for example amphetamine or methamphetamine)",
        "otros estimulantes (por ejemplo anfetamina o metanfetamina)",
    ),
    (
        "E",
        "opioids (for example heroin, fentanyl, or pain pills not taken as prescribed)",
        "opioides (por ejemplo heroína, fentanilo, o analgésicos que no tomó según la receta)",
    ),
    ("F", "inhalants (glues, gases, sprays)", "inhalantes (pegamentos, gases, aerosoles)"),
    ("G", "other drugs (for example hallucinogens or ecstasy)", "otras drogas (por ejemplo alucinógenos o éxtasis)"),
)

BAM_ITEMS = (
    _item(
        "1",
        "In the past 30 days, how would you rate your physical health?",
        "En los últimos 30 días, ¿cómo calificaría su salud física?",
        HEALTH,
    ),
    _item(
        "2",
        "In the past 30 days, on how many nights did you have trouble falling asleep or staying asleep?",
        "En los últimos 30 días, ¿cuántas noches tuvo dificultad para dormirse o para seguir dormido(a)?",
    ),
    _item(
        "3",
        "In the past 30 days, on how many days did you feel depressed, anxious, angry or very upset for most "
        "of the day?",
        "En los últimos 30 días, ¿cuántos días se sintió deprimido(a), ansioso(a), enojado(a) o muy "
        "alterado(a) la mayor parte del día?",
    ),
    _item(
        "4",
        "In the past 30 days, on how many days did you drink any alcohol?",
        "En los últimos 30 días, ¿cuántos días tomó alguna bebida alcohólica?",
    ),
    _item(
        "5",
        "In the past 30 days, on how many days did you have at least 5 drinks (if you are a man) or at least "
        "4 drinks (if you are a woman)? One drink is a 12 oz beer, a 5 oz glass of wine or 1.5 oz of liquor.",
        "En los últimos 30 días, ¿cuántos días tomó al menos 5 bebidas (si es hombre) o al menos 4 bebidas "
        "(si es mujer)? Una bebida es una cerveza de 12 onzas, una copa de vino de 5 onzas o 1.5 onzas de "
        "licor.",
    ),
    _item(
        "6",
        "In the past 30 days, on how many days did you use any illegal or street drugs, or misuse any "
        "prescription medicine?",
        "En los últimos 30 días, ¿cuántos días usó alguna droga ilegal o de la calle, o usó mal algún "
        "medicamento recetado?",
    ),
    *(
        _item(
            f"7{letter}",
            f"In the past 30 days, on how many days did you use {en}?",
            f"En los últimos 30 días, ¿cuántos días usó {es}?",
            asked_when=_IF_ANY_DRUG_DAYS,
            empty_values=(0,),
        )
        for letter, en, es in _DRUGS
    ),
    _item(
        "8",
        "In the past 30 days, how much were you bothered by cravings or urges to drink alcohol or use drugs?",
        "En los últimos 30 días, ¿cuánto le molestaron los antojos o las ganas de beber alcohol o usar drogas?",
        AMOUNT,
    ),
    _item(
        "9",
        "How confident are you that you can stay completely away from alcohol and drugs in the next 30 days?",
        "¿Qué tanta confianza tiene en poder mantenerse completamente sin alcohol ni drogas en los próximos 30 días?",
        AMOUNT,
    ),
    _item(
        "10",
        "In the past 30 days, on how many days did you go to self-help meetings, such as AA or NA, to support "
        "your recovery?",
        "En los últimos 30 días, ¿cuántos días fue a reuniones de autoayuda, como AA o NA, para apoyar su "
        "recuperación?",
    ),
    _item(
        "11",
        "In the past 30 days, on how many days were you in situations or with people that raised your risk "
        "of drinking or using drugs (risky people, places or things)?",
        "En los últimos 30 días, ¿cuántos días estuvo en situaciones o con personas que aumentaban su riesgo "
        "de beber o usar drogas (personas, lugares o cosas de riesgo)?",
    ),
    _item(
        "12",
        "Does your religion or spirituality help support your recovery?",
        "¿Su religión o espiritualidad le ayuda a apoyar su recuperación?",
        AMOUNT,
    ),
    _item(
        "13",
        "In the past 30 days, on how many days did you spend much of the day at work, school or volunteering?",
        "En los últimos 30 días, ¿cuántos días pasó gran parte del día en el trabajo, la escuela o como voluntario(a)?",
    ),
    _item(
        "14",
        "Do you have enough income from legal sources to pay for necessities such as housing, "
        "transportation, food and clothing for yourself and anyone who depends on you?",
        "¿Tiene suficientes ingresos de fuentes legales para pagar lo necesario, como vivienda, transporte, "
        "comida y ropa, para usted y las personas que dependen de usted?",
        yes_no(yes_points=4, no_points=0),
    ),
    _item(
        "15",
        "In the past 30 days, how much were you bothered by arguments or problems getting along with family "
        "or friends?",
        "En los últimos 30 días, ¿cuánto le molestaron las discusiones o los problemas para llevarse bien con "
        "su familia o sus amistades?",
        AMOUNT,
    ),
    _item(
        "16",
        "In the past 30 days, on how many days were you in contact with, or spent time with, family or "
        "friends who support your recovery?",
        "En los últimos 30 días, ¿cuántos días estuvo en contacto o pasó tiempo con familiares o amistades "
        "que apoyan su recuperación?",
    ),
    _item(
        "17",
        "How satisfied are you with your progress toward your recovery goals?",
        "¿Qué tan satisfecho(a) está con su progreso hacia sus metas de recuperación?",
        AMOUNT,
    ),
)


def _fields(*numbers: int) -> tuple[str, ...]:
    return tuple(f"bam_{n}" for n in numbers)


BAM_USE_ITEMS = (4, 5, 6)
BAM_RISK_ITEMS = (1, 2, 3, 8, 11, 15)
BAM_PROTECTIVE_ITEMS = (9, 10, 12, 13, 14, 16)

BAM = Instrument(
    code="bam",
    abbreviation="BAM",
    name=Text("Brief Addiction Monitor", "Monitor Breve de Adicciones"),
    version="1.0",
    recall_period=Text("Past 30 days", "Últimos 30 días"),
    recall_duration="P30D",
    instructions=Text(
        "These questions ask about the past 30 days. For questions that ask how many days, choose the range "
        "that includes your number of days.",
        "Estas preguntas se refieren a los últimos 30 días. En las preguntas sobre cuántos días, elija el "
        "rango que incluye su número de días.",
    ),
    items=BAM_ITEMS,
    source="Cacciola et al. (2013), VA VISN 4 MIRECC; paraphrased",
    subscales=(
        Subscale(
            "use",
            Text("Use", "Uso"),
            _fields(*BAM_USE_ITEMS),
            0,
            12,
            concern_at_or_above=1,
            concern_flag=Flag(
                "bam_use_concern",
                Text(
                    "BAM use 1 or more: alcohol or drug use in the past 30 days",
                    "BAM uso 1 o más: consumo de alcohol o drogas en los últimos 30 días",
                ),
            ),
        ),
        Subscale(
            "risk",
            Text("Risk factors", "Factores de riesgo"),
            _fields(*BAM_RISK_ITEMS),
            0,
            24,
            concern_at_or_above=12,
            concern_flag=Flag(
                "bam_risk_concern",
                Text(
                    "BAM risk 12 or more: many risk factors for relapse",
                    "BAM riesgo 12 o más: muchos factores de riesgo de recaída",
                ),
            ),
        ),
        Subscale(
            "protective",
            Text("Protective factors", "Factores de protección"),
            _fields(*BAM_PROTECTIVE_ITEMS),
            0,
            24,
            higher_is_better=True,
            concern_at_or_below=12,
            concern_flag=Flag(
                "bam_protective_concern",
                Text(
                    "BAM protective 12 or less: few protective factors supporting recovery",
                    "BAM protección 12 o menos: pocos factores de protección que apoyen la recuperación",
                ),
            ),
        ),
    ),
)
