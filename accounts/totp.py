"""Time-based one-time passwords (RFC 6238): 6 digits, 30-second steps, SHA-1, as every
authenticator app expects. Pure functions: no database, no Flask.

A code is accepted for the current step and one step either side (clock drift of up to 30 s,
ASVS 6.5.5), and only for a step later than the last one accepted, so a code works once
(ASVS 6.5.1)."""
from __future__ import annotations

import hmac
import io
import unicodedata
from datetime import UTC, datetime

import pyotp
import segno

DIGITS = 6
STEP_SECONDS = 30
WINDOW = 1  # steps accepted either side of the current one
ISSUER = "Lectern"


def new_secret() -> str:
    """A random 160-bit secret, base32 (32 characters), as RFC 4226 recommends."""
    return pyotp.random_base32(32)


def time_step(now: datetime) -> int:
    """The RFC 6238 counter for ``now``, a naive UTC datetime as ``core.models.utcnow`` gives."""
    return int(now.replace(tzinfo=UTC).timestamp()) // STEP_SECONDS


def code_at(secret: str, step: int) -> str:
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).generate_otp(step)


def normalise(code: str | None) -> str:
    """The digits the user typed, without the spaces some apps show inside the code; full-width
    digits (typed with an East Asian input method) become ASCII ones."""
    return "".join(unicodedata.normalize("NFKC", code or "").split())


def matching_step(secret: str, code: str | None, *, now: datetime, after: int | None = None) -> int | None:
    """The time step whose code is ``code`` within the window around ``now`` and later than
    ``after`` (the last step accepted), or None when the code is wrong, expired or replayed."""
    code = normalise(code)
    if len(code) != DIGITS or not (code.isascii() and code.isdigit()):  # other scripts' digits: a wrong code
        return None
    current = time_step(now)
    for step in range(current - WINDOW, current + WINDOW + 1):
        if (after is None or step > after) and hmac.compare_digest(code_at(secret, step), code):
            return step
    return None


def provisioning_uri(secret: str, account: str) -> str:
    """The ``otpauth://`` address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).provisioning_uri(name=account,
                                                                                     issuer_name=ISSUER)


def grouped(secret: str) -> str:
    """The secret in groups of four, easier to type by hand."""
    return " ".join(secret[index:index + 4] for index in range(0, len(secret), 4))


def qr_svg(uri: str) -> bytes:
    """The QR code of ``uri`` as a standalone SVG document (no script, no inline style)."""
    buffer = io.BytesIO()
    segno.make(uri, error="m", micro=False).save(buffer, kind="svg", scale=5, border=4, dark="#000",
                                                 light="#fff", title=ISSUER)
    return buffer.getvalue()
