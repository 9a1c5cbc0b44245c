"""Reading request bodies: JSON as RFC 8259 defines it, and nothing looser.

Python's `json` also takes `NaN` and `Infinity` and text with lone surrogates (`"\\ud800"`),
which no database column stores: such a body is refused as malformed JSON before any schema
or service sees it (ninja answers a parser's error with 400, mapped to `malformed_json`).
"""

import json

from ninja.parser import Parser


def _no_constants(name: str):
    raise ValueError(f"{name} is not JSON")


class StrictJsonParser(Parser):
    def parse_body(self, request):
        data = json.loads(request.body, parse_constant=_no_constants)
        # Encoding fails on a lone surrogate anywhere in the document, keys included.
        json.dumps(data, ensure_ascii=False).encode("utf-8")
        return data
