"""The organisations and people who use Gemcare: the provider's staff, retailers with their
stores and staff, and repair centers."""
