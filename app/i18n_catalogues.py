"""Maintainer tool: ``python -m app.i18n_catalogues fill-source translations/en/...po``.

English is the source language of every msgid, so the English catalogue's entries are the
msgids themselves. This fills the empty ones (and only those) after ``pybabel update``; the
Chinese catalogue is translated by people and never filled automatically.
"""

from __future__ import annotations

import sys

from babel.messages.pofile import read_po, write_po


def fill_source(path: str) -> int:
    with open(path, "rb") as fileobj:
        catalogue = read_po(fileobj)
    filled = 0
    for message in catalogue:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            if not all(message.string or ()):
                message.string = tuple(message.id)
                filled += 1
        elif not message.string:
            message.string = message.id
            filled += 1
        message.flags.discard("fuzzy")
    with open(path, "wb") as fileobj:
        write_po(fileobj, catalogue, no_location=True, width=100)
    return filled


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] != "fill-source":
        sys.exit("usage: python -m app.i18n_catalogues fill-source PO_FILE")
    print(f"{sys.argv[2]}: filled {fill_source(sys.argv[2])} entries")
