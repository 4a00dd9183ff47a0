"""The msrest retry-policy speed-up keeps the retry behaviour (same status codes retried)."""

from __future__ import annotations

from msrest.universal_http.requests import ClientRetryPolicy

from bot.adapters import teams_speedups


def test_retry_codes_unchanged_by_the_frozenset() -> None:
    original = [i for i in range(500) if i != 408] + [501, 505]
    expected = [i for i in range(999) if i not in original]
    teams_speedups.apply()
    teams_speedups.apply()  # idempotent
    assert isinstance(ClientRetryPolicy.safe_codes, frozenset)
    policy = ClientRetryPolicy()
    assert policy.policy.status_forcelist == expected
    assert 408 in expected and 500 in expected and 501 not in expected and 429 not in expected
