"""Selling a plan at the counter: one page, the offers appearing as the item is typed.

The item's kind and price bring the plans offered for it (an htmx request to `sell_offers`
as one types, or the "Show the plans" button without JavaScript: the same partial either
way); then the plan, the holder and the receipt; "Register" sells it through `contract_sell`
with the staff member's caller, and goes on to the plan's page. The confirmation email, with
the certificate attached, is rendered in the sale's transaction and sent after it commits.

A second submission of the same sale (a double click, a resent form) is refused by the
receipt line (`duplicate_sale`): the page says so and links the plan already registered.
"""

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from gemcare.common.clock import today
from gemcare.common.errors import InvalidInput, Refused
from gemcare.common.schemas import validate_input
from gemcare.contracts.errors import ContractError
from gemcare.contracts.schemas import ItemIn
from gemcare.contracts.selectors import contract_on_receipt_line, store_for_sale
from gemcare.contracts.services import contract_sell
from gemcare.partners.models import Store
from gemcare.partners.selectors import stores_visible
from gemcare.portals.jeweler.notices import plan_confirmation_send
from gemcare.portals.jeweler.pages import KINDS, STATES, refusal_of
from gemcare.portals.jeweler.schemas import CounterSaleIn
from gemcare.portals.jeweler.selectors import counter_offers
from gemcare.portals.web import FormState, form_errors, form_read, jeweler_required

TEMPLATE = "portals/jeweler/sell.html"
OFFERS_TEMPLATE = "portals/jeweler/_offers.html"
SALE_FORM = {
    "nested": ["item", "holder"],
    "booleans": ["item.water_resistant", "item.gift", "pending_pickup"],
    "ignore": ["show_offers"],
}
OFFERS_HINT = "Choose the item and type its price: the plans offered for it appear here."
# What the offers part says while the item is half given: a hint, not an error.
OFFERS_WAITING = {
    "price": "Enter the price to see the offers.",
    "kind": "Choose the item to see the offers.",
}
ITEM_FIELDS = ("kind", "price")


def _offers(request: HttpRequest, values) -> dict:
    """The offers part of the page for the item's kind and price in `values` (a QueryDict
    or a dict): the plans, or what is still missing, or what is wrong with the item.

    The offers are asked for as one types, so a half-filled item is the usual case: with
    the kind chosen and no price yet (or the reverse) the answer is a calm hint, while a
    value given and wrong (a kind we do not know, a price that is not an amount) is an
    error naming its field (`offers_errors`, by the form's input names)."""
    chosen = values.get("product", "")
    item = {
        name: values.get(f"item.{name}", "")
        for name in ITEM_FIELDS
        if values.get(f"item.{name}", "") != ""
    }
    missing = [name for name in ITEM_FIELDS if name not in item]
    quiet = {"offers": None, "offers_problem": "", "offers_errors": {}, "chosen_product": chosen}
    if not item:
        return quiet
    try:
        checked = validate_input(ItemIn, item, prefix="item")
    except InvalidInput as error:
        found = form_errors(error)
        given = {f"item.{name}" for name in item}
        problems = {name: message for name, message in found.items() if name in given}
        if missing and not problems:
            return {**quiet, "offers_hint": OFFERS_WAITING[missing[0]]}
        problems = problems or found
        words = "; ".join(f"{name.split('.')[-1]} {message}" for name, message in problems.items())
        return {**quiet, "offers_problem": f"The item's {words}.", "offers_errors": problems}
    offers = counter_offers(caller=request.caller, kind=checked.kind, price=checked.price)
    return {**quiet, "offers": offers}


def _store_choices(request: HttpRequest) -> list[tuple[str, str]]:
    """The stores a manager picks from; none for an associate tied to their store."""
    if request.caller.store_id is not None:
        return []
    return [(store.code, store.name) for store in stores_visible(caller=request.caller)]


def _page(
    request: HttpRequest,
    form: FormState,
    *,
    status: int = 200,
    item_errors_shown: bool = False,
    **extra,
) -> HttpResponse:
    """The sale page. With `item_errors_shown` (the offers asked for without JavaScript), a
    wrong item value is shown beside its field, as a failed form (422)."""
    offers = _offers(request, form.values)
    if item_errors_shown and offers["offers_errors"]:
        form = FormState(form.values, {**offers["offers_errors"], **form.errors})
        status = 422
    context = {
        "form": form,
        "kinds": KINDS,
        "states": STATES,
        "stores": _store_choices(request),
        "store": request.user.retailer_staff.store,
        "offers_hint": OFFERS_HINT,
        **offers,
        **extra,
    }
    return render(request, TEMPLATE, context, status=status)


def _sale_store(request: HttpRequest, code: str) -> Store:
    """The store a sale is made in: the one picked (only the caller's: another's is "not
    found"), or the caller's only store."""
    if code:
        return store_for_sale(caller=request.caller, code=code)
    stores = list(stores_visible(caller=request.caller).select_related("retailer")[:2])
    if len(stores) == 1:
        return stores[0]
    raise InvalidInput("store", None, "is required: choose the store the plan is sold in")


@require_http_methods(["GET", "POST"])
@jeweler_required
def sell(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        store = request.user.retailer_staff.store
        values = {
            "purchased": today().isoformat(),
            "receipt_line": "1",
            "holder.state": store.state if store is not None else "",
        }
        for name in ("item.kind", "item.price", "product"):
            if request.GET.get(name):
                values[name] = request.GET[name][:64]
        return _page(request, FormState(values))
    if request.POST.get("show_offers"):
        return _page(request, FormState(request.POST), item_errors_shown=True)
    try:
        sale = form_read(CounterSaleIn, request.POST, **SALE_FORM)
        store = _sale_store(request, sale.store)
        with transaction.atomic():
            contract = contract_sell(caller=request.caller, store=store, sale=sale)
            emailed = plan_confirmation_send(
                caller=request.caller,
                contract=contract,
                name=sale.holder.name,
                email=sale.holder.email,
            )
    except InvalidInput as error:
        return _page(request, FormState(request.POST, form_errors(error)), status=422)
    except Refused as error:
        existing = None
        if error.code == ContractError.DUPLICATE_SALE:
            existing = contract_on_receipt_line(
                caller=request.caller,
                receipt_number=sale.receipt_number,
                receipt_line=sale.receipt_line,
            )
        return _page(
            request,
            FormState(request.POST),
            status=409,
            refusal=refusal_of(error),
            existing=existing,
        )
    note = f"Plan {contract.number} registered."
    if emailed:
        note += f" The confirmation and the certificate were emailed to {sale.holder.email}."
    else:
        note += " The holder has no email: print the certificate and hand it over."
    messages.success(request, note)
    return HttpResponseRedirect(reverse("jeweler:plan", args=[contract.number]))


@require_safe
@jeweler_required
def sell_offers(request: HttpRequest) -> HttpResponse:
    """The offers part of the sale page, for htmx as the item is typed: 200 with the plans or
    a hint while the item is half given, 422 when a value given is wrong."""
    context = {"offers_hint": OFFERS_HINT, **_offers(request, request.GET)}
    status = 422 if context["offers_problem"] else 200
    return render(request, OFFERS_TEMPLATE, context, status=status)
