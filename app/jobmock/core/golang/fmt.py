"""What Go's ``fmt`` writes into a message: ``%q`` of a string (``strconv.Quote``) and ``%v`` of
a ``map[string]bool``.

``strconv.Quote`` (golang/go src/strconv/quote.go, ``appendEscapedRune``): ``"`` and ``\\`` are
backslashed; a rune ``strconv.IsPrint`` accepts (letters, marks, numbers, punctuation, symbols
and the ASCII space) is written as it is; ``\\a \\b \\f \\n \\r \\t \\v`` by name; any other rune
below U+0020, and U+007F, as ``\\xXX``; any other as ``\\uXXXX`` or, past U+FFFF,
``\\UXXXXXXXX``. Python's ``str.isprintable`` refuses the same categories as ``IsPrint`` (Cc, Cf,
Co, Cs, Cn and the separators but the ASCII space), so it stands in for it, up to the Unicode
version each ships. A Go string can also hold invalid UTF-8, written ``\\xXX`` per byte; a Python
``str`` cannot, so that case never arises here.
"""

from __future__ import annotations

from collections.abc import Mapping

_NAMED = {
    '"': '\\"',
    "\\": "\\\\",
    "\a": "\\a",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\v": "\\v",
}


def _escaped(char: str) -> str:
    code = ord(char)
    if code < 0x20 or code == 0x7F:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def quote(text: str) -> str:
    """``strconv.Quote(text)``, which is also what ``%q`` writes for a string."""
    if text.isprintable() and '"' not in text and "\\" not in text:
        return f'"{text}"'
    out = ['"']
    for char in text:
        named = _NAMED.get(char)
        if named is not None:
            out.append(named)
        elif char.isprintable():
            out.append(char)
        else:
            out.append(_escaped(char))
    out.append('"')
    return "".join(out)


def bool_map(values: Mapping[str, bool]) -> str:
    """``%v`` of a ``map[string]bool`` (fmt prints map keys sorted): ``map[a:true b:false]``."""
    return "map[" + " ".join(f"{k}:{str(values[k]).lower()}" for k in sorted(values)) + "]"
