"""The business rules of Gemcare, in plain Python.

Nothing here imports Django or touches a database: every rule is a function of frozen
dataclasses (the product's terms, the contract's facts, the claim's facts, the state's
variation) that returns a decision carrying reason codes and words a jeweler can read to a
customer. Services turn rows into these inputs and persist what comes back.
"""
