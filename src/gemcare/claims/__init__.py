"""Claims on plans: filing, adjudication through the rules, review, fulfilment, reimbursement."""
