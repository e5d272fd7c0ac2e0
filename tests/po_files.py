"""Just enough of the gettext file formats for the catalogue checks: read a .po/.pot file and a
compiled .mo file into ``{(context, msgid): entry}`` without a third-party library."""

import ast
import re
import struct
from dataclasses import dataclass, field

PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}")


@dataclass
class Entry:
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    @property
    def key(self):
        return (self.msgctxt, self.msgid)

    @property
    def fuzzy(self):
        return "fuzzy" in self.flags

    @property
    def translated(self):
        return bool(self.msgstr) and all(self.msgstr.values())


def _unquote(text):
    return ast.literal_eval(text)  # a PO string is a C string literal, escapes as in Python


def read_po(path):
    """The live (non-obsolete) entries of a .po or .pot file, the header left out."""
    entries, entry, target = {}, Entry(), None

    def finish():
        if entry.msgid or entry.msgctxt is not None:
            entries[entry.key] = entry

    for raw in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if not line:
            finish()
            entry, target = Entry(), None
        elif line.startswith("#,"):
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue  # comments, references and obsolete (#~) entries
        elif line.startswith('"'):
            name, index = target
            if name == "msgstr":
                entry.msgstr[index] += _unquote(line)
            else:
                setattr(entry, name, (getattr(entry, name) or "") + _unquote(line))
        else:
            keyword, _, value = line.partition(" ")
            match = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
            if match or keyword == "msgstr":
                index = int(match.group(1)) if match else 0
                entry.msgstr[index] = _unquote(value)
                target = ("msgstr", index)
            else:
                setattr(entry, keyword, _unquote(value))
                target = (keyword, None)
    return entries


def read_mo(path):
    """A compiled catalogue as ``{(context, msgid): [forms]}`` (GNU .mo, either byte order)."""
    data = path.read_bytes()
    order = "<" if data[:4] == b"\xde\x12\x04\x95" else ">"
    _, count, originals, translations = struct.unpack(order + "4I", data[4:20])

    def string(table, index):
        length, offset = struct.unpack(order + "2I", data[table + 8 * index : table + 8 * index + 8])
        return data[offset : offset + length].decode()

    catalogue = {}
    for index in range(count):
        original, forms = string(originals, index), string(translations, index).split("\x00")
        context, _, msgid = original.rpartition("\x04") if "\x04" in original else (None, "", original)
        catalogue[(context, msgid.split("\x00")[0])] = forms
    return catalogue


def placeholders(text):
    return sorted(PLACEHOLDER.findall(text))
