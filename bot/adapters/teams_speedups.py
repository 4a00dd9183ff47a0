"""A library hot spot on the Teams path, fixed without changing behaviour.

botbuilder's ``CloudAdapter`` builds a ``ConnectorClient`` and a ``TokenApiClient`` for every inbound
activity; each builds msrest's ``ClientRetryPolicy``, whose ``__init__`` computes
``[i for i in range(999) if i not in self.safe_codes]`` against a *list* of ~500 ints: about a million
comparisons per activity, 60% of the server's CPU under Teams load (py-spy, ``dosay bench e2e``).
The same codes as a frozenset give the same ``status_forcelist`` in O(999).
"""

from __future__ import annotations

from msrest.universal_http.requests import ClientRetryPolicy


def apply() -> None:
    """Idempotent: make ``ClientRetryPolicy.safe_codes`` a frozenset (same members)."""
    codes = ClientRetryPolicy.safe_codes
    if not isinstance(codes, frozenset):
        setattr(ClientRetryPolicy, "safe_codes", frozenset(codes))  # noqa: B010 (msrest is untyped)
