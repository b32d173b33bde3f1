"""Arbeidsbro's matching engine: rank slots for candidates and candidates for slots.

A plain Python package (numpy, scipy, scikit-learn, joblib; numba optional): it never imports
Flask or SQLAlchemy. See DESIGN.md section 6 for the public API. ``TextModel`` (the text
similarity the matcher uses, fitted on any texts) and ``haversine_km`` are public too: the school
company finder ranks employers with them instead of a second text model.
"""

from .engine import Matcher
from .index import IndexChange
from .persistence import MODEL_VERSION, ModelVersionError, TamperedModelError
from .rules import RULES, haversine_km
from .scoring import FACTORS, HAND_WEIGHTS
from .text import TextModel
from .types import ADAPTATIONS, NORWEGIAN_LEVELS, SLOT_KINDS, Candidate, Slot, Suggestion

__version__ = MODEL_VERSION

__all__ = [
    "ADAPTATIONS",
    "FACTORS",
    "HAND_WEIGHTS",
    "MODEL_VERSION",
    "NORWEGIAN_LEVELS",
    "RULES",
    "SLOT_KINDS",
    "Candidate",
    "IndexChange",
    "Matcher",
    "ModelVersionError",
    "Slot",
    "Suggestion",
    "TamperedModelError",
    "TextModel",
    "__version__",
    "haversine_km",
]
