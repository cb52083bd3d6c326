"""Alcohol and drug screens: AUDIT, AUDIT-C and DAST-10 (past 12 months).

- AUDIT: 10 items; items 1-8 take 0-4, items 9 and 10 take only 0, 2 or 4. Total 0-40, zones I 0-7,
  II 8-15, III 16-19, IV 20-40.
- AUDIT-C: AUDIT items 1-3 (0-4 each), total 0-12; positive at 4 or more for men and 3 or more for
  women, so ``score("auditc", ..., sex="male" | "female")`` must be given the sex.
- DAST-10: 10 yes/no items answered with bools; yes scores 1 except item 3 ("always able to stop"),
  where no scores 1. Total 0-10: 0 none, 1-2 low, 3-5 moderate, 6-8 substantial, 9-10 severe.

Wording is a plain paraphrase of each item.
"""

from __future__ import annotations

from dataclasses import replace

from .model import Band, Flag, Instrument, Item, Option, Text
from .options import scale, yes_no

PAST_YEAR = Text("Past 12 months", "Últimos 12 meses")

_HOW_OFTEN = scale(
    ("Never", "Nunca"),
    ("Less than monthly", "Menos de una vez al mes"),
    ("Monthly", "Mensualmente"),
    ("Weekly", "Semanalmente"),
    ("Daily or almost daily", "A diario o casi a diario"),
)

_INJURY_OR_CONCERN = scale(
    ("No", "No"),
    ("Yes, but not in the past year", "Sí, pero no en el último año"),
    ("Yes, during the past year", "Sí, en el último año"),
    values=(0, 2, 4),
)


def _audit_item(number: int, en: str, es: str, options: tuple[Option, ...] = _HOW_OFTEN) -> Item:
    return Item(f"audit_{number}", str(number), Text(en, es), options)


AUDIT_ITEMS = (
    _audit_item(
        1,
        "How often do you have a drink that contains alcohol?",
        "¿Con qué frecuencia toma alguna bebida que contenga alcohol?",
        scale(
            ("Never", "Nunca"),
            ("Monthly or less", "Una vez al mes o menos"),
            ("2 to 4 times a month", "De 2 a 4 veces al mes"),
            ("2 to 3 times a week", "De 2 a 3 veces a la semana"),
            ("4 or more times a week", "4 o más veces a la semana"),
        ),
    ),
    _audit_item(
        2,
        "On a typical day when you are drinking, how many drinks containing alcohol do you have?",
        "En un día típico en que bebe, ¿cuántas bebidas con alcohol toma?",
        scale(
            ("1 or 2", "1 o 2"),
            ("3 or 4", "3 o 4"),
            ("5 or 6", "5 o 6"),
            ("7 to 9", "De 7 a 9"),
            ("10 or more", "10 o más"),
        ),
    ),
    _audit_item(
        3,
        "How often do you have six or more drinks on one occasion?",
        "¿Con qué frecuencia toma seis o más bebidas en una sola ocasión?",
    ),
    _audit_item(
        4,
        "In the past year, how often have you found that you could not stop drinking once you had started?",
        "En el último año, ¿con qué frecuencia no pudo dejar de beber una vez que había empezado?",
    ),
    _audit_item(
        5,
        "In the past year, how often have you failed to do what was normally expected of you because of drinking?",
        "En el último año, ¿con qué frecuencia no hizo lo que normalmente se esperaba de usted por haber bebido?",
    ),
    _audit_item(
        6,
        "In the past year, how often have you needed a first drink in the morning to get yourself going "
        "after a heavy drinking session?",
        "En el último año, ¿con qué frecuencia necesitó beber a primera hora de la mañana para ponerse en "
        "marcha después de haber bebido mucho?",
    ),
    _audit_item(
        7,
        "In the past year, how often have you felt guilty or remorseful after drinking?",
        "En el último año, ¿con qué frecuencia se sintió culpable o tuvo remordimientos después de beber?",
    ),
    _audit_item(
        8,
        "In the past year, how often have you been unable to remember what happened the night before "
        "because you had been drinking?",
        "En el último año, ¿con qué frecuencia no pudo recordar lo que pasó la noche anterior porque había "
        "estado bebiendo?",
    ),
    _audit_item(
        9,
        "Have you or someone else been injured because of your drinking?",
        "¿Usted u otra persona ha resultado herido(a) a causa de que usted bebió?",
        _INJURY_OR_CONCERN,
    ),
    _audit_item(
        10,
        "Has a relative, friend, doctor or other health worker been concerned about your drinking or "
        "suggested that you cut down?",
        "¿Algún familiar, amigo(a), médico(a) u otro(a) profesional de la salud se ha preocupado por su "
        "forma de beber o le ha sugerido que beba menos?",
        _INJURY_OR_CONCERN,
    ),
)

AUDIT = Instrument(
    code="audit",
    abbreviation="AUDIT",
    name=Text(
        "Alcohol Use Disorders Identification Test",
        "Prueba de Identificación de Trastornos por Consumo de Alcohol",
    ),
    version="1.0",
    recall_period=PAST_YEAR,
    recall_duration="P12M",
    instructions=Text(
        "These questions are about your use of alcoholic drinks during the past year. One drink is a 12 oz "
        "beer, a 5 oz glass of wine or 1.5 oz of liquor.",
        "Estas preguntas son sobre su consumo de bebidas alcohólicas durante el último año. Una bebida es una "
        "cerveza de 12 onzas, una copa de vino de 5 onzas o 1.5 onzas de licor.",
    ),
    items=AUDIT_ITEMS,
    source="Babor et al., WHO (2001); paraphrased",
    total_range=(0, 40),
    bands=(
        Band("zone_i", Text("Zone I: low risk", "Zona I: bajo riesgo"), 0, 7),
        Band("zone_ii", Text("Zone II: hazardous drinking", "Zona II: consumo de riesgo"), 8, 15),
        Band("zone_iii", Text("Zone III: harmful drinking", "Zona III: consumo perjudicial"), 16, 19),
        Band(
            "zone_iv",
            Text("Zone IV: possible dependence — refer for evaluation", "Zona IV: posible dependencia — derivar"),
            20,
            40,
        ),
    ),
    loinc_total="75624-7",
)

