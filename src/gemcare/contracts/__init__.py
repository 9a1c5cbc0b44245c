"""Plan contracts: sales, holders and their history, transfers, cancellations and refunds."""
