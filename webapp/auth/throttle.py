"""Login throttling per account, with exponential back-off, on top of the per-address limit.

Counters live in the rate limiter's storage: Redis when ``REDIS_URL`` is set, so every worker on
every machine counts together; memory in the demo. After ``ACCOUNT_FAILURES`` wrong passwords
within ``ACCOUNT_WINDOW_SECONDS`` the account is locked for 1, 2, 4 … (at most 15) minutes, but
only for the addresses that failed on it: a colleague at another address who knows the password
still gets in, so one person cannot lock a shared office out. Everyone else gets one guess per
lock period per address, which keeps guessing across many addresses slow.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from flask import current_app

from webapp.extensions import limiter

ACCOUNT_FAILURES = 5
ACCOUNT_WINDOW_SECONDS = 15 * 60
FIRST_LOCK_SECONDS = 60
MAX_LOCK_SECONDS = 15 * 60


def _digest(value: str) -> str:
    # Keys never hold an e-mail address in clear text (Redis may be shared or dumped).
    return hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]


def _key(*parts: str) -> str:
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX") or ""
    return ":".join([prefix, "login", *parts])


@dataclass(frozen=True)
class Verdict:
    """Whether to check the password at all, and if not, for how many seconds to wait."""

    retry_after: int = 0

    @property
    def refused(self) -> bool:
        return self.retry_after > 0


def check(email: str, address: str) -> Verdict:
    """Refuse, without looking at the password, an address that failed on a locked account."""
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return Verdict()
    storage = limiter.storage
    account = _digest(email)
    lock = _key("lock", account)
    if storage.get(lock) <= 0 or storage.get(_key("failed", account, address)) <= 0:
        return Verdict()
    return Verdict(retry_after=max(1, int(storage.get_expiry(lock) - time.time())))


def failed(email: str, address: str) -> int:
    """Count a wrong password; returns the lock in seconds it caused (0 when none)."""
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return 0
    storage = limiter.storage
    account = _digest(email)
    storage.incr(_key("failed", account, address), ACCOUNT_WINDOW_SECONDS)
    failures = storage.incr(_key("failures", account), ACCOUNT_WINDOW_SECONDS)
    if failures < ACCOUNT_FAILURES:
        return 0
    seconds = min(FIRST_LOCK_SECONDS * 2 ** (failures - ACCOUNT_FAILURES), MAX_LOCK_SECONDS)
    lock = _key("lock", account)
    storage.clear(lock)
    storage.incr(lock, seconds)
    return seconds


def succeeded(email: str, address: str) -> None:
    """The right password: this address starts afresh, and the account too unless it is locked
    (a colleague logging in elsewhere must not give a guesser a fresh set of tries)."""
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return
    storage = limiter.storage
    account = _digest(email)
    storage.clear(_key("failed", account, address))
    if storage.get(_key("lock", account)) <= 0:
        storage.clear(_key("failures", account))
