"""The audit log in words: a label for every action code and object type, in the reader's language.

Every code passed to ``audit.record`` has a label here (a test greps the code base for them);
an unknown code (an old row, a new module) is shown as the code itself.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ACTIONS = {
    # people and logins
    "user.login": _l("Logget inn"),
    "user.login_failed": _l("Mislykket innlogging"),
    "user.login_throttled": _l("Innlogging stoppet etter for mange forsøk"),
    "user.logout": _l("Logget ut"),
    "user.password_changed": _l("Byttet passord"),
    "user.password_reset_requested": _l("Ba om lenke til nytt passord"),
    "user.password_reset": _l("Valgte nytt passord med lenke"),
    "user.invited": _l("Inviterte en bruker"),
    "user.invite_accepted": _l("Tok imot invitasjonen"),
    "user.activated": _l("Aktiverte en bruker"),
    "user.deactivated": _l("Deaktiverte en bruker"),
    # organisations
    "organisation.registered": _l("Registrerte en virksomhet"),
    "organisation.created": _l("Opprettet en organisasjon"),
    "organisation.approved": _l("Godkjente en organisasjon"),
    "organisation.rejected": _l("Avviste en registrering"),
    "organisation.deactivated": _l("Deaktiverte en organisasjon"),
    "organisation.reactivated": _l("Aktiverte en organisasjon igjen"),
    "organisation.updated": _l("Endret virksomhetsprofilen"),
    "site.created": _l("La til et arbeidssted"),
    "site.updated": _l("Endret et arbeidssted"),
    # slots
    "slot.created": _l("Opprettet en plass"),
    "slot.updated": _l("Endret en plass"),
    "slot.duplicated": _l("Kopierte en plass"),
    "slot.publish": _l("Publiserte en plass"),
    "slot.pause": _l("Satte en plass på pause"),
    "slot.reopen": _l("Åpnet en plass igjen"),
    "slot.close": _l("Stengte en plass"),
    "slot.imported": _l("Importerte plasser"),
    # candidates
    "candidate.created": _l("Registrerte en kandidat"),
    "candidate.updated": _l("Endret en kandidat"),
    "candidate.consent_given": _l("Registrerte samtykke"),
    "candidate.consent_withdrawn": _l("Registrerte at samtykket er trukket"),
    "candidate.paused": _l("Satte en kandidat på pause"),
    "candidate.reactivated": _l("Aktiverte en kandidat igjen"),
    "candidate.archived": _l("Arkiverte en kandidat"),
    "candidate.viewed": _l("Så på en kandidat"),
    "candidate.card_viewed": _l("Så på et kandidatkort"),
    "candidate.contact_shown": _l("Fikk se kandidatens kontaktopplysninger"),
    "candidate.exported": _l("Hentet ut en kandidats data (innsyn)"),
    "candidate.imported": _l("Importerte kandidater"),
    # suggestions, proposals and placements
    "suggestion.approved": _l("Godkjente et matchforslag"),
    "suggestion.rejected": _l("Avviste et matchforslag"),
    "suggestion.proposed": _l("Foreslo en kandidat for arbeidsgiveren"),
    "suggestion.withdrawn": _l("Trakk tilbake et forslag"),
    "suggestion.accepted": _l("Takket ja til et forslag"),
    "suggestion.declined": _l("Takket nei til et forslag"),
    "suggestion.reminded": _l("Minnet arbeidsgiveren på svarfristen"),
    "placement.created": _l("Opprettet en praksisplass"),
    "placement.start": _l("Startet en praksisplass"),
    "placement.complete": _l("Fullførte en praksisplass"),
    "placement.end_early": _l("Avsluttet en praksisplass tidlig"),
    "placement.follow_up_set": _l("Satte dato for oppfølging"),
    "placement.viewed": _l("Så på en praksisplass"),
    "allocation_round.started": _l("Startet en fordelingsrunde"),
    # schools
    "school_need.created": _l("Registrerte et skolebehov"),
    "school_need.updated": _l("Endret et skolebehov"),
    "school_need.closed": _l("Lukket et skolebehov"),
    "school_need.unmet": _l("Et skolebehov ble stående udekket"),
    "school_profile.saved": _l("Lagret skoleprofilen"),
    "partnership.requested": _l("Sendte en forespørsel til en bedrift"),
    "partnership.withdrawn": _l("Trakk tilbake en skoleforespørsel"),
    "partnership.renewal_requested": _l("Ba om å fornye et skolesamarbeid"),
    "partnership.accepted": _l("Takket ja til et skolesamarbeid"),
    "partnership.declined": _l("Takket nei til et skolesamarbeid"),
    "partnership.ended": _l("Avsluttet et skolesamarbeid"),
    "partnership.reminded": _l("Minnet bedriften på en skoleforespørsel"),
    # machines and access
    "api_token.created": _l("Opprettet en API-nøkkel"),
    "api_token.revoked": _l("Trakk tilbake en API-nøkkel"),
    "api.call": _l("Kalte API-et"),
    "webhook.created": _l("La til en webhook-mottaker"),
    "webhook.deleted": _l("Fjernet en webhook-mottaker"),
    "webhook.resent": _l("Sendte en webhook-levering på nytt"),
    # placement agreements
    "agreement.created": _l("Opprettet en avtale om praksisplass"),
    "agreement.edited": _l("Endret en avtale"),
    "agreement.voided": _l("Signaturene på en avtale ble ugyldige etter en endring"),
    "agreement.signed": _l("Signerte en avtale"),
    "agreement.approved": _l("Godkjente en avtale"),
    "agreement.link_created": _l("Laget en bekreftelseslenke til kandidaten"),
    "agreement.reminded": _l("Påminnelse om avtale som ikke er signert"),
    "agreement.viewed": _l("Så en avtale"),
    "agreement.printed": _l("Skrev ut en avtale"),
    "agreement.downloaded": _l("Lastet ned en avtale som PDF"),
    "access.refused": _l("Ble nektet tilgang"),
}

OBJECT_TYPES = {
    "user": _l("Bruker"),
    "organisation": _l("Organisasjon"),
    "site": _l("Arbeidssted"),
    "slot": _l("Plass"),
    "candidate": _l("Kandidat"),
    "suggestion": _l("Forslag"),
    "placement": _l("Praksisplass"),
    "allocation_round": _l("Fordelingsrunde"),
    "school_need": _l("Skolebehov"),
    "school_profile": _l("Skoleprofil"),
    "partnership": _l("Skolesamarbeid"),
    "api_token": _l("API-nøkkel"),
    "webhook_endpoint": _l("Webhook-mottaker"),
    "agreement": _l("Avtale"),
    "route": _l("Side"),
    "system": _l("Systemet"),
}


def action_label(code: str) -> str:
    label = ACTIONS.get(code)
    return str(label) if label is not None else code


def object_type_label(code: str) -> str:
    label = OBJECT_TYPES.get(code)
    return str(label) if label is not None else code
