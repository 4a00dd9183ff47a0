"""Library hot spots on the Teams path, fixed without changing behaviour.

1. msrest's retry list (``apply``).

botbuilder's ``CloudAdapter`` builds a ``ConnectorClient`` and a ``TokenApiClient`` for every inbound
activity; each builds msrest's ``ClientRetryPolicy``, whose ``__init__`` computes
``[i for i in range(999) if i not in self.safe_codes]`` against a *list* of ~500 ints: about a million
comparisons per activity, 60% of the server's CPU under Teams load (py-spy, ``dosay bench e2e``).
The same codes as a frozenset give the same ``status_forcelist`` in O(999).

2. Those two clients themselves (``SharedClientsAuthentication``): built once per service URL and app id,
   then shared by every turn, as botbuilder's older ``BotFrameworkAdapter`` does.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any, Generic, TypeVar

from botbuilder.schema import Activity
from botframework.connector.aio import ConnectorClient
from botframework.connector.auth import (
    AuthenticateRequestResult,
    AuthenticationConstants,
    BotFrameworkAuthentication,
    ClaimsIdentity,
    ConnectorFactory,
    UserTokenClient,
)
from botframework.connector.skills import BotFrameworkClient
from msrest.universal_http.requests import ClientRetryPolicy

K = TypeVar("K")
V = TypeVar("V")


def apply() -> None:
    """Idempotent: make ``ClientRetryPolicy.safe_codes`` a frozenset (same members)."""
    codes = ClientRetryPolicy.safe_codes
    if not isinstance(codes, frozenset):
        setattr(ClientRetryPolicy, "safe_codes", frozenset(codes))  # noqa: B010 (msrest is untyped)


# --- clients built once, not per activity ------------------------------------------------------------------


def _app_id(claims_identity: ClaimsIdentity | None) -> str:
    """The bot's app id in an inbound identity, as botbuilder reads it (audience claim, else appid)."""
    if claims_identity is None:
        return ""
    value = claims_identity.get_claim_value(AuthenticationConstants.AUDIENCE_CLAIM)
    if value is None:
        value = claims_identity.get_claim_value(AuthenticationConstants.APP_ID_CLAIM)
    return str(value or "")


class _Lru(Generic[K, V]):
    """A small bounded map (least recently used out first): the keys come from authenticated requests,
    but a bound keeps a misbehaving channel from growing it."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> V | None:
        value = self._items.get(key)
        if value is not None:
            self._items.move_to_end(key)
        return value

    def put(self, key: K, value: V) -> V:
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self.size:
            self._items.popitem(last=False)
        return value

    def __len__(self) -> int:
        return len(self._items)


class SharedConnectorFactory(ConnectorFactory):
    """botbuilder's connector factory, returning one ``ConnectorClient`` per (app id, service URL,
    audience) instead of a new one per activity."""

    def __init__(self, inner: ConnectorFactory, app_id: str, cache: _Lru[Any, ConnectorClient]) -> None:
        self.inner = inner
        self.app_id = app_id
        self.cache = cache

    async def create(self, service_url: str, audience: str | None = None) -> ConnectorClient:
        key = (self.app_id, service_url, audience)
        client = self.cache.get(key)
        if client is None:
            client = self.cache.put(key, await self.inner.create(service_url, audience))
        return client


class SharedClientsAuthentication(BotFrameworkAuthentication):
    """``BotFrameworkAuthentication`` that authenticates every request exactly as the one it wraps, but
    shares the outbound clients between turns.

    ``CloudAdapter`` builds a ``ConnectorClient`` (with new ``MicrosoftAppCredentials``) and a
    ``TokenApiClient`` for every inbound activity: ~20% of the server's CPU under Teams load (msrest
    configuration, a requests session, configparser), a new TCP connection per reply and, with an app id,
    a new MSAL app per reply, so no access token was ever reused. botbuilder's own
    ``BotFrameworkAdapter`` keeps the same cache (``_connector_client_cache``, keyed by service URL, app
    id and scope). Concurrent replies through one client share its requests session from asyncio's
    pool threads (msrest's async sender takes the event loop thread's session); urllib3's connection
    pool is thread-safe. The user token client (OAuth sign-in, which dosay does not use) is shared per
    app id.
    """

    def __init__(self, inner: BotFrameworkAuthentication, size: int = 64) -> None:
        self.inner = inner
        self.connectors: _Lru[Any, ConnectorClient] = _Lru(size)
        self.user_token_clients: _Lru[str, UserTokenClient] = _Lru(size)

    def _shared(self, factory: ConnectorFactory | None, identity: ClaimsIdentity | None) -> Any:
        if factory is None or isinstance(factory, SharedConnectorFactory):
            return factory
        return SharedConnectorFactory(factory, _app_id(identity), self.connectors)

    async def authenticate_request(self, activity: Activity, auth_header: str) -> AuthenticateRequestResult:
        result = await self.inner.authenticate_request(activity, auth_header)
        result.connector_factory = self._shared(result.connector_factory, result.claims_identity)
        return result

    async def authenticate_streaming_request(
        self, auth_header: str, channel_id_header: str
    ) -> AuthenticateRequestResult:
        result = await self.inner.authenticate_streaming_request(auth_header, channel_id_header)
        result.connector_factory = self._shared(result.connector_factory, result.claims_identity)
        return result

    def create_connector_factory(self, claims_identity: ClaimsIdentity) -> ConnectorFactory:
        shared: ConnectorFactory = self._shared(
            self.inner.create_connector_factory(claims_identity), claims_identity
        )
        return shared

    async def create_user_token_client(self, claims_identity: ClaimsIdentity) -> UserTokenClient:
        app_id = _app_id(claims_identity)
        client = self.user_token_clients.get(app_id)
        if client is None:
            client = self.user_token_clients.put(
                app_id, await self.inner.create_user_token_client(claims_identity)
            )
        return client

    def create_bot_framework_client(self) -> BotFrameworkClient:
        return self.inner.create_bot_framework_client()

    def get_originating_audience(self) -> str:
        return str(self.inner.get_originating_audience())

    async def authenticate_channel_request(self, auth_header: str) -> ClaimsIdentity:
        return await self.inner.authenticate_channel_request(auth_header)
