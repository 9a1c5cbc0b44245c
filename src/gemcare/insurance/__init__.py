"""Personal jewelry insurance: policies, named insureds, scheduled items, losses, renewals."""
