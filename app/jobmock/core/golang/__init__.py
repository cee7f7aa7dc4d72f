"""How Go writes and reads values, where the bytes of a vendor's Go server depend on it.

prunner and OSAPI are Go servers: their documents, error texts and timestamps are what Go's
``strconv``, ``fmt``, ``encoding/json`` (or json-iterator) and ``time`` make of a value. That is
a fact about Go, not about either vendor, so it is said once, here. It lives in ``core`` because
a vendor may import core but never another vendor, and it needs nothing from a vendor.

- ``fmt``: ``strconv.Quote`` (``%q``) and ``%v`` of a map.
- ``jsonenc``: JSON writing, ``encoding/json`` and json-iterator flavours, float64 formatting.
- ``jsondec``: Go's JSON scanner with its error texts and offsets; ``unmarshal``: its type errors.
- ``jsoniter``: a request body as json-iterator decodes it.
- ``times``: RFC 3339, ``time.Duration``, integer nanoseconds.

The names below are what a vendor calls as ``golang.<name>``.
"""

from jobmock.core.golang.fmt import bool_map, quote
from jobmock.core.golang.jsonenc import body, encode, format_float, go_string, jsoniter_string
from jobmock.core.golang.jsoniter import DecodeError, Pairs, first_value
from jobmock.core.golang.times import (
    NS_PER_SECOND,
    duration,
    from_ns,
    parse_duration,
    parse_rfc3339,
    rfc3339,
    rfc3339_micros,
    rfc3339_nano,
    to_ns,
)

__all__ = [
    "NS_PER_SECOND",
    "DecodeError",
    "Pairs",
    "body",
    "bool_map",
    "duration",
    "encode",
    "first_value",
    "format_float",
    "from_ns",
    "go_string",
    "jsoniter_string",
    "parse_duration",
    "parse_rfc3339",
    "quote",
    "rfc3339",
    "rfc3339_micros",
    "rfc3339_nano",
    "to_ns",
]
