"""Every phrase of the participant portal in English and Spanish.

The portal speaks the participant's language (``Participant.language``), and a participant can switch;
the instrument items carry their own wording (``measures.instruments``). Templates get ``t``: the phrases
in the chosen language by key.
"""

from __future__ import annotations

import datetime as dt

from cadence.measures.instruments import Text

LANGUAGES = ("en", "es")

WORDS: dict[str, Text] = {
    "portal": Text("My care", "Mi atención"),
    "hello": Text("Hello, {name}", "Hola, {name}"),
    "next_steps": Text("Next steps", "Próximos pasos"),
    "checkin_due": Text("Your daily check-in (under a minute)", "Su registro diario (menos de un minuto)"),
    "checkin_done": Text("You checked in today. Thank you!", "Ya hizo su registro de hoy. ¡Gracias!"),
    "check_in_now": Text("Check in now", "Registrarme ahora"),
    "measure_due": Text("Questionnaire to complete: {name}", "Cuestionario para completar: {name}"),
    "start": Text("Start", "Empezar"),
    "nothing_due": Text("No questionnaires are due right now.", "No tiene cuestionarios pendientes ahora."),
    "recent_results": Text("Your recent questionnaires", "Sus cuestionarios recientes"),
    "no_results": Text("No questionnaires yet.", "Todavía no hay cuestionarios."),
    "completed_on": Text("{name}, {day}", "{name}, {day}"),
    "recent_checkins": Text("Your last check-ins", "Sus últimos registros"),
    "no_checkins": Text("No check-ins yet.", "Todavía no hay registros."),
    "language": Text("Language", "Idioma"),
    "switch": Text("Change", "Cambiar"),
    "sign_out": Text("Sign out", "Cerrar sesión"),
    "back_home": Text("Back to my care", "Volver a mi atención"),
    "crisis": Text(
        "In a crisis, call or text 988 (Suicide & Crisis Lifeline) or 911, or go to the nearest emergency room.",
        "En una crisis, llame o envíe un mensaje al 988 (Línea de Prevención del Suicidio y Crisis) o al 911, "
        "o vaya a la sala de emergencias más cercana.",
    ),
    # Check-in
    "checkin_title": Text("Daily check-in", "Registro diario"),
    "checkin_intro": Text(
        "A few quick questions about today. Your care team sees your answers.",
        "Unas preguntas rápidas sobre hoy. Su equipo de atención ve sus respuestas.",
    ),
    "mood": Text("How is your mood today?", "¿Cómo está su estado de ánimo hoy?"),
    "mood_help": Text("0 = very low, 10 = very good", "0 = muy bajo, 10 = muy bueno"),
    "craving": Text("How strong is your craving today?", "¿Qué tan fuerte es su antojo (ganas de consumir) hoy?"),
    "craving_help": Text("0 = none, 10 = extreme", "0 = nada, 10 = extremo"),
    "sleep": Text("How many hours did you sleep last night?", "¿Cuántas horas durmió anoche?"),
    "sleep_help": Text("For example 6.5", "Por ejemplo 6.5"),
    "used": Text(
        "Have you used alcohol or drugs since your last check-in?",
        "¿Ha consumido alcohol o drogas desde su último registro?",
    ),
    "yes": Text("Yes", "Sí"),
    "no": Text("No", "No"),
    "used_what": Text("What did you use? (optional)", "¿Qué consumió? (opcional)"),
    "note": Text(
        "Anything else you want your care team to know? (optional)",
        "¿Algo más que quiera contarle a su equipo? (opcional)",
    ),
    "send": Text("Send", "Enviar"),
    "checkin_saved": Text("Check-in saved. Thank you!", "Registro guardado. ¡Gracias!"),
    "already_checked_in": Text("You already checked in today.", "Ya hizo su registro de hoy."),
    "required": Text("Please answer this question.", "Por favor responda esta pregunta."),
    "sleep_range": Text("Give a number of hours from 0 to 24.", "Escriba un número de horas entre 0 y 24."),
    "errors_title": Text("Please check your answers", "Por favor revise sus respuestas"),
    # Measures
    "measure_saved": Text(
        "Thank you! Your answers were sent to your care team.",
        "¡Gracias! Sus respuestas se enviaron a su equipo de atención.",
    ),
    "answer_all": Text(
        "Answer every question, then press Send.", "Responda todas las preguntas y luego presione Enviar."
    ),
    # One-time links
    "link_title": Text("Questionnaire", "Cuestionario"),
    "link_invalid": Text("This link cannot be used", "Este enlace no se puede usar"),
    "link_help": Text("Ask your care team for a new link.", "Pida un enlace nuevo a su equipo de atención."),
    "link_done": Text("Thank you. You can close this page.", "Gracias. Puede cerrar esta página."),
    # Set password
    "welcome_title": Text("Set up your Cadence login", "Configure su acceso a Cadence"),
    "welcome_intro": Text(
        "Your username is {username}. Choose a password of at least 10 characters.",
        "Su nombre de usuario es {username}. Elija una contraseña de al menos 10 caracteres.",
    ),
    "new_password": Text("New password", "Nueva contraseña"),
    "confirm_password": Text("Type it again", "Escríbala otra vez"),
    "save_password": Text("Save my password", "Guardar mi contraseña"),
    "welcome_invalid": Text(
        "This link has expired or was already used. Ask your care team for a new one.",
        "Este enlace venció o ya se usó. Pida uno nuevo a su equipo de atención.",
    ),
    "password_saved": Text("Your password is set. Welcome!", "Su contraseña quedó guardada. ¡Bienvenido(a)!"),
}


MONTHS = {
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    "es": ("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic"),
}


def short_date(day: dt.date, language: str) -> str:
    """``18 Nov 2026`` / ``18 nov 2026``: unambiguous in both languages (no 11/18 vs 18/11)."""
    return f"{day.day} {MONTHS[language if language in MONTHS else 'en'][day.month - 1]} {day.year}"


def language_of(wanted: str | None, fallback: str = "en") -> str:
    base = (wanted or "").split("-")[0].lower()
    if base in LANGUAGES:
        return base
    return fallback if fallback in LANGUAGES else "en"


def words(language: str) -> dict[str, str]:
    """Every phrase in ``language`` (``en`` or ``es``)."""
    return {key: text.get(language) for key, text in WORDS.items()}
