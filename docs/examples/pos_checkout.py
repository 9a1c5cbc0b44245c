"""A point-of-sale checkout against the Gemcare partner API, in plain Python (no packages).

    GEMCARE_API_URL=https://gemcare.example.com GEMCARE_API_KEY=gck_test_... \\
    GEMCARE_STORE=main-street python3 pos_checkout.py

1. lists the plans the retailer may sell;
2. quotes a cart of three items for a holder in Texas;
3. registers the sale of the first plan offered on the ring, against the quote, with an
   Idempotency-Key;
4. sends the very same request again, as a POS does when the first answer was lost: the
   first answer comes back (`Idempotent-Replayed: true`) and no second contract is made;
5. fetches the contract, and its certificate (a PDF, saved in the current directory).

Build with a test key (gck_test_...): what it creates is test data, never billed or
reported. Copy what you need; every call goes through `call()`, which turns an error answer
into an `ApiError` with the API's stable `code`.

Environment: GEMCARE_API_URL (the server, without /api/v1), GEMCARE_API_KEY, GEMCARE_STORE
(the store's code, as the provider set it up; default "main-street") and GEMCARE_STORE_TZ
(the store's time zone, for the sale date; default "America/Chicago").
"""

import datetime as dt
import json
import os
import sys
import urllib.error
import urllib.request
import uuid
from zoneinfo import ZoneInfo

API_URL = os.environ.get("GEMCARE_API_URL", "http://127.0.0.1:8000").rstrip("/") + "/api/v1"
API_KEY = os.environ.get("GEMCARE_API_KEY", "")
STORE = os.environ.get("GEMCARE_STORE", "main-street")
STORE_TZ = ZoneInfo(os.environ.get("GEMCARE_STORE_TZ", "America/Chicago"))


class ApiError(Exception):
    """An error answer: `{"error": {"code", "message", "field"}}`. Program against `code`."""

    def __init__(self, status: int, error: dict, request_id: str) -> None:
        self.status = status
        self.code = error.get("code")
        self.field = error.get("field")
        self.request_id = request_id  # quote it when you ask for support
        super().__init__(f"{status} {self.code}: {error.get('message')}")


def call(method: str, path: str, body: dict | None = None, headers: dict | None = None):
    """One request; (status, headers, body bytes). An answer of 400 or more raises ApiError."""
    request = urllib.request.Request(
        API_URL + path,
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={
            "Authorization": f"Bearer {API_KEY}",
            **({"Content-Type": "application/json"} if body is not None else {}),
            **(headers or {}),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as answer:
        content = answer.read()
        try:
            error = json.loads(content)["error"]
        except (ValueError, KeyError, TypeError):
            error = {"code": "http_error", "message": content[:200].decode(errors="replace")}
        raise ApiError(answer.code, error, answer.headers.get("X-Request-Id", "")) from None


def call_json(method: str, path: str, body: dict | None = None, headers: dict | None = None):
    status, answer_headers, content = call(method, path, body, headers)
    return status, answer_headers, json.loads(content)


def checkout() -> None:
    # 1. The plans on sale. Show their names; never compute a price from the bands: quote.
    _, _, found = call_json("GET", "/products")
    print(f"1. products: {', '.join(p['code'] for p in found['products'])}")

    # 2. Quote the whole cart: every line against every plan, with the reason where none is
    #    offered (a loose stone here). `line_id` is the POS's own id of the cart line.
    cart = {
        "holder_state": "TX",
        "items": [
            {"line_id": "1", "kind": "ring", "price": "1250.00", "sku": "R-1001"},
            {"line_id": "2", "kind": "earrings", "price": "400.00", "sku": "E-2002"},
            {"line_id": "3", "kind": "loose_stone", "price": "3000.00"},
        ],
    }
    _, _, quote = call_json("POST", "/quotes", cart)
    print(f"2. quote {quote['id']} (until {quote['expires_at']}):")
    for line in quote["items"]:
        offers = ", ".join(f"{o['product']} {o['plan_price']}" for o in line["offers"])
        reasons = ", ".join(sorted({n["code"] for n in line["not_offered"]})) or "-"
        print(f"   line {line['line_id']} {line['kind']}: {offers or 'no plan'} (else {reasons})")

    # 3. The customer takes the first plan offered on the ring. Register the sale against
    #    the quote, with an Idempotency-Key made once per sale and kept with it.
    ring = next(line for line in quote["items"] if line["line_id"] == "1")
    offer = ring["offers"][0]
    sale = {
        "store": STORE,
        "receipt_number": f"R-{uuid.uuid4().hex[:10].upper()}",
        "receipt_line": 1,
        "purchased": dt.datetime.now(STORE_TZ).date().isoformat(),  # the store's date
        "product": offer["product"],
        "plan_price": offer["plan_price"],
        "quote_id": quote["id"],
        "quote_line": ring["line_id"],
        "item": {
            "kind": "ring",
            "price": "1250.00",
            "description": "Solitaire ring",
            "serial": "R-1001",
        },
        "holder": {"name": "Ada Holder", "state": "TX", "email": "ada@example.com"},
    }
    sale_key = {"Idempotency-Key": str(uuid.uuid4())}
    status, headers, contract = call_json("POST", "/contracts", sale, sale_key)
    print(
        f"3. sold: {status} contract {contract['number']} ({contract['status']},"
        f" {contract['product']} {contract['plan_price']}, until {contract['term_ends_on']})"
    )

    # 4. The answer was lost (a timeout, a dropped connection)? Send the same request again,
    #    same key and same body: the first answer comes back, and no second contract.
    status, headers, again = call_json("POST", "/contracts", sale, sale_key)
    replayed = headers.get("Idempotent-Replayed")
    print(f"4. retried: {status} contract {again['number']}, Idempotent-Replayed: {replayed}")
    assert again["number"] == contract["number"]

    # 5. The contract as it stands, and its certificate to print or e-mail to the holder.
    _, _, found = call_json("GET", f"/contracts/{contract['number']}")
    coverage = found["coverage"]
    print(
        f"5. contract {found['number']}: {found['status']}, holder {found['holder']['name']},"
        f" covered {coverage['starts_on']} to {coverage['ends_on'] or 'lifetime'}"
    )
    _, headers, pdf = call("GET", f"/contracts/{contract['number']}/certificate.pdf")
    name = f"certificate-{contract['number']}.pdf"
    with open(name, "wb") as file:
        file.write(pdf)
    print(f"   certificate: {name}, {len(pdf):,} bytes ({headers.get('Content-Type')})")


def main() -> int:
    if not API_KEY:
        print("Set GEMCARE_API_KEY (and GEMCARE_API_URL) first.", file=sys.stderr)
        return 2
    try:
        checkout()
    except ApiError as error:
        where = f" (field {error.field})" if error.field else ""
        print(f"refused: {error}{where}; request id {error.request_id}", file=sys.stderr)
        return 1
    except urllib.error.URLError as error:
        print(f"cannot reach {API_URL}: {error.reason}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
