"""What a deadline can be about, and the page it leads to. Pure data."""

from __future__ import annotations

# subject → (Swedish name, page of one); a matter's deadlines lead to the matter.
SUBJECTS: dict[str, tuple[str, str]] = {
    "matter": ("Ärende", "/arenden/{}"),
    "sam_action": ("Åtgärd i handlingsplan", "/sam/atgarder/{}"),
    "annual_follow_up": ("Årlig uppföljning av SAM", "/sam/uppfoljningar/{}"),
    "safety_rep_request": ("Skyddsombudets begäran (6 kap. 6 a § AML)", "/sam/begaran/{}"),
    "meeting": ("Skyddskommitténs möten", "/moten/{}"),
    "agenda_action": ("Åtgärd från ett möte", "/atgarder/{}"),
}


def link(subject: str, subject_id: int | None, matter_id: int | None) -> str:
    return SUBJECTS[subject][1].format(matter_id if subject == "matter" else subject_id)
