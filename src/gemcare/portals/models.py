"""The portals' models: those of the customer site (`customer/models.py`)."""

from gemcare.portals.customer.models import SignInCode, TransferInvitation

__all__ = ["SignInCode", "TransferInvitation"]
