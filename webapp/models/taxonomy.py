"""Taxonomies loaded from ``seeds/data``: codes are stable keys, labels in bokmål and English."""

from __future__ import annotations

from flask_babel import get_locale
from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from webapp.extensions import db


class Labelled:
    """A taxonomy row with a Norwegian and an English label."""

    name_nb: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))

    @property
    def label(self) -> str:
        locale = get_locale()
        return self.name_en if locale is not None and locale.language == "en" else self.name_nb


class SlotKind(Labelled, db.Model):
    __tablename__ = "slot_kind"
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    sort_order: Mapped[int] = mapped_column(default=0)


class LanguageLevel(Labelled, db.Model):
    """CEFR levels plus ``none``; ``rank`` orders them for the "at least" rule."""

    __tablename__ = "language_level"
    code: Mapped[str] = mapped_column(String(8), primary_key=True)
    rank: Mapped[int] = mapped_column(unique=True)


class Adaptation(Labelled, db.Model):
    __tablename__ = "adaptation"
    code: Mapped[str] = mapped_column(String(40), primary_key=True)


class ProgramArea(Labelled, db.Model):
    """The vocational Vg1 programme areas (utdanningsprogram)."""

    __tablename__ = "program_area"
    code: Mapped[str] = mapped_column(String(40), primary_key=True)


class Occupation(Labelled, db.Model):
    """A trade (lærefag) or an occupation group (STYRK-08)."""

    __tablename__ = "occupation"
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    category: Mapped[str] = mapped_column(String(20))  # "trade" or "occupation"
    program_area_code: Mapped[str | None] = mapped_column(
        ForeignKey("program_area.code"), index=True
    )
    description_nb: Mapped[str] = mapped_column(Text, default="")


class Skill(Labelled, db.Model):
    __tablename__ = "skill"
    code: Mapped[str] = mapped_column(String(60), primary_key=True)
    category: Mapped[str] = mapped_column(String(40), default="")


class PostalPlace(db.Model):
    __tablename__ = "postal_place"
    postal_code: Mapped[str] = mapped_column(String(4), primary_key=True)
    place: Mapped[str] = mapped_column(String(100))
    municipality: Mapped[str] = mapped_column(String(100), index=True)
    latitude: Mapped[float]
    longitude: Mapped[float]

    @property
    def label(self) -> str:
        return f"{self.postal_code} {self.place}"
