"""The zh_Hans catalog is complete, and Chinese is the default with English still available.

How the catalog is checked:

* ``locale/zh_Hans/LC_MESSAGES/django.po`` is read by a small parser in this
  module (standard library only), which reports untranslated, fuzzy and
  placeholder-mismatched entries.
* The msgids the code uses are collected by Django's own ``makemessages`` (it
  needs GNU gettext's ``xgettext``), run on a temporary copy of the source tree
  with ``--keep-pot``, so the real catalog is never touched. Every msgid of
  that template must be in the catalog.

Fix a failure by running ``python manage.py makemessages -l zh_Hans``,
translating the listed entries, and ``python manage.py compilemessages``.
"""

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from conftest import make_user

BASE_DIR = Path(settings.BASE_DIR)
CATALOG = BASE_DIR / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
FIX_HINT = "Run `python manage.py makemessages -l zh_Hans`, translate the entries, then `compilemessages`."
PLACEHOLDER_RE = re.compile(r"%\((\w+)\)[sdif]|\{(\w*)\}")
# The failure message lists at most this many msgids and then counts the rest.
LIST_LIMIT = 60


# --- a minimal .po reader ------------------------------------------------------------


class Entry:
    """One catalog entry: context, msgid, plural msgid, translations by index and flags."""

    def __init__(self):
        self.msgctxt = None
        self.msgid = None
        self.msgid_plural = None
        self.msgstr = {}
        self.flags = set()
        self.line = 0

    @property
    def key(self):
        return (self.msgctxt, self.msgid)

    @property
    def translated(self):
        return bool(self.msgstr) and all(self.msgstr.values())

    def text(self):
        context = f"[{self.msgctxt}] " if self.msgctxt else ""
        return f"{context}{self.msgid!r}"

    def label(self):
        return f"line {self.line}: {self.text()}"


def _unquote(text):
    return ast.literal_eval(text.strip())


def parse_po(text):
    """Return the entries of a .po file (obsolete ``#~`` entries and the header left out)."""
    entries = []
    entry = Entry()
    target = None

    def finish():
        if entry.msgid is not None and entry.msgid != "":
            entries.append(entry)

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#"):
            if entry.msgid is not None:
                finish()
                entry, target = Entry(), None
            if line.startswith("#,"):
                entry.flags.update(flag.strip() for flag in line[2:].split(","))
            continue
        keyword, _space, rest = line.partition(" ")
        if line.startswith('"'):
            value = _unquote(line)
            if target == "msgctxt":
                entry.msgctxt += value
            elif target == "msgid":
                entry.msgid += value
            elif target == "msgid_plural":
                entry.msgid_plural += value
            elif target is not None:
                entry.msgstr[target] += value
            continue
        if keyword in ("msgctxt", "msgid") and entry.msgid is not None:
            finish()
            entry, target = Entry(), None
        if keyword == "msgctxt":
            entry.msgctxt, target = _unquote(rest), "msgctxt"
        elif keyword == "msgid":
            entry.msgid, target, entry.line = _unquote(rest), "msgid", number
            entry.msgctxt = entry.msgctxt or None
        elif keyword == "msgid_plural":
            entry.msgid_plural, target = _unquote(rest), "msgid_plural"
        elif keyword == "msgstr":
            entry.msgstr[0], target = _unquote(rest), 0
        elif keyword.startswith("msgstr["):
            index = int(keyword[len("msgstr["):-1])
            entry.msgstr[index], target = _unquote(rest), index
    finish()
    return entries


def placeholders(text):
    return sorted(name for match in PLACEHOLDER_RE.finditer(text) for name in match.groups() if name is not None)


def listing(labels):
    shown = "\n  ".join(labels[:LIST_LIMIT])
    more = f"\n  … and {len(labels) - LIST_LIMIT} more" if len(labels) > LIST_LIMIT else ""
    return f"\n  {shown}{more}\n{FIX_HINT}"


def catalog_entries():
    assert CATALOG.is_file(), f"The catalog {CATALOG.relative_to(BASE_DIR)} does not exist. {FIX_HINT}"
    return parse_po(CATALOG.read_text(encoding="utf-8"))


# --- the reader itself ---------------------------------------------------------------------

SAMPLE_PO = r'''# header comment
msgid ""
msgstr ""
"Language: zh_Hans\n"

#: anhuan/a.py:1
msgid "Sign in"
msgstr "登录"

#, fuzzy, python-format
msgid "Row %(row)s: bad"
msgstr "第%(row)s行：错误"

msgctxt "warning level"
msgid "orange"
msgstr ""

msgid ""
"Two "
"lines \"quoted\""
msgstr ""
"两"
"行"

msgid "%(count)s enterprise"
msgid_plural "%(count)s enterprises"
msgstr[0] ""

#~ msgid "Old"
#~ msgstr "旧"
'''


def test_reader_finds_entries():
    assert [entry.msgid for entry in parse_po(SAMPLE_PO)] == [
        "Sign in", "Row %(row)s: bad", "orange", 'Two lines "quoted"', "%(count)s enterprise"
    ]