_AUDITC_POSITIVE = Flag(
    "auditc_positive",
    Text(
        "Positive AUDIT-C screen (4 or more for men, 3 or more for women): give the full AUDIT",
        "Tamizaje AUDIT-C positivo (4 o más en hombres, 3 o más en mujeres): aplique el AUDIT completo",
    ),
)
_NEGATIVE = Text("Negative screen", "Tamizaje negativo")
_POSITIVE = Text("Positive screen", "Tamizaje positivo")

AUDITC = Instrument(
    code="auditc",
    abbreviation="AUDIT-C",
    name=Text("AUDIT-Consumption", "AUDIT-Consumo"),
    version="1.0",
    recall_period=PAST_YEAR,
    recall_duration="P12M",
    instructions=AUDIT.instructions,
    items=tuple(replace(item, field=f"auditc_{item.number}") for item in AUDIT_ITEMS[:3]),
    source="Bush et al. (1998); AUDIT items 1-3; paraphrased",
    total_range=(0, 12),
    bands=(
        Band("negative", _NEGATIVE, 0, 3, sex="male"),
        Band("positive", _POSITIVE, 4, 12, sex="male", flag=_AUDITC_POSITIVE),
        Band("negative", _NEGATIVE, 0, 2, sex="female"),
        Band("positive", _POSITIVE, 3, 12, sex="female", flag=_AUDITC_POSITIVE),
    ),
    loinc_total="75626-2",
    requires_sex=True,
)

_DAST_WORDING = (
    (
        "Have you used drugs other than those required for medical reasons?",
        "¿Ha usado drogas aparte de las que necesita por razones médicas?",
    ),
    ("Do you use more than one drug at a time?", "¿Usa más de una droga a la vez?"),
    (
        "Are you always able to stop using drugs when you want to?",
        "¿Siempre puede dejar de usar drogas cuando quiere?",
    ),
    (
        "Have you had blackouts or flashbacks as a result of drug use?",
        "¿Ha tenido lagunas mentales o flashbacks (escenas retrospectivas) por usar drogas?",
    ),
    ("Do you ever feel bad or guilty about your drug use?", "¿Alguna vez se siente mal o culpable por usar drogas?"),
    (
        "Does your spouse or partner (or a parent) ever complain about your involvement with drugs?",
        "¿Su pareja (o alguno de sus padres) se queja alguna vez de su relación con las drogas?",
    ),
    ("Have you neglected your family because of your drug use?", "¿Ha descuidado a su familia por usar drogas?"),
    ("Have you done illegal things in order to get drugs?", "¿Ha hecho cosas ilegales para conseguir drogas?"),
    (
        "Have you ever had withdrawal symptoms (felt sick) when you stopped taking drugs?",
        "¿Alguna vez ha tenido síntomas de abstinencia (se ha sentido enfermo/a) al dejar de usar drogas?",
    ),
    (
        "Have you had medical problems because of your drug use (for example memory loss, hepatitis, "
        "seizures or bleeding)?",
        "¿Ha tenido problemas médicos por usar drogas (por ejemplo pérdida de memoria, hepatitis, "
        "convulsiones o sangrado)?",
    ),
)

#: DAST-10 item 3 is reverse-scored: "no" adds a point.
DAST10_REVERSED_ITEM = 3

DAST10 = Instrument(
    code="dast10",
    abbreviation="DAST-10",
    name=Text("Drug Abuse Screening Test-10", "Prueba de Detección de Abuso de Drogas-10"),
    version="1.0",
    recall_period=PAST_YEAR,
    recall_duration="P12M",
    instructions=Text(
        "These questions are about drug use in the past 12 months, not counting alcohol or tobacco. Drug use "
        "means using prescription or over-the-counter medicines more than directed, or any non-medical use "
        "of drugs. Answer yes or no.",
        "Estas preguntas son sobre el uso de drogas en los últimos 12 meses, sin contar el alcohol ni el "
        "tabaco. Uso de drogas significa usar medicamentos recetados o de venta libre más de lo indicado, o "
        "cualquier uso no médico de drogas. Responda sí o no.",
    ),
    items=tuple(
        Item(
            f"dast10_{n}",
            str(n),
            Text(en, es),
            yes_no(yes_points=0, no_points=1) if n == DAST10_REVERSED_ITEM else yes_no(),
        )
        for n, (en, es) in enumerate(_DAST_WORDING, start=1)
    ),
    source="Skinner (1982); paraphrased",
    total_range=(0, 10),
    bands=(
        Band("none", Text("No problems reported", "No se reportan problemas"), 0, 0),
        Band("low", Text("Low level", "Nivel bajo"), 1, 2),
        Band("moderate", Text("Moderate level", "Nivel moderado"), 3, 5),
        Band("substantial", Text("Substantial level", "Nivel considerable"), 6, 8),
        Band("severe", Text("Severe level", "Nivel grave"), 9, 10),
    ),
    loinc_total="82667-7",
)
