"""Teams turn logic on botbuilder's TestAdapter (no HTTP): translation, mention stripping, thread
replies, installs, buttons; and the SDK-free helpers of ``teams_bot``."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from botbuilder.core import TurnContext
from botbuilder.core.adapters import TestAdapter
from botbuilder.schema import Activity

from bot.adapters.teams import BotbuilderTeamsGateway, BotConfig, _Handler, translate
from bot.adapters.teams_bot import TeamsBot, base_conversation, clean_text, consented_text, thread_root_of
from bot.service import Dosay
from bot.storage.store import Store
from tests.bot.adapters.teams_harness import CHANNEL, TEAM, TENANT, activity
from tests.bot.conftest import KeywordMatcher, make_phrasebook


@pytest.fixture
def teams_dosay(tmp_path, clock) -> Iterator[Dosay]:
    store = Store.open(f"sqlite:///{tmp_path / 'dosay.db'}")
    service = Dosay(phrasebook=make_phrasebook(), matcher=KeywordMatcher(), store=store, clock=clock)
    yield service
    service.close()


async def run_turn(dosay: Dosay, body: dict, bot: TeamsBot | None = None) -> TestAdapter:
    """One activity through TestAdapter's pipeline into our handler; replies land in activity_buffer."""
    adapter = TestAdapter()
    gateway = BotbuilderTeamsGateway(BotConfig())
    handler = _Handler(bot or TeamsBot(dosay, gateway), gateway)
    await adapter.run_pipeline(TurnContext(adapter, Activity().deserialize(body)), handler.on_turn)
    return adapter


def card_text(sent: Activity) -> str:
    return json.dumps(sent.attachments[0].content)


async def test_mention_is_stripped_before_matching(teams_dosay) -> None:
    body = activity("tell me, will it learn?", service_url="https://smba.example/", mentioned=True)
    adapter = await run_turn(teams_dosay, body)
    [sent] = adapter.activity_buffer
    assert "Try saying" in card_text(sent)
    assert translate(Activity().deserialize(body), "message").text == "tell me, will it learn?"


async def test_channel_reply_targets_the_thread_root(teams_dosay) -> None:
    body = activity(
        "it will learn", service_url="https://smba.example/", activity_id="555", thread_root="111"
    )
    [sent] = (await run_turn(teams_dosay, body)).activity_buffer
    assert sent.conversation.id == f"{CHANNEL};messageid=111" and sent.reply_to_id == "111"
    assert sent.attachments[0].content_type == "application/vnd.microsoft.card.adaptive"
    assert sent.summary.startswith("dosay: instead of")


async def test_group_chat_reply_stays_in_the_chat(teams_dosay) -> None:
    body = activity(
        "it will learn", service_url="https://smba.example/", kind="groupChat", conversation="19:g@v2"
    )
    [sent] = (await run_turn(teams_dosay, body)).activity_buffer
    assert sent.conversation.id == "19:g@v2" and sent.reply_to_id == body["id"]


async def test_installation_update_stores_a_top_level_reference(teams_dosay) -> None:
    body = activity(
        None,
        service_url="https://smba.example/",
        activity_type="installationUpdate",
        action="add",
        thread_root="9",
    )
    adapter = await run_turn(teams_dosay, body)
    assert adapter.activity_buffer == []
    stored = json.loads(await teams_dosay.conversation_ref("teams", TENANT, CHANNEL) or "{}")
    assert stored["conversation"]["id"] == CHANNEL and stored.get("activityId") is None
    assert stored["serviceUrl"] == "https://smba.example/" and stored["bot"]["id"] == "28:dosay-bot"


async def test_bot_added_to_a_team_stores_the_reference(teams_dosay) -> None:
    body = activity(
        None,
        service_url="https://smba.example/",
        activity_type="conversationUpdate",
        membersAdded=[{"id": "28:dosay-bot"}],
    )
    body["channelData"]["eventType"] = "teamMemberAdded"
    body["channelData"]["team"] = {"id": CHANNEL}
    await run_turn(teams_dosay, body)
    assert await teams_dosay.conversation_ref("teams", TENANT, CHANNEL) is not None


async def test_other_members_joining_store_nothing(teams_dosay) -> None:
    body = activity(
        None,
        service_url="https://smba.example/",
        activity_type="conversationUpdate",
        membersAdded=[{"id": "29:bob", "aadObjectId": "aad-bob"}],
    )
    body["channelData"]["eventType"] = "teamMemberAdded"
    await run_turn(teams_dosay, body)
    assert await teams_dosay.conversation_ref("teams", TENANT, CHANNEL) is None


async def test_first_message_stores_the_reference_once(teams_dosay) -> None:
    await run_turn(teams_dosay, activity("lunch?", service_url="https://first.example/"))
    await run_turn(teams_dosay, activity("coffee?", service_url="https://second.example/"))
    stored = json.loads(await teams_dosay.conversation_ref("teams", TENANT, CHANNEL) or "{}")
    assert stored["serviceUrl"] == "https://first.example/"


