"""The codes a contract service refuses with, each with the words that explain it."""

from gemcare.common.errors import ErrorCode


class ContractError(ErrorCode):
    OUT_OF_ORDER = (
        "out_of_order",
        "An event on a contract may not be dated before the latest one already recorded.",
    )
    NOT_ACTIVE = "contract_not_active", "The contract is no longer active."
    CLAIM_IN_REVIEW = (
        "claim_in_review",
        "A claim on the contract awaits an adjuster's review: the review decides first.",
    )
    NOT_TRANSFERABLE = "not_transferable", "This plan cannot be transferred."
    REFUND_ALREADY_PAID = "refund_already_paid", "This refund has already been paid."
    SOLD_WITH_ITEM = (
        "plan_must_be_sold_with_item",
        "The plan is sold with the item, on the same receipt.",
    )
    SOLD_AFTER_PURCHASE = "sold_after_purchase", "The item was sold after the plan's purchase."
    DUPLICATE_SALE = (
        "duplicate_sale",
        "A live plan is already registered on this line of this receipt.",
    )
    PRICE_MISMATCH = "price_mismatch", "The plan price is not the price of the item's band."
    NOT_ALLOWED = "not_allowed", "The caller may not make this change."
    FREE_LOOK_OVER = (
        "free_look_over",
        "The return falls outside the free look, or services were received: cancel instead.",
    )
    NOT_PENDING_PICKUP = (
        "not_pending_pickup",
        "Only a plan waiting for its item's pickup can record the pickup.",
    )
