"""The daily run of reminders and deadlines: one function for the RQ schedule and for
``flask reminders run``, so the two can never do different work."""

from __future__ import annotations


def run_daily() -> dict[str, int]:
    """Answers due reminded and late ones expired, placements starting and follow-ups due,
    unsigned agreements, school requests unanswered for 5 working days, and school needs whose
    period started uncovered recorded as unmet."""
    from webapp.services import agreement_notices, placements, proposals
    from webapp.services.schools import demand

    answered = proposals.remind_and_expire()
    followed = placements.send_reminders()
    unsigned = agreement_notices.send_reminders()
    schools = demand.run_daily()
    return {
        **answered,
        **followed,
        **unsigned,
        "school_requests_reminded": schools["reminded"],
        "school_needs_unmet": schools["unmet"],
    }
