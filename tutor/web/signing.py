"""Signed worksheet links and try counters, made with the app's ``SECRET_KEY`` (itsdangerous).

A worksheet is its parameters (its numbers salted with a value derived from the key, so a
seed alone does not make the sheet), so a link is the parameters in the query string plus ``sig``,
an HMAC of them: the teacher's link (sheet, key and steps) and the student's link (sheet and
answer boxes, the reveal setting fixed) are signed with different salts, so neither signature
opens the other page, and changing any parameter (say ``reveal=never`` to ``always``) breaks
it. The service stays stateless: nothing is stored, a signature is checked on every request.

A try counter is a signed token the server hands back with each check of a student's answer:
which sheet and box it counts for, how many wrong tries, and a digest of the last wrong
answer (checking the same wrong answer again is not another try). The client keeps it; it
can replay an older one (fewer tries) but not make one with more.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, Signer, URLSafeSerializer

from .. import i18n
from ..errors import TutorError
from ..i18n import N_

TEACHER, STUDENT = "teacher", "student"
MAX_TOKEN = 512  # characters of a try counter: the few fields it holds take ~150
_ORDER = ("seed", "problems", "level", "version", "reveal")


class Forbidden(TutorError):
    """A link or a token that this service did not sign (403)."""

    status = 403


UNSIGNED = {
    TEACHER: N_(
        "this teacher link is not signed by this site, or was changed after it was: ask the "
        "teacher for the link again"
    ),
    STUDENT: N_(
        "this student link is not signed by this site, or was changed after it was: ask the "
        "teacher for the link again"
    ),
}


def sheet_salt() -> str:
    """The service's own salt for a sheet's numbers, derived from ``SECRET_KEY``: without it
    a seed does not make the sheet, so a student who reads the seed cannot make the key."""
    key = current_app.config["SECRET_KEY"]
    key = key.encode() if isinstance(key, str) else key
    return hmac.new(key, b"gradtutor worksheet numbers", hashlib.sha256).hexdigest()


def _canonical(params: dict) -> bytes:
    return "&".join(f"{name}={params[name]}" for name in _ORDER).encode()


def _signer(role: str) -> Signer:
    return Signer(current_app.config["SECRET_KEY"], salt=f"gradtutor worksheet {role} link")


def sign(params: dict, role: str) -> str:
    """The signature of a worksheet's parameters for the ``role`` link."""
    return _signer(role).get_signature(_canonical(params)).decode()


def require(params: dict, role: str, sig: object) -> None:
    """Refuse (403) unless ``sig`` is the ``role`` signature of ``params``."""
    good = isinstance(sig, str) and sig.isascii() and len(sig) < MAX_TOKEN
    if not (good and _signer(role).verify_signature(_canonical(params), sig.encode())):
        raise Forbidden("bad_signature", i18n.translate(UNSIGNED[role]))


@dataclass(frozen=True)
class Tries:
    """Wrong tries at one box of one sheet, and the last wrong answer's digest."""

    count: int = 0
    last: str = ""

    def after(self, answer: str, correct: bool) -> Tries:
        """The count after checking ``answer``: a new wrong answer is one more try."""
        mine = digest(answer)
        if correct or mine == self.last:
            return self
        return Tries(self.count + 1, mine)


def digest(answer: str) -> str:
    """A short fingerprint of an answer (spacing ignored), so the token need not carry it."""
    return hashlib.sha256("".join(answer.split()).encode()).hexdigest()[:16]


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="gradtutor worksheet tries")


def tries_token(params: dict, box: str, tries: Tries) -> str:
    """The signed counter for ``box`` of the sheet ``params``."""
    payload = {"w": _canonical(params).decode(), "b": box, "n": tries.count, "a": tries.last}
    return _serializer().dumps(payload)


def read_tries(params: dict, box: str, token: object) -> Tries:
    """The counter a token carries; none yet for an empty token; 403 for a forged or foreign one."""
    if token in (None, ""):
        return Tries()
    try:
        if not isinstance(token, str) or len(token) > MAX_TOKEN:
            raise BadSignature("not a token")
        data = _serializer().loads(token)
    except BadSignature:
        data = None
    mine = isinstance(data, dict) and data.get("w") == _canonical(params).decode()
    if not (mine and data.get("b") == box and isinstance(data.get("n"), int)):
        changed = i18n.gettext("this try counter belongs to another box or was changed")
        raise Forbidden("bad_token", changed)
    return Tries(data["n"], str(data.get("a", "")))
