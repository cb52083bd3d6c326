"""Fixed wording of Part 2 consents and disclosures, and the participant-facing phrases (English, Spanish).

``PART2_NOTICE`` is the notice every disclosure carries (DOMAIN.md section 6). It is the same constant the
PDF base template puts in every page footer (``cadence.core.pdf``), so there is one text in the codebase.
Other apps' printouts include ``consents/_part2_notice.html`` to carry it in the body as well.
"""

from __future__ import annotations

from cadence.core.pdf import PART2_NOTICE
from cadence.measures.instruments import Text

__all__ = ["PART2_NOTICE", "TPO_RECIPIENTS", "TPO_PURPOSE", "TPO_INFORMATION", "REVOCATION_RIGHTS", "words"]

# DOMAIN.md section 6: the recipients of a single consent for treatment, payment and operations.
TPO_RECIPIENTS = "my treating providers, health plans, third-party payers, and people helping to operate this program"
TPO_PURPOSE = "Treatment, payment and health care operations"
TPO_INFORMATION = (
    "My substance use disorder treatment records at this program: dates of admission and discharge, attendance, "
    "diagnoses, assessments and screening results, treatment plans, progress notes (not counseling notes), "
    "medications, and discharge summaries."
)
COUNSELING_NOTES_INFORMATION = (
    "My SUD counseling notes: the counselor's notes of individual or group counseling sessions, kept apart from "
    "the rest of my record."
)
REVOCATION_RIGHTS = (
    "I may revoke this consent at any time, except for information already disclosed because of it. To revoke "
    "it, I give or mail a signed written statement saying which consent I revoke to the program's front desk, "
    "or to any member of my care team, who will record the date they received it."
)

WORDS: dict[str, Text] = {
    "title": Text("My consents to share records", "Mis autorizaciones para compartir registros"),
    "intro": Text(
        "Federal law (42 CFR part 2) protects your substance use treatment records. We share them only as you "
        "allow in writing, or as the law permits in a medical emergency or under a court order.",
        "La ley federal (42 CFR parte 2) protege sus registros de tratamiento por uso de sustancias. Solo los "
        "compartimos como usted lo autorice por escrito, o como la ley lo permite en una emergencia médica o por "
        "orden judicial.",
    ),
    "none": Text("You have no consents on file.", "No tiene autorizaciones registradas."),
    "what": Text("What", "Qué"),
    "to_whom": Text("To whom", "A quién"),
    "purpose": Text("Purpose", "Propósito"),
    "until": Text("Until", "Hasta"),
    "status": Text("Status", "Estado"),
    "who_discloses": Text("Who may share it", "Quién puede compartirla"),
    "how_to_revoke": Text("How to revoke a consent", "Cómo revocar una autorización"),
    "revoke_help": Text(
        "You can revoke a consent at any time, in writing: give or mail a signed note to the front desk or to your "
        "care team saying which consent you revoke. It stops further sharing from the day we receive it; it "
        "cannot undo sharing that already happened.",
        "Puede revocar una autorización en cualquier momento, por escrito: entregue o envíe una nota firmada a la "
        "recepción o a su equipo de atención indicando qué autorización revoca. Detiene cualquier nuevo envío desde "
        "el día en que la recibimos; no deshace lo que ya se compartió.",
    ),
    "revocation": Text("Your right to revoke", "Su derecho a revocar"),
    "sign_waiting": Text("A consent is waiting for your signature", "Una autorización espera su firma"),
    "read_and_sign": Text("Read and sign", "Leer y firmar"),
    "sign_title": Text("Sign a consent to share records", "Firmar una autorización para compartir registros"),
    "sign_intro": Text(
        "Read every part of this consent. Sign only if you agree. You do not have to sign it to receive treatment.",
        "Lea cada parte de esta autorización. Fírmela solo si está de acuerdo. No tiene que firmarla para recibir "
        "tratamiento.",
    ),
    "sign_confirm": Text(
        "I have read this consent and I agree to it.", "Leí esta autorización y estoy de acuerdo con ella."
    ),
    "sign_button": Text("Sign this consent", "Firmar esta autorización"),
    "sign_required": Text("Check the box to sign.", "Marque la casilla para firmar."),
    "signed_thanks": Text("Thank you. Your consent is signed.", "Gracias. Su autorización quedó firmada."),
    "participant": Text("Participant", "Participante"),
    "expires": Text("Expires", "Vence"),
    "signed": Text("Signed on", "Firmada el"),
    "disclosures_title": Text("Who has received my records", "Quién ha recibido mis registros"),
    "disclosures_none": Text("Your records have not been shared with anyone.", "Sus registros no se han compartido."),
    "date": Text("Date", "Fecha"),
    "recipient": Text("Recipient", "Destinatario"),
    "basis": Text("Allowed by", "Autorizado por"),
    "back": Text("My consents", "Mis autorizaciones"),
    "kind_tpo": Text(
        "Treatment, payment and health care operations", "Tratamiento, pago y operaciones de atención médica"
    ),
    "kind_specific": Text("A specific disclosure", "Una divulgación específica"),
    "kind_counseling_notes": Text("Counseling notes", "Notas de consejería"),
    "status_draft": Text("Not signed", "Sin firmar"),
    "status_in_effect": Text("In effect", "Vigente"),
    "status_expired": Text("Expired", "Vencida"),
    "status_revoked": Text("Revoked", "Revocada"),
    "basis_consent": Text("Your consent", "Su autorización"),
    "basis_medical_emergency": Text("A medical emergency", "Una emergencia médica"),
    "basis_court_order": Text("A court order", "Una orden judicial"),
}


def words(language: str) -> dict[str, str]:
    """Every participant-facing phrase in ``language`` (``en`` or ``es``)."""
    return {key: text.get("es" if language == "es" else "en") for key, text in WORDS.items()}
