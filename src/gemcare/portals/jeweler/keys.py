"""A manager's API keys: the list, a new key (its text shown once, on the page that answers
the form, and never again: only its hash is kept), and revoking one (at once, for good).

The form that makes a key may be sent once (a token in the session): a second click or a
reload of the answer makes no second key. Managers only; the caller is the retailer as a
whole (`manager_caller`), and `gemcare.partners.services` checks the manager again.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from gemcare.common.errors import InvalidInput, NotFound
from gemcare.partners.models import ApiKey, RetailerStaff
from gemcare.partners.schemas import ApiKeyIn
from gemcare.partners.selectors import api_key_get, api_keys_list, stores_visible
from gemcare.partners.services import api_key_create, api_key_revoke
from gemcare.portals.jeweler.pages import form_once_issue, form_once_spend, manager_caller
from gemcare.portals.web import FormState, form_errors, form_read, jeweler_required

MANAGERS = [RetailerStaff.MANAGER]
ONCE = "api_key"
SCOPE_WORDS = {
    ApiKey.QUOTES: "Quotes: price plans for a cart",
    ApiKey.SALES: "Sales: register plans, returns, cancellations, transfers, pickups",
    ApiKey.CLAIMS: "Claims: file and follow claims",
    ApiKey.WEBHOOKS: "Webhooks: manage endpoints and deliveries",
}


@require_safe
@jeweler_required(roles=MANAGERS)
def key_list(request: HttpRequest) -> HttpResponse:
    rows = api_keys_list(caller=manager_caller(request))
    return render(request, "portals/jeweler/key_list.html", {"rows": rows})


def _form_page(request: HttpRequest, form: FormState, *, status: int = 200) -> HttpResponse:
    stores = [(store.code, store.name) for store in stores_visible(caller=manager_caller(request))]
    context = {
        "form": form,
        "scopes": [(scope, SCOPE_WORDS[scope]) for scope in ApiKey.SCOPES],
        "stores": stores,
        "selected_scopes": form.selected("scopes"),
        "once": form_once_issue(request, ONCE),
    }
    return render(request, "portals/jeweler/key_new.html", context, status=status)


@require_http_methods(["GET", "POST"])
@jeweler_required(roles=MANAGERS)
def key_new(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _form_page(request, FormState({"scopes": list(ApiKey.SCOPES)}))
    if not form_once_spend(request, ONCE, request.POST.get("once")):
        messages.info(
            request,
            "This form was already sent. A key's text is shown once, when it is made: if you "
            "did not copy it, revoke that key and make a new one.",
        )
        return HttpResponseRedirect(reverse("jeweler:keys"))
    caller = manager_caller(request)
    try:
        given = form_read(
            ApiKeyIn, request.POST, lists=["scopes"], booleans=["is_test"], ignore=["once"]
        )
        store = None
        if given.store:
            store = stores_visible(caller=caller).filter(code=given.store).first()
            if store is None:
                raise NotFound("store", given.store)
        key, text = api_key_create(
            caller=caller,
            retailer=request.user.retailer_staff.retailer,
            name=given.name,
            store=store,
            scopes=given.scopes,
            is_test=given.is_test,
        )
    except InvalidInput as error:
        return _form_page(request, FormState(request.POST, form_errors(error)), status=422)
    return render(request, "portals/jeweler/key_created.html", {"key": key, "text": text})


@require_POST
@jeweler_required(roles=MANAGERS)
def key_revoke(request: HttpRequest, key_id: int) -> HttpResponse:
    caller = manager_caller(request)
    key = api_key_revoke(caller=caller, key=api_key_get(caller=caller, key_id=key_id))
    messages.success(request, f"Key {key.name} ({key.key_kind}_{key.prefix}) is revoked.")
    return HttpResponseRedirect(reverse("jeweler:keys"))
