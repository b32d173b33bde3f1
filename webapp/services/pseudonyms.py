"""Stable pseudonyms for proposed candidates: "Bjørk 38" instead of a database id.

An employer must be able to tell proposals apart and talk about one ("Kandidat Bjørk 38")
without learning who the person is or how many proposals the system holds. The pseudonym is
an HMAC of the suggestion's id under the app's secret key: stable for the proposal's life,
the same on every page, in e-mails and in the API, and meaningless without the key.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app

# Norwegian trees, plants and birds: names, not words to translate.
WORDS = (
    "Alm",
    "Ask",
    "Bjørk",
    "Eik",
    "Einer",
    "Furu",
    "Gran",
    "Hassel",
    "Hegg",
    "Lind",
    "Lønn",
    "Osp",
    "Rogn",
    "Selje",
    "Lerk",
    "Lyng",
    "Kløver",
    "Linnea",
    "Hestehov",
    "Blåklokke",
    "Røsslyng",
    "Tiriltunge",
    "Multe",
    "Tyttebær",
    "Blåbær",
    "Bringebær",
    "Meis",
    "Spurv",
    "Lerke",
    "Fink",
    "Trost",
    "Svale",
    "Ugle",
    "Ravn",
    "Skjære",
    "Hauk",
    "Falk",
    "Ørn",
    "Stær",
    "Gjøk",
    "Jerpe",
    "Måke",
    "Terne",
    "Sisik",
    "Dompap",
    "Linerle",
)


def pseudonym(kind: str, object_id: int) -> str:
    """``"Bjørk 38"``: a word and a number from the HMAC of ``kind`` and ``object_id``."""
    key = current_app.secret_key
    key = key.encode() if isinstance(key, str) else bytes(key or b"")
    digest = hmac.new(key, f"pseudonym:{kind}:{object_id}".encode(), hashlib.sha256).digest()
    number = int.from_bytes(digest[:8], "big")
    return f"{WORDS[number % len(WORDS)]} {10 + (number // len(WORDS)) % 90}"


def of_suggestion(suggestion_id: int) -> str:
    return pseudonym("suggestion", suggestion_id)


def of_placement(placement) -> str:
    """A placement is known by its proposal's pseudonym (one made directly, by its own)."""
    if placement.suggestion_id:
        return of_suggestion(placement.suggestion_id)
    return pseudonym("placement", placement.id)
