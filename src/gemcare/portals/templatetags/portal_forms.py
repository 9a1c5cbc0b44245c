"""`{% field %}`: one input with its label, hint and error, wired for screen readers.

    {% load portal_forms %}
    {% field "holder.name" "Holder's name" autocomplete="name" required=True %}
    {% field "item.price" "Price" hint="In dollars, as on the receipt" inputmode="decimal" %}
    {% field "item.kind" "Item" type="select" choices=kinds %}
    {% field "item.gift" "Sold as a gift" type="checkbox" %}
    {% field "notes" "Notes" type="textarea" %}

The value and the error come from the `FormState` named `form` in the context. The input's
id is the name with dots as dashes (`f-holder-name`); its hint and error are tied to it with
aria-describedby, and an input in error carries aria-invalid. A password is never shown
again. `choices` is a list of (value, label) pairs.
"""

from django import template

from gemcare.portals.web.forms import FormState

register = template.Library()

TYPES = frozenset(
    {
        "text",
        "email",
        "tel",
        "number",
        "date",
        "password",
        "search",
        "url",
        "select",
        "checkbox",
        "textarea",
        "file",
    }
)


def field_id(name: str) -> str:
    return "f-" + name.replace(".", "-").replace("_", "-")


def field_words(name: str) -> str:
    """A field's name as a person reads it: `lines.0.cost` -> "Lines, row 1, cost"."""
    words = ", ".join(
        f"row {int(part) + 1}" if part.isdigit() else part.replace("_", " ")
        for part in name.split(".")
    )
    return words[:1].upper() + words[1:]


@register.inclusion_tag("portals/_field.html", takes_context=True)
def field(
    context,
    name: str,
    label: str,
    *,
    type: str = "text",
    hint: str = "",
    required: bool = False,
    choices=(),
    autocomplete: str = "",
    inputmode: str = "",
    placeholder: str = "",
    maxlength: int | None = None,
    autofocus: bool = False,
    accept: str = "",
) -> dict:
    if type not in TYPES:
        raise template.TemplateSyntaxError(f"{{% field %}} does not draw type={type!r}")
    form = context.get("form")
    if not isinstance(form, FormState):
        form = FormState()
    ident = field_id(name)
    error = form.error(name)
    described = " ".join(
        part for part, shown in ((f"{ident}-hint", hint), (f"{ident}-error", error)) if shown
    )
    value = "" if type in {"password", "file"} else form.value(name)
    return {
        "name": name,
        "label": label,
        "type": type,
        "id": ident,
        "hint": hint,
        "error": error,
        "described_by": described,
        "required": required,
        "value": value,
        "checked": type == "checkbox" and form.checked(name),
        "choices": [(str(key), text) for key, text in choices],
        "selected": str(value),
        "autocomplete": autocomplete,
        "inputmode": inputmode,
        "placeholder": placeholder,
        "maxlength": maxlength,
        "autofocus": autofocus,
        "accept": accept,
    }


@register.inclusion_tag("portals/_error_summary.html", takes_context=True)
def error_summary(context) -> dict:
    """The list of a failed form's errors, first on the page, each linking to its input."""
    form = context.get("form")
    errors = form.errors if isinstance(form, FormState) else {}
    return {
        "errors": [(field_id(name), field_words(name), message) for name, message in errors.items()]
    }
