"""Pure rules of clinical documentation (no Django): note formats and completeness, the name-leak check of
group notes, who may edit, sign, co-sign, return or add an addendum, and the signing deadline.

Every refusal is a ``NoteError(field, reason)`` (a ``DomainError``): forms show it on the field and the API
answers 400 ``{"detail": [{"field", "reason"}]}``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from cadence.core.errors import DomainError


class NoteError(DomainError):
    """A broken documentation rule: the field it concerns and the reason in plain words."""


# --- Formats -------------------------------------------------------------------------------------

DAP = "dap"
SOAP = "soap"
BIRP = "birp"

FORMAT_LABELS: dict[str, str] = {DAP: "DAP", SOAP: "SOAP", BIRP: "BIRP"}

# (key, label, prompt) of each section, in the order the note is written and printed.
FORMAT_SECTIONS: dict[str, tuple[tuple[str, str, str], ...]] = {
    DAP: (
        ("data", "Data", "What was observed and said in the session."),
        ("assessment", "Assessment", "Your clinical interpretation of the data."),
        ("plan", "Plan", "Next steps, homework, next session."),
    ),
    SOAP: (
        ("subjective", "Subjective", "The participant's own report."),
        ("objective", "Objective", "What you observed; measures, screens."),
        ("assessment", "Assessment", "Your clinical interpretation."),
        ("plan", "Plan", "Next steps, homework, next session."),
    ),
    BIRP: (
        ("behavior", "Behavior", "What the participant presented with and did."),
        ("intervention", "Intervention", "What you did (methods: CBT, DBT, MI...)."),
        ("response", "Response", "How the participant responded."),
        ("plan", "Plan", "Next steps, homework, next session."),
    ),
}


def section_keys(note_format: str) -> tuple[str, ...]:
    """The section keys of a format; ``NoteError`` for an unknown format."""
    if note_format not in FORMAT_SECTIONS:
        raise NoteError("format", f"Unknown note format {note_format!r}; use DAP, SOAP or BIRP.")
    return tuple(key for key, _label, _prompt in FORMAT_SECTIONS[note_format])


def clean_sections(note_format: str, sections: Mapping[str, object]) -> dict[str, str]:
    """The sections of the format, stripped; keys of another format are refused (nothing is dropped silently)."""
    keys = section_keys(note_format)
    unknown = sorted(set(sections) - set(keys))
    if unknown:
        raise NoteError("sections", f"{', '.join(unknown)} is not a section of a {FORMAT_LABELS[note_format]} note.")
    return {key: str(sections.get(key) or "").strip() for key in keys}


def missing_sections(note_format: str, sections: Mapping[str, str]) -> list[str]:
    """Labels of the sections still empty (a progress note is signed only when none are)."""
    return [label for key, label, _p in FORMAT_SECTIONS[note_format] if not str(sections.get(key) or "").strip()]


def check_format_change(old_format: str, new_format: str, sections: Mapping[str, str]) -> None:
    """Switching format keeps the sections both formats share; text in a section the new format lacks
    would be lost, so the switch is refused until it is moved or cleared."""
    lost = [
        label
        for key, label, _p in FORMAT_SECTIONS[old_format]
        if key not in section_keys(new_format) and str(sections.get(key) or "").strip()
    ]
    if lost:
        raise NoteError(
            "format",
            f"{', '.join(lost)} has text a {FORMAT_LABELS[new_format]} note has no place for; move or clear it first.",
        )


GROUP_SHARED_REQUIRED: tuple[tuple[str, str], ...] = (("topic", "Topic"), ("group_dynamics", "Group dynamics"))
MEMBER_REQUIRED: tuple[tuple[str, str], ...] = (("participation", "Participation"), ("response", "Response"))


@dataclass(frozen=True)
class MemberSection:
    """One member's part of a group note, as far as completeness and the leak check need it."""

    participant_id: int
    name: str
    on_roster: bool
    participation: str = ""
    response: str = ""


