#!/usr/bin/env python3
"""Dump an INI file as Python's configparser reads it, for tests/integration/config_compat.rs.

The parser is the one the Python osarchiver uses:
``configparser.ConfigParser(interpolation=configparser.ExtendedInterpolation())``.
The file is read as UTF-8 text with universal newlines, as ``parser.read(path)`` does in a UTF-8
locale.

Prints one JSON document per FILE on stdout, one per line, in the order given:

* ``{"error": {"type": NAME, "section": S, "option": O}}`` when the file does not parse
  (MissingSectionHeaderError, ParsingError, DuplicateSectionError, DuplicateOptionError);
  ``section`` and ``option`` are null where the exception has none;
* otherwise ``{"sections": {SECTION: {KEY: {"value": V} | {"error": {...}}}}}`` for DEFAULT and
  every section in file order, with every key visible in the section (the keys of
  ``items(section, raw=True)``), each read with ``get(section, key)`` so that an interpolation
  error is reported for that key alone.

Usage: configparser_dump.py FILE...
"""

import configparser
import json
import sys

PARSE_ERRORS = (
    configparser.MissingSectionHeaderError,
    configparser.ParsingError,
    configparser.DuplicateSectionError,
    configparser.DuplicateOptionError,
)


def describe(exc):
    return {
        "type": type(exc).__name__,
        "section": getattr(exc, "section", None),
        "option": getattr(exc, "option", None),
    }


def dump(path):
    parser = configparser.ConfigParser(
        interpolation=configparser.ExtendedInterpolation())
    try:
        with open(path, encoding="utf-8") as f:
            parser.read_file(f, path)
    except PARSE_ERRORS as exc:
        return {"error": describe(exc)}
    sections = {}
    for section in [parser.default_section] + parser.sections():
        entries = {}
        for key, _ in parser.items(section, raw=True):
            try:
                entries[key] = {"value": parser.get(section, key)}
            except configparser.Error as exc:
                entries[key] = {"error": describe(exc)}
        sections[section] = entries
    return {"sections": sections}


def main(argv):
    if len(argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    for path in argv[1:]:
        json.dump(dump(path), sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
