"""The insurance pages of the customer portal."""
