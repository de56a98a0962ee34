"""The translation machinery and the zh catalog: complete, current, and in the glossary's terms.

What is extracted is what ``pybabel extract -F babel.cfg`` extracts (the same mapping file):
every message of the templates and of the Python code marked with ``gettext``/``N_``.
"""

from __future__ import annotations

import csv
import re
import threading
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from tutor import i18n

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "tutor" / "translations"
CATALOG = read_po((TRANSLATIONS / "zh_Hans" / "LC_MESSAGES" / "messages.po").open("rb"))
GLOSSARY = list(csv.DictReader((TRANSLATIONS / "glossary.tsv").open(), delimiter="\t"))
PLACEHOLDER = re.compile(r"%\((\w+)\)s|\{(\w+)\}")


def _extracted() -> dict[tuple[str | None, str], str]:
    """(context, msgid) → the file it comes from, as babel.cfg extracts them."""
    with (ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found = {}
    for path, _line, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map
    ):
        msgid = message if isinstance(message, str) else message[0]
        found[(context, msgid)] = path
    return found


EXTRACTED = _extracted()


def _forms(value: str | tuple) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


def _placeholders(text: str) -> set[str]:
    return {a or b for a, b in PLACEHOLDER.findall(text)}


def test_extraction_finds_the_templates_and_the_marked_python():
    paths = set(EXTRACTED.values())
    assert any(p.endswith("templates/index.html") for p in paths)
    assert any(p.endswith("examples.py") for p in paths)
    assert (None, "Explain a computation graph") in EXTRACTED


@pytest.mark.parametrize("key", sorted(EXTRACTED, key=str), ids=lambda k: k[1][:40])
def test_every_extracted_message_is_translated_with_the_same_placeholders(key):
    context, msgid = key
    entry = CATALOG.get(msgid, context=context)
    assert entry is not None, f"not in the zh catalog (run pybabel update): {msgid!r}"
    assert not entry.fuzzy, f"fuzzy: {msgid!r}"
    names = set().union(*map(_placeholders, _forms(entry.id)))  # a plural's forms together
    for translated in _forms(entry.string):
        assert translated.strip(), f"untranslated: {msgid!r}"
        assert _placeholders(translated) == names, msgid


def test_the_catalog_keeps_no_message_the_code_no_longer_has():
    kept = {(m.context, _forms(m.id)[0]) for m in CATALOG if m.id}
    assert kept <= set(EXTRACTED)


def _prose(text: str) -> str:
    """What a reader reads as words: code, markup and placeholders taken out."""
    return PLACEHOLDER.sub("", re.sub(r"<code>.*?</code>|<[^>]+>", "", text))


@pytest.mark.parametrize("row", GLOSSARY, ids=lambda r: r["english"])
def test_the_catalog_uses_the_glossarys_terms(row):
    words = "|".join(re.escape(w) for w in row["english"].split("|"))
    # "leaves out" is the verb, not the glossary's noun
    term = re.compile(rf"\b(?:{words})\b(?! out\b)", re.IGNORECASE)
    for entry in CATALOG:
        if entry.id and any(term.search(_prose(m)) for m in _forms(entry.id)):
            for translated in _forms(entry.string):
                assert row["chinese"] in translated, (row["english"], entry.id)


def test_the_glossary_has_the_tutorials_terms():
    chinese = {row["chinese"] for row in GLOSSARY}
    assert {"梯度", "叶子节点", "计算图", "链式法则", "反向传播", "雅可比", "要求梯度"} <= chinese


def test_a_message_translates_in_the_current_language_only():
    assert i18n.gettext("Explain a computation graph") == "Explain a computation graph"
    with i18n.using("zh"):
        assert i18n.gettext("Explain a computation graph") == "讲解一个计算图"
        assert i18n.translate_in_context("person", "Name") == "姓名"
        assert i18n.translate("Name") == "名称"
    assert i18n.current() == "en"


def test_plural_forms_come_from_the_catalog():
    one, many = "show this step", "show these %(count)s steps"
    assert i18n.translate_plural(one, many, 1) == one
    assert i18n.translate_plural(one, many, 3) == many
    with i18n.using("zh"):  # Chinese has one form (Plural-Forms: nplurals=1)
        assert i18n.translate_plural(one, many, 1) == i18n.translate_plural(one, many, 3)


def test_the_language_is_local_to_its_context():
    seen = []
    with i18n.using("zh"):
        worker = threading.Thread(target=lambda: seen.append(i18n.current()))
        worker.start()
        worker.join()
    assert seen == ["en"]  # another thread starts in the default language
