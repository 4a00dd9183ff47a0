"""Teams end to end: Activity JSON → POST /api/messages of the real aiohttp app → botbuilder
CloudAdapter → dosay → replies recorded by the loopback fake Bot Framework connector."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator

import pytest

from bot.adapters.teams import TEAMS_BOT
from bot.scheduler import TipScheduler
from bot.service import Dosay
from bot.storage.store import Store
from tests.bot.adapters.teams_harness import CHANNEL, TENANT, activity, new_id, teams_harness
from tests.bot.conftest import KeywordMatcher, make_phrasebook
from tests.fakes.teams_connector import FakeTeamsConnector


@pytest.fixture
def teams_dosay(store, clock) -> Iterator[Dosay]:  # `store`: SQLite and PostgreSQL (tests/bot/conftest.py)
    service = Dosay(phrasebook=make_phrasebook(), matcher=KeywordMatcher(), store=store, clock=clock)
    yield service
    service.close()


async def test_channel_correction_is_a_card_in_the_messages_thread(teams_dosay) -> None:
    async with teams_harness(teams_dosay) as h:
        root = new_id()
        assert (
            await h.say("<p>Honestly the AI will <b>learn</b> from your data.</p>", activity_id=root) == 200
        )
        [post] = h.connector.posts()
    assert post.conversation_id == f"{CHANNEL};messageid={root}" and post.activity_id == root
    assert post.body["replyToId"] == root and post.body["type"] == "message"
    card = post.card
    assert card is not None and card["version"] == "1.5"
    assert "Try saying" in json.dumps(card) and "verify against current rate cards" in json.dumps(card)
    assert post.body["summary"].startswith("dosay: instead of")
    assert not post.has_token  # no app id: no token is fetched or sent


async def test_reply_in_a_thread_goes_to_the_threads_root(teams_dosay) -> None:
    async with teams_harness(teams_dosay) as h:
        root, reply = new_id(), new_id()
        await h.say("lunch at noon?", activity_id=root)
        await h.say("and then it will learn from us", activity_id=reply, thread_root=root)
        [post] = h.connector.posts()
    assert post.conversation_id == f"{CHANNEL};messageid={root}" and post.activity_id == root


async def test_duplicate_activity_is_answered_once(teams_dosay) -> None:
    async with teams_harness(teams_dosay) as h:
        body = activity("inference is free", service_url=h.url)
        assert [await h.post(body), await h.post(body)] == [200, 200]
        assert len(h.connector.posts()) == 1


async def test_benign_text_and_bots_get_no_answer(teams_dosay) -> None:
    other_bot = {"id": "28:other-bot", "name": "Other", "role": "bot"}
    async with teams_harness(teams_dosay) as h:
        await h.say("lunch at noon?")
        await h.say("it will learn", sender=other_bot)
        await h.say("help", mentioned=True, sender=other_bot)  # a bot's command: no bot-to-bot loops
        assert h.connector.posts() == []


async def test_a_redelivered_command_is_answered_once(teams_dosay) -> None:
    async with teams_harness(teams_dosay) as h:
        body = activity("help", service_url=h.url, mentioned=True)
        assert [await h.post(body), await h.post(body)] == [200, 200]
        personal = activity("tip", service_url=h.url, kind="personal", conversation="a:personal-ann")
        assert [await h.post(personal), await h.post(personal)] == [200, 200]
        assert len(h.connector.posts()) == 2


class _BrokenOnce(KeywordMatcher):
    """A matcher that crashes on one message (as a bug in a rule would)."""

    def match(self, text: str):  # type: ignore[no-untyped-def]
        if "boom" in text:
            raise RuntimeError("canary-crash-text")
        return super().match(text)


async def test_a_crash_in_one_message_does_not_stop_the_bot(store, clock, caplog) -> None:
    dosay = Dosay(phrasebook=make_phrasebook(), matcher=_BrokenOnce(), store=store, clock=clock)
    try:
        async with teams_harness(dosay) as h:
            assert await h.say("boom: it will learn") == 200  # acknowledged; its turn fails
            assert await h.say("it will learn from us") == 200
            [post] = h.connector.posts()
        assert "Try saying" in json.dumps(post.card)
        assert "teams turn failed: RuntimeError" in caplog.text and "canary-crash-text" not in caplog.text
    finally:
        dosay.close()


async def test_once_per_thread_per_entry(teams_dosay) -> None:
    async with teams_harness(teams_dosay) as h:
        root = new_id()
        await h.say("it will learn", activity_id=root)
        await h.say("yes it will learn from everything", thread_root=root)
        assert len(h.connector.posts()) == 1


async def test_mention_command_help_in_a_channel(teams_dosay) -> None:
    async with teams_harness(teams_dosay) as h:
        root = new_id()
        await h.say("help", mentioned=True, activity_id=root)
        [post] = h.connector.posts()
    assert post.conversation_id == f"{CHANNEL};messageid={root}"
    assert "@dosay cost QUERY" in json.dumps(post.card)


async def test_mention_without_a_misconception_says_so(teams_dosay) -> None:
    async with teams_harness(teams_dosay) as h:
        await h.say("what do you think of this plan?", mentioned=True)
        [post] = h.connector.posts()
    assert "known misconception" in json.dumps(post.card)


async def test_personal_chat_commands_and_corrections(teams_dosay) -> None:
    async with teams_harness(teams_dosay) as h:
        personal = "a:personal-ann"
        await h.say("tip", kind="personal", conversation=personal)
        await h.say("the model will learn from our chats", kind="personal", conversation=personal)
        tip, correction = h.connector.posts()
    assert tip.conversation_id == personal and "Tip of the day" in json.dumps(tip.card)
    assert correction.conversation_id == personal and "Try saying" in json.dumps(correction.card)


async def test_card_buttons_store_feedback(teams_dosay) -> None:
    async with teams_harness(teams_dosay) as h:
        value = {"dosay_action": "dosay_not_misconception", "value": "inference-is-free"}
        body = activity(None, service_url=h.url, value=value)
        await h.post(body)
        await h.post(body)  # the same submit delivered twice
        await h.say(None, value={"dosay_action": "dosay_helpful", "value": "ai-learns-over-time"})
        await h.say(None, value={"dosay_action": "dosay_helpful", "value": "no-such-entry"})
        assert h.connector.posts() == []  # feedback is stored silently
    assert teams_dosay.store.feedback_rows() == [
        ("inference-is-free", "not_misconception", None),
        ("ai-learns-over-time", "helpful", None),
    ]


async def test_more_on_regime_button_posts_the_regime_card(teams_dosay) -> None:
    async with teams_harness(teams_dosay) as h:
        await h.say(None, value={"dosay_action": "dosay_more_regime", "value": "inference"})
        [post] = h.connector.posts()
    assert "What it is" in json.dumps(post.card)


async def test_ephemeral_mode_falls_back_to_a_one_to_one_chat(teams_dosay) -> None:
    async with teams_harness(teams_dosay) as h:
        await h.say("settings mode ephemeral", mentioned=True)
        await h.say("it will learn from you")
        settings_reply, private = h.connector.posts()
        [created] = h.connector.created_conversations()
    assert "mode ephemeral" in json.dumps(settings_reply.card)
    assert created.body["members"] == [{"id": "29:ann"}] and created.body["isGroup"] is False
    assert created.body["channelData"] == {"tenant": {"id": TENANT}}, created.body
    # botbuilder spells it "tenantID"; the connector reads the key case-insensitively
    assert {key.lower(): v for key, v in created.body.items()}["tenantid"] == TENANT
    assert private.conversation_id == "a:personal-1" and "Try saying" in json.dumps(private.card)
    assert private.activity_id is None  # a new message in the 1:1 chat, not a reply


async def test_daily_tip_is_delivered_once_to_the_installed_channel(teams_dosay, clock) -> None:
    async with teams_harness(teams_dosay) as h:
        install = activity(None, service_url=h.url, activity_type="installationUpdate", action="add")
        assert await h.post(install) == 200
        await h.say("settings tips at 07:00", mentioned=True)
        sender = h.client.app[TEAMS_BOT].send_tip
        scheduler = TipScheduler(teams_dosay, {"teams": sender}, clock)
        assert await scheduler.run_once() == 1
        assert await scheduler.run_once() == 0  # twice called, once delivered
        second = TipScheduler(teams_dosay, {"teams": sender}, clock)  # another process, same database
        assert await second.run_once() == 0
        tips = [p for p in h.connector.posts() if "Tip of the day" in json.dumps(p.card)]
    assert len(tips) == 1
    assert tips[0].conversation_id == CHANNEL and tips[0].activity_id is None  # top level in the channel


async def test_tip_failure_releases_the_claim(teams_dosay, clock) -> None:
    async with teams_harness(teams_dosay) as h:
        await h.say("settings tips at 07:00", mentioned=True)
        sender = h.client.app[TEAMS_BOT].send_tip
        h.connector.fail_status = 500
        assert await TipScheduler(teams_dosay, {"teams": sender}, clock).run_once() == 0
        h.connector.fail_status = None
        assert await TipScheduler(teams_dosay, {"teams": sender}, clock).run_once() == 1


@pytest.mark.parametrize("status", [403, 404])
async def test_a_tip_to_a_conversation_dosay_left_is_skipped_for_the_day(teams_dosay, clock, status) -> None:
    """403 (removed from the team or chat) / 404: as Slack's not_in_channel, logged and not retried until
    tomorrow, instead of a connector call and a warning every minute."""
    async with teams_harness(teams_dosay) as h:
        await h.say("settings tips at 07:00", mentioned=True)
        sender = h.client.app[TEAMS_BOT].send_tip
        h.connector.fail_status = status
        assert await TipScheduler(teams_dosay, {"teams": sender}, clock).run_once() == 1
        assert await TipScheduler(teams_dosay, {"teams": sender}, clock).run_once() == 0
        attempts = [p for p in h.connector.posts() if "Tip of the day" in json.dumps(p.body)]
        assert len(attempts) == 1
        clock.advance(days=1)
        h.connector.fail_status = None
        assert await TipScheduler(teams_dosay, {"teams": sender}, clock).run_once() == 1  # tried again


def _jwt(claims: dict) -> str:
    def part(data: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'RS256', 'typ': 'JWT', 'kid': 'k1'})}.{part(claims)}.c2lnbmF0dXJl"


APP_ENV = {"MicrosoftAppId": "0b3c5d7e-1111-4222-8333-944455556666", "MicrosoftAppPassword": "pw"}


@pytest.fixture
def no_network(monkeypatch):
    """Token validation must fail before any OpenID metadata fetch."""
    import requests

    real = requests.Session.request

    def loopback_only(self, method, url, *args, **kwargs):
        if not str(url).startswith("http://127.0.0.1:"):
            raise AssertionError(f"the test tried to reach the network: {method} {url}")
        return real(self, method, url, *args, **kwargs)

    monkeypatch.setattr(requests.Session, "request", loopback_only)


@pytest.mark.parametrize(
    "headers",
    [
        {"Content-Type": "application/json"},
        {"Content-Type": "application/json", "Authorization": "Bearer"},
        {"Content-Type": "application/json", "Authorization": "Basic dXNlcjpwdw=="},
        {"Content-Type": "application/json", "Authorization": "Bearer not-a-jwt"},
        {
            "Content-Type": "application/json",
            "Authorization": "Bearer " + _jwt({"iss": "https://evil.example"}),
        },
        {"Authorization": "Bearer " + _jwt({"iss": "https://evil.example"})},
        {"Content-Type": "text/plain"},
        {},
    ],
)
async def test_with_an_app_id_unauthenticated_requests_get_401_and_no_answer(
    teams_dosay, headers, no_network
) -> None:
    async with teams_harness(teams_dosay, APP_ENV) as h:
        body = activity("it will learn", service_url=h.url)
        response = await h.client.post("/api/messages", data=json.dumps(body), headers=headers)
        await h.settle()  # nothing was started; had it been, it would have finished here
        assert response.status == 401
        assert h.connector.calls == []
    assert teams_dosay.store.count_corrections() == 0


async def test_without_app_id_the_endpoint_is_only_served_on_loopback(teams_dosay) -> None:
    async with teams_harness(teams_dosay, {"DOSAY_HOST": "0.0.0.0"}) as h:
        assert await h.say("it will learn") in (404, 405)


async def test_local_bad_requests_get_clear_errors(teams_dosay) -> None:
    async with teams_harness(teams_dosay) as h:
        not_json = await h.client.post(
            "/api/messages", data="{", headers={"Content-Type": "application/json"}
        )
        no_type = await h.client.post("/api/messages", json={"text": "hi"})
        wrong_type = await h.client.post("/api/messages", data="x", headers={"Content-Type": "text/plain"})
        assert (not_json.status, no_type.status, wrong_type.status) == (400, 400, 415)


async def test_an_edit_that_drops_the_misconception_updates_the_reply(teams_dosay) -> None:
    async with teams_harness(teams_dosay) as h:
        root = new_id()
        await h.say("it will learn from us", activity_id=root)
        [reply] = h.connector.posts()
        still = activity(
            "it will still learn", service_url=h.url, activity_id=root, activity_type="messageUpdate"
        )
        still["channelData"]["eventType"] = "editMessage"
        await h.post(still)
        fixed = dict(still, text="it keeps its weights; retrieval adds our documents")
        await h.post(fixed)
        await h.post(fixed)  # the same edit delivered again
        updates = [c for c in h.connector.calls if c.method == "PUT"]
    assert len(updates) == 1 and len(h.connector.posts()) == 1
    [update] = updates
    assert update.conversation_id == f"{CHANNEL};messageid={root}"
    assert update.activity_id == reply.response_id is not None
    assert "no longer says this" in json.dumps(update.card)
    assert teams_dosay.store.count_corrections(retracted=True) == 1


async def test_concurrent_redeliveries_are_answered_once(teams_dosay) -> None:
    import asyncio

    async with teams_harness(teams_dosay) as h:
        body = activity("inference is free", service_url=h.url)
        statuses = await asyncio.gather(*(h.post(body) for _ in range(5)))
        assert statuses == [200] * 5 and len(h.connector.posts()) == 1


async def test_reaction_mode_answers_in_the_thread(teams_dosay) -> None:
    async with teams_harness(teams_dosay) as h:
        await h.say("settings mode reaction", mentioned=True)
        root = new_id()
        await h.say("it will learn", activity_id=root)
        _settings, post = h.connector.posts()
    assert post.conversation_id == f"{CHANNEL};messageid={root}" and "Try saying" in json.dumps(post.card)


async def test_without_app_id_no_tip_sender_is_registered(teams_dosay) -> None:
    from bot.server import TIP_SENDERS

    async with teams_harness(teams_dosay) as h:
        assert "teams" not in h.client.app[TIP_SENDERS]


async def test_bundled_phrasebook_and_real_matcher_through_teams(tmp_path, clock) -> None:
    from intents.matcher import Matcher
    from phrasebook.loader import load_phrasebook

    phrasebook = load_phrasebook(None, today=clock().date())
    store = Store.open(f"sqlite:///{tmp_path / 'real.db'}")
    dosay = Dosay(phrasebook=phrasebook, matcher=Matcher(phrasebook), store=store, clock=clock)
    try:
        async with teams_harness(dosay) as h:
            await h.say("<p>Good news: the AI will learn from your data over time.</p>", mentioned=True)
            await h.say("<p>Lunch at noon in the <b>usual</b> place?</p>")
            [post] = h.connector.posts()
        assert post.card is not None and "ai-learns-over-time" in json.dumps(post.card)
    finally:
        dosay.close()


# --- "Not a misconception here": feedback, and its text only with consent ------------------------------


def _form_submit(card: dict, **inputs: str) -> dict:
    """What Teams posts when the user fills the "Not a misconception here" form and presses Send: the
    Send button's data with the inputs' values merged in (ids as keys)."""
    [show] = [a for a in card["actions"] if a["type"] == "Action.ShowCard"]
    [send] = show["card"]["actions"]
    return {**send["data"], **inputs}


async def test_not_a_misconception_form_stores_the_text_only_with_consent(teams_dosay) -> None:
    from tests.bot.test_privacy import every_cell

    consented = "canary-consented: we were quoting the vendor's slide, not claiming it"
    withheld = "canary-withheld: my private explanation"
    async with teams_harness(teams_dosay) as h:
        root = new_id()
        await h.say("it will learn from us", activity_id=root)
        [reply] = h.connector.posts()
        assert reply.card is not None
        text_key, consent_key = "dosay_feedback_text", "dosay_feedback_consent"
        submits = [
            _form_submit(reply.card, **{text_key: consented, consent_key: "true"}),
            _form_submit(reply.card, **{text_key: withheld, consent_key: "false"}),  # toggle left off
            _form_submit(reply.card, **{text_key: withheld}),  # a client that sends no toggle value
            _form_submit(reply.card, **{text_key: "   ", consent_key: "true"}),  # consent, nothing typed
            _form_submit(reply.card),  # a card posted before the form existed: a plain Action.Submit
        ]
        for value in submits:
            assert await h.say(None, value=value, thread_root=root) == 200
        assert len(h.connector.posts()) == 1  # feedback is stored silently
    assert teams_dosay.store.feedback_rows() == [
        ("ai-learns-over-time", "not_misconception", consented),
        *[("ai-learns-over-time", "not_misconception", None)] * 4,
    ]
    cells = every_cell(teams_dosay.store)
    assert not [c for c in cells if "canary-withheld" in c[2] or "learn from us" in c[2]]
    assert [(t, c) for t, c, v in cells if "canary-consented" in v] == [("feedback", "text")]


async def test_consented_feedback_text_is_capped(teams_dosay) -> None:
    value = {
        "dosay_action": "dosay_not_misconception",
        "value": "inference-is-free",
        "dosay_feedback_text": "x" * 5000,
        "dosay_feedback_consent": "true",
    }
    async with teams_harness(teams_dosay) as h:
        await h.say(None, value=value)
    [(_entry, _kind, text)] = teams_dosay.store.feedback_rows()
    assert text == "x" * 2000


async def test_helpful_never_stores_text(teams_dosay) -> None:
    value = {
        "dosay_action": "dosay_helpful",
        "value": "inference-is-free",
        "dosay_feedback_text": "not asked for",
        "dosay_feedback_consent": "true",
    }
    async with teams_harness(teams_dosay) as h:
        await h.say(None, value=value)
    assert teams_dosay.store.feedback_rows() == [("inference-is-free", "helpful", None)]


# --- the acknowledgement, background turns, connector errors -------------------------------------------


async def test_the_acknowledgement_does_not_wait_for_the_connector(teams_dosay) -> None:
    import asyncio

    async with teams_harness(teams_dosay) as h:
        h.connector.hold = asyncio.Event()
        root = new_id()
        assert await h.say("it will learn from us", activity_id=root, settle=False) == 200
        [held] = await h.connector.wait_for(count=1)  # the reply is at the connector, unanswered
        assert held.response_id is None
        h.connector.hold.set()
        await h.settle()
        assert held.response_id is not None
    # the reply's id came back after the ack and was still recorded (an edit can update it)
    assert teams_dosay.store.corrections_for_message("teams", TENANT, CHANNEL, root)[0].reply_ref == (
        held.response_id
    )


async def test_shutdown_finishes_acknowledged_turns(teams_dosay) -> None:
    import asyncio

    async with teams_harness(teams_dosay) as h:
        h.connector.hold = asyncio.Event()
        assert await h.say("inference is free", settle=False) == 200
        [held] = await h.connector.wait_for(count=1)
        bot = h.client.app[TEAMS_BOT]
        closing = asyncio.create_task(h.client.close())  # graceful shutdown: drains the turns

        async def shutdown_started() -> None:
            while not bot.gateway.turns.closed:
                await asyncio.sleep(0)

        await asyncio.wait_for(shutdown_started(), 10)  # a bound, not a timing assertion
        assert not closing.done()  # waiting for the acknowledged turn, held at the connector
        h.connector.hold.set()
        await asyncio.wait_for(closing, 10)
        assert held.response_id is not None
        assert bot.gateway.turns.closed and not bot.gateway.turns.tasks


async def test_invokes_stay_synchronous(teams_dosay) -> None:
    """An invoke's answer is the HTTP response, so its turn runs before it (501: dosay has none)."""
    async with teams_harness(teams_dosay) as h:
        body = activity(None, service_url=h.url, activity_type="invoke", name="composeExtension/query")
        response = await h.client.post("/api/messages", json=body)
        assert response.status == 501
        assert not h.client.app[TEAMS_BOT].gateway.turns.tasks


