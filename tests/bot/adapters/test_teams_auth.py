"""Authentication with an app id: a correctly signed Bot Framework token is accepted and the reply
carries the bot's own token; SingleTenant settings are honoured. No network: the channel's signing key
is seeded into botbuilder's OpenID metadata cache, and outbound credentials come from a fake factory."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import datetime

import jwt
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from botbuilder.integration.aiohttp import ConfigurationBotFrameworkAuthentication
from botframework.connector.auth import (
    AuthenticationConstants,
    MicrosoftAppCredentials,
    PasswordServiceClientCredentialFactory,
)
from botframework.connector.auth.jwt_token_extractor import JwtTokenExtractor, _OpenIdMetadata
from cryptography.hazmat.primitives.asymmetric import rsa

from bot.adapters.teams import TEAMS_BOT, BotbuilderTeamsGateway, BotConfig, register
from bot.adapters.teams_bot import TeamsBot
from bot.server import TIP_SENDERS, build_app
from bot.service import Dosay
from bot.settings import load_settings
from bot.storage.store import Store
from tests.bot.adapters.teams_harness import activity
from tests.bot.conftest import KeywordMatcher, make_phrasebook
from tests.fakes.teams_connector import FakeTeamsConnector

APP_ID = "0b3c5d7e-1111-4222-8333-944455556666"
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def teams_dosay(tmp_path, clock) -> Iterator[Dosay]:
    store = Store.open(f"sqlite:///{tmp_path / 'dosay.db'}")
    service = Dosay(phrasebook=make_phrasebook(), matcher=KeywordMatcher(), store=store, clock=clock)
    yield service
    service.close()


@pytest.fixture
def channel_signing_key(monkeypatch) -> None:
    """The Bot Framework channel's public key, as botbuilder would have fetched it (endorsed for msteams)."""
    import requests

    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(KEY.public_key()))
    metadata = _OpenIdMetadata(AuthenticationConstants.TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL)
    metadata.keys = [{**jwk, "kid": "k1", "endorsements": ["msteams"]}]
    metadata.last_updated = datetime.now()
    monkeypatch.setitem(JwtTokenExtractor.metadataCache, metadata.url, metadata)

    real = requests.Session.request

    def loopback_only(self, method, url, *args, **kwargs):
        if not str(url).startswith("http://127.0.0.1:"):
            raise AssertionError(f"the test tried to reach the network: {method} {url}")
        return real(self, method, url, *args, **kwargs)

    monkeypatch.setattr(requests.Session, "request", loopback_only)


def channel_token(service_url: str, *, audience: str = APP_ID, key=KEY) -> str:
    now = int(time.time())
    claims = {
        "iss": AuthenticationConstants.TO_BOT_FROM_CHANNEL_TOKEN_ISSUER,
        "aud": audience,
        "serviceurl": service_url,
        "nbf": now - 60,
        "exp": now + 3600,
    }
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": "k1"})


class _Credentials(MicrosoftAppCredentials):
    def get_access_token(self, force_refresh: bool = False) -> str:
        return "outbound-token"


class _CredentialsFactory(PasswordServiceClientCredentialFactory):
    """botbuilder's factory without the call to Microsoft Entra: like the real one, it refuses an app id
    other than the bot's (what a proactive call without ``bot_app_id`` asks for)."""

    async def create_credentials(self, app_id, oauth_scope, login_endpoint, validate_authority):
        if not await self.is_valid_app_id(app_id):
            raise PermissionError(f"credentials asked for app id {app_id!r}")
        return _Credentials(app_id, "pw", None, oauth_scope)


BOT = web.AppKey("bot", TeamsBot)


async def _client(dosay: Dosay) -> TestClient:
    config = BotConfig(APP_ID=APP_ID, APP_PASSWORD="pw")
    authentication = ConfigurationBotFrameworkAuthentication(
        config, credentials_factory=_CredentialsFactory(APP_ID, "pw")
    )
    bot = TeamsBot(dosay, BotbuilderTeamsGateway(config, authentication=authentication))
    app = web.Application()
    app[BOT] = bot
    app.router.add_post("/api/messages", bot.handle)
    return TestClient(TestServer(app))


async def _post(client: TestClient, body: dict, headers: dict[str, str]) -> int:
    """POST, then wait for the turn the 200 acknowledged."""
    response = await client.post("/api/messages", json=body, headers=headers)
    await client.app[BOT].drain()
    return response.status


async def test_a_signed_channel_token_is_accepted_and_the_reply_carries_our_token(
    teams_dosay, channel_signing_key
) -> None:
    async with FakeTeamsConnector() as connector, await _client(teams_dosay) as client:
        body = activity("it will learn", service_url=connector.url)
        headers = {"Authorization": f"Bearer {channel_token(connector.url)}"}
        assert await _post(client, body, headers) == 200
        [post] = connector.posts()
    assert post.has_token and "Try saying" in json.dumps(post.card)


