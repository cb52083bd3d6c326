"""The participant-facing phrases of the safety plan in English and Spanish (the portal's languages)."""

from __future__ import annotations

from cadence.measures.instruments import Text

WORDS: dict[str, Text] = {
    "title": Text("My safety plan", "Mi plan de seguridad"),
    "intro": Text(
        "Use these steps in order when things get hard. You can call or text at any step.",
        "Use estos pasos en orden cuando las cosas se pongan difíciles. Puede llamar o escribir en cualquier paso.",
    ),
    "no_plan": Text(
        "You do not have a signed safety plan yet. Your care team can write one with you.",
        "Todavía no tiene un plan de seguridad firmado. Su equipo de atención puede escribirlo con usted.",
    ),
    "step": Text("Step {n}", "Paso {n}"),
    "signed_on": Text("Signed {day} · version {number}", "Firmado el {day} · versión {number}"),
    "call": Text("Call", "Llamar"),
    "text": Text("Text", "Mensaje"),
    "call_988": Text("Call 988", "Llamar al 988"),
    "text_988": Text("Text 988", "Mensaje al 988"),
    "call_911": Text("Call 911", "Llamar al 911"),
    "lifeline": Text("988 Suicide & Crisis Lifeline, 24/7", "988 Línea de Prevención del Suicidio y Crisis, 24/7"),
    "help_now": Text("Help right now", "Ayuda ahora mismo"),
    "emergency_contacts": Text("My emergency contacts", "Mis contactos de emergencia"),
    "sign_title": Text("Sign my safety plan", "Firmar mi plan de seguridad"),
    "sign_intro": Text(
        "Your care team wrote this new version of your safety plan with you. Read it, then sign it here.",
        "Su equipo de atención escribió con usted esta nueva versión de su plan de seguridad. Léala y fírmela aquí.",
    ),
    "sign_confirm": Text(
        "I have read my safety plan and I agree with it.", "Leí mi plan de seguridad y estoy de acuerdo con él."
    ),
    "sign_button": Text("Sign my safety plan", "Firmar mi plan de seguridad"),
    "sign_required": Text("Check the box to sign.", "Marque la casilla para firmar."),
    "signed_thanks": Text("Thank you. Your safety plan is signed.", "Gracias. Su plan de seguridad quedó firmado."),
    "new_version_waiting": Text(
        "A new version of your plan is waiting for your signature.",
        "Hay una nueva versión de su plan esperando su firma.",
    ),
    "see_plan": Text("Open my safety plan", "Abrir mi plan de seguridad"),
}


def words(language: str) -> dict[str, str]:
    """Every phrase in ``language`` (``en`` or ``es``)."""
    return {key: text.get(language) for key, text in WORDS.items()}
