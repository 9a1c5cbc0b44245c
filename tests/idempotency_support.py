"""What the idempotency tests share: a request that loses the race to record its key."""

from gemcare.common import idempotency


def first_claim_sees_nothing(monkeypatch) -> list:
    """The next claim reads no kept answer, as a request whose read came just before another
    request's commit; the claims after it read as usual. Returns the list of claims made."""
    real_claim = idempotency._claim
    rounds: list = []

    def saw_nothing_the_first_time(scope, fingerprint):
        rounds.append(1)
        return idempotency._Claimed() if len(rounds) == 1 else real_claim(scope, fingerprint)

    monkeypatch.setattr(idempotency, "_claim", saw_nothing_the_first_time)
    return rounds
