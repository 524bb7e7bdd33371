"""Every text of the ``sir-format`` command line, in Swedish and English.

One table, :data:`TEXTS`: a key names a text, its value holds the Swedish and the English
wording (``str.format`` placeholders, the same in both). :data:`ARGPARSE` translates the
texts that :mod:`argparse` writes itself (usage headings, its error messages) into Swedish.

The language of a run is chosen before any parser exists, because ``--help`` is printed while
the arguments are parsed: ``--lang en`` or ``--lang=en`` anywhere on the command line, else
the environment variable ``SIR_FORMAT_LANG``, else Swedish (:func:`choose_language`).
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from sir_format.validation.catalog import LANGUAGES

__all__ = [
    "ARGPARSE",
    "ENV_LANG",
    "LANGUAGES",
    "TEXTS",
    "argparse_language",
    "choose_language",
    "current_language",
    "language",
    "text",
]


ENV_LANG = "SIR_FORMAT_LANG"
"""Environment variable with the default language (``sv`` or ``en``)."""

TEXTS: Mapping[str, tuple[str, str]] = {
    # --- the program and its errors
    "prog.description": (
        "Läs, konvertera och kontrollera SIR-rapportfiler (XML och JSON).",
        "Read, convert and check SIR report files (XML and JSON).",
    ),
    "prog.version": ("visa versionen och avsluta", "show the version and exit"),
    "prog.debug": (
        "visa hela felspårningen vid ett internt fel",
        "show the traceback of an internal error",
    ),
    "prog.lang": (
        "språk för texter och meddelanden (standard: sv, eller {env})",
        "language of texts and messages (default: sv, or {env})",
    ),
    "prog.commands": ("kommandon", "commands"),
    "error.prefix": ("fel", "error"),
    "error.see_help": ("se '{prog} --help'", "see '{prog} --help'"),
    "error.interrupted": ("avbrutet", "interrupted"),
    "error.internal": (
        "internt fel: {kind}: {detail} (kör igen med --debug)",
        "internal error: {kind}: {detail} (rerun with --debug)",
    ),
    "error.env_lang": (
        "{env}={value!r} är inget känt språk; välj {choices}",
        "{env}={value!r} is not a known language; choose {choices}",
    ),
    "error.count": (
        "förväntade ett antal >= 0, fick {value!r}",
        "expected a count >= 0, got {value!r}",
    ),
    "error.positive": (
        "förväntade ett heltal >= 1, fick {value!r}",
        "expected a whole number >= 1, got {value!r}",
    ),
    "error.cannot_read": ("kan inte läsa {name}: {reason}", "cannot read {name}: {reason}"),
    "error.cannot_read_unit": (
        "kan inte läsa enhetsdeklarationen {name}: {reason}",
        "cannot read the unit declaration {name}: {reason}",
    ),
    "error.nul_name": (
        "kan inte använda {name!r} som filnamn: det innehåller en NUL-byte",
        "cannot use {name!r} as a file name: it contains a NUL byte",
    ),
    "error.same_file": (
        "utdatafilen {output!r} är samma fil som indatafilen {name!r}; välj en annan utdatafil",
        "the output {output!r} is the same file as the input {name!r}; choose another output file",
    ),
    "error.unknown_extension": (
        "kan inte avgöra formatet för {role} {name!r} av filändelsen (kända: {known}); "
        "ange --{option}",
        "cannot tell the format of {role} {name!r} from its extension (known: {known}); "
        "use --{option}",
    ),
    "role.input": ("indata", "input"),
    "role.output": ("utdata", "output"),
    "error.stdout_needs_to": (
        "utskrift till standard ut kräver --to xml eller --to json",
        "writing to stdout needs --to xml or --to json",
    ),
    "error.unknown_content": (
        "kan inte avgöra formatet: indata börjar varken med '<' eller '{{'",
        "cannot tell the format: the input starts with neither '<' nor '{{'",
    ),
    "error.no_match": ("inga filer matchar {pattern!r}", "no file matches {pattern!r}"),
    "error.no_reports": (
        "mappen {name} innehåller inga .xml- eller .json-filer",
        "the folder {name} holds no .xml or .json files",
    ),
    "error.unknown_rules": ("okända regelkoder: {codes}", "unknown rule code(s): {codes}"),
    "error.where": ("vid {where}", "at {where}"),
    "error.line": ("rad {line}", "line {line}"),
    "error.column": ("kolumn {column}", "column {column}"),
    # --- reasons of operating-system errors, by errno name
    "os.ENOENT": ("filen eller mappen finns inte", "No such file or directory"),
    "os.EACCES": ("åtkomst nekad", "Permission denied"),
    "os.EPERM": ("åtgärden är inte tillåten", "Operation not permitted"),
    "os.EISDIR": ("är en mapp", "Is a directory"),
    "os.ENOTDIR": ("en del av sökvägen är inte en mapp", "Not a directory"),
    "os.ENOSPC": ("disken är full", "No space left on device"),
    "os.EROFS": ("filsystemet är skrivskyddat", "Read-only file system"),
    "os.ENAMETOOLONG": ("namnet är för långt", "File name too long"),
    "os.ELOOP": ("för många symboliska länkar", "Too many levels of symbolic links"),
    "os.EEXIST": ("filen finns redan", "File exists"),
    # --- convert and schema
    "convert.help": (
        "konvertera en rapport mellan XML och JSON",
        "convert a report between XML and JSON",
    ),
    "convert.input": (
        "rapportfil (.xml eller .json), eller - för standard in",
        "report file (.xml or .json), or - for stdin",
    ),
    "convert.output": (
        "fil att skriva, eller - för standard ut",
        "file to write, or - for stdout",
    ),
    "convert.from": (
        "indataformat (standard: av filändelsen; för standard in: av innehållet)",
        "input format (default: from the extension; for stdin, from the content)",
    ),
    "convert.to": (
        "utdataformat (standard: av filändelsen; krävs för standard ut)",
        "output format (default: from the extension; required for stdout)",
    ),
    "convert.pretty": ("indentera JSON-utdata", "indent JSON output"),
    "schema.help": (
        "skriv ut XML-schemat eller JSON-schemat",
        "print the XML Schema or the JSON Schema",
    ),
    "schema.xsd": ("skriv ut XML-schemat (XSD)", "print the XML Schema (XSD)"),
    "schema.json": (
        "skriv ut JSON-schemat (draft 2020-12)",
        "print the JSON Schema (draft 2020-12)",
    ),
    "testdata.help": (
        "skapa testdata: giltiga och felaktiga rapporter, korpusar, stora filer",
        "make test data: valid and invalid reports, corpora, large files",
    ),
    "testdata.actions": ("underkommandon", "actions"),
    "testdata.action": ("vad som ska skapas", "what to make"),
    "coverage.help": (
        "visa vilka regelkoder de felaktiga rapporterna når, och varför resten inte nås",
        "show which rule codes the invalid reports reach, and why the others are not reached",
    ),
    "coverage.lang": ("språk för texterna", "language of the texts"),
    "coverage.format": ("utdataformat", "output format"),
    "coverage.column.code": ("Regelkod", "Code"),
    "coverage.column.layer": ("Lager", "Layer"),
    "coverage.column.severity": ("Allvarlighetsgrad", "Severity"),
    "coverage.column.title": ("Regel", "Rule"),
    "coverage.column.how": ("Defekter eller skäl", "Defects or reason"),
    "coverage.not_generatable": ("kan inte genereras: {reason}", "not generatable: {reason}"),
    "coverage.gap": (
        "SAKNAS: ingen defekt och inget skäl",
        "MISSING: no defect and no reason",
    ),
    "coverage.summary": (
        "{total} koder: {covered} med defekter, {listed} som inte kan genereras, {gaps} saknas",
        "{total} codes: {covered} with defects, {listed} not generatable, {gaps} missing",
    ),
    "anonymize.help": (
        "gör en avidentifierad kopia av en rapportfil, att dela med leverantör eller support",
        "make an anonymised copy of a report file, to share with a vendor or support",
    ),
    "anonymize.input": (
        "rapportfilen (XML eller JSON; - för standard in)",
        "the report file (XML or JSON; - for stdin)",
    ),
    "anonymize.output": (
        "kopian, i samma format som indata (- för standard ut)",
        "the copy, in the format of the input (- for stdout)",
    ),
    "anonymize.key": (
        "den hemliga nyckeln (minst {length} byte); samma nyckel ger samma pseudonymer i "
        "alla filer. Hellre --key-file eller {env}, så att nyckeln inte hamnar i skalets historik",
        "the secret key (at least {length} bytes); the same key gives the same pseudonyms in "
        "every file. Prefer --key-file or {env}, so that the key stays out of the shell history",
    ),
    "anonymize.key_file": (
        "läs nyckeln från filen (avslutande radbrytning tas bort)",
        "read the key from the file (a trailing newline is dropped)",
    ),
    "anonymize.shift_birth_date": (
        "förskjut varje persons födelsedatum (i numret och i Födelsedatum)",
        "shift each person's birth date (in the number and in Födelsedatum)",
    ),
    "anonymize.change_sex": (
        "välj kön per person med nyckeln (i numret och i Kön)",
        "choose each person's sex with the key (in the number and in Kön)",
    ),
    "anonymize.shift_dates": (
        "förskjut alla datum och tider i en persons vårdtillfällen med en förskjutning per person",
        "shift every date and time of a person's episodes by one offset per person",
    ),
    "anonymize.max_shift_days": (
        "största förskjutning i dygn, åt båda hållen",
        "largest shift in days, either way",
    ),
    "anonymize.replace_free_text": (
        "ersätt filhuvudets fritext (avdelningsnamn, system, leverantör)",
        "replace the free text of the header (department, system, vendor)",
    ),
    "anonymize.unit": (
        "enhetsdeklarationen som kopians fynd jämförs under (sir-enhet.toml)",
        "the unit declaration the copy's findings are compared under (sir-enhet.toml)",
    ),
    "anonymize.write_mapping": (
        "skriv kopplingen mellan verkliga och syntetiska nummer till filen (hemlig!)",
        "write the mapping from real to synthetic numbers to the file (secret!)",
    ),
    "anonymize.no_key": (
        "ingen nyckel: ange --key, --key-file eller miljövariabeln {env}",
        "no key: give --key, --key-file or the environment variable {env}",
    ),
    "anonymize.short_key": (
        "nyckeln är för kort: minst {length} byte krävs",
        "the key is too short: at least {length} bytes are needed",
    ),
    "anonymize.format_mismatch": (
        "kopian skrivs i indatas format ({source}), men {name!r} har filändelsen för {target}",
        "the copy is written in the input's format ({source}), but {name!r} has the extension "
        "of {target}",
    ),
    "anonymize.unshifted": (
        "{count} personers datum förskjuts inte: varje förskjutning som provades ändrade ett fynd",
        "the dates of {count} persons are not shifted: every offset tried changed a finding",
    ),
    # --- testdata generate
    "generate.help": (
        "skriv en korpus: giltiga och felaktiga rapporter med manifest.json, samma frö ger "
        "samma filer",
        "write a corpus: valid and invalid reports with manifest.json; the same seed gives "
        "the same files",
    ),
    "generate.valid": ("antal giltiga rapporter", "number of valid reports"),
    "generate.invalid": (
        "antal felaktiga rapporter per format, var och en med ett känt fel",
        "number of invalid reports per format, each with one known defect",
    ),
    "generate.defects": (
        "felkoder att dra felaktiga rapporter från, kommaseparerade (standard: alla)",
        "defect codes to draw invalid reports from, comma-separated (default: all)",
    ),
    "generate.format": (
        "format att skriva, kommaseparerade: xml, json eller xml,json",
        "formats to write, comma-separated: xml, json or xml,json",
    ),
    "generate.vardtyp": ("vårdtyp för varje vårdtillfälle", "vårdtyp of every episode"),
    "generate.unit": (
        "enhetsdeklaration (sir-enhet.toml) som rapporterna ska följa",
        "unit declaration (sir-enhet.toml) the reports follow",
    ),
    "generate.identity": (
        "källa till identitetsnummer: personnummer, samordningsnummer, reservnummer eller en "
        "fil med ett nummer per rad",
        "source of identity numbers: personnummer, samordningsnummer, reservnummer or a file "
        "with one number a line",
    ),
    "generate.reveal_identities": (
        "visa identitetsnummer omaskerade i manifestet",
        "show identity numbers unmasked in the manifest",
    ),
    "generate.seed": (
        "frö (heltal); samma frö och version ger samma filer, byte för byte",
        "seed (an integer); the same seed and version give the same files, byte for byte",
    ),
    "generate.out": (
        "katalog att skriva till; skapas om den saknas och måste vara tom",
        "directory to write to; created when missing, and must be empty",
    ),
    "generate.bad_seed": (
        "fröet måste vara ett heltal, fick {value!r}",
        "the seed must be an integer, got {value!r}",
    ),
    "generate.bad_format": (
        "okänt format i {value!r}; välj bland {choices}",
        "unknown format in {value!r}; choose from {choices}",
    ),
    "generate.out_not_empty": (
        "{out} är inte en tom katalog; välj en ny eller tom katalog",
        "{out} is not an empty directory; choose a new or empty one",
    ),
    "generate.nothing": (
        "inget att skriva: ange --valid N, --invalid M eller båda",
        "nothing to write: give --valid N, --invalid M or both",
    ),
    "coverage.needs_hypothesis": (
        "testdata coverage behöver Hypothesis: pip install 'sir-format[testing]'",
        "testdata coverage needs Hypothesis: pip install 'sir-format[testing]'",
    ),
    "generate.needs_hypothesis": (
        "testdata generate behöver Hypothesis: pip install 'sir-format[testing]'",
        "testdata generate needs Hypothesis: pip install 'sir-format[testing]'",
    ),
    "generate.refused": ("kan inte skapa korpusen: {reason}", "cannot make the corpus: {reason}"),
    "generate.done": (
        "skrev {n} fil och manifest.json till {out}|skrev {n} filer och manifest.json till {out}",
        "wrote {n} file and manifest.json to {out}|wrote {n} files and manifest.json to {out}",
    ),
    # --- testdata bulk
    "bulk.help": (
        "skriv en stor, realistisk rapportfil från ett slumpfrö",
        "write a large, realistic report file from a seed",
    ),
    "bulk.output": (
        "filen som ska skrivas (.xml eller .json), eller - för standard ut",
        "the file to write (.xml or .json), or - for standard output",
    ),
    "bulk.episodes": ("antal vårdtillfällen", "number of episodes"),
    "bulk.seed": (
        "slumpfrö: samma frö och samma version ger samma fil",
        "random seed: the same seed and the same version give the same file",
    ),
    "bulk.format": (
        "filformat (standard: filändelsen; xml för standard ut)",
        "file format (default: the file extension; xml for standard output)",
    ),
    "bulk.kind": (
        "typ av enhet: icu (alla vårdtyper utom IMA) eller ima",
        "kind of unit: icu (every vårdtyp but IMA) or ima",
    ),
    "bulk.identity": (
        "identitetsnummer: personnummer, samordningsnummer, reservnummer, eller en fil med "
        "ett personnummer eller samordningsnummer per rad",
        "identity numbers: personnummer, samordningsnummer, reservnummer, or a file with one "
        "personnummer or samordningsnummer a line",
    ),
    "bulk.start": (
        "första möjliga inskrivningsdag, ÅÅÅÅ-MM-DD",
        "first possible day of admission, YYYY-MM-DD",
    ),
    "bulk.end": (
        "sista möjliga inskrivningsdag, ÅÅÅÅ-MM-DD",
        "last possible day of admission, YYYY-MM-DD",
    ),
    "bulk.quiet": (
        "ingen förloppsindikator och ingen sammanfattning",
        "no progress bar and no summary",
    ),
    "bulk.building": ("skapar", "building"),
    "bulk.writing": ("skriver", "writing"),
    "bulk.done": (
        "{name}: {n} vårdtillfälle, {size} MB|{name}: {n} vårdtillfällen, {size} MB",
        "{name}: {n} episode, {size} MB|{name}: {n} episodes, {size} MB",
    ),
    "bulk.above_limit": (
        "obs: fler vårdtillfällen än schemats gräns på {limit}; läs filen med "
        "Codec(Limits(max_episodes=None, max_bytes=None))",
        "note: more episodes than the schema's limit of {limit}; read the file with "
        "Codec(Limits(max_episodes=None, max_bytes=None))",
    ),
    "bulk.not_a_number": (
        "{name}, rad {line}: inte ett giltigt personnummer eller samordningsnummer med 12 siffror",
        "{name}, line {line}: not a valid personnummer or samordningsnummer of 12 digits",
    ),
    "bulk.no_numbers": ("{name} innehåller inga nummer", "{name} holds no numbers"),
    "bulk.too_few": (
        "{n} nummer räcker inte till {episodes} vårdtillfällen (en persons vårdtillfällen "
        "överlappar aldrig och ingen kommer tillbaka efter döden); ge ungefär ett nummer per "
        "fem vårdtillfällen",
        "{n} numbers are too few for {episodes} episodes (one person's stays never overlap and "
        "nobody comes back after death); give about one number for every five episodes",
    ),
    "bulk.unknown_extension": (
        "kan inte avgöra formatet för {name!r} av filändelsen (kända: {known}); ange --format",
        "cannot tell the format of {name!r} from its extension (known: {known}); give --format",
    ),
    "bulk.bad_range": (
        "--start och --end: {reason}",
        "--start and --end: {reason}",
    ),
    "bulk.earliest": (
        "den tidigaste starten är {date}",
        "the earliest start is {date}",
    ),
    "bulk.ima_start": (
        "IMA-enheter rapporterar från {date} (SIR-R121)",
        "IMA units report from {date} (SIR-R121)",
    ),
    "bulk.end_before_start": ("slutet kommer före starten", "the end comes before the start"),
    "error.episodes": (
        "förväntade ett antal >= 1, fick {value!r}",
        "expected a number >= 1, got {value!r}",
    ),
    "error.integer": (
        "förväntade ett heltal, fick {value!r}",
        "expected a whole number, got {value!r}",
    ),
    "error.date": (
        "förväntade ett datum ÅÅÅÅ-MM-DD, fick {value!r}",
        "expected a date YYYY-MM-DD, got {value!r}",
    ),
    "completion.help": (
        "skriv ut ett kompletteringsskript för skalet (bash, zsh, fish)",
        "print a completion script for the shell (bash, zsh, fish)",
    ),
    "completion.shell": ("skalet", "the shell"),
    # --- validate
    "validate.help": (
        "kontrollera rapportfiler (schema, registrets regler, enhetsdeklaration)",
        "check report files (schema, registry rules, unit declaration)",
    ),
    "validate.paths": (
        "rapportfiler (.xml, .json), mappar (alla .xml- och .json-filer i dem), "
        "mönster (*.xml) eller - för standard in",
        "report files (.xml, .json), folders (every .xml and .json file in them), "
        "patterns (*.xml) or - for stdin",
    ),
    "validate.exclude": (
        "hoppa över filer och mappar som matchar mönstret, i mappar och mönster (kan upprepas)",
        "skip files and folders that match the pattern, in folders and patterns (repeatable)",
    ),
    "validate.unit": (
        "enhetsdeklarationen (sir-enhet.toml) som ska användas för alla filer; utan den söks "
        "sir-enhet.toml bredvid varje fil och i mapparna ovanför",
        "the unit declaration (sir-enhet.toml) for every file; without it, sir-enhet.toml is "
        "looked for beside each file and in the folders above",
    ),
    "validate.no_unit": (
        "använd ingen enhetsdeklaration (ingen sökning)",
        "use no unit declaration (no search)",
    ),
    "validate.format": ("utdataformat", "output format"),
    "validate.color": (
        "färglägg textutdata (auto: på en terminal, om inte NO_COLOR är satt)",
        "colour the text output (auto: on a terminal, unless NO_COLOR is set)",
    ),
    "validate.lang": (
        "språk för meddelanden och sammanfattning",
        "language of messages and summaries",
    ),
    "validate.profile": (
        "hur långt kontrollen går: wellformed (bara välformad), schema (även schemat), "
        "registry (även registrets regler)",
        "how far to check: wellformed (well-formedness only), schema (plus the schema), "
        "registry (plus the registry's rules)",
    ),
    "validate.output": ("skriv rapporten hit", "write the report here"),
    "validate.reveal": (
        "visa personnummer och andra id-nummer omaskerade (de maskeras annars)",
        "show identity numbers unmasked (they are masked by default)",
    ),
    "validate.max_findings": (
        "visa högst N anmärkningar per fil, de allvarligaste först, och räkna resten (0: alla)",
        "list at most N findings per file, the most severe first, and count the rest (0: all)",
    ),
    "validate.quiet": (
        "visa bara underkända filer och deras fel (inga varningar, ingen sammanfattning)",
        "show failed files and their errors only (no warnings, no summary)",
    ),
    "validate.statistics": (
        "räkna anmärkningarna per kod, de vanligaste först",
        "count the findings per code, the most frequent first",
    ),
    "validate.progress": ("\r{name}: {count} vårdtillfällen", "\r{name}: {count} episodes"),
    "summary.line": ("Sammanfattning: {parts}", "Summary: {parts}"),
    "summary.files": ("{n} fil|{n} filer", "{n} file|{n} files"),
    "summary.failed": ("{n} underkänd|{n} underkända", "{n} failed|{n} failed"),
    "summary.unreadable": (
        "{n} kunde inte läsas|{n} kunde inte läsas",
        "{n} unreadable|{n} unreadable",
    ),
    "summary.episodes": ("{n} vårdtillfälle|{n} vårdtillfällen", "{n} episode|{n} episodes"),
    "summary.errors": ("{n} fel|{n} fel", "{n} error|{n} errors"),
    "summary.warnings": ("{n} varning|{n} varningar", "{n} warning|{n} warnings"),
    "summary.unit": ("enhetsdeklaration {name}", "unit declaration {name}"),
    "summary.units": ("{n} enhetsdeklarationer", "{n} unit declarations"),
    "statistics.heading": ("Anmärkningar per kod:", "Findings per code:"),
    "statistics.none": ("Inga anmärkningar.", "No findings."),
    # --- rules
    "rules.help": ("lista valideringsreglerna", "list the validation rules"),
    "rules.codes": (
        "visa de här reglerna i sin helhet (SIR-R010, R010 eller r010)",
        "show these rules in full (SIR-R010, R010 or r010)",
    ),
    "rules.lang": ("språk för texterna", "language of the texts"),
    "rules.format": ("utdataformat", "output format"),
    "rules.severity": ("allvarlighetsgrad", "severity"),
    "rules.layer": ("lager", "layer"),
    "rules.fields": ("fält", "fields"),
    "rules.check": ("kontroll", "check"),
    "rules.message": ("meddelande", "message"),
}
"""Every command-line text: key → (Swedish, English). A ``|`` separates singular and plural."""

ARGPARSE: Mapping[str, str] = {
    "usage: ": "användning: ",
    "positional arguments": "positionella argument",
    "options": "flaggor",
    "show this help message and exit": "visa den här hjälptexten och avsluta",
    "the following arguments are required: %s": "följande argument krävs: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": (
        "ogiltigt val: %(value)r (välj bland %(choices)s)"
    ),
    "unrecognized arguments: %s": "okända argument: %s",
    "expected one argument": "förväntade ett argument",
    "expected at least one argument": "förväntade minst ett argument",
    "expected at most one argument": "förväntade högst ett argument",
    "argument %(argument_name)s: %(message)s": "argumentet %(argument_name)s: %(message)s",
    "ambiguous option: %(option)s could match %(matches)s": (
        "tvetydig flagga: %(option)s kan vara %(matches)s"
    ),
    "not allowed with argument %s": "kan inte användas tillsammans med %s",
    "one of the arguments %s is required": "ett av argumenten %s krävs",
    "invalid %(type)s value: %(value)r": "ogiltigt värde (%(type)s): %(value)r",
    "ignored explicit argument %r": "argumentet %r ignorerades",
    "%(prog)s: error: %(message)s\n": "%(prog)s: fel: %(message)s\n",
    "expected %s argument": "förväntade %s argument",
    "expected %s arguments": "förväntade %s argument",
}
"""Swedish for the texts :mod:`argparse` writes itself (passed through its ``_``)."""

_LANG: ContextVar[str] = ContextVar("sir_format_cli_lang", default="sv")


def current_language() -> str:
    """The language of the running command (``sv`` unless :func:`language` chose another)."""
    return _LANG.get()


@contextmanager
def language(lang: str) -> Iterator[None]:
    """Run the block with ``lang`` as the command line's language, argparse's texts included."""
    token = _LANG.set(lang)
    try:
        with argparse_language(lang):
            yield
    finally:
        _LANG.reset(token)


def text(key: str, lang: str | None = None, /, **params: Any) -> str:
    """The text ``key`` in ``lang`` (default: the current language), placeholders filled.

    A text with a ``|`` is singular|plural and takes the count ``n``.
    """
    sv, en = TEXTS[key]
    chosen = sv if (lang or current_language()) == "sv" else en
    if "|" in chosen:
        one, many = chosen.split("|")
        chosen = one if params["n"] == 1 else many
    return chosen.format(**params) if params else chosen.format()


def choose_language(argv: Sequence[str], environ: Mapping[str, str]) -> str:
    """The language of a run: the last ``--lang X``/``--lang=X`` in ``argv`` naming a known
    language, else ``SIR_FORMAT_LANG``, else ``sv``.

    An unknown ``--lang`` value is left for the parser to refuse; an unknown value of the
    environment variable raises :class:`ValueError` (with the message in Swedish).
    """
    chosen: str | None = None
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        value = arg.partition("=")[2] if arg.startswith("--lang=") else None
        if arg == "--lang" and i + 1 < len(argv):
            value = argv[i + 1]
        if value in LANGUAGES:
            chosen = value
    if chosen is not None:
        return chosen
    env = environ.get(ENV_LANG, "").strip()
    if not env:
        return "sv"
    if env not in LANGUAGES:
        raise ValueError(
            text(
                "error.env_lang", "sv", env=ENV_LANG, value=env, choices=" eller ".join(LANGUAGES)
            )
        )
    return env


@contextmanager
def argparse_language(lang: str) -> Iterator[None]:
    """Let :mod:`argparse` write its own texts in ``lang`` for the duration of the block."""
    if lang == "en":
        yield
        return
    module: Any = argparse
    saved = module._, module.ngettext

    def gettext(message: str) -> str:
        return ARGPARSE.get(message, message)

    def ngettext(singular: str, plural: str, n: int) -> str:
        return gettext(singular if n == 1 else plural)

    module._, module.ngettext = gettext, ngettext
    try:
        yield
    finally:
        module._, module.ngettext = saved
