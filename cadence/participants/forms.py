"""Forms for the participant screens.

Forms check the shape of input (required, types, choices in the user's scope). The rules themselves
(dates in order, ICD-10 format, duplicate admissions) live in ``rules``/``actions``; the views map the
``ParticipantError`` they raise back onto the form with ``CadenceForm.apply_error``.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import QuerySet

from cadence.accounts.models import Role, User
from cadence.programs.models import LevelOfCare, Program, Track

from .actions import EDITABLE_FIELDS, ContactDetails, DiagnosisDetails, ParticipantDetails
from .models import DiagnosisRank, EpisodeStatus, Language, Payer, SexAtBirth, TedsReason
from .queries import CaseloadFilter
from .rules import ParticipantError

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
Fieldsets = tuple[tuple[str, tuple[str, ...]], ...]


if TYPE_CHECKING:
    ModelChoice = forms.ModelChoiceField[Any]
else:  # the stubs make the field generic; at run time it is a plain class
    ModelChoice = forms.ModelChoiceField


def limit_choices(form: forms.Form, name: str, queryset: QuerySet[Any]) -> None:
    """Limit the model choice field ``name`` to ``queryset`` (what the user may choose from)."""
    field = form.fields[name]
    if not isinstance(field, forms.ModelChoiceField):
        raise TypeError(f"{name} is not a model choice field")
    field.queryset = queryset


def date_field(label: str, help_text: str = "", *, required: bool = True) -> forms.DateField:
    return forms.DateField(label=label, help_text=help_text, required=required, widget=DATE_WIDGET)


class ProgramChoiceField(ModelChoice):
    def label_from_instance(self, obj: Program) -> str:
        return f"{obj.name} — {obj.site.name} (level {obj.level_of_care.code})"


class TrackChoiceField(ModelChoice):
    def label_from_instance(self, obj: Track) -> str:
        return f"{obj.name} — {obj.weekday_labels}, {obj.starts_at:%H:%M}–{obj.ends_at:%H:%M}"


class LevelChoiceField(ModelChoice):
    def label_from_instance(self, obj: LevelOfCare) -> str:
        return f"{obj.code} {obj.name}"


class ProgramTrackChoiceField(ModelChoice):
    def label_from_instance(self, obj: Track) -> str:
        return f"{obj.program.name} ({obj.program.site.name}): {obj.name}"


class StaffChoiceField(ModelChoice):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.display_name}, {obj.title}" if obj.title else obj.display_name


class CadenceForm(forms.Form):
    """Base form: ``fieldsets`` group fields for the template; ``error_aliases`` maps the field names an
    action reports onto this form's field names."""

    fieldsets: Fieldsets = ()
    error_aliases: dict[str, str] = {}

    def groups(self) -> list[tuple[str, list[forms.BoundField]]]:
        if not self.fieldsets:
            return [("", list(self))]
        return [(legend, [self[name] for name in names]) for legend, names in self.fieldsets]

    def apply_error(self, err: ParticipantError) -> None:
        """Show an action's refusal next to its field, or in the summary when no field matches."""
        name = self.error_aliases.get(err.field, err.field)
        self.add_error(name if name in self.fields else None, err.reason)


# --- Caseload filter ---------------------------------------------------------------------------

STATUS_FILTERS = [
    ("open", "Open (referred, waitlisted or admitted)"),
    (EpisodeStatus.REFERRED.value, "Referred"),
    (EpisodeStatus.WAITLISTED.value, "Waitlisted"),
    (EpisodeStatus.ACTIVE.value, "Admitted"),
    (EpisodeStatus.DISCHARGED.value, "Discharged"),
    ("all", "All, including closed referrals"),
]


LIVE_SELECT = forms.Select(attrs={"class": "live-filter"})