@pytest.mark.parametrize(
    "token",
    [
        lambda url: channel_token(url, audience="someone-else"),
        lambda url: channel_token("https://attacker.example/", audience=APP_ID),
        lambda url: channel_token(url, key=rsa.generate_private_key(public_exponent=65537, key_size=2048)),
    ],
    ids=["wrong-audience", "wrong-service-url", "wrong-key"],
)
async def test_a_token_for_someone_else_is_refused(teams_dosay, channel_signing_key, token) -> None:
    async with FakeTeamsConnector() as connector, await _client(teams_dosay) as client:
        body = activity("it will learn", service_url=connector.url)
        headers = {"Authorization": f"Bearer {token(connector.url)}"}
        assert await _post(client, body, headers) == 401 and connector.calls == []


async def test_single_tenant_settings_reach_botbuilder(teams_dosay, channel_signing_key) -> None:
    environ = {
        "MicrosoftAppId": APP_ID,
        "MicrosoftAppPassword": "pw",
        "MicrosoftAppType": "SingleTenant",
        "MicrosoftAppTenantId": "tenant-1",
        "DOSAY_DATABASE_URL": "sqlite://",
    }
    settings = load_settings(environ)
    config = BotConfig.from_settings(settings)
    assert (config.APP_TYPE, config.APP_TENANTID, config.APP_PASSWORD) == ("SingleTenant", "tenant-1", "pw")
    app = build_app(teams_dosay, settings, adapters=[register])
    assert "teams" in app[TIP_SENDERS]
    async with FakeTeamsConnector() as connector, TestClient(TestServer(app)) as client:
        body = activity("it will learn", service_url=connector.url)
        response = await client.post("/api/messages", json=body)
        await app[TEAMS_BOT].drain()
        assert response.status == 401 and connector.calls == []


class _CountingCredentialsFactory(_CredentialsFactory):
    def __init__(self, *args) -> None:
        super().__init__(*args)
        self.created = 0

    async def create_credentials(self, app_id, oauth_scope, login_endpoint, validate_authority):
        self.created += 1
        return await super().create_credentials(app_id, oauth_scope, login_endpoint, validate_authority)


async def test_outbound_clients_are_shared_between_turns_and_every_request_is_still_checked(
    teams_dosay, channel_signing_key
) -> None:
    """One connector client (one set of credentials, so one cached access token) per service URL, not
    one per activity; the token of every request is still checked."""
    factory = _CountingCredentialsFactory(APP_ID, "pw")
    config = BotConfig(APP_ID=APP_ID, APP_PASSWORD="pw")
    authentication = ConfigurationBotFrameworkAuthentication(config, credentials_factory=factory)
    bot = TeamsBot(teams_dosay, BotbuilderTeamsGateway(config, authentication=authentication))
    app = web.Application()
    app[BOT] = bot
    app.router.add_post("/api/messages", bot.handle)
    async with FakeTeamsConnector() as connector, TestClient(TestServer(app)) as client:
        headers = {"Authorization": f"Bearer {channel_token(connector.url)}"}
        for n in range(3):
            body = activity("it will learn", service_url=connector.url, conversation=f"19:c{n}@thread")
            assert await _post(client, body, headers) == 200
        assert len(connector.posts()) == 3 and all(post.has_token for post in connector.posts())
        # connector client + user token client, each built once
        assert factory.created == 2
        bad = {"Authorization": f"Bearer {channel_token(connector.url, audience='someone-else')}"}
        body = activity("it will learn", service_url=connector.url, conversation="19:c9@thread")
        assert await _post(client, body, bad) == 401 and len(connector.posts()) == 3


async def test_a_proactive_tip_with_an_app_id_is_sent_as_the_bot(
    teams_dosay, channel_signing_key, clock
) -> None:
    """``continue_conversation`` gets ``bot_app_id``: without it botbuilder asks for credentials of no app
    (the real factory refuses; Teams would answer 401) and the tip is not delivered."""
    from bot.scheduler import TipScheduler

    async with FakeTeamsConnector() as connector, await _client(teams_dosay) as client:
        headers = {"Authorization": f"Bearer {channel_token(connector.url)}"}
        install = activity(None, service_url=connector.url, activity_type="installationUpdate", action="add")
        assert await _post(client, install, headers) == 200
        command = activity("settings tips at 07:00", service_url=connector.url, mentioned=True)
        assert await _post(client, command, headers) == 200
        scheduler = TipScheduler(teams_dosay, {"teams": client.app[BOT].send_tip}, clock)
        assert await scheduler.run_once() == 1
        assert await scheduler.run_once() == 0
        [tip] = [p for p in connector.posts() if "Tip of the day" in json.dumps(p.card)]
    assert tip.has_token and tip.activity_id is None
