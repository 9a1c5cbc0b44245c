"""The platform's pages: the jeweler portal, the customer site and the back office.

Server-rendered Django pages, enhanced with htmx where it helps and complete without it.
Every page reads its input through the same schemas as the partner API and calls the same
services and selectors, on behalf of the caller its decorator resolves (`portals.web`).

How to add a page (docs/decisions/0019-portal-stack.md):

1. Write the view in `<portal>/views.py` under `@jeweler_required()`, `@office_required()`
   or `@customer_required`; `request.caller` is then the `Caller` to hand to selectors and
   services. Anything they raise (`NotFound`, `Refused`, `InvalidInput`) becomes the right
   page by itself (`web.errors`); a form catches `InvalidInput` to show it by the fields.
2. Read a form with `form_read(Schema, request.POST, ...)` and show it again, on failure,
   with `FormState(request.POST, form_errors(error))` and status 422.
3. Extend `portals/<portal>/base.html`; draw fields with `{% field "name" "Label" %}`.
4. Register the URL in `<portal>/urls.py`.
"""
