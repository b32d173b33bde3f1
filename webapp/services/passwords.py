"""Password policy and hashing (scrypt, through Werkzeug)."""

from __future__ import annotations

from functools import cache
from importlib import resources

from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash, generate_password_hash

MIN_LENGTH = 10
MAX_LENGTH = 128
HASH_METHOD = "scrypt"


@cache
def common_passwords() -> frozenset[str]:
    text = resources.files("webapp").joinpath("data/common_passwords.txt").read_text("utf-8")
    return frozenset(
        line.strip().lower()
        for line in text.splitlines()
        if line.strip() and not line.startswith("#")
    )


def password_problem(password: str, *, email: str = "") -> str | None:
    """Return why a password is refused, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return _l("Passordet må ha minst %(n)d tegn.", n=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _l("Passordet kan ha høyst %(n)d tegn.", n=MAX_LENGTH)
    lowered = password.lower()
    local_part = email.split("@", 1)[0].lower()
    if (
        lowered in common_passwords()
        or len(set(lowered)) <= 2
        or (len(local_part) >= 4 and local_part in lowered)
    ):
        return _l("Passordet er for vanlig eller lett å gjette. Velg et annet.")
    return None


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=HASH_METHOD)


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        # Same work as a real check, so response time does not tell which accounts exist.
        check_password_hash(_dummy_hash(), password)
        return False
    return check_password_hash(password_hash, password)


@cache
def _dummy_hash() -> str:
    return generate_password_hash("arbeidsbro-no-such-user", method=HASH_METHOD)
