"""Columbia Suicide Severity Rating Scale (C-SSRS), screener version, with its skip logic.

Answer list (7 entries, all yes/no as bools)::

    [q1, q2, q3, q4, q5, q6_lifetime, q6_past_3_months]

- q1 and q2 are always required (past month).
- q3, q4, q5 are asked only when q2 is True; when q2 is False they must be None (or absent from a
  mapping).
- q6_lifetime is always required; q6_past_3_months is asked only when q6_lifetime is True and must be
  None otherwise.

Risk level (DOMAIN.md §4), highest that applies: ``high`` when q4, q5 or q6_past_3_months is yes;
``moderate`` when q3 or q6_lifetime is yes; ``low`` when only q1 and/or q2 is yes; ``none`` when every
answer is no. The wording below is a plain paraphrase of the screener.
"""

from __future__ import annotations

from collections.abc import Mapping

from .model import Answer, Band, Condition, Flag, Instrument, Item, Text
from .options import yes_no

_YES_NO = yes_no()
_IF_Q2_YES = Condition("cssrs_2", (True,))
_IF_Q6_YES = Condition("cssrs_6_lifetime", (True,))

CSSRS_ITEMS = (
    Item(
        "cssrs_1",
        "1",
        Text(
            "In the past month, have you wished you were dead, or wished you could go to sleep and not wake up?",
            "En el último mes, ¿ha deseado estar muerto(a) o poder dormirse y no volver a despertar?",
        ),
        _YES_NO,
    ),
    Item(
        "cssrs_2",
        "2",
        Text(
            "In the past month, have you actually had any thoughts of killing yourself?",
            "En el último mes, ¿ha tenido de verdad pensamientos de quitarse la vida?",
        ),
        _YES_NO,
    ),
    Item(
        "cssrs_3",
        "3",
        Text(
            "Have you been thinking about how you might do this?",
            "¿Ha estado pensando en cómo podría hacerlo?",
        ),
        _YES_NO,
        asked_when=_IF_Q2_YES,
    ),
    Item(
        "cssrs_4",
        "4",
        Text(
            "Have you had these thoughts and had some intention of acting on them?",
            "¿Ha tenido estos pensamientos con alguna intención de actuar según ellos?",
        ),
        _YES_NO,
        asked_when=_IF_Q2_YES,
    ),
    Item(
        "cssrs_5",
        "5",
        Text(
            "Have you started to work out, or worked out, the details of how to kill yourself, and do you "
            "intend to carry out this plan?",
            "¿Ha empezado a planear, o ya planeó, los detalles de cómo quitarse la vida, y tiene la intención "
            "de llevar a cabo ese plan?",
        ),
        _YES_NO,
        asked_when=_IF_Q2_YES,
    ),
    Item(
        "cssrs_6_lifetime",
        "6a",
        Text(
            "Have you ever done anything, started to do anything, or prepared to do anything to end your life "
            "(for example: collected pills, got a weapon, gave away valued things, wrote a will or a goodbye "
            "note, or started to act and then stopped or were stopped)?",
            "¿Alguna vez ha hecho algo, empezado a hacer algo o se ha preparado para hacer algo para terminar "
            "con su vida (por ejemplo: juntó pastillas, consiguió un arma, regaló cosas de valor, escribió un "
            "testamento o una nota de despedida, o empezó a hacerlo y se detuvo o alguien lo detuvo)?",
        ),
        _YES_NO,
    ),
    Item(
        "cssrs_6_past_3_months",
        "6b",
        Text("Was this within the past 3 months?", "¿Fue en los últimos 3 meses?"),
        _YES_NO,
        asked_when=_IF_Q6_YES,
    ),
)


def cssrs_risk_level(answers: Mapping[str, Answer]) -> str:
    """Risk level from validated C-SSRS answers (by field): ``none``, ``low``, ``moderate`` or ``high``."""
    if answers["cssrs_4"] is True or answers["cssrs_5"] is True or answers["cssrs_6_past_3_months"] is True:
        return "high"
    if answers["cssrs_3"] is True or answers["cssrs_6_lifetime"] is True:
        return "moderate"
    if answers["cssrs_1"] is True or answers["cssrs_2"] is True:
        return "low"
    return "none"


def _risk_flag(level: str, en: str, es: str) -> Flag:
    return Flag(f"cssrs_risk_{level}", Text(en, es))


CSSRS = Instrument(
    code="cssrs",
    abbreviation="C-SSRS",
    name=Text(
        "Columbia Suicide Severity Rating Scale (screener)",
        "Escala Columbia para Evaluar la Seriedad de la Ideación Suicida (tamizaje)",
    ),
    version="1.0",
    recall_period=Text(
        "Past month; question 6 asks about the lifetime and the past 3 months",
        "Último mes; la pregunta 6 pregunta por toda la vida y por los últimos 3 meses",
    ),
    recall_duration="P1M",
    instructions=Text(
        "Ask questions 1 and 2. If the answer to question 2 is yes, ask questions 3, 4 and 5; if it is no, "
        "go to question 6. If the answer to question 6 is yes, ask whether it was within the past 3 months.",
        "Haga las preguntas 1 y 2. Si la respuesta a la pregunta 2 es sí, haga las preguntas 3, 4 y 5; si "
        "es no, pase a la pregunta 6. Si la respuesta a la pregunta 6 es sí, pregunte si fue en los últimos "
        "3 meses.",
    ),
    items=CSSRS_ITEMS,
    source="Posner et al. (2011), Columbia Lighthouse Project; screener paraphrased",
    bands=(
        Band("none", Text("No risk identified", "No se identificó riesgo")),
        Band(
            "low",
            Text("Low risk", "Riesgo bajo"),
            flag=_risk_flag(
                "low",
                "C-SSRS low risk: wish to be dead or suicidal thoughts without method, intent or plan — "
                "tell the clinician and review the safety plan",
                "C-SSRS riesgo bajo: deseo de estar muerto(a) o pensamientos suicidas sin método, intención "
                "ni plan — avise al clínico y revise el plan de seguridad",
            ),
        ),
        Band(
            "moderate",
            Text("Moderate risk", "Riesgo moderado"),
            flag=_risk_flag(
                "moderate",
                "C-SSRS moderate risk: suicidal thoughts with a method, or suicidal behavior more than 3 "
                "months ago — clinician risk assessment today",
                "C-SSRS riesgo moderado: pensamientos suicidas con método, o conducta suicida hace más de 3 "
                "meses — evaluación de riesgo por un clínico hoy",
            ),
        ),
        Band(
            "high",
            Text("High risk", "Riesgo alto"),
            flag=_risk_flag(
                "high",
                "C-SSRS high risk: suicidal intent or plan, or suicidal behavior in the past 3 months — "
                "immediate safety evaluation; do not leave the person alone",
                "C-SSRS riesgo alto: intención o plan suicida, o conducta suicida en los últimos 3 meses — "
                "evaluación de seguridad inmediata; no deje sola a la persona",
            ),
        ),
    ),
    band_rule=cssrs_risk_level,
)