class CaseloadFilterForm(forms.Form):
    q = forms.CharField(
        label="Search",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Name or record number", "autocomplete": "off"}),
    )
    # "live-filter": the caseload page re-queries (htmx) when one of these changes.
    program = ProgramChoiceField(
        queryset=Program.objects.none(), required=False, empty_label="All programs", widget=LIVE_SELECT
    )
    track = ProgramTrackChoiceField(
        queryset=Track.objects.none(), required=False, empty_label="All tracks", widget=LIVE_SELECT
    )
    status = forms.ChoiceField(
        label="Status", choices=STATUS_FILTERS, required=False, initial="open", widget=LIVE_SELECT
    )
    mine = forms.BooleanField(
        label="Only my participants", required=False, widget=forms.CheckboxInput(attrs={"class": "live-filter"})
    )

    def __init__(self, *args: Any, programs: QuerySet[Program], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self, "program", programs.select_related("site", "level_of_care"))
        limit_choices(self, "track", Track.objects.filter(program__in=programs).select_related("program__site"))

    def to_filter(self) -> CaseloadFilter:
        """The filter the user asked for; a value that does not validate (e.g. a program out of scope) is
        ignored rather than reported."""
        if not self.is_bound:
            return CaseloadFilter()
        self.is_valid()  # fills cleaned_data with the values that validate
        data = self.cleaned_data
        program = data.get("program")
        track = data.get("track")
        return CaseloadFilter(
            q=data.get("q") or "",
            program_id=program.pk if program else None,
            track_id=track.pk if track else None,
            status=data.get("status") or "open",
            mine=bool(data.get("mine")),
        )


def describe_filter(flt: CaseloadFilter) -> str:
    """The filter in words, for the audit entry of a caseload search."""
    parts = [f"status={flt.status}"]
    if flt.q:
        parts.insert(0, f"q={flt.q!r}")
    if flt.program_id:
        parts.append(f"program={flt.program_id}")
    if flt.track_id:
        parts.append(f"track={flt.track_id}")
    if flt.mine:
        parts.append("mine")
    return " ".join(parts)


# --- Participant details and registration ------------------------------------------------------

DETAILS_FIELDSETS: Fieldsets = (
    (
        "Identity",
        (
            "legal_first_name",
            "legal_last_name",
            "preferred_name",
            "pronouns",
            "date_of_birth",
            "sex_at_birth",
            "language",
        ),
    ),
    ("Contact", ("phone", "email", "address")),
    ("Coverage", ("payer", "member_id")),
)