def test_reader_sees_fuzzy_flag():
    assert [("fuzzy" in entry.flags) for entry in parse_po(SAMPLE_PO)] == [False, True, False, False, False]


def test_reader_sees_untranslated():
    assert [entry.translated for entry in parse_po(SAMPLE_PO)] == [True, True, False, True, False]


def test_reader_keeps_context():
    assert parse_po(SAMPLE_PO)[2].key == ("warning level", "orange")


def test_reader_joins_continued_strings():
    assert parse_po(SAMPLE_PO)[3].msgstr[0] == "两行"


def test_placeholders_found():
    assert placeholders("Row %(row)s, column %(column)s, {name}") == ["column", "name", "row"]


# --- the catalog ---------------------------------------------------------------------------------


def test_catalog_has_no_untranslated_entries():
    untranslated = [entry.label() for entry in catalog_entries() if not entry.translated]
    assert not untranslated, f"{len(untranslated)} untranslated entries in {CATALOG.name}:" + listing(untranslated)


def test_catalog_has_no_fuzzy_entries():
    fuzzy = [entry.label() for entry in catalog_entries() if "fuzzy" in entry.flags]
    assert not fuzzy, f"{len(fuzzy)} fuzzy entries in {CATALOG.name}:" + listing(fuzzy)


def test_translations_keep_placeholders():
    wrong = [
        entry.label()
        for entry in catalog_entries()
        for text in entry.msgstr.values()
        if text and placeholders(text) != placeholders(entry.msgid)
    ]
    assert not wrong, f"{len(wrong)} translations change their %(name)s placeholders:" + listing(wrong)


def _copy_sources(target):
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo", "*.xlsx", "*.xls", "*.docx", "node_modules")
    shutil.copytree(BASE_DIR / "anhuan", target / "anhuan", ignore=ignore)
    if (BASE_DIR / "locale").is_dir():
        shutil.copytree(BASE_DIR / "locale", target / "locale", ignore=ignore)
    else:
        (target / "locale").mkdir()


def msgids_in_code(tmp_path):
    """Run makemessages on a copy of the sources and return the keys of the template it extracts."""
    assert shutil.which("xgettext"), "GNU gettext (xgettext) is required to collect msgids; install the gettext package."
    _copy_sources(tmp_path)
    environment = dict(os.environ, DJANGO_SETTINGS_MODULE="anhuan.settings_test", ANHUAN_VAR_DIR=str(tmp_path / "var"))
    # The copy must be the package Django imports, or makemessages would write into the real catalog.
    environment.pop("PYTHONPATH", None)
    result = subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "zh_Hans", "--keep-pot", "--no-location",
         "--ignore", "var/*"],
        cwd=tmp_path, env=environment, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, f"makemessages failed:\n{result.stderr}"
    template = tmp_path / "locale" / "django.pot"
    return {entry.key: entry for entry in parse_po(template.read_text(encoding="utf-8"))}


def test_code_msgids_are_in_catalog(tmp_path):
    used = msgids_in_code(tmp_path)
    known = {entry.key for entry in catalog_entries()}
    missing = sorted(used[key].text() for key in used.keys() - known)
    assert not missing, f"{len(missing)} msgids used in the code are missing from {CATALOG.name}:" + listing(missing)


def test_makemessages_copy_finds_known_msgid(tmp_path):
    # Proves that extraction reads templates and Python code: both msgids below exist in the sources.
    used = msgids_in_code(tmp_path)
    assert (None, "Sign in") in used
    assert (None, "Enterprise registered") in used


# --- languages --------------------------------------------------------------------------------------


def test_default_language_is_simplified_chinese():
    assert settings.LANGUAGE_CODE == "zh-hans"


def test_english_is_offered():
    assert "en" in dict(settings.LANGUAGES)


@pytest.mark.django_db
def test_page_without_preference_is_chinese(client):
    assert '<html lang="zh-hans">' in client.get(reverse("login")).content.decode()


@pytest.mark.django_db
def test_chinese_browser_gets_chinese(client):
    html = client.get(reverse("login"), headers={"accept-language": "zh-CN,zh;q=0.9"}).content.decode()
    assert '<html lang="zh-hans">' in html


@pytest.mark.django_db
def test_english_browser_gets_english(client):
    html = client.get(reverse("login"), headers={"accept-language": "en-US,en;q=0.9"}).content.decode()
    assert '<html lang="en">' in html
    assert "Sign in" in html


@pytest.mark.django_db
def test_language_switch_to_english(client):
    client.force_login(make_user("switcher", "environment"))
    client.post(reverse("set_language"), {"language": "en", "next": reverse("home")})
    html = client.get(reverse("home")).content.decode()
    assert '<html lang="en">' in html


@pytest.mark.django_db
def test_language_switch_back_to_chinese(client):
    client.force_login(make_user("switcher", "environment"))
    client.post(reverse("set_language"), {"language": "en"})
    client.post(reverse("set_language"), {"language": "zh-hans"})
    assert '<html lang="zh-hans">' in client.get(reverse("home")).content.decode()