def group_problems(shared: Mapping[str, str], members: Sequence[MemberSection]) -> list[str]:
    """What keeps a group note from being signed: empty shared fields, no attending member, empty
    participation or response of a member on the roster."""
    problems = [f"{label} is empty." for key, label in GROUP_SHARED_REQUIRED if not str(shared.get(key) or "").strip()]
    present = [m for m in members if m.on_roster]
    if not present:
        problems.append("No member attended: take attendance before signing the group note.")
    for member in present:
        empty = [label for key, label in MEMBER_REQUIRED if not str(getattr(member, key) or "").strip()]
        if empty:
            problems.append(f"{member.name}: {' and '.join(empty).lower()} empty.")
    return problems


@dataclass(frozen=True)
class RosterChanges:
    """How a group note's sections differ from attendance (participant ids, sorted): ``added`` are
    present without a section, ``off`` have a section on the roster but are no longer present, ``back``
    have a section marked off the roster and are present again."""

    added: tuple[int, ...] = ()
    off: tuple[int, ...] = ()
    back: tuple[int, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.added or self.off or self.back)


def roster_changes(
    present_ids: Iterable[int], on_roster_ids: Iterable[int], off_roster_ids: Iterable[int] = ()
) -> RosterChanges:
    """What bringing the sections in line with attendance would change: ``present_ids`` are the
    participants marked present, ``on_roster_ids`` / ``off_roster_ids`` those with a section on / off
    the roster. A section is never dropped: a member no longer present is only marked off."""
    present, on, off = set(present_ids), set(on_roster_ids), set(off_roster_ids)
    return RosterChanges(
        added=tuple(sorted(present - on - off)),
        off=tuple(sorted(on - present)),
        back=tuple(sorted((off - on) & present)),
    )


# --- Name leaks ----------------------------------------------------------------------------------

# Combining diacritics belong to the word they follow (case folding turns "İ" into "i" + U+0307).
_MARKS = "\u0300-\u036f"
MIN_NAME_LENGTH = 3  # "Al", "Jo", "Li": too short and too common as words to flag reliably


@dataclass(frozen=True)
class PersonNames:
    first: str
    last: str
    preferred: str = ""

    def names(self) -> list[str]:
        return [n.strip() for n in (self.first, self.last, self.preferred) if n and n.strip()]


def name_leaks(
    text: str, *, own: PersonNames, others: Iterable[PersonNames], min_length: int = MIN_NAME_LENGTH
) -> list[str]:
    """Names of other group members that appear in ``text`` as whole words (case-insensitive), in the
    order of ``others``, each once. The member's own names and names shorter than ``min_length`` are
    ignored (a member may share a first name with another; their own name is not a leak)."""
    if not text.strip():
        return []
    folded = text.casefold()  # full case folding: "STRAUSS" matches "Strauß"
    own_names = {n.casefold() for n in own.names()}
    found: list[str] = []
    seen: set[str] = set()
    for person in others:
        for name in person.names():
            key = name.casefold()
            if len(name) < min_length or key in own_names or key in seen:
                continue
            if re.search(rf"(?<![\w{_MARKS}]){re.escape(key)}(?![\w{_MARKS}])", folded):
                found.append(name)
                seen.add(key)
    return found


# --- Status and who may do what --------------------------------------------------------------------

DRAFT = "draft"
AWAITING_COSIGN = "awaiting_cosign"
RETURNED = "returned"
SIGNED = "signed"
COSIGNED = "cosigned"

STATUS_LABELS: dict[str, str] = {
    DRAFT: "Draft",
    AWAITING_COSIGN: "Awaiting co-signature",
    RETURNED: "Returned to the author",
    SIGNED: "Signed",
    COSIGNED: "Co-signed",
}
EDITABLE = frozenset({DRAFT, RETURNED})
LOCKED = frozenset({AWAITING_COSIGN, SIGNED, COSIGNED})


@dataclass(frozen=True)
class Author:
    user_id: int
    needs_supervision: bool
    supervisor_id: int | None


@dataclass(frozen=True)
class Actor:
    user_id: int
    is_director: bool
    can_write: bool  # WRITE_CLINICAL_RECORD
    can_cosign: bool  # COSIGN_NOTES


