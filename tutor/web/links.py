"""Shareable addresses of results: readable when short, packed when long, never stored.

A result is a pure function of its input, so its address carries the input itself. A short
one reads as it is (``/?expression=Y - x1*w1*w2&values=…``); a long program, which would
pass the 8 kB request line of gunicorn and most proxies, is packed into one ``z``
parameter: the fields as JSON, deflated, in URL-safe base64 (a 6.6 kB program takes about
2 kB). Unpacking is bounded, so a crafted ``z`` cannot inflate into a large input.
"""

from __future__ import annotations

import base64
import binascii
import json
import zlib

from ..jsonio import loads_strict
from .errors import RequestError

READABLE = 2_000  # characters of a link left readable; longer ones are packed
UNPACKED = 64 * 1024  # bytes a packed link may unpack to: the request size limit
FIELDS = frozenset({"program", "expression", "values", "requires_grad", "order"})


def pack(fields: dict[str, str]) -> str:
    """The fields as one URL-safe token.

    >>> unpack(pack({"program": "import torch\\n"}))
    {'program': 'import torch\\n'}
    """
    text = json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(zlib.compress(text, 9)).decode().rstrip("=")


def unpack(token: str) -> dict[str, str]:
    """The fields a token packs; a ``RequestError`` for anything that is not one."""
    try:
        data = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        inflate = zlib.decompressobj()
        text = inflate.decompress(data, UNPACKED)
        if inflate.unconsumed_tail or not inflate.eof:
            raise ValueError("too large or cut short")
        fields = loads_strict(text.decode())
    except (ValueError, binascii.Error, zlib.error, UnicodeDecodeError, RecursionError):
        fields = None
    whole = isinstance(fields, dict) and set(fields) <= FIELDS
    if not whole or not all(isinstance(v, str) for v in fields.values()):
        raise RequestError("invalid_link", "this link is damaged; paste the program again")
    return fields
