"""What every Gemcare app shares: errors and codes, the audit log, money and encrypted fields."""
