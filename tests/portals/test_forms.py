"""Forms are read into the API's schemas: flat names to nested input, one validation, errors
by the form's own names, and the `{% field %}` tag that shows them."""

import pytest
from django.http import QueryDict
from django.template import Context, Template

from gemcare.claims.schemas import ClaimIn
from gemcare.common.errors import InvalidInput
from gemcare.contracts.schemas import HolderChangesIn, SaleIn
from gemcare.portals.web import FormState, form_data, form_errors, form_name, form_read


def _post(**values) -> QueryDict:
    data = QueryDict(mutable=True)
    for name, value in values.items():
        name = name.replace("__", ".")
        if isinstance(value, list):
            data.setlist(name, value)
        else:
            data[name] = value
    return data


SALE = {
    "csrfmiddlewaretoken": "token",
    "product": "ljpp-lifetime",
    "receipt_number": "R-1",
    "purchased": "2024-03-01",
    "item__kind": "ring",
    "item__price": "1200.00",
    "item__description": "",
    "item__sold": "",
    "item__gift": ["false", "true"],
    "item__water_resistant": "false",
    "holder__name": "Ada Holder",
    "holder__state": "OK",
    "holder__email": "",
    "gift_recipient__name": "",
    "gift_recipient__state": "",
}
SALE_FORM = {"nested": ["item", "holder"], "booleans": ["item.gift", "item.water_resistant"]}


def test_a_sale_form_reads_into_the_apis_schema():
    sale = form_read(SaleIn, _post(**SALE), **SALE_FORM)

    assert isinstance(sale, SaleIn)
    assert (sale.item.kind, str(sale.item.price), sale.item.gift) == ("ring", "1200.00", True)
    assert sale.item.water_resistant is False
    assert sale.item.sold is None  # left blank: the schema's default, not "invalid"
    assert sale.holder.name == "Ada Holder" and sale.holder.email == ""
    assert sale.gift_recipient is None  # an optional sub-object left blank is absent


def test_a_required_sub_object_left_blank_names_its_fields():
    values = {key: value for key, value in SALE.items() if not key.startswith("item__")}

    with pytest.raises(InvalidInput) as error:
        form_read(SaleIn, _post(**values), **SALE_FORM)

    errors = form_errors(error.value)
    assert errors["item.kind"] == "is required" and errors["item.price"] == "is required"


def test_errors_name_the_forms_rows_even_when_blank_rows_are_dropped():
    post = _post(
        incident="2024-06-01",
        filed="2024-06-10",
        cause="wear_and_tear",
        lines__0__service="prong_repair",
        lines__0__cost="85.00",
        lines__1__service="",
        lines__1__cost="",
        lines__2__service="ring_sizing",
        lines__2__cost="12.345",
    )

    with pytest.raises(InvalidInput) as error:
        form_read(ClaimIn, post, lists=["lines"])

    assert error.value.field == "lines.2.cost"
    assert form_errors(error.value) == {"lines.2.cost": "has more than two decimals"}


def test_rows_become_a_list_in_their_order_and_an_empty_list_is_refused_by_the_schema():
    data, renumbered = form_data(
        _post(lines__3__service="b", lines__0__service="a", lines__1__service=""),
        lists=["lines"],
    )
    assert data == {"lines": [{"service": "a"}, {"service": "b"}]}
    assert renumbered == {"lines[0]": 0, "lines[1]": 3}

    with pytest.raises(InvalidInput) as error:
        form_read(ClaimIn, _post(incident="2024-06-01", cause="wear_and_tear"), lists=["lines"])
    assert form_errors(error.value)["lines"] == "has too few entries"


def test_a_group_of_checkboxes_is_a_list_and_blank_keeps_an_empty_value():
    data, _ = form_data(
        _post(scopes=["quotes", "", "sales"], phone="", email=""), lists=["scopes"], blank=["phone"]
    )

    assert data == {"scopes": ["quotes", "sales"], "phone": ""}
    changes = form_read(HolderChangesIn, _post(phone="", name="Ada"), blank=["phone"])
    assert changes.stored() == {"phone": "", "name": "Ada"}


