"""`make i18n`: extract src/cpms/locales/cpms.pot and sync the languages' .po files.

i18ndude (Plone's own tool) extracts the messages: page templates
(``i18n:translate``, ``i18n:attributes``), ZCML titles and Python ``_()`` calls
of ``from cpms import _`` (the ``cpms`` message factory). polib then merges the
template into ``locales/<lang>/LC_MESSAGES/cpms.po`` (what ``i18ndude sync``
does) and writes ``cpms.mo`` next to it.

Idempotent on purpose, because several people run it on one tree and commit
the catalogues: references keep their file but not their line (a line moved by
someone else's edit would change every catalogue), the headers' dates change
only when the messages do, and a file is written only when it changes.

Usage: ``python scripts/i18n.py`` (from the repository root), or
``--check`` to fail (exit 1) when the catalogues are not up to date.
"""

import argparse
import subprocess
import sys
import tempfile
from datetime import UTC
from datetime import datetime
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "cpms"
LOCALES = PACKAGE / "locales"
DOMAIN = "cpms"
POT = LOCALES / f"{DOMAIN}.pot"
# The portal's languages besides English (the msgids). Adding one: docs/i18n.md.
LANGUAGES = ("de", "fr", "it", "es", "nl", "pl")
LANGUAGE_NAMES = {
    "de": "Deutsch",
    "fr": "Français",
    "it": "Italiano",
    "es": "Español",
    "nl": "Nederlands",
    "pl": "Polski",
}
PLURAL_FORMS = {
    "de": "nplurals=2; plural=(n != 1);",
    "fr": "nplurals=2; plural=(n > 1);",
    "it": "nplurals=2; plural=(n != 1);",
    "es": "nplurals=2; plural=(n != 1);",
    "nl": "nplurals=2; plural=(n != 1);",
    "pl": (
        "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && "
        "(n%100<10 || n%100>=20) ? 1 : 2);"
    ),
}
# Never extracted: the demo's fictional content is not UI, the locales are output.
EXCLUDE = ("locales",)
PROFILES = ROOT / "profiles"
I18N_NS = "{http://xml.zope.org/namespaces/i18n}"


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M+0000")


def _entry_key(entry: polib.POEntry) -> tuple[str, str]:
    return (entry.msgctxt or "", entry.msgid)


def _signature(catalogue: polib.POFile) -> list:
    """What a catalogue says, without its dates: compared to skip rewrites."""
    return [
        (
            _entry_key(entry),
            entry.msgstr,
            tuple(sorted(entry.msgstr_plural.items())),
            tuple(entry.occurrences),
            entry.comment,
            tuple(entry.flags),
            entry.obsolete,
        )
        for entry in catalogue
    ] + [sorted((k, v) for k, v in catalogue.metadata.items() if "Date" not in k)]


def _profile_messages() -> dict[str, set[str]]:
    """GenericSetup texts of our domain: ``i18n:translate`` and ``i18n:attributes``.

    i18ndude reads templates, ZCML and Python only; type titles, actions and
    control-panel titles in profiles/ are translated by Plone in the domain
    their XML names, so they belong in the catalogue too.
    """
    import xml.etree.ElementTree as ET

    found: dict[str, set[str]] = {}

    def walk(element, domain, path):
        domain = element.get(f"{I18N_NS}domain", domain)
        if domain == DOMAIN:
            if element.get(f"{I18N_NS}translate") is not None and element.text:
                text = " ".join(element.text.split())
                if text:
                    found.setdefault(text, set()).add(path)
            for name in (element.get(f"{I18N_NS}attributes") or "").split(";"):
                value = element.get(name.strip()) if name.strip() else None
                if value:
                    found.setdefault(" ".join(value.split()), set()).add(path)
        for child in element:
            walk(child, domain, path)

    for xml in sorted(PROFILES.rglob("*.xml")):
        try:
            root = ET.parse(xml).getroot()  # noqa: S314 - the repository's own profiles
        except ET.ParseError:
            continue
        walk(root, None, "cpms/" + str(xml.relative_to(ROOT)))
    return found


