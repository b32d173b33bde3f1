"""A candidate's consent: withdrawing it, giving it again, and what withdrawal does at once."""

from __future__ import annotations

import pytest
from candidate_support import (
    events,
    login_caseworker,
    url,
)
from factories import make_candidate, make_slot, make_user
from support import submit

from webapp.models import (
    OrganisationKind,
    Suggestion,
    SuggestionStatus,
)
from webapp.services import candidates as service


@pytest.fixture
def caseworker(db, auth):
    return login_caseworker(auth)


# --- consent -----------------------------------------------------------------------------------


def test_withdrawing_consent_is_one_click_and_takes_effect_at_once(client, caseworker, db):
    candidate = make_candidate(caseworker.organisation, consent=True)
    page = client.get(url(candidate)).get_data(as_text=True)
    assert "Trekk samtykket" in page
    response = submit(client, url(candidate, "/samtykke/trekk"), form_url=url(candidate))
    assert response.status_code == 302
    db.session.refresh(candidate)
    assert not candidate.has_consent
    assert candidate.consent_withdrawn_at is not None
    assert len(events(db, "candidate.consent_withdrawn", candidate)) == 1
    page = client.get(url(candidate)).get_data(as_text=True)
    assert "Registrer samtykke" in page
    assert "Samtykke trukket" in page


def test_withdrawing_consent_withdraws_proposals_waiting_at_employers(db):
    user = make_user(kind=OrganisationKind.NAV_OFFICE)
    candidate = make_candidate(user.organisation, consent=True)
    proposed = Suggestion(
        candidate=candidate, slot=make_slot(), score=0.8, status=SuggestionStatus.PROPOSED
    )
    approved = Suggestion(
        candidate=candidate, slot=make_slot(), score=0.7, status=SuggestionStatus.APPROVED
    )
    db.session.add_all([proposed, approved])
    db.session.commit()
    assert service.withdraw_consent(user, candidate) == 1
    assert proposed.status == SuggestionStatus.WITHDRAWN
    assert proposed.reason_code == "consent_withdrawn"
    assert approved.status == SuggestionStatus.APPROVED


def test_consent_can_be_given_again_after_withdrawal(client, caseworker, db):
    candidate = make_candidate(caseworker.organisation, consent=True)
    submit(client, url(candidate, "/samtykke/trekk"), form_url=url(candidate))
    response = submit(
        client,
        url(candidate, "/samtykke"),
        {"consent_scope": "Deling på nytt"},
        form_url=url(candidate),
    )
    assert response.status_code == 302
    db.session.refresh(candidate)
    assert candidate.has_consent
    assert candidate.consent_scope == "Deling på nytt"
    assert candidate.consent_withdrawn_at is not None  # the history stays
    assert len(events(db, "candidate.consent_given", candidate)) == 1


def test_giving_consent_needs_a_scope(client, caseworker, db):
    candidate = make_candidate(caseworker.organisation)
    response = submit(
        client,
        url(candidate, "/samtykke"),
        {"consent_scope": ""},
        form_url=url(candidate),
        follow_redirects=True,
    )
    assert "Beskriv hva kandidaten har samtykket til." in response.get_data(as_text=True)
    db.session.refresh(candidate)
    assert not candidate.has_consent


def test_withdrawing_consent_that_was_never_given_is_refused(client, caseworker, db):
    candidate = make_candidate(caseworker.organisation)
    response = submit(
        client, url(candidate, "/samtykke/trekk"), form_url=url(candidate), follow_redirects=True
    )
    assert "ikke gitt samtykke som kan trekkes" in response.get_data(as_text=True)
    assert events(db, "candidate.consent_withdrawn") == []
