"""The codes a catalog change is refused with, each with the words that explain it."""

from gemcare.common.errors import ErrorCode


class CatalogError(ErrorCode):
    PUBLISHED_VERSION_CHANGED = (
        "published_version_changed",
        "A published version never changes: a correction is made in a new draft.",
    )
    VERSION_NOT_DRAFT = "version_not_draft", "Only a draft can be published."
    DRAFT_EXISTS = "draft_exists", "The product already has a draft: edit or publish it first."
    NO_PUBLISHED_VERSION = (
        "no_published_version",
        "The product has no published version to start a draft from.",
    )
    NOT_ALLOWED = "catalog_not_allowed", "Only the provider's staff change the catalog."