async def test_a_conversation_already_stored_is_not_read_again(teams_dosay, monkeypatch) -> None:
    reads: list[tuple[str | None, ...]] = []
    saved = teams_dosay.conversation_ref_saved
    read = teams_dosay.conversation_ref

    async def counted(*args: str | None) -> bool:
        reads.append(args)
        return await saved(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(teams_dosay, "conversation_ref_saved", counted)
    bot = TeamsBot(teams_dosay, BotbuilderTeamsGateway(BotConfig()))
    for text in ("lunch?", "coffee?", "it will learn"):
        await run_turn(teams_dosay, activity(text, service_url="https://first.example/"), bot)
    assert reads == [("teams", TENANT, CHANNEL, TEAM)]
    other = activity("tea?", service_url="https://first.example/", kind="groupChat", conversation="19:g@v2")
    await run_turn(teams_dosay, other, bot)
    await run_turn(teams_dosay, other, bot)
    assert reads == [("teams", TENANT, CHANNEL, TEAM), ("teams", TENANT, "19:g@v2", None)]
    # an install always stores (it may bring a new service URL), known conversation or not
    install = activity(
        None, service_url="https://moved.example/", activity_type="installationUpdate", action="add"
    )
    await run_turn(teams_dosay, install, bot)
    stored = json.loads(await read("teams", TENANT, CHANNEL) or "{}")
    assert stored["serviceUrl"] == "https://moved.example/" and len(reads) == 2


async def test_a_new_process_reads_the_stored_reference_and_keeps_it(teams_dosay) -> None:
    """Another replica (a fresh ``TeamsBot``) finds the reference stored and does not overwrite it."""
    await run_turn(teams_dosay, activity("lunch?", service_url="https://first.example/"))
    replica = TeamsBot(teams_dosay, BotbuilderTeamsGateway(BotConfig()))
    await run_turn(teams_dosay, activity("coffee?", service_url="https://second.example/"), replica)
    stored = json.loads(await teams_dosay.conversation_ref("teams", TENANT, CHANNEL) or "{}")
    assert stored["serviceUrl"] == "https://first.example/"


async def test_snooze_button_silences_the_user(teams_dosay) -> None:
    value = {"dosay_action": "dosay_snooze", "value": "ai-learns-over-time"}
    body = activity(
        None, service_url="https://smba.example/", kind="personal", conversation="a:1", value=value
    )
    [confirmation] = (await run_turn(teams_dosay, body)).activity_buffer
    assert "Snoozed" in card_text(confirmation)
    adapter = await run_turn(teams_dosay, activity("it will learn", service_url="https://smba.example/"))
    assert adapter.activity_buffer == []


@pytest.mark.parametrize(
    ("inputs", "stored"),
    [
        (
            {"dosay_feedback_text": "we quoted a vendor", "dosay_feedback_consent": "true"},
            "we quoted a vendor",
        ),
        ({"dosay_feedback_text": "we quoted a vendor", "dosay_feedback_consent": "false"}, None),
        ({"dosay_feedback_text": "we quoted a vendor"}, None),
        ({"dosay_feedback_text": "", "dosay_feedback_consent": "true"}, None),
        ({}, None),
    ],
    ids=["consent", "toggle-off", "no-toggle", "nothing-typed", "old-card"],
)
async def test_not_a_misconception_form_keeps_text_only_with_consent(teams_dosay, inputs, stored) -> None:
    value = {"dosay_action": "dosay_not_misconception", "value": "ai-learns-over-time", **inputs}
    body = activity(None, service_url="https://smba.example/", value=value)
    adapter = await run_turn(teams_dosay, body)
    assert adapter.activity_buffer == []  # stored silently
    assert teams_dosay.store.feedback_rows() == [("ai-learns-over-time", "not_misconception", stored)]


def test_consented_text() -> None:
    assert consented_text({"dosay_feedback_text": "  x  ", "dosay_feedback_consent": "true"}) == "x"
    assert consented_text({"dosay_feedback_text": "x", "dosay_feedback_consent": True}) is None  # not "true"
    assert consented_text({"dosay_feedback_text": None, "dosay_feedback_consent": "true"}) is None
    assert consented_text({"dosay_feedback_text": "y" * 3000, "dosay_feedback_consent": "true"}) == "y" * 2000


async def test_settings_off_silences_corrections_but_not_commands(teams_dosay) -> None:
    url = "https://smba.example/"
    await run_turn(teams_dosay, activity("settings mode off", service_url=url, mentioned=True))
    assert (await run_turn(teams_dosay, activity("it will learn", service_url=url))).activity_buffer == []
    [settings] = (
        await run_turn(teams_dosay, activity("settings", service_url=url, mentioned=True))
    ).activity_buffer
    assert "mode off" in card_text(settings)


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<at>dosay</at> lookup fine-tuning", "lookup fine-tuning"),
        ("<p>We&#39;ll <b>train</b> it&nbsp;on your data</p>", "We'll train it on your data"),
        ("<div>one</div><div>two<br>three</div>", "one\ntwo\nthree"),
        ("<at>Ann Lee</at> &lt;at&gt;x&lt;/at&gt; is fine", "<at>x</at> is fine"),
    ],
)
def test_clean_text(html: str, text: str) -> None:
    assert clean_text(html) == text


def test_conversation_ids() -> None:
    assert base_conversation("19:a@thread.tacv2;messageid=42") == "19:a@thread.tacv2"
    assert thread_root_of("19:a@thread.tacv2;messageid=42") == "42"
    assert thread_root_of("19:a@thread.tacv2") is None and base_conversation("a:1") == "a:1"


def test_bot_config_never_shows_the_password() -> None:
    assert "s3cret" not in repr(BotConfig(APP_ID="id", APP_PASSWORD="s3cret"))
