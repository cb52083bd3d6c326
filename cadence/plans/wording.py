"""The participant-facing phrases of the treatment plan in English and Spanish (the portal's languages).

Plain words, second person: the portal shows the participant their own plan ("My treatment plan").
"""

from __future__ import annotations

from cadence.measures.instruments import Text

WORDS: dict[str, Text] = {
    "title": Text("My treatment plan", "Mi plan de tratamiento"),
    "intro": Text(
        "This is the plan you and your care team agreed on: your goals in your own words, the steps toward "
        "them, and the care you get each week.",
        "Este es el plan que usted y su equipo de atención acordaron: sus metas en sus propias palabras, los "
        "pasos para lograrlas y la atención que recibe cada semana.",
    ),
    "no_plan": Text(
        "You do not have a signed treatment plan yet. Your care team writes it with you in your first weeks.",
        "Todavía no tiene un plan de tratamiento firmado. Su equipo de atención lo escribe con usted en sus "
        "primeras semanas.",
    ),
    "closed": Text(
        "Your program ended, so this plan is closed. It stays here as the plan you last agreed on.",
        "Su programa terminó, así que este plan está cerrado. Queda aquí como el último plan que acordó.",
    ),
    "signed_line": Text(
        "Version {number} · signed by {clinician} on {day}", "Versión {number} · firmada por {clinician} el {day}"
    ),
    "you_signed": Text("You signed it on {day}.", "Usted la firmó el {day}."),
    "not_signed_by_you": Text("You have not signed this version yet.", "Todavía no ha firmado esta versión."),
    "my_goals": Text("My goals", "Mis metas"),
    "goal": Text("Goal {n}", "Meta {n}"),
    "steps": Text("Steps toward this goal", "Pasos hacia esta meta"),
    "by_day": Text("by {day}", "para el {day}"),
    "help": Text("How my care team helps", "Cómo me ayuda mi equipo"),
    "responsible": Text("with {name}", "con {name}"),
    "my_care": Text("My care each week", "Mi atención cada semana"),
    "sessions": Text("{n} a week, {minutes} minutes each", "{n} por semana, {minutes} minutos cada una"),
    "weekly_total": Text("About {hours} of care a week in all.", "En total, unas {hours} de atención por semana."),
    "no_services": Text("No weekly services are listed in this plan.", "Este plan no incluye servicios semanales."),
    "my_team": Text("Who is responsible", "Quién es responsable"),
    "my_clinician": Text("My clinician: {name}", "Mi terapeuta: {name}"),
    "next_review": Text("Next review of my plan", "Próxima revisión de mi plan"),
    "review_on": Text(
        "Your care team reviews the plan with you by {day}.",
        "Su equipo de atención revisará el plan con usted antes del {day}.",
    ),
    "no_review": Text("No review is scheduled.", "No hay una revisión programada."),
    "sign_title": Text("Sign my plan", "Firmar mi plan"),
    "waiting": Text(
        "Your clinician signed your plan. Read it, then sign it here.",
        "Su terapeuta firmó su plan. Léalo y luego fírmelo aquí.",
    ),
    "sign_intro": Text(
        "This is the plan your clinician signed. Read it. If you agree, tick the box and sign. If something is "
        "not right, talk with your care team before you sign.",
        "Este es el plan que firmó su terapeuta. Léalo. Si está de acuerdo, marque la casilla y firme. Si algo "
        "no está bien, hable con su equipo de atención antes de firmar.",
    ),
    "sign_confirm": Text(
        "I have read my treatment plan and I agree with it.", "Leí mi plan de tratamiento y estoy de acuerdo con él."
    ),
    "sign_button": Text("Sign my plan", "Firmar mi plan"),
    "sign_required": Text("Check the box to sign.", "Marque la casilla para firmar."),
    "signed_thanks": Text(
        "Thank you. Your treatment plan is signed.", "Gracias. Su plan de tratamiento quedó firmado."
    ),
    "nothing_to_sign": Text("There is nothing to sign right now.", "No hay nada que firmar en este momento."),
    "back": Text("Back to my treatment plan", "Volver a mi plan de tratamiento"),
}

STATUS: dict[str, Text] = {
    "not_started": Text("Not started yet", "Sin empezar"),
    "in_progress": Text("Working on it", "En progreso"),
    "met": Text("Reached", "Lograda"),
    "partially_met": Text("Partly reached", "Lograda en parte"),
    "not_met": Text("Not reached", "No lograda"),
    "discontinued": Text("Stopped", "Suspendida"),
}

METHOD: dict[str, Text] = {
    "cbt": Text("Cognitive behavioral therapy (CBT)", "Terapia cognitivo-conductual (TCC)"),
    "dbt": Text("Dialectical behavior therapy (DBT)", "Terapia dialéctica conductual (TDC)"),
    "mi": Text("Motivational interviewing", "Entrevista motivacional"),
    "mindfulness": Text("Mindfulness", "Atención plena (mindfulness)"),
    "twelve_step": Text("12-step facilitation", "Facilitación de 12 pasos"),
    "family": Text("Family therapy", "Terapia familiar"),
    "vocational": Text("Vocational support", "Apoyo vocacional"),
    "medication": Text("Medication management", "Manejo de medicamentos"),
}


def words(language: str) -> dict[str, str]:
    """Every phrase in ``language`` (``en`` or ``es``)."""
    return {key: text.get(language) for key, text in WORDS.items()}


def status_label(status: str, language: str) -> str:
    text = STATUS.get(status)
    return text.get(language) if text is not None else status


def method_label(method: str, language: str) -> str:
    text = METHOD.get(method)
    return text.get(language) if text is not None else method
