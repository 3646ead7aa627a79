"""Review: monitor and admin accounts: argon2-hashed passwords, a language preference, no deletion
(a disabled account keeps its name on the decisions it made)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ..storage.store import Store, utc_now

ROLES = ("monitor", "admin")
LANGUAGES = ("ru", "en", "kk")
USERNAME_RE = re.compile(r"^[A-Za-z0-9_.@-]{2,64}$")
MIN_PASSWORD_LENGTH = 8

_hasher = PasswordHasher()
# Verifying against this when the user is unknown keeps login time the same either way.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


class UserError(ValueError):
    pass


@dataclass(frozen=True)
class User:
    id: int
    username: str
    role: str
    lang: str
    disabled: bool
    session_gen: int = 0   # a session cookie made under another generation is no longer accepted

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def _user(row: dict) -> User:
    return User(row["id"], row["username"], row["role"], row["lang"], bool(row["disabled"]), row["session_gen"])


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"password: at least {MIN_PASSWORD_LENGTH} characters")


def add_user(store: Store, username: str, password: str, role: str = "monitor", lang: str = "ru") -> User:
    if not USERNAME_RE.match(username):
        raise UserError("username: 2-64 characters, letters, digits and _ . @ - only")
    _check_password(password)
    if role not in ROLES or lang not in LANGUAGES:
        raise UserError(f"role must be one of {ROLES}, language one of {LANGUAGES}")
    if store.db.execute("SELECT 1 FROM users WHERE username = ?", [username]).fetchone():
        raise UserError(f"user {username!r} already exists")
    with store.db.atomic():
        user_id = store.db["users"].insert({
            "username": username, "password_hash": _hasher.hash(password), "role": role,
            "lang": lang, "disabled": 0, "created_at": utc_now()}).last_pk
    return get_user(store, user_id)


def get_user(store: Store, user_id: int) -> User | None:
    rows = store.db.execute_returning_dicts("SELECT * FROM users WHERE id = ?", [user_id])
    return _user(rows[0]) if rows else None


def list_users(store: Store) -> list[User]:
    return [_user(row) for row in store.db.execute_returning_dicts("SELECT * FROM users ORDER BY username")]


def set_disabled(store: Store, username: str, disabled: bool = True) -> None:
    """Disable (or re-enable) an account; disabling also ends its open sessions."""
    with store.db.atomic():
        cursor = store.db.execute("UPDATE users SET disabled = ?, session_gen = session_gen + ? WHERE username = ?",
                                  [int(disabled), int(disabled), username])
    if cursor.rowcount == 0:
        raise UserError(f"no user {username!r}")


def set_password(store: Store, username: str, password: str) -> None:
    """A new password; every session signed in with the old one ends."""
    _check_password(password)
    with store.db.atomic():
        cursor = store.db.execute(
            "UPDATE users SET password_hash = ?, session_gen = session_gen + 1 WHERE username = ?",
            [_hasher.hash(password), username])
    if cursor.rowcount == 0:
        raise UserError(f"no user {username!r}")


def end_sessions(store: Store, user_id: int) -> None:
    """Sign the user out everywhere: logout revokes the cookie at once, not after its 12 hours."""
    with store.db.atomic():
        store.db.execute("UPDATE users SET session_gen = session_gen + 1 WHERE id = ?", [user_id])


def set_language(store: Store, user_id: int, lang: str) -> None:
    if lang not in LANGUAGES:
        raise UserError(f"language must be one of {LANGUAGES}")
    with store.db.atomic():
        store.db.execute("UPDATE users SET lang = ? WHERE id = ?", [lang, user_id])


def authenticate(store: Store, username: str, password: str) -> User | None:
    """The active user with this name and password, or None."""
    rows = store.db.execute_returning_dicts("SELECT * FROM users WHERE username = ?", [username])
    try:
        if not rows:
            _hasher.verify(_DUMMY_HASH, password)
            return None
        _hasher.verify(rows[0]["password_hash"], password)
    except (VerificationError, InvalidHashError):
        return None
    user = _user(rows[0])
    return None if user.disabled else user
