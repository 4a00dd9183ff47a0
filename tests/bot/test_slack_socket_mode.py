"""Socket Mode end to end: ``SLACK_APP_TOKEN`` set → the real server opens a WebSocket to the loopback fake
(``apps.connections.open`` → ``ws://127.0.0.1:PORT/socket``), gets envelopes and acknowledges each one."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl, urlencode

from aiohttp.test_utils import TestClient, TestServer

from bot.adapters import slack as slack_adapter
from bot.server import build_app
from bot.service import Dosay
from bot.settings import load_settings
from tests.bot.conftest import KeywordMatcher
from tests.bot.slack_harness import SlackHarness, event_body, message_event
from tests.fakes.slack_api import FakeSlackApi


def envelope(envelope_id: str, kind: str, payload: dict[str, Any], *, retry: int = 0) -> dict[str, Any]:
    return {
        "envelope_id": envelope_id,
        "type": kind,
        "accepts_response_payload": kind != "events_api",
        "retry_attempt": retry,
        "retry_reason": "timeout" if retry else "",
        "payload": payload,
    }


async def test_socket_mode_answers_events_once_and_acknowledges_commands(phrasebook, store, clock) -> None:
    async with FakeSlackApi() as api:
        settings = load_settings(
            {
                "SLACK_BOT_TOKEN": "xoxb-test-token",
                "SLACK_APP_TOKEN": "xapp-1-test-token",
                "DOSAY_SLACK_API_URL": api.url,
            }
        )
        service = Dosay(phrasebook=phrasebook, matcher=KeywordMatcher(), store=store, clock=clock)
        app = build_app(service, settings, adapters=[slack_adapter.register])
        assert not any(r.resource and r.resource.canonical == "/slack/events" for r in app.router.routes())
        client: TestClient[Any, Any] = TestClient(TestServer(app, host="127.0.0.1", port=0))
        await client.start_server()  # on start-up the adapter connects
        harness = SlackHarness(api=api, dosay=service, client=client)
        try:
            await api.wait_for_socket()
            [opened] = api.calls_to("apps.connections.open")
            assert opened.headers["has_token"] == "True"

            event = json.loads(event_body(message_event("it will learn", ts="900.1"), event_id="EvS1"))
            await api.socket_send(envelope("env-1", "events_api", event))
            [reply] = await api.wait_for("chat.postMessage")
            assert (reply.params["channel"], reply.params["thread_ts"]) == ("C1", "900.1")

            # Slack redelivers over the socket with a new envelope and retry_attempt: answered once
            await api.socket_send(envelope("env-2", "events_api", event, retry=1))
            command = dict(
                parse_qsl(
                    urlencode(
                        {
                            "command": "/dosay",
                            "text": "inference is free",
                            "team_id": "T1",
                            "channel_id": "C1",
                            "user_id": "U1",
                            "response_url": api.url + "respond",
                            "trigger_id": "trig.1",
                        }
                    )
                )
            )
            await api.socket_send(envelope("env-3", "slash_commands", command))
            acks = await api.wait_for_acks(3)
            await harness.settle()
            assert [a["envelope_id"] for a in acks] == ["env-1", "env-2", "env-3"]
            assert "payload" not in acks[0] and "payload" not in acks[1]
            assert acks[2]["payload"]["response_type"] == "ephemeral"
            assert "Inference is basically free" in acks[2]["payload"]["text"]
            assert len(api.calls_to("chat.postMessage")) == 1
        finally:
            await harness.settle()
            await client.close()  # on cleanup the adapter closes the socket
            service._executor.shutdown(wait=True)
