"""Plan and insurance products as versioned data.

A product has editable drafts and immutable published versions. Contracts and policies point
at the version they were sold under, so publishing never changes what was sold.
"""