class DetailsForm(CadenceForm):
    """Demographics, contact and coverage (the fields of ``actions.EDITABLE_FIELDS``)."""

    fieldsets = DETAILS_FIELDSETS

    legal_first_name = forms.CharField(label="Legal first name", max_length=100)
    legal_last_name = forms.CharField(label="Legal last name", max_length=100)
    preferred_name = forms.CharField(
        label="Preferred name",
        max_length=100,
        required=False,
        help_text="The name the participant goes by. Cadence shows it first everywhere.",
    )
    pronouns = forms.CharField(
        label="Pronouns", max_length=40, required=False, help_text="For example she/her, he/him, they/them."
    )
    date_of_birth = date_field("Date of birth")
    sex_at_birth = forms.ChoiceField(
        label="Sex assigned at birth", choices=SexAtBirth.choices, initial=SexAtBirth.UNKNOWN
    )
    language = forms.ChoiceField(label="Preferred language", choices=Language.choices, initial=Language.ENGLISH)
    phone = forms.CharField(
        label="Phone",
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    email = forms.EmailField(label="Email", required=False)
    address = forms.CharField(label="Address", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    payer = forms.ModelChoiceField(
        label="Payer",
        queryset=Payer.objects.none(),
        required=False,
        empty_label="No payer on file (self pay)",
        help_text="The health plan billed for treatment.",
    )
    member_id = forms.CharField(
        label="Member id", max_length=64, required=False, help_text="As printed on the insurance card."
    )

    def __init__(self, *args: Any, organization_id: int | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        payers = Payer.objects.filter(organization_id=organization_id) if organization_id else Payer.objects.none()
        limit_choices(self, "payer", payers)

    def changes(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in EDITABLE_FIELDS}

    def details(self) -> ParticipantDetails:
        return ParticipantDetails(**self.changes())


class RegisterForm(DetailsForm):
    """A new participant with one emergency contact, a primary diagnosis and a referral."""

    fieldsets = (
        *DETAILS_FIELDSETS,
        ("Emergency contact", ("contact_name", "contact_relationship", "contact_phone")),
        ("Primary diagnosis", ("diagnosis_code", "diagnosis_description")),
        ("Referral", ("program", "referred_on", "referral_source", "waitlist")),
    )
    error_aliases = {"code": "diagnosis_code", "rank": "diagnosis_code"}

    contact_name = forms.CharField(label="Contact name", max_length=200, required=False)
    contact_relationship = forms.CharField(
        label="Relationship", max_length=100, required=False, help_text="For example partner, parent, friend."
    )
    contact_phone = forms.CharField(
        label="Contact phone",
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    diagnosis_code = forms.CharField(
        label="ICD-10-CM code",
        max_length=12,
        required=False,
        help_text="For example F10.20. Leave empty if there is no diagnosis yet.",
    )
    diagnosis_description = forms.CharField(
        label="Description", max_length=255, required=False, help_text="For example Alcohol dependence, uncomplicated."
    )
    program = ProgramChoiceField(label="Program", queryset=Program.objects.none(), empty_label="Choose a program…")
    referred_on = date_field("Referral date")
    referral_source = forms.CharField(
        label="Referral source",
        max_length=200,
        required=False,
        help_text="Who referred: self, family, physician, hospital, court…",
    )
    waitlist = forms.BooleanField(
        label="Put on the waitlist", required=False, help_text="Tick when no place is available yet."
    )

    def __init__(self, *args: Any, programs: QuerySet[Program], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self, "program", programs.select_related("site", "level_of_care"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        name, phone = data.get("contact_name", ""), data.get("contact_phone", "")
        if name and not phone:
            self.add_error("contact_phone", "Give a phone number for the emergency contact.")
        if phone and not name:
            self.add_error("contact_name", "Give the name of the emergency contact.")
        return data

    def contacts(self) -> list[ContactDetails]:
        data = self.cleaned_data
        if not data["contact_name"]:
            return []
        return [
            ContactDetails(
                name=data["contact_name"], phone=data["contact_phone"], relationship=data["contact_relationship"]
            )
        ]

    def diagnoses(self) -> list[DiagnosisDetails]:
        data = self.cleaned_data
        if not data["diagnosis_code"]:
            return []
        return [
            DiagnosisDetails(
                code=data["diagnosis_code"], description=data["diagnosis_description"], rank=DiagnosisRank.PRIMARY
            )
        ]


class ContactForm(CadenceForm):
    name = forms.CharField(label="Name", max_length=200)
    relationship = forms.CharField(
        label="Relationship", max_length=100, required=False, help_text="For example partner, parent, friend."
    )
    phone = forms.CharField(label="Phone", max_length=40, widget=forms.TextInput(attrs={"type": "tel"}))

    def contact(self) -> ContactDetails:
        return ContactDetails(**self.cleaned_data)


class DiagnosisForm(CadenceForm):
    code = forms.CharField(
        label="ICD-10-CM code", max_length=12, help_text="For example F10.20 or F3341; the dot is optional."
    )
    description = forms.CharField(label="Description", max_length=255, required=False)
    rank = forms.ChoiceField(
        label="Rank",
        choices=DiagnosisRank.choices,
        initial=DiagnosisRank.SECONDARY,
        help_text="A participant has at most one active primary diagnosis.",
    )
    noted_on = date_field("Diagnosed on")

    def diagnosis(self) -> DiagnosisDetails:
        data = self.cleaned_data
        return DiagnosisDetails(code=data["code"], description=data["description"], rank=data["rank"])


# --- Episodes of care --------------------------------------------------------------------------


class ReferForm(CadenceForm):
    program = ProgramChoiceField(label="Program", queryset=Program.objects.none(), empty_label="Choose a program…")
    referred_on = date_field("Referral date")
    referral_source = forms.CharField(
        label="Referral source",
        max_length=200,
        required=False,
        help_text="Who referred: self, family, physician, hospital, court…",
    )
    waitlist = forms.BooleanField(
        label="Put on the waitlist", required=False, help_text="Tick when no place is available yet."
    )

    def __init__(self, *args: Any, programs: QuerySet[Program], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self, "program", programs.select_related("site", "level_of_care"))


class ProgramStepForm(CadenceForm):
    """First step of a direct admission: which program (a GET form)."""

    program = ProgramChoiceField(
        label="Program",
        queryset=Program.objects.none(),
        empty_label="Choose a program…",
        help_text="An open referral to this program is admitted; otherwise a new episode is opened.",
    )

    def __init__(self, *args: Any, programs: QuerySet[Program], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self, "program", programs.select_related("site", "level_of_care"))


def clinicians_of(organization_id: int) -> QuerySet[User]:
    """Staff who can be a primary clinician: active clinicians and directors of the organization."""
    return User.objects.filter(
        organization_id=organization_id, is_active=True, role__in=[Role.CLINICIAN, Role.DIRECTOR]
    ).order_by("last_name", "first_name")


class AdmitForm(CadenceForm):
    track = TrackChoiceField(label="Track", queryset=Track.objects.none(), empty_label="Choose a track…")
    admitted_on = date_field("Admission date", "The first day of treatment.")
    level_of_care = LevelChoiceField(
        label="Level of care",
        queryset=LevelOfCare.objects.filter(active=True),
        empty_label="Choose a level…",
        help_text="Defaults to the program's level.",
    )
    primary_clinician = StaffChoiceField(
        label="Primary clinician", queryset=User.objects.none(), required=False, empty_label="Assign later"
    )

    def __init__(self, *args: Any, program: Program, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("level_of_care", program.level_of_care_id)
        super().__init__(*args, **kwargs)
        limit_choices(self, "track", program.tracks.filter(active=True))
        limit_choices(self, "primary_clinician", clinicians_of(program.site.organization_id))
        self.fields["track"].help_text = f"Tracks of {program.name} ({program.site.name})."


class LevelChangeForm(CadenceForm):
    level_of_care = LevelChoiceField(
        label="New level of care", queryset=LevelOfCare.objects.filter(active=True), empty_label="Choose a level…"
    )
    starts_on = date_field("Starts on", "The first day at the new level.")
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Clinical reason for the step up or step down.",
    )


TEDS_CHOICES = [("", "Choose a reason…"), *((value, f"{value} — {label}") for value, label in TedsReason.choices)]


class DischargeForm(CadenceForm):
    discharged_on = date_field("Discharge date", "The last day of service.")
    reason = forms.TypedChoiceField(
        label="Reason for discharge (TEDS)",
        choices=TEDS_CHOICES,
        coerce=int,
        help_text="SAMHSA TEDS reason codes 1 to 7.",
    )
    step_down_to = forms.CharField(
        label="Step-down referral",
        max_length=200,
        required=False,
        help_text="Where care continues, for example outpatient (level 1) or an aftercare group.",
    )
    note = forms.CharField(label="Discharge note", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class CloseReferralForm(CadenceForm):
    note = forms.CharField(
        label="Why is the referral closed?",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example declined services, unable to reach, referred elsewhere.",
    )


def local_date_initial(today: dt.date, *names: str) -> dict[str, dt.date]:
    """Initial values that default date fields to the local ``today``."""
    return dict.fromkeys(names, today)
