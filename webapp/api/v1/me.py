"""Who the token acts as, and the taxonomies every other call uses as codes."""

from __future__ import annotations

from flask import g, jsonify
from flask_babel import force_locale
from sqlalchemy import select

from webapp.api.v1.common import SECURITY, UtcDateTime, make_blueprint
from webapp.api.v1.schemas import MeSchema, TaxonomyArgs, TaxonomySchema
from webapp.extensions import db
from webapp.models import Adaptation, LanguageLevel, Occupation, ProgramArea, Skill, SlotKind
from webapp.services import candidate_fields

bp = make_blueprint("api_reference", __name__, "", "Hvem nøkkelen er, og taksonomiene (koder).")

TAXONOMIES = {
    "slot-kinds": (SlotKind, SlotKind.sort_order),
    "language-levels": (LanguageLevel, LanguageLevel.rank),
    "adaptations": (Adaptation, Adaptation.code),
    "skills": (Skill, Skill.code),
    "occupations": (Occupation, Occupation.code),
    "program-areas": (ProgramArea, ProgramArea.code),
}


@bp.route("/me")
@bp.doc(security=SECURITY)
@bp.response(200, MeSchema)
def me():
    """The user the token acts for, their role and organisation, and the token's scopes."""
    user, token = g.api_user, g.api_token
    stamp = UtcDateTime()
    return jsonify(
        id=user.id,
        name=user.name,
        role=str(user.role),
        organisation={"id": user.organisation_id, "name": user.organisation.name},
        token={
            "id": token.id,
            "name": token.name,
            "scopes": token.scope_list,
            "expires_at": stamp._serialize(token.expires_at, "expires_at", None),
        },
    )


@bp.route(
    "/taxonomies/<any(" + ", ".join(f'"{name}"' for name in TAXONOMIES) + ", programmes):name>"
)
@bp.doc(security=SECURITY)
@bp.arguments(TaxonomyArgs, location="query")
@bp.response(200, TaxonomySchema)
def taxonomy(args, name: str):
    """The codes of one taxonomy with their labels; imports and inputs take these codes."""
    with force_locale(args["lang"]):
        if name == "programmes":
            items = [
                {"code": code, "name": label}
                for code, label in candidate_fields.programme_labels().items()
            ]
        else:
            model, order = TAXONOMIES[name]
            items = [
                {"code": row.code, "name": row.label}
                for row in db.session.scalars(select(model).order_by(order))
            ]
    return jsonify(items=items)
