"""What the customer site keeps: sign-in codes and transfer invitations.

Both are the site's own mechanisms around the contract services, not contract history: a
code opens a holder's session, an invitation carries the holder's consent to a transfer
until the recipient accepts it, when `contract_transfer` records the transfer itself. They
live in the portals app (the only app of the site's pages), and they refer to holders and
contracts with CASCADE: they mean nothing once those are gone.

Secrets are kept only as hashes: a code as a keyed hash tied to its request, a link's
token as its SHA-256 (a 256-bit random token needs no key). A pending invitation names a
person who has agreed to nothing yet, so their name and email are encrypted at rest like a
holder's sensitive fields.
"""

from django.db import models

from gemcare.common.fields import EncryptedTextField
from gemcare.contracts.models import Contract, Holder
from gemcare.insurance.models import NamedInsured
from gemcare.partners.models import STATE_CHOICES


class SignInCode(models.Model):
    """One request for a code from one browser ("find my plan").

    A row is written for every request, whether a plan matched or not (`holder` empty then,
    and no code was sent): wrong codes are counted and locked out alike, so trying codes
    tells a stranger nothing about whether a plan exists. A policyholder's request ("my
    policy") is the same row with `named_insured` instead of `holder`: a code opens only the
    kind of session it was asked for."""

    token_hash = models.CharField(max_length=64, unique=True, help_text="The browser's request.")
    holder = models.ForeignKey(
        Holder, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    contract = models.ForeignKey(
        Contract,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="The plan the request found: codes per plan per hour are limited.",
    )
    named_insured = models.ForeignKey(
        NamedInsured,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="The policyholder a policy sign-in request found (then no holder).",
    )
    code_hash = models.CharField(max_length=64)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(db_index=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["contract", "created_at"])]

    def __str__(self) -> str:
        return f"sign-in code {self.pk}"


class TransferInvitation(models.Model):
    """A holder's invitation to take over a plan, sent by email with a single-use link."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="+")
    invited_by = models.ForeignKey(Holder, on_delete=models.CASCADE, related_name="+")
    name = EncryptedTextField()
    email = EncryptedTextField()
    state = models.CharField(max_length=2, choices=STATE_CHOICES)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_holder = models.ForeignKey(
        Holder, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawn_at = models.DateTimeField(
        null=True, blank=True, help_text="Replaced by a newer invitation, or withdrawn."
    )

    class Meta:
        constraints = [
            # One open invitation per plan: a new one withdraws the one before.
            models.UniqueConstraint(
                fields=["contract"],
                condition=models.Q(accepted_at__isnull=True, withdrawn_at__isnull=True),
                name="transfer_invitation_one_open",
            ),
        ]

    def __str__(self) -> str:
        return f"transfer invitation {self.pk}"
