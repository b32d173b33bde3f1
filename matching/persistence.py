"""Saving and loading a fitted Matcher: versioned joblib files and HMAC-signed artefacts.

A mixin of :class:`matching.engine.Matcher` (the class itself stays in ``engine``: pickles
name it ``matching.engine.Matcher``).
"""

from __future__ import annotations

import hashlib
import hmac
import io
import pickle
from typing import TYPE_CHECKING

import joblib
import numpy as np
import sklearn
from sklearn.utils.validation import check_is_fitted

if TYPE_CHECKING:
    from .engine import Matcher

#: Bump when a change makes saved models or stored scores incomparable (features, factors, rules).
MODEL_VERSION = "1.1.0"
SAVE_FORMAT = "arbeidsbro-matcher"


class ModelVersionError(ValueError):
    """A saved model was written by another model or scikit-learn version: refit it."""


class TamperedModelError(ValueError):
    """A signed artefact whose signature does not match: it is refused, never unpickled."""


#: Signed artefacts (:meth:`Matcher.to_bytes`) start with this, then a 32-byte HMAC-SHA256.
SIGNED_MAGIC = b"ARBEIDSBRO-MATCHER-HMAC-SHA256\n"


class Persistence:
    """``save`` / ``load`` and the signed ``to_bytes`` / ``from_bytes`` of ``Matcher``."""

    def save(self, path, compress=3) -> None:
        """Write the fitted model with joblib, recording model and scikit-learn versions.

        ``path`` may be a filename or a binary file object (e.g. ``io.BytesIO`` for storing the
        artefact in a database).
        """
        check_is_fitted(self)
        header = {
            "format": SAVE_FORMAT,
            "model_version": self.model_version_,
            "sklearn_version": sklearn.__version__,
            "numpy_version": np.__version__,
            # Pickled separately so versions are checked before any estimator is unpickled.
            "payload": pickle.dumps(self, protocol=pickle.HIGHEST_PROTOCOL),
        }
        joblib.dump(header, path, compress=compress)

    def to_bytes(self, key: bytes) -> bytes:
        """The saved model, signed with HMAC-SHA256 under ``key`` (see :meth:`from_bytes`).

        Store this, not a bare :meth:`save`, wherever others could write: loading checks the
        signature before anything is unpickled.
        """
        buffer = io.BytesIO()
        self.save(buffer)
        blob = buffer.getvalue()
        return SIGNED_MAGIC + hmac.new(_check_key(key), blob, hashlib.sha256).digest() + blob

    @classmethod
    def from_bytes(cls, data: bytes, key: bytes) -> Matcher:
        """Load a model written by :meth:`to_bytes`, refusing it unless the signature matches.

        Raises
        ------
        TamperedModelError
            Not a signed artefact, or signed with another key, or changed after signing.
        ModelVersionError
            Signed, but written by another model or scikit-learn version.
        """
        data = bytes(data or b"")
        head = len(SIGNED_MAGIC)
        if not data.startswith(SIGNED_MAGIC) or len(data) < head + 32:
            raise TamperedModelError("model artefact: not signed (refusing to unpickle it)")
        mac, blob = data[head : head + 32], data[head + 32 :]
        expected = hmac.new(_check_key(key), blob, hashlib.sha256).digest()
        if not hmac.compare_digest(mac, expected):
            raise TamperedModelError(
                "model artefact: signature does not match (changed after signing, or signed "
                "with another key); refusing to unpickle it"
            )
        return cls.load(io.BytesIO(blob))

    @classmethod
    def load(cls, path) -> Matcher:
        """Read a model written by :meth:`save`.

        Raises
        ------
        ModelVersionError
            If it was written by another model version or scikit-learn version: refit instead.
        """
        if isinstance(path, (bytes, bytearray)):
            path = io.BytesIO(path)
        header = joblib.load(path)
        if not isinstance(header, dict) or header.get("format") != SAVE_FORMAT:
            raise ModelVersionError("path: not a matcher saved by Matcher.save")
        saved = (header.get("model_version"), header.get("sklearn_version"))
        current = (MODEL_VERSION, sklearn.__version__)
        if saved != current:
            raise ModelVersionError(
                f"model saved with model version {saved[0]} and scikit-learn {saved[1]}, but this "
                f"is model version {current[0]} with scikit-learn {current[1]}: refit the model "
                "(Matcher().fit(slots, candidates)) and save it again"
            )
        # A file the caller chose to load (tests, benches); artefacts from the database go
        # through from_bytes, which checks the HMAC before unpickling.
        matcher = pickle.loads(header["payload"])  # nosec B301
        if not isinstance(matcher, cls):
            raise ModelVersionError("path: the saved object is not a Matcher")
        return matcher


def _check_key(key) -> bytes:
    if not isinstance(key, (bytes, bytearray)) or len(key) < 16:
        raise ValueError("key must be at least 16 bytes")
    return bytes(key)