@pytest.mark.parametrize(
    "name",
    ["a..b", ".a", "a.", "lines.x-1", "0.name", "a" * 70, ".".join(["a"] * 9), "item.kind.x"],
)
def test_names_that_are_not_well_formed_are_unknown_fields(name):
    post = _post(**{"item__kind": "ring"}) if name == "item.kind.x" else QueryDict(mutable=True)
    post[name] = "x"

    with pytest.raises(InvalidInput) as error:
        form_read(SaleIn, post, **SALE_FORM)

    assert error.value.code in {"unknown_field", "invalid"}


def test_a_row_number_past_the_limit_is_refused_without_building_the_list():
    with pytest.raises(InvalidInput) as error:
        form_data(_post(lines__500__service="x"), lists=["lines"])
    with pytest.raises(InvalidInput) as absurd:
        form_data(_post(lines__99999999__service="x"), lists=["lines"])

    assert error.value.field == "lines" and "too many entries (at most 500)" in error.value.message
    assert absurd.value.code == "unknown_field"


def test_a_name_the_schema_does_not_have_is_refused():
    post = _post(**SALE)
    post["holder.nickname"] = "Ada"

    with pytest.raises(InvalidInput) as error:
        form_read(SaleIn, post, **SALE_FORM)

    assert form_errors(error.value) == {"holder.nickname": "is not a known field"}
    assert error.value.code == "unknown_field"


def test_a_sensitive_value_is_never_quoted_in_the_error():
    post = _post(**SALE)
    post["holder.ssn"] = "not-an-ssn-secret"

    with pytest.raises(InvalidInput) as error:
        form_read(SaleIn, post, **SALE_FORM)

    assert error.value.field == "holder.ssn"
    assert "not-an-ssn-secret" not in str(error.value) + str(error.value.errors)


@pytest.mark.parametrize(
    ("field", "name"),
    [("lines[0].cost", "lines.0.cost"), ("holder.name", "holder.name"), ("", ""), (None, "")],
)
def test_form_names_of_error_fields(field, name):
    assert form_name(field) == name


def test_form_name_puts_back_the_forms_row_numbers():
    assert form_name("lines[1].parts[0].x", {"lines[1]": 4, "lines[1].parts[0]": 2}) == (
        "lines.4.parts.2.x"
    )


# --- the field tag ---------------------------------------------------------------------------


def _render(source: str, form: FormState) -> str:
    return Template("{% load portal_forms %}" + source).render(Context({"form": form}))


def test_a_field_in_error_is_described_by_its_hint_and_its_error():
    form = FormState({"holder.name": "A <b>"}, {"holder.name": "must not be empty"})

    html = _render('{% field "holder.name" "Name" hint="As on the ID" required=True %}', form)

    assert 'id="f-holder-name"' in html and 'for="f-holder-name"' in html
    assert 'aria-describedby="f-holder-name-hint f-holder-name-error"' in html
    assert 'aria-invalid="true"' in html
    assert "must not be empty" in html
    assert 'value="A &lt;b&gt;"' in html  # what was typed, escaped
    assert "(required)" in html


def test_a_password_is_never_filled_in_again():
    form = FormState({"password": "s3cret"})

    html = _render('{% field "password" "Password" type="password" %}', form)

    assert "s3cret" not in html


def test_a_checkbox_sends_false_when_unticked():
    form = FormState(_post(item__gift=["false", "true"]))

    html = _render('{% field "item.gift" "Gift" type="checkbox" %}', form).replace("\n", "")
    unticked = _render('{% field "item.gift" "Gift" type="checkbox" %}', FormState())

    assert 'value="true">' in unticked and "checked" not in unticked
    assert '<input type="hidden" name="item.gift" value="false">' in html
    assert 'name="item.gift" value="true" checked' in html


def test_a_select_marks_the_chosen_value():
    context = {
        "form": FormState({"item.kind": "watch"}),
        "kinds": [("ring", "Ring"), ("watch", "Watch")],
    }
    html = Template(
        '{% load portal_forms %}{% field "item.kind" "Kind" type="select" choices=kinds %}'
    ).render(Context(context))

    assert '<option value="watch" selected>Watch</option>' in html
    assert '<option value="ring">Ring</option>' in html


def test_the_error_summary_links_to_each_field():
    form = FormState({}, {"lines.0.cost": "has more than two decimals"})

    html = _render("{% error_summary %}", form)

    assert 'href="#f-lines-0-cost"' in html and "Lines, row 1, cost" in html
    assert 'role="alert"' in html
    assert _render("{% error_summary %}", FormState()).strip() == ""
