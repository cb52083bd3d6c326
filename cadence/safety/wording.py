"""The participant help page's phrases in English and Spanish (templates get them as ``h``)."""

from __future__ import annotations

from cadence.measures.instruments import Text

WORDS: dict[str, Text] = {
    "help_title": Text("Help now", "Ayuda ahora"),
    "help_intro": Text(
        "If you are in danger or thinking about hurting yourself, reach out now. You are not alone.",
        "Si está en peligro o piensa en hacerse daño, pida ayuda ahora. No está solo/a.",
    ),
    "lines_heading": Text("Crisis lines (free, 24/7)", "Líneas de crisis (gratis, 24/7)"),
    "call_988": Text("Call 988", "Llamar al 988"),
    "text_988": Text("Text 988", "Enviar mensaje al 988"),
    "lifeline": Text("988 Suicide & Crisis Lifeline", "988 Línea de Prevención del Suicidio y Crisis"),
    "call_911": Text("Call 911 (emergency)", "Llamar al 911 (emergencia)"),
    "emergency": Text(
        "In an emergency, or if you cannot stay safe, call 911 or go to the nearest emergency room.",
        "En una emergencia, o si no puede mantenerse a salvo, llame al 911 o vaya a la sala de emergencias "
        "más cercana.",
    ),
    "contacts_heading": Text("My people", "Mis personas"),
    "call": Text("Call", "Llamar"),
    "no_contacts": Text(
        "No contacts on file. Ask your care team to add one.", "No hay contactos. Pida a su equipo que agregue uno."
    ),
    "plan_heading": Text("My safety plan", "Mi plan de seguridad"),
    "tell_heading": Text("Tell my care team", "Avisar a mi equipo de atención"),
    "tell_intro": Text(
        "Your care team will be alerted right away and will contact you. This does not call 911.",
        "Su equipo de atención recibirá un aviso de inmediato y se comunicará con usted. Esto no llama al 911.",
    ),
    "tell_button": Text("Tell my care team I need help now", "Avisar a mi equipo que necesito ayuda ahora"),
    "confirm_title": Text("Tell your care team now?", "¿Avisar a su equipo ahora?"),
    "confirm_text": Text(
        "We will alert your care team that you need help now. Someone will contact you as soon as possible.",
        "Avisaremos a su equipo de atención que necesita ayuda ahora. Alguien se comunicará con usted "
        "lo antes posible.",
    ),
    "confirm_button": Text("Yes, tell my care team", "Sí, avisar a mi equipo"),
    "cancel": Text("Go back", "Volver"),
    "sent_title": Text("Your care team has been told", "Su equipo de atención ya recibió el aviso"),
    "sent_next": Text(
        "What happens next: a member of your care team sees your request now and will call you. If nobody "
        "answers within {minutes} minutes, the clinician on call is alerted.",
        "Qué pasa ahora: un miembro de su equipo ve su pedido y lo/la llamará. Si nadie responde en {minutes} minutos, "
        "se avisa al clínico de guardia.",
    ),
    "sent_wait": Text(
        "While you wait: stay with someone if you can, use your safety plan, and call 988 or 911 if you need to.",
        "Mientras espera: quédese con alguien si puede, use su plan de seguridad y llame al 988 o al 911 "
        "si lo necesita.",
    ),
    "status_raised": Text("Status: sent, waiting for your care team.", "Estado: enviado, esperando a su equipo."),
    "status_seen": Text(
        "Status: your care team has seen it and is responding.", "Estado: su equipo lo vio y está respondiendo."
    ),
    "status_done": Text("Status: your care team followed up.", "Estado: su equipo dio seguimiento."),
}


def help_words(language: str) -> dict[str, str]:
    return {key: text.get(language) for key, text in WORDS.items()}
