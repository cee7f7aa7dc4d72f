"""Go's ``encoding/json`` reading side, for the error texts a Go server answers with.

A malformed token segment or request body reaches an OSAPI client as Go's own message
(``invalid character 'x' looking for beginning of value``, ``unexpected EOF``,
``json: cannot unmarshal number into Go struct field ...``), so this parser follows the states
of Go's scanner and the decoder's bookkeeping (which byte offset an error reports, which of
several errors wins) rather than Python's ``json`` module.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from jobmock.core.golang.fmt import quote
from jobmock.core.limits import MAX_DEPTH, go_depth_offset

_SPACE = b" \t\r\n"
#: A lone UTF-16 surrogate (from a ``\uD800`` escape), which Go's decoder turns into U+FFFD.
LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_DIGITS = b"0123456789"
_PLAIN = re.compile(rb'[^"\\\x00-\x1f]*')
_HEX = b"0123456789abcdefABCDEF"
_ESCAPES = b'bfnrt\\/"'


class GoJSONError(Exception):
    """A decoding failure with Go's text; ``offset`` is ``SyntaxError.Offset`` where Go has one."""

    def __init__(self, message: str, offset: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset
        self.syntax = offset is not None


def quote_char(byte: int) -> str:
    """encoding/json's ``quoteChar``: a byte as a Go rune literal, ``strconv.Quote`` of the rune
    in single quotes, with ``'`` escaped and ``"`` not (src/encoding/json/scanner.go)."""
    if byte == 0x27:
        return "'\\''"
    if byte == 0x22:
        return "'\"'"
    return "'" + quote(chr(byte))[1:-1] + "'"


@dataclass(frozen=True, slots=True)
class Node:
    """One parsed value: its kind (object, array, string, number, true, false, null), where it
    starts, the index just after it, and its contents."""

    kind: str
    start: int
    end: int
    value: Any
    """Members as ``[(key, Node)]`` for an object, ``[Node]`` for an array, else the value."""
    text: str = ""
    """A number as written (Go quotes it in some errors)."""

    def plain(self) -> Any:
        if self.kind == "object":
            return {key: node.plain() for key, node in self.value}
        if self.kind == "array":
            return [node.plain() for node in self.value]
        return self.value


class _Parser:
    def __init__(self, data: bytes, decoder: bool) -> None:
        self.data = data
        self.decoder = decoder
        self.pos = 0
        self.depth = 0

    # Errors -----------------------------------------------------------------------------------

    def fail(self, context: str) -> GoJSONError:
        if self.pos >= len(self.data):
            return self.eof(space_context=context)
        return GoJSONError(
            f"invalid character {quote_char(self.data[self.pos])} {context}", self.pos + 1
        )

    def eof(self, space_context: str | None = None) -> GoJSONError:
        """The input ended inside a value. Go's Unmarshal feeds the scanner a space first, so a
        state that refuses spaces reports that space; the Decoder says ``unexpected EOF``."""
        if self.decoder:
            if self.data.strip(_SPACE):
                return GoJSONError("unexpected EOF")
            return GoJSONError("EOF")
        if space_context is not None:
            return GoJSONError(f"invalid character ' ' {space_context}", len(self.data))
        return GoJSONError("unexpected end of JSON input", len(self.data))

    def deeper(self) -> None:
        """Go's scanner refuses the opening byte past its depth limit (10,000); jobmock's own
        limit comes first, and is reported at Go's offset when the document goes that deep."""
        self.depth += 1
        if self.depth <= MAX_DEPTH:
            return
        beyond = go_depth_offset(self.data, self.pos, self.depth - 1)
        at = self.pos if beyond is None else beyond
        char = quote_char(self.data[at])
        raise GoJSONError(f"invalid character {char} exceeded max depth", at + 1)

    def peek(self) -> int | None:
        return self.data[self.pos] if self.pos < len(self.data) else None

    def skip_space(self) -> None:
        while self.pos < len(self.data) and self.data[self.pos] in _SPACE:
            self.pos += 1

    # Values -----------------------------------------------------------------------------------

    def value(self) -> Node:
        self.skip_space()
        c = self.peek()
        if c is None:
            raise self.eof()
        if c == 0x7B:
            return self.object()
        if c == 0x5B:
            return self.array()
        if c == 0x22:
            return self.string()
        if c == 0x2D or c in _DIGITS:
            return self.number()
        for word in (b"true", b"false", b"null"):
            if c == word[0]:
                return self.literal(word)
        raise self.fail("looking for beginning of value")

    def object(self) -> Node:
        self.deeper()
        start = self.pos
        self.pos += 1
        members: list[tuple[str, Node]] = []
        self.skip_space()
        if self.peek() == 0x7D:
            self.pos += 1
            self.depth -= 1
            return Node("object", start, self.pos, members)
        while True:
            self.skip_space()
            if self.peek() != 0x22:
                if self.peek() is None:
                    raise self.eof()
                raise self.fail("looking for beginning of object key string")
            key = self.string()
            self.skip_space()
            if self.peek() != 0x3A:
                if self.peek() is None:
                    raise self.eof()
                raise self.fail("after object key")
            self.pos += 1
            members.append((key.value, self.value()))
            self.skip_space()
            c = self.peek()
            if c == 0x2C:
                self.pos += 1
                continue
            if c == 0x7D:
                self.pos += 1
                self.depth -= 1
                return Node("object", start, self.pos, members)
            if c is None:
                raise self.eof()
            raise self.fail("after object key:value pair")

    def array(self) -> Node:
        self.deeper()
        start = self.pos
        self.pos += 1
        items: list[Node] = []
        self.skip_space()
        if self.peek() == 0x5D:
            self.pos += 1
            self.depth -= 1
            return Node("array", start, self.pos, items)
        while True:
            items.append(self.value())
            self.skip_space()
            c = self.peek()
            if c == 0x2C:
                self.pos += 1
                continue
            if c == 0x5D:
                self.pos += 1
                self.depth -= 1
                return Node("array", start, self.pos, items)
            if c is None:
                raise self.eof()
            raise self.fail("after array element")

    def string(self) -> Node:
        import json

        start = self.pos
        self.pos += 1
        data = self.data
        while True:
            # plain characters in one C-speed step: long strings are the cheap common case
            self.pos = _PLAIN.match(data, self.pos).end()  # type: ignore[union-attr]
            c = self.peek()
            if c is None:
                raise self.eof()
            if c == 0x22:
                self.pos += 1
                raw = data[start : self.pos].decode("utf-8", "replace")
                # Go decodes a lone surrogate escape to U+FFFD
                text = LONE_SURROGATE.sub("\ufffd", json.loads(raw))
                return Node("string", start, self.pos, text)
            if c < 0x20:
                raise self.fail("in string literal")
            if c == 0x5C:
                self.pos += 1
                e = self.peek()
                if e is None:
                    raise self.eof("in string escape code")
                if e == 0x75:
                    for _ in range(4):
                        self.pos += 1
                        h = self.peek()
                        if h is None:
                            raise self.eof("in \\u hexadecimal character escape")
                        if h not in _HEX:
                            raise self.fail("in \\u hexadecimal character escape")
                elif e not in _ESCAPES:
                    raise self.fail("in string escape code")
            self.pos += 1

    def digits(self) -> None:
        while (c := self.peek()) is not None and c in _DIGITS:
            self.pos += 1

    def need_digit(self, context: str) -> None:
        c = self.peek()
        if c is None:
            raise self.eof(context)
        if c not in _DIGITS:
            raise self.fail(context)
        self.digits()

    def number(self) -> Node:
        start = self.pos
        if self.peek() == 0x2D:
            self.pos += 1
            c = self.peek()
            if c is None:
                raise self.eof("in numeric literal")
            if c not in _DIGITS:
                raise self.fail("in numeric literal")
        if self.peek() == 0x30:
            self.pos += 1
        else:
            self.digits()
        if self.peek() == 0x2E:
            self.pos += 1
            self.need_digit("after decimal point in numeric literal")
        if self.peek() in (0x65, 0x45):
            self.pos += 1
            if self.peek() in (0x2B, 0x2D):
                self.pos += 1
            self.need_digit("in exponent of numeric literal")
        text = self.data[start : self.pos].decode()
        # an integer past int64 is a float to Go's decoder too; int() of a very long one would
        # also pass Python's digit limit (4,300)
        exact = len(text) <= 20 and not any(ch in text for ch in ".eE")
        value: float | int = int(text) if exact else float(text)
        return Node("number", start, self.pos, value, text)

    def literal(self, word: bytes) -> Node:
        start = self.pos
        self.pos += 1
        name = word.decode()
        for expected in word[1:]:
            context = f"in literal {name} (expecting {quote_char(expected)})"
            c = self.peek()
            if c is None:
                raise self.eof(context)
            if c != expected:
                raise self.fail(context)
            self.pos += 1
        value = {"true": True, "false": False, "null": None}[name]
        return Node(name, start, self.pos, value)


def parse(data: bytes, *, decoder: bool = False) -> Node:
    """The first JSON value of ``data``. ``decoder=True`` behaves like ``json.Decoder.Decode``
    (EOF texts, trailing bytes ignored); otherwise like ``json.Unmarshal``."""
    parser = _Parser(data, decoder)
    node = parser.value()
    if not decoder:
        parser.skip_space()
        if parser.pos < len(data):
            raise parser.fail("after top-level value")
    return node