def check_can_edit(*, status: str, author_id: int, actor: Actor) -> None:
    """A draft or returned note is edited by its author only; a signed note only gets addenda."""
    if not actor.can_write:
        raise NoteError("note", "Your role does not write clinical notes.")
    if status in LOCKED:
        raise NoteError("note", "This note is signed and locked; add an addendum instead.")
    if actor.user_id != author_id:
        raise NoteError("note", "Only the note's author edits it; add an addendum once it is signed.")


def may_edit(*, status: str, author_id: int, actor: Actor) -> bool:
    """``check_can_edit`` as a yes/no (for showing the edit form)."""
    try:
        check_can_edit(status=status, author_id=author_id, actor=actor)
    except NoteError:
        return False
    return True


def check_can_sign(*, status: str, author_id: int, actor: Actor, problems: Sequence[str]) -> None:
    """The author signs their own draft or returned note when nothing is missing."""
    if not actor.can_write:
        raise NoteError("note", "Your role does not sign clinical notes.")
    if actor.user_id != author_id:
        raise NoteError("note", "You cannot sign someone else's note; only its author signs it.")
    if status in LOCKED:
        raise NoteError("note", "This note is already signed.")
    if problems:
        raise NoteError("sections", "Complete the note before signing: " + " ".join(problems))


def status_after_signing(author: Author) -> str:
    """A supervisee's signature sends the note to co-signing; anyone else's signature is final."""
    return AWAITING_COSIGN if author.needs_supervision else SIGNED


def check_can_cosign(*, status: str, author: Author, actor: Actor) -> None:
    """The author's supervisor, or a director, co-signs (or returns) a note awaiting co-signature;
    never their own note."""
    if actor.user_id == author.user_id:
        raise NoteError("note", "You cannot co-sign your own note.")
    if not actor.can_cosign:
        raise NoteError("note", "Your role does not co-sign notes.")
    if status != AWAITING_COSIGN:
        raise NoteError("note", "This note is not awaiting a co-signature.")
    if not actor.is_director and actor.user_id != author.supervisor_id:
        raise NoteError("note", "Only the author's supervisor or a program director co-signs this note.")


def may_cosign(*, status: str, author: Author, actor: Actor) -> bool:
    """``check_can_cosign`` as a yes/no (for showing the co-sign and return buttons)."""
    try:
        check_can_cosign(status=status, author=author, actor=actor)
    except NoteError:
        return False
    return True


def check_can_return(*, status: str, author: Author, actor: Actor, comment: str) -> None:
    check_can_cosign(status=status, author=author, actor=actor)
    if not comment.strip():
        raise NoteError("comment", "Say what the author should change.")


def may_add_addendum(*, status: str, actor: Actor) -> bool:
    """Whether ``actor`` may add an addendum to a note in ``status`` (a writer, to a signed note)."""
    return actor.can_write and status in LOCKED


def check_can_add_addendum(*, status: str, actor: Actor, reason: str, text: str) -> None:
    """An addendum (who, when, why) is how a signed note changes; a draft is simply edited."""
    if not actor.can_write:
        raise NoteError("note", "Your role does not write clinical notes.")
    if status not in LOCKED:
        raise NoteError("note", "This note is not signed yet; edit it instead of adding an addendum.")
    if not reason.strip():
        raise NoteError("reason", "Say why the addendum is needed.")
    if not text.strip():
        raise NoteError("text", "Write the addendum.")


# --- Deadline ------------------------------------------------------------------------------------

DEFAULT_SIGN_HOURS = 24


def sign_deadline(session_ends_at: dt.datetime, hours: int = DEFAULT_SIGN_HOURS) -> dt.datetime:
    return session_ends_at + dt.timedelta(hours=hours)


def overdue_cutoff(now: dt.datetime, hours: int = DEFAULT_SIGN_HOURS) -> dt.datetime:
    """The latest session end whose note is overdue at ``now``: a session that ended at or before it
    has passed its deadline (``sign_deadline(ends) <= now``). Queries filter ``ends_at__lte`` on it."""
    return now - dt.timedelta(hours=hours)


def is_overdue(*, status: str | None, session_ends_at: dt.datetime, now: dt.datetime, hours: int) -> bool:
    """An unsigned note (or a missing one: ``status`` None) past session end + ``hours``."""
    if status is not None and status in LOCKED:
        return False
    return session_ends_at <= overdue_cutoff(now, hours)
