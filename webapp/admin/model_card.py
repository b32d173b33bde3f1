"""The matching model's card: what it learned from, how it compares with the hand weights.

Registered on the admin blueprint (imported by ``webapp.admin``), behind its admin check.
"""

from __future__ import annotations

from flask import render_template
from flask_babel import lazy_gettext as _l

from webapp.admin.routes import bp
from webapp.services import learning

TARGET_LABELS = {
    "approval": _l("Godkjent av veileder (av foreslåtte par)"),
    "outcome": _l("Godt utfall (av avsluttede praksisplasser)"),
}
MODEL_LABELS = {
    "hand": _l("Vekter satt for hånd"),
    "logistic": _l("Logistisk regresjon (kalibrert)"),
    "boosting": _l("Gradient boosting (kalibrert)"),
    "previous": _l("Forrige lærte modell"),
}
WHY_LABELS = {
    "too_few_pairs": _l("For lite data: minst 40 par trengs."),
    "one_class": _l("Alle eksemplene har samme utfall, så det er ingenting å lære av."),
    "too_few_per_class_after_split": _l(
        "For få eksempler av hvert utfall i trenings- eller testdelen (minst 5 av hvert)."
    ),
    "no_model_could_be_fitted": _l("Ingen lært modell kunne tilpasses dataene."),
    "not_better_than_hand_on_held_out": _l(
        "Ingen lært modell slo håndvektene på de nyeste dataene, så håndvektene brukes."
    ),
    "retrain_not_better_than_hand": _l(
        "Den nye treningen slo ikke håndvektene; den forrige lærte modellen brukes fortsatt."
    ),
    "retrain_worse_than_previous": _l(
        "Den nye treningen var dårligere enn den forrige på de nyeste dataene og brukes ikke; "
        "den forrige lærte modellen brukes fortsatt."
    ),
    "beats_hand_on_held_out": _l("Slo håndvektene på de nyeste dataene og brukes i en blanding."),
}
DIMENSION_LABELS = {
    "level_band": _l("Norsknivå"),
    "adaptations": _l("Behov for tilrettelegging"),
    "organisation_kind": _l("Organisasjon"),
}
GROUP_LABELS = {
    "none": _l("ingen"),
    "yes": _l("ja"),
    "no": _l("nei"),
}


@bp.route("/matchmodell/kort")
def model_card():
    return render_template(
        "admin/model_card.html",
        card=learning.model_card(),
        targets=TARGET_LABELS,
        models=MODEL_LABELS,
        whys=WHY_LABELS,
        dimensions=DIMENSION_LABELS,
        groups=GROUP_LABELS,
    )
