"""Translations: the current language, and gettext with named placeholders and plurals.

The language is a context-local value (``contextvars``), so one request's choice never leaks
into another's, on threads or not. Catalogs are the gettext ``.po`` files under
``tutor/translations/<locale>/LC_MESSAGES/``: Babel reads one at its first use and compiles
it in memory (no ``.mo`` build output in the repository). English is the source language:
its messages are the msgids themselves.

Messages name their placeholders, ``gettext("{leaf} reaches {root}", leaf=..., root=...)``,
so a translation may put them in any order; translated fragments are never concatenated.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from functools import cache
from importlib.resources import files

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

DEFAULT = "en"
# the language codes users and the API pass (?lang=zh, "lang": "zh") → Babel's locale
LOCALES = {"en": "en", "zh": "zh_Hans"}
# the BCP 47 tag a page declares in <html lang>
HTML_TAGS = {"en": "en", "zh": "zh-Hans"}

_LANGUAGE: ContextVar[str] = ContextVar("language", default=DEFAULT)


def current() -> str:
    """The language of the running request or command (``"en"`` unless one was chosen)."""
    return _LANGUAGE.get()


def begin(language: str) -> Token[str]:
    """Speak ``language`` from now on; ``end`` with the token restores the one before."""
    return _LANGUAGE.set(language)


def end(token: Token[str]) -> None:
    """Speak again what was spoken before the ``begin`` that gave ``token``."""
    _LANGUAGE.reset(token)


@contextmanager
def using(language: str) -> Iterator[None]:
    """Speak ``language`` inside the block, then whatever was spoken before."""
    token = begin(language)
    try:
        yield
    finally:
        end(token)


def negotiate(tags: Iterable[str]) -> str:
    """The first supported language among ``tags`` (best first), else the default.

    A tag matches by its primary subtag, so every Chinese variant gets ``zh`` (Simplified
    Chinese, the one written catalog).

    >>> negotiate(["fr-CH", "zh-CN", "en"])
    'zh'
    >>> negotiate(["de"])
    'en'
    """
    for tag in tags:
        primary = tag.replace("_", "-").split("-")[0].lower()
        if primary in LOCALES:
            return primary
    return DEFAULT


@cache
def translations(language: str) -> NullTranslations:
    """The compiled catalog of ``language``; the source language translates to itself."""
    if language == DEFAULT:
        return NullTranslations()
    locale = LOCALES[language]
    po = files(__package__) / "translations" / locale / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as source:
        catalog = read_po(source, locale=locale)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)  # fuzzy entries are left out, as msgfmt does
    compiled.seek(0)
    return Translations(compiled)


def translate(message: str) -> str:
    """``message`` in the current language, placeholders left as they are."""
    return translations(current()).gettext(message)


def translate_plural(singular: str, plural: str, n: int) -> str:
    """The form of ``singular``/``plural`` the current language uses for ``n``."""
    return translations(current()).ngettext(singular, plural, n)


def translate_in_context(context: str, message: str) -> str:
    """``message`` in the current language, as meant in ``context`` (one English word, two
    meanings: a node's "Name", a student's "Name")."""
    return translations(current()).pgettext(context, message)


def gettext(message: str, **params: object) -> str:
    """``message`` translated, then its named placeholders filled.

    >>> gettext("{leaf} reaches {root}", leaf="x", root="L")
    'x reaches L'
    """
    return translate(message).format(**params)


def ngettext(singular: str, plural: str, n: int, **params: object) -> str:
    """The form for ``n`` translated, then its named placeholders filled (``n`` among them).

    >>> ngettext("{n} path", "{n} paths", 2)
    '2 paths'
    """
    return translate_plural(singular, plural, n).format(n=n, **params)


def sentences(first: str, *more: str) -> str:
    """Whole sentences one after another, as the current language sets them: a space between
    them in English, none after Chinese full stops.

    >>> sentences("One.", "Two.")
    'One. Two.'
    """
    said = first
    for sentence in more:
        said = gettext("{sentences} {sentence}", sentences=said, sentence=sentence)
    return said


def number(n: float) -> str:
    """A count or amount as the current language writes it in prose (grouping, decimal sign).

    >>> number(12345)
    '12,345'
    """
    return format_decimal(n, locale=LOCALES[current()])


def N_(message: str) -> str:  # the name gettext's extractors look for
    """Mark ``message`` for extraction where it is defined; translate it where it is shown."""
    return message