async def test_connector_errors_are_counted_and_logged_and_the_ack_is_200(teams_dosay, caplog) -> None:
    async with teams_harness(teams_dosay) as h:
        h.connector.fail_status = 500
        assert await h.say("it will learn from us") == 200
        await h.say("settings mode ephemeral", mentioned=True)  # the command's reply fails too
        h.connector.fail_status = 502
        await h.say("inference is free", conversation="19:other@thread.tacv2")
        metrics = await (await h.client.get("/metrics")).text()
    counted = {
        line.split("{", 1)[1].split("}", 1)[0]: float(line.rsplit(" ", 1)[1])
        for line in metrics.splitlines()
        if line.startswith("dosay_web_api_errors_total{")
    }
    assert counted == {
        'error="http_500",method="reply_to_activity",platform="teams"': 2.0,
        'error="http_502",method="reply_to_activity",platform="teams"': 1.0,
    }
    assert "it will learn" not in caplog.text and "inference is free" not in caplog.text
    assert "teams reply failed for entry ai-learns-over-time: ErrorResponseException" in caplog.text


async def test_a_connection_dropped_by_the_connector_is_counted(teams_dosay) -> None:
    async with teams_harness(teams_dosay) as h:
        h.connector.drop = True
        assert await h.say("inference is free") == 200
        metrics = await (await h.client.get("/metrics")).text()
    [line] = [m for m in metrics.splitlines() if m.startswith("dosay_web_api_errors_total{")]
    labels = 'error="ClientRequestError",method="reply_to_activity",platform="teams"'
    assert line == f"dosay_web_api_errors_total{{{labels}}} 1.0"


async def test_ephemeral_fallback_counts_a_failed_one_to_one_chat(teams_dosay) -> None:
    async with teams_harness(teams_dosay) as h:
        await h.say("settings mode ephemeral", mentioned=True)
        h.connector.fail_status = 403
        await h.say("it will learn from you")
        metrics = await (await h.client.get("/metrics")).text()
    assert (
        'dosay_web_api_errors_total{error="http_403",method="send_to_conversation",platform="teams"} 1.0'
        in metrics
    )


async def test_each_reply_goes_to_its_own_service_url_with_shared_connector_clients(teams_dosay) -> None:
    """Connector clients are shared between turns per service URL: a reply never goes to another
    activity's service URL."""
    async with teams_harness(teams_dosay) as h, FakeTeamsConnector() as other:
        for n, connector in enumerate([h.connector, other, h.connector, other]):
            body = activity("it will learn", service_url=connector.url, conversation=f"19:su{n}@thread")
            assert await h.post(body) == 200
        mine = [p.conversation_id.split(";")[0] for p in h.connector.posts()]
        theirs = [p.conversation_id.split(";")[0] for p in other.posts()]
    assert mine == ["19:su0@thread", "19:su2@thread"] and theirs == ["19:su1@thread", "19:su3@thread"]
