"""The agreement as a document: the sections and signatures for the printable page and the PDF.

Written in the candidate's language (``Agreement.language``). The PDF is made with fpdf2, offline,
in DejaVu Sans (shipped in ``webapp/data/fonts`` with its licence) so æ, ø, å and names in other
alphabets print as they are.
"""

from __future__ import annotations

from pathlib import Path

from flask_babel import force_locale
from flask_babel import gettext as _
from fpdf import FPDF

from webapp.models import SIGNING_ORDER, Agreement, Party
from webapp.services import pseudonyms
from webapp.services.agreement_signing import signature_of
from webapp.services.agreements import (
    CASEWORKER_FIELDS,
    EMPLOYER_FIELDS,
    LABELS,
    PARTY_LABELS,
    content_of,
    display_value,
)

FONTS = Path(__file__).resolve().parent.parent / "data" / "fonts"


def method_label(method: str) -> str:
    return {
        "account": _("signert i Arbeidsbro"),
        "in_person": _("bekreftet ved oppmøte"),
        "phone": _("bekreftet på telefon"),
        "link": _("bekreftet med lenke"),
    }.get(method, method)


def candidate_name(agreement: Agreement, side: Party) -> str:
    """The caseworker's copy names the candidate; the employer's keeps the pseudonym (§5)."""
    placement = agreement.placement
    if side == Party.CASEWORKER:
        return placement.candidate.display_name
    return _("Kandidat %(name)s", name=pseudonyms.of_placement(placement))


def sections(agreement: Agreement, side: Party) -> list[tuple[str, list[tuple[str, str]]]]:
    """(heading, [(label, value)]) in the current locale: the document's body."""
    content = content_of(agreement)
    placement = agreement.placement

    def rows(names):
        return [(str(LABELS[n]), display_value(n, content[n]) or "–") for n in names]

    parties = [
        (_("Arbeidsgiver"), placement.slot.organisation.name),
        (_("Kandidat"), candidate_name(agreement, side)),
        (_("Veileder"), _caseworker_name(agreement)),
        (_("Praksisplass"), placement.slot.title),
    ]
    return [
        (_("Partene"), parties),
        (_("Sammendrag for kandidaten"), rows(["summary"])),
        (_("Arbeidsgiverens del"), rows(EMPLOYER_FIELDS)),
        (
            _("Veilederens del"),
            rows([n for n in CASEWORKER_FIELDS if n not in ("summary", "language")]),
        ),
    ]


def _caseworker_name(agreement: Agreement) -> str:
    candidate = agreement.placement.candidate
    return candidate.caseworker.name if candidate.caseworker else candidate.organisation.name


def signature_rows(agreement: Agreement) -> list[tuple[str, str]]:
    """Each party in signing order, with when and how it signed this version."""
    rows = []
    for party in SIGNING_ORDER:
        signature = signature_of(agreement, party)
        label = str(PARTY_LABELS[party]).capitalize()
        if signature is None:
            rows.append((label, _("ikke signert")))
            continue
        text = f"{signature.signed_at:%d.%m.%Y %H:%M} UTC, {method_label(signature.method)}"
        if signature.user is not None and party != Party.CANDIDATE:
            text += f" ({signature.user.name})"
        if signature.confirmed_on:
            text += " " + _("den %(day)s", day=signature.confirmed_on.strftime("%d.%m.%Y"))
        rows.append((label, text))
    return rows


def title(agreement: Agreement) -> str:
    return _("Avtale om praksisplass, versjon %(n)d", n=agreement.version)


def render_pdf(agreement: Agreement, side: Party) -> bytes:
    """The agreement as a PDF in the candidate's language, for one side (see candidate_name)."""
    with force_locale(agreement.language or "nb"):
        heading = title(agreement)
        body = sections(agreement, side)
        signed = signature_rows(agreement)
        signatures_heading = _("Signaturer")
    pdf = FPDF(format="A4")
    pdf.set_title(heading)
    pdf.set_lang(agreement.language or "nb")
    pdf.set_creator("Arbeidsbro")
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 16)
    pdf.multi_cell(0, 9, heading, new_x="LMARGIN", new_y="NEXT")
    for section, rows in [*body, (signatures_heading, signed)]:
        pdf.ln(3)
        pdf.set_font("DejaVu", "B", 12)
        pdf.multi_cell(0, 7, section, new_x="LMARGIN", new_y="NEXT")
        for label, value in rows:
            pdf.set_font("DejaVu", "B", 10)
            pdf.multi_cell(0, 5.5, label, new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("DejaVu", "", 10)
            pdf.multi_cell(0, 5.5, value, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
    return bytes(pdf.output())