def extract() -> polib.POFile:
    """The template as i18ndude extracts it, references without line numbers."""
    with tempfile.TemporaryDirectory() as tmp:
        pot_path = Path(tmp) / f"{DOMAIN}.pot"
        command = [
            str(Path(sys.executable).parent / "i18ndude"),
            "rebuild-pot",
            "--pot",
            str(pot_path),
            "--create",
            DOMAIN,
            "--exclude",
            " ".join(EXCLUDE),
            str(PACKAGE),
        ]
        subprocess.run(command, check=True, capture_output=True, text=True)
        # i18ndude's banner lines ("#--- PLEASE EDIT ...", "#SOME DESCRIPTIVE
        # TITLE.") are not gettext syntax.
        text = "\n".join(
            line
            for line in pot_path.read_text(encoding="utf-8").splitlines()
            if not line.startswith("#") or line[1:2] in (":", ".", ",", " ", "|")
        )
        extracted = polib.pofile(text, wrapwidth=0)
    pot = polib.POFile(wrapwidth=0)
    pot.metadata = {
        "Project-Id-Version": "cpms",
        "POT-Creation-Date": _now(),
        "PO-Revision-Date": _now(),
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=utf-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": "nplurals=1; plural=0;",
        "Language-Code": "en",
        "Language-Name": "English",
        "Preferred-Encodings": "utf-8",
        "Domain": DOMAIN,
    }
    known = {_entry_key(entry): entry for entry in extracted}
    for msgid, paths in _profile_messages().items():
        entry = known.get(("", msgid))
        if entry is None:
            entry = polib.POEntry(msgid=msgid, msgstr="")
            extracted.append(entry)
            known[("", msgid)] = entry
        entry.occurrences.extend((path, "") for path in paths)
    for entry in sorted(extracted, key=_entry_key):
        files = sorted({path for path, _line in entry.occurrences})
        entry.occurrences = [(path, "") for path in files]
        entry.msgstr = ""
        pot.append(entry)
    return pot


def sync(pot: polib.POFile, language: str) -> polib.POFile:
    """The language's catalogue with exactly the template's messages."""
    path = LOCALES / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    old = polib.pofile(str(path), wrapwidth=0) if path.exists() else None
    translated = {}
    if old is not None:
        translated = {_entry_key(entry): entry for entry in old if not entry.obsolete}
    po = polib.POFile(wrapwidth=0)
    po.metadata = {
        "Project-Id-Version": "cpms",
        "POT-Creation-Date": pot.metadata["POT-Creation-Date"],
        "PO-Revision-Date": _now(),
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=utf-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": PLURAL_FORMS[language],
        "Language-Code": language,
        "Language-Name": LANGUAGE_NAMES[language],
        "Preferred-Encodings": "utf-8",
        "Domain": DOMAIN,
    }
    for template in pot:
        entry = polib.POEntry(
            msgid=template.msgid,
            msgctxt=template.msgctxt,
            occurrences=list(template.occurrences),
            comment=template.comment,
            flags=[flag for flag in template.flags if flag != "fuzzy"],
        )
        known = translated.get(_entry_key(template))
        if known is not None:
            entry.msgstr = known.msgstr
            entry.tcomment = known.tcomment
        po.append(entry)
    if old is not None and _signature(old) == _signature(po):
        return old
    return po


def _write(catalogue: polib.POFile, path: Path, old_signature) -> bool:
    if old_signature is not None and old_signature == _signature(catalogue):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    catalogue.save(str(path))
    return True


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if not up to date")
    args = parser.parse_args(argv)

    pot = extract()
    old_pot = polib.pofile(str(POT), wrapwidth=0) if POT.exists() else None
    stale = []
    if old_pot is not None and _signature(old_pot) == _signature(pot):
        pot = old_pot  # unchanged: keep its dates
    elif args.check:
        stale.append(POT)
    else:
        _write(pot, POT, None)
    for language in LANGUAGES:
        path = LOCALES / language / "LC_MESSAGES" / f"{DOMAIN}.po"
        old = polib.pofile(str(path), wrapwidth=0) if path.exists() else None
        po = sync(pot, language)
        if old is not None and _signature(po) == _signature(old):
            pass
        elif args.check:
            stale.append(path)
            continue
        else:
            _write(po, path, None)
        if not args.check:
            mo = path.with_suffix(".mo")
            if not mo.exists() or mo.stat().st_mtime < path.stat().st_mtime:
                po.save_as_mofile(str(mo))
    if stale:
        print("Out of date (run `make i18n`):", *map(str, stale), sep="\n  ")
        return 1
    missing = {
        language: sum(
            1
            for entry in polib.pofile(
                str(LOCALES / language / "LC_MESSAGES" / f"{DOMAIN}.po")
            )
            if not entry.msgstr and not entry.obsolete
        )
        for language in LANGUAGES
    }
    print(
        f"{len(pot)} messages in {POT.relative_to(ROOT)}; untranslated: "
        + ", ".join(f"{lang} {count}" for lang, count in missing.items())
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
