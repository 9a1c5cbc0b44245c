"""Who is calling: every service and every tenant fetch takes a `Caller`.

A caller is a provider role, a retailer (optionally narrowed to one store), a holder's
verified session, an insurance policyholder's verified session, or the system itself
(scheduled work). Selectors scope every query of a tenant's rows by it, answering "not
found" for "not yours"; the audit log records it.
"""

from dataclasses import dataclass

PROVIDER = "provider"
RETAILER = "retailer"
HOLDER = "holder"
POLICYHOLDER = "policyholder"
SYSTEM = "system"


@dataclass(frozen=True, slots=True)
class Caller:
    kind: str
    label: str  # what the audit log shows: "user:12", "api_key:4", "system:contract_expiry"
    user_id: int | None = None
    role: str = ""
    retailer_id: int | None = None
    store_id: int | None = None
    holder_id: int | None = None
    named_insured_id: int | None = None
    policy_id: int | None = None

    @classmethod
    def provider(cls, user, *, role: str | None = None) -> "Caller":
        """A member of the provider's staff; the role comes from their staff record."""
        if role is None:
            staff = getattr(user, "provider_staff", None)
            if staff is None:
                raise PermissionError(f"{user} is not on the provider's staff")
            role = staff.role
        return cls(PROVIDER, f"user:{user.pk}", user_id=user.pk, role=role)

    @classmethod
    def retailer(cls, retailer, *, store=None, user=None, label: str | None = None) -> "Caller":
        """A retailer's staff member or system; with `store`, only that store's sales."""
        if store is not None and store.retailer_id != retailer.pk:
            raise PermissionError("the store belongs to another retailer")
        if label is None:
            label = f"user:{user.pk}" if user is not None else f"retailer:{retailer.pk}"
        return cls(
            RETAILER,
            label,
            user_id=user.pk if user is not None else None,
            retailer_id=retailer.pk,
            store_id=store.pk if store is not None else None,
        )

    @classmethod
    def holder(cls, holder) -> "Caller":
        """A holder whose session was verified (a one-time code sent to the email on file)."""
        return cls(HOLDER, f"holder:{holder.pk}", holder_id=holder.pk)

    @classmethod
    def policyholder(cls, named_insured) -> "Caller":
        """A named insured of one policy whose session was verified (a one-time code sent to
        their email on the policy): they see and act on that policy alone."""
        return cls(
            POLICYHOLDER,
            f"named_insured:{named_insured.pk}",
            named_insured_id=named_insured.pk,
            policy_id=named_insured.policy_id,
        )

    @classmethod
    def system(cls, name: str) -> "Caller":
        """Scheduled or internal work: expiry runs, the scenario runner, demo loading."""
        return cls(SYSTEM, f"system:{name}")

    @property
    def is_provider(self) -> bool:
        return self.kind in {PROVIDER, SYSTEM}

    @property
    def is_retailer(self) -> bool:
        return self.kind == RETAILER

    @property
    def is_holder(self) -> bool:
        return self.kind == HOLDER

    @property
    def is_policyholder(self) -> bool:
        return self.kind == POLICYHOLDER


def caller_required(caller: object) -> Caller:
    """Every service and tenant selector is called on behalf of a Caller: a missing one is a
    programming error, raised at the first test rather than a leak in production."""
    if not isinstance(caller, Caller):
        raise TypeError(f"expected the Caller this runs for, got {type(caller).__name__}")
    return caller


def caller_scope(caller: Caller, *, retailer: str, store: str, holder: str) -> dict | None:
    """The filter that keeps a query of a tenant's rows to what `caller` may see, given the
    lookups that lead from those rows to their retailer, store and current holder: `{}` for
    the provider, `None` for a caller who may see none of them."""
    caller = caller_required(caller)
    if caller.is_provider:
        return {}
    if caller.is_retailer:
        scope = {retailer: caller.retailer_id}
        if caller.store_id is not None:
            scope[store] = caller.store_id
        return scope
    if caller.is_holder:
        return {holder: caller.holder_id}
    return None
