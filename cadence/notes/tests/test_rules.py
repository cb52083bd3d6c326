"""The pure documentation rules at their edges, without a database."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cadence.notes import rules
from cadence.notes.rules import Actor, Author, NoteError, PersonNames

AUTHOR = Author(user_id=1, needs_supervision=False, supervisor_id=None)
SUPERVISEE = Author(user_id=1, needs_supervision=True, supervisor_id=2)
WRITER = Actor(user_id=1, is_director=False, can_write=True, can_cosign=True)
SUPERVISOR = Actor(user_id=2, is_director=False, can_write=True, can_cosign=True)
OTHER = Actor(user_id=3, is_director=False, can_write=True, can_cosign=True)
DIRECTOR = Actor(user_id=4, is_director=True, can_write=True, can_cosign=True)
AUDITOR = Actor(user_id=5, is_director=False, can_write=False, can_cosign=False)
ANA = PersonNames("Ana", "Lopez")
MARIA = PersonNames("Maria", "Gonzalez", "Mari")
TOMAS = PersonNames("Tomas", "Reyes")


def test_each_format_has_its_sections_in_order() -> None:
    assert rules.section_keys("dap") == ("data", "assessment", "plan")
    assert rules.section_keys("soap") == ("subjective", "objective", "assessment", "plan")
    assert rules.section_keys("birp") == ("behavior", "intervention", "response", "plan")


def test_an_unknown_format_is_refused() -> None:
    with pytest.raises(NoteError) as err:
        rules.section_keys("narrative")
    assert err.value.field == "format"


def test_clean_sections_fills_missing_keys_and_refuses_keys_of_another_format() -> None:
    assert rules.clean_sections("dap", {"data": "  said x "}) == {"data": "said x", "assessment": "", "plan": ""}
    with pytest.raises(NoteError, match="subjective is not a section of a DAP note"):
        rules.clean_sections("dap", {"subjective": "x"})


def test_missing_sections_counts_whitespace_as_empty() -> None:
    assert rules.missing_sections("birp", {"behavior": "a", "intervention": " ", "response": "c"}) == [
        "Intervention",
        "Plan",
    ]
    assert rules.missing_sections("soap", dict.fromkeys(rules.section_keys("soap"), "x")) == []


def test_name_leak_finds_whole_words_case_insensitively() -> None:
    text = "Shared that MARIA helped; reyes was quiet."
    assert rules.name_leaks(text, own=ANA, others=[MARIA, TOMAS]) == ["Maria", "Reyes"]


def test_name_leak_ignores_parts_of_words() -> None:
    assert rules.name_leaks("Marianne and Tomasz; anatomy", own=ANA, others=[MARIA, TOMAS]) == []


def test_name_leak_ignores_the_members_own_name_even_when_another_member_shares_it() -> None:
    other_ana = PersonNames("Ana", "Brooks")
    assert rules.name_leaks("Ana spoke about work.", own=ANA, others=[other_ana]) == []
    assert rules.name_leaks("Ana spoke with Brooks.", own=ANA, others=[other_ana]) == ["Brooks"]


def test_name_leak_ignores_very_short_names_and_finds_preferred_names() -> None:
    short = PersonNames("Jo", "Li")
    assert rules.name_leaks("Jo and Li came", own=ANA, others=[short]) == []
    assert rules.name_leaks("Jo and Li came", own=ANA, others=[short], min_length=2) == ["Jo", "Li"]
    assert rules.name_leaks("worked with mari today", own=ANA, others=[MARIA]) == ["Mari"]


def test_name_leak_reports_each_name_once_and_nothing_for_empty_text() -> None:
    assert rules.name_leaks("Tomas, Tomas and tomas", own=ANA, others=[TOMAS, TOMAS]) == ["Tomas"]
    assert rules.name_leaks("   ", own=ANA, others=[TOMAS]) == []


def test_name_leak_handles_punctuation_and_names_with_symbols() -> None:
    obrien = PersonNames("Sean", "O'Brien")
    assert rules.name_leaks("(o'brien) left early", own=ANA, others=[obrien]) == ["O'Brien"]


def test_group_problems_lists_empty_shared_fields_and_member_fields() -> None:
    members = [
        rules.MemberSection(1, "Ana Lopez", True, "engaged", ""),
        rules.MemberSection(2, "Tomas Reyes", False),  # off the roster: not required
    ]
    assert rules.group_problems({"topic": "Triggers", "group_dynamics": ""}, members) == [
        "Group dynamics is empty.",
        "Ana Lopez: response empty.",
    ]


def test_a_group_note_without_an_attending_member_cannot_be_signed() -> None:
    problems = rules.group_problems({"topic": "t", "group_dynamics": "g"}, [rules.MemberSection(2, "T", False)])
    assert problems == ["No member attended: take attendance before signing the group note."]


def test_only_the_author_edits_a_draft_and_no_one_edits_a_signed_note() -> None:
    rules.check_can_edit(status="draft", author_id=1, actor=WRITER)
    rules.check_can_edit(status="returned", author_id=1, actor=WRITER)
    with pytest.raises(NoteError, match="Only the note's author"):
        rules.check_can_edit(status="draft", author_id=1, actor=OTHER)
    for status in ("signed", "awaiting_cosign", "cosigned"):
        with pytest.raises(NoteError, match="signed and locked"):
            rules.check_can_edit(status=status, author_id=1, actor=WRITER)
    with pytest.raises(NoteError, match="does not write"):
        rules.check_can_edit(status="draft", author_id=5, actor=AUDITOR)


def test_signing_someone_elses_note_is_refused() -> None:
    with pytest.raises(NoteError, match="someone else's note"):
        rules.check_can_sign(status="draft", author_id=1, actor=OTHER, problems=[])


def test_signing_an_incomplete_or_signed_note_is_refused() -> None:
    with pytest.raises(NoteError, match="Complete the note before signing: Plan is empty."):
        rules.check_can_sign(status="draft", author_id=1, actor=WRITER, problems=["Plan is empty."])
    with pytest.raises(NoteError, match="already signed"):
        rules.check_can_sign(status="signed", author_id=1, actor=WRITER, problems=[])
    rules.check_can_sign(status="returned", author_id=1, actor=WRITER, problems=[])


def test_a_supervisees_signature_waits_for_a_cosignature() -> None:
    assert rules.status_after_signing(SUPERVISEE) == "awaiting_cosign"
    assert rules.status_after_signing(AUTHOR) == "signed"


def test_cosigning_ones_own_note_is_refused_even_for_a_director() -> None:
    own = Author(user_id=4, needs_supervision=True, supervisor_id=2)
    with pytest.raises(NoteError, match="your own note"):
        rules.check_can_cosign(status="awaiting_cosign", author=own, actor=DIRECTOR)


def test_the_supervisor_or_a_director_cosigns_and_no_one_else() -> None:
    rules.check_can_cosign(status="awaiting_cosign", author=SUPERVISEE, actor=SUPERVISOR)
    rules.check_can_cosign(status="awaiting_cosign", author=SUPERVISEE, actor=DIRECTOR)
    with pytest.raises(NoteError, match="supervisor or a program director"):
        rules.check_can_cosign(status="awaiting_cosign", author=SUPERVISEE, actor=OTHER)
    with pytest.raises(NoteError, match="does not co-sign"):
        rules.check_can_cosign(status="awaiting_cosign", author=SUPERVISEE, actor=AUDITOR)
    with pytest.raises(NoteError, match="not awaiting"):
        rules.check_can_cosign(status="signed", author=SUPERVISEE, actor=SUPERVISOR)


def test_returning_needs_a_comment() -> None:
    with pytest.raises(NoteError) as err:
        rules.check_can_return(status="awaiting_cosign", author=SUPERVISEE, actor=SUPERVISOR, comment="  ")
    assert err.value.field == "comment"
    rules.check_can_return(status="awaiting_cosign", author=SUPERVISEE, actor=SUPERVISOR, comment="Add the plan.")


def test_an_addendum_is_for_signed_notes_with_a_reason_and_text() -> None:
    rules.check_can_add_addendum(status="signed", actor=OTHER, reason="late entry", text="Called family.")
    with pytest.raises(NoteError, match="not signed yet"):
        rules.check_can_add_addendum(status="draft", actor=WRITER, reason="r", text="t")
    with pytest.raises(NoteError) as err:
        rules.check_can_add_addendum(status="cosigned", actor=WRITER, reason="", text="t")
    assert err.value.field == "reason"
    with pytest.raises(NoteError) as err:
        rules.check_can_add_addendum(status="awaiting_cosign", actor=WRITER, reason="r", text=" ")
    assert err.value.field == "text"
    with pytest.raises(NoteError, match="does not write"):
        rules.check_can_add_addendum(status="signed", actor=AUDITOR, reason="r", text="t")


def test_a_note_is_overdue_exactly_at_the_deadline_and_never_once_signed() -> None:
    ends = dt.datetime(2026, 11, 23, 12, tzinfo=dt.UTC)
    deadline = ends + dt.timedelta(hours=24)
    assert rules.sign_deadline(ends) == deadline
    before = deadline - dt.timedelta(seconds=1)
    assert not rules.is_overdue(status="draft", session_ends_at=ends, now=before, hours=24)
    assert rules.is_overdue(status="draft", session_ends_at=ends, now=deadline, hours=24)
    assert rules.is_overdue(status=None, session_ends_at=ends, now=deadline, hours=24)
    assert rules.is_overdue(status="returned", session_ends_at=ends, now=deadline, hours=24)
    assert not rules.is_overdue(status="awaiting_cosign", session_ends_at=ends, now=deadline, hours=24)
    assert rules.is_overdue(status="draft", session_ends_at=ends, now=ends + dt.timedelta(hours=2), hours=2)


def test_the_overdue_cutoff_is_the_last_session_end_that_is_overdue_now() -> None:
    now = dt.datetime(2026, 11, 23, 15, tzinfo=dt.UTC)
    cutoff = rules.overdue_cutoff(now, 24)
    assert rules.sign_deadline(cutoff, 24) == now
    assert rules.is_overdue(status="draft", session_ends_at=cutoff, now=now, hours=24)
    later = cutoff + dt.timedelta(microseconds=1)
    assert not rules.is_overdue(status="draft", session_ends_at=later, now=now, hours=24)
    assert rules.overdue_cutoff(now, 0) == now


def test_roster_changes_name_new_absent_and_returning_members() -> None:
    # 1 and 2 have sections on the roster, 3 a section off it; 2 left, 3 came back, 4 is new.
    changes = rules.roster_changes({1, 3, 4}, [1, 2], [3])
    assert changes == rules.RosterChanges(added=(4,), off=(2,), back=(3,))
    assert changes


def test_roster_changes_are_empty_when_sections_match_attendance() -> None:
    assert not rules.roster_changes([2, 1], [1, 2], [5])
    assert not rules.roster_changes([], [], [])
    assert rules.roster_changes([], [1], []) == rules.RosterChanges(off=(1,))  # no one present any more


def test_roster_changes_never_add_a_second_section_and_are_sorted() -> None:
    changes = rules.roster_changes([9, 3, 7], [], [7])
    assert changes.added == (3, 9)  # 7 already has a section: it comes back, it is not added
    assert changes.back == (7,)


@pytest.mark.parametrize("status", ["draft", "returned", "awaiting_cosign", "signed", "cosigned"])
@pytest.mark.parametrize("actor", [WRITER, OTHER, AUDITOR])
def test_may_edit_says_yes_exactly_when_check_can_edit_lets_the_edit_through(status: str, actor: Actor) -> None:
    try:
        rules.check_can_edit(status=status, author_id=1, actor=actor)
        allowed = True
    except NoteError:
        allowed = False
    assert rules.may_edit(status=status, author_id=1, actor=actor) is allowed


def test_only_the_author_may_edit_and_only_before_signing() -> None:
    assert rules.may_edit(status="draft", author_id=1, actor=WRITER)
    assert rules.may_edit(status="returned", author_id=1, actor=WRITER)
    assert not rules.may_edit(status="awaiting_cosign", author_id=1, actor=WRITER)
    assert not rules.may_edit(status="draft", author_id=1, actor=OTHER)
    assert not rules.may_edit(status="draft", author_id=5, actor=AUDITOR)  # the author lost the write role


def test_may_cosign_follows_the_cosign_rule() -> None:
    assert rules.may_cosign(status="awaiting_cosign", author=SUPERVISEE, actor=SUPERVISOR)
    assert rules.may_cosign(status="awaiting_cosign", author=SUPERVISEE, actor=DIRECTOR)
    assert not rules.may_cosign(status="awaiting_cosign", author=SUPERVISEE, actor=OTHER)
    assert not rules.may_cosign(status="awaiting_cosign", author=SUPERVISEE, actor=WRITER)  # own note
    assert not rules.may_cosign(status="signed", author=SUPERVISEE, actor=SUPERVISOR)


def test_may_add_addendum_to_signed_notes_only_with_the_write_role() -> None:
    for status in ("awaiting_cosign", "signed", "cosigned"):
        assert rules.may_add_addendum(status=status, actor=OTHER)
        assert not rules.may_add_addendum(status=status, actor=AUDITOR)
    assert not rules.may_add_addendum(status="draft", actor=WRITER)
    assert not rules.may_add_addendum(status="returned", actor=WRITER)


def test_name_leak_uses_full_case_folding_and_keeps_accents_inside_words() -> None:
    strauss = PersonNames("Greta", "Strauß")
    assert rules.name_leaks("STRAUSS spoke first", own=ANA, others=[strauss]) == ["Strauß"]
    ines = PersonNames("Inés", "Ruiz")
    assert rules.name_leaks("INÉS was calm", own=ANA, others=[ines]) == ["Inés"]
    assert rules.name_leaks("Inésa was calm", own=ANA, others=[ines]) == []


NAME = st.text(alphabet=st.characters(whitelist_categories=("Lu", "Ll")), min_size=3, max_size=12)
FILLER = st.text(alphabet=" .,;:!?()0123456789-", max_size=10)


@given(name=NAME, before=FILLER, after=FILLER)
def test_a_name_standing_alone_is_always_found_whatever_its_case(name: str, before: str, after: str) -> None:
    own = PersonNames("Zz", "Qq")
    text = f"{before} {name.swapcase()} {after}"
    assert rules.name_leaks(text, own=own, others=[PersonNames(name, "Xx")]) in ([name], [])
    if name.swapcase().casefold() == name.casefold():
        assert rules.name_leaks(text, own=own, others=[PersonNames(name, "Xx")]) == [name]


@given(name=NAME, word=NAME)
def test_a_name_inside_a_longer_word_is_never_found(name: str, word: str) -> None:
    own = PersonNames("Zz", "Qq")
    assert rules.name_leaks(f"{word}{name}{word}", own=own, others=[PersonNames(name, "Xx")]) == []


def test_switching_format_keeps_shared_sections_and_refuses_to_lose_text() -> None:
    rules.check_format_change("dap", "soap", {"data": "", "assessment": "a", "plan": "p"})
    with pytest.raises(NoteError) as err:
        rules.check_format_change("dap", "birp", {"data": "said x", "assessment": "a", "plan": ""})
    assert err.value.field == "format"
    assert err.value.reason == "Data, Assessment has text a BIRP note has no place for; move or clear it first."
