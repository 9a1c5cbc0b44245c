"""Claims in the back office: the adjuster queue and each claim's lines and decisions."""

from django.contrib import admin, messages
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from gemcare.claims.models import (
    AWAITING_REVIEW,
    Claim,
    ClaimDecision,
    ClaimLine,
    ClaimPhoto,
    Reimbursement,
)
from gemcare.claims.schemas import ReviewIn
from gemcare.claims.services import claim_review
from gemcare.common.admin import ReadOnlyAdmin, ReadOnlyInline
from gemcare.common.callers import Caller
from gemcare.common.errors import ApplicationError
from gemcare.partners.models import ProviderStaff


class ClaimLineInline(ReadOnlyInline):
    model = ClaimLine
    fields = [
        "position",
        "service",
        "estimated_cost",
        "sizes",
        "result",
        "approved",
        "reason_code",
        "reason_words",
    ]


class ClaimDecisionInline(ReadOnlyInline):
    model = ClaimDecision
    fields = [
        "decided_at",
        "source",
        "decided_by",
        "decision",
        "approved",
        "holder_share",
        "remaining_limit",
        "fulfilment",
        "status",
        "explanation_text",
    ]

    @admin.display(description="Explanation")
    def explanation_text(self, obj) -> str:
        return format_html_join(mark_safe("<br>"), "{}", ((line,) for line in obj.explanation))


class ReimbursementInline(ReadOnlyInline):
    model = Reimbursement


class ClaimPhotoInline(ReadOnlyInline):
    """What was uploaded and by whom; the photos themselves are seen on the claim's page in
    the back office, which checks the caller (never a public URL)."""

    model = ClaimPhoto
    fields = ["uploaded_at", "content_type", "size", "uploaded_by"]


def _caller(user) -> Caller:
    """The adjuster reviewing; a superuser without a staff record acts as an administrator."""
    if user.is_superuser and getattr(user, "provider_staff", None) is None:
        return Caller.provider(user, role=ProviderStaff.ADMIN)
    return Caller.provider(user)


@admin.action(description="Confirm the rules' decision (adjuster review)")
def confirm(modeladmin, request, queryset) -> None:
    try:
        caller = _caller(request.user)
    except PermissionError:
        modeladmin.message_user(request, "Only the provider's staff review claims.", messages.ERROR)
        return
    for claim in queryset.filter(status=AWAITING_REVIEW):
        try:
            claim_review(caller=caller, claim=claim, review=ReviewIn())
        except ApplicationError as error:
            modeladmin.message_user(request, f"{claim}: {error.describe()}", messages.ERROR)
        else:
            modeladmin.message_user(request, f"{claim}: confirmed", messages.SUCCESS)


@admin.register(Claim)
class ClaimAdmin(ReadOnlyAdmin):
    list_display = [
        "number",
        "contract",
        "filed_on",
        "cause",
        "decision",
        "approved",
        "fulfilment",
        "needs_review",
        "status",
    ]
    list_filter = [
        "status",
        "decision",
        "fulfilment",
        "needs_review",
        "review_open",
        "cause",
        "channel",
    ]
    search_fields = ["number", "contract__number"]
    date_hierarchy = "filed_on"
    list_select_related = ["contract"]
    inlines = [ClaimLineInline, ClaimDecisionInline, ReimbursementInline, ClaimPhotoInline]
    actions = [confirm]

    def has_change_permission(self, request, obj=None) -> bool:
        # Needed for the review action; the form itself stays read-only.
        return obj is None and request.user.has_perm("claims.change_claim")
