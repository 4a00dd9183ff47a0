"""Slash commands, buttons, the message shortcut, mention commands and channel modes, end to end."""

from __future__ import annotations

import json

from tests.bot.slack_harness import message_event
from tests.fakes.slack_api import BOT_USER


def _blocks_text(body: str) -> str:
    data = json.loads(body)
    return " ".join(b.get("text", {}).get("text", "") for b in data.get("blocks", []))


async def test_lookup_is_ephemeral_with_a_share_button(slack) -> None:
    status, body = await slack.command("inference is free")
    assert status == 200
    data = json.loads(body)
    assert data["response_type"] == "ephemeral"
    assert "Inference is basically free" in _blocks_text(body)
    share = data["blocks"][-1]["elements"][0]
    assert share["action_id"] == "dosay_share"


async def test_unknown_input_gets_help_with_did_you_mean(slack) -> None:
    status, body = await slack.command("setings")
    assert status == 200 and "Did you mean /dosay settings?" in _blocks_text(body)
    status, body = await slack.command("help")
    assert "/dosay tip" in _blocks_text(body)


def _shown(node: object) -> list[str]:
    """Every string Slack displays: the values of "text" keys, at any depth (button values are not shown)."""
    if isinstance(node, dict):
        own = [node["text"]] if isinstance(node.get("text"), str) else []
        return own + [s for key, value in node.items() if key != "value" for s in _shown(value)]
    if isinstance(node, list):
        return [s for item in node for s in _shown(item)]
    return []


async def test_user_text_is_never_echoed_unescaped(slack) -> None:
    for query in ("<!channel> @everyone free", "<!here> zzqx", "setings <!channel>"):
        status, body = await slack.command(query)
        assert status == 200
        shown = _shown(json.loads(body))
        assert shown and not any("<!" in s or "@everyone" in s for s in shown), shown


async def test_tip_and_cost_commands(slack) -> None:
    _status, body = await slack.command("tip")
    assert "RAG keeps your documents" in _blocks_text(body)  # the stale tip is skipped
    _status, body = await slack.command("cost inference 10M in 2M out")
    assert "$" in _blocks_text(body)
    _status, body = await slack.command("cost")
    assert "try: cost" in _blocks_text(body)  # an incomplete query says what to type


async def test_settings_change_the_channel_mode(slack) -> None:
    status, _body = await slack.command("settings mode reaction", channel="C7")
    assert status == 200
    await slack.settle()
    [answer] = await slack.api.wait_for("respond")
    assert "mode reaction" in answer.params["text"]
    await slack.post_event(message_event("it will learn", ts="400.1", channel="C7"), event_id="Ev1")
    [reaction] = await slack.api.wait_for("reactions.add")
    assert (reaction.params["channel"], reaction.params["timestamp"]) == ("C7", "400.1")
    assert slack.api.calls_to("chat.postMessage") == []


async def test_ephemeral_mode_only_the_author_sees_it(slack) -> None:
    await slack.dosay.update_channel_settings("slack", "T1", "C8", mode="ephemeral")
    await slack.post_event(
        message_event("it will learn", ts="401.1", channel="C8", user="U5"), event_id="Ev1"
    )
    [call] = await slack.api.wait_for("chat.postEphemeral")
    assert call.params["user"] == "U5" and call.params["channel"] == "C8"


async def test_off_mode_is_silent_and_bad_settings_are_refused(slack) -> None:
    await slack.command("settings mode off", channel="C9")
    await slack.settle()
    await slack.command("settings timezone Mars/Base", channel="C9")
    await slack.settle()
    answers = await slack.api.wait_for("respond", 2)
    assert "Not changed" in answers[1].params["text"]
    await slack.post_event(message_event("it will learn", ts="402.1", channel="C9"), event_id="Ev1")
    await slack.settle()
    assert slack.api.calls_to("chat.postMessage") == []


async def test_settings_tips_on_at_time(slack) -> None:
    await slack.command("settings tips at 07:45", channel="C10")
    await slack.settle()
    stored = await slack.dosay.channel_settings("slack", "T1", "C10")
    assert stored.tips_enabled and stored.tip_time == "07:45"


def _action(action_id: str, value: str, *, user: str = "U1") -> dict:
    return {
        "type": "block_actions",
        "team": {"id": "T1"},
        "user": {"id": user, "team_id": "T1"},
        "channel": {"id": "C1"},
        "container": {
            "type": "message",
            "message_ts": "1800000000.000001",
            "channel_id": "C1",
            "thread_ts": "500.1",
        },
        "message": {"ts": "1800000000.000001", "thread_ts": "500.1", "text": "dosay"},
        "trigger_id": "trig.2",
        "response_url": "",
        "actions": [
            {"type": "button", "action_id": action_id, "value": value, "block_id": "b", "action_ts": "1"}
        ],
    }


async def test_helpful_button_stores_feedback(slack) -> None:
    status, _ = await slack.interact(_action("dosay_helpful", "inference-is-free"))
    assert status == 200
    await slack.settle()
    assert slack.dosay.store.feedback_rows() == [("inference-is-free", "helpful", None)]
    [thanks] = await slack.api.wait_for("chat.postEphemeral")
    assert thanks.params["thread_ts"] == "500.1"


async def test_not_a_misconception_opens_a_modal_and_stores_text_only_on_submit(slack) -> None:
    await slack.interact(_action("dosay_not_misconception", "inference-is-free"))
    await slack.settle()
    [opened] = await slack.api.wait_for("views.open")
    assert slack.dosay.store.feedback_rows() == [("inference-is-free", "not_misconception", None)]
    view = opened.params["view"]
    submission = {
        "type": "view_submission",
        "team": {"id": "T1"},
        "user": {"id": "U1", "team_id": "T1"},
        "view": {
            **view,
            "id": "V1",
            "state": {
                "values": {
                    "feedback": {"text": {"type": "plain_text_input", "value": "we meant a free tier"}}
                }
            },
        },
    }
    status, _ = await slack.interact(submission)
    assert status == 200
    await slack.settle()
    assert slack.dosay.store.feedback_rows() == [
        ("inference-is-free", "not_misconception", "we meant a free tier")
    ]


async def test_snooze_button_silences_the_user(slack) -> None:
    await slack.interact(_action("dosay_snooze", "ai-learns-over-time", user="U3"))
    await slack.settle()
    await slack.post_event(message_event("it will learn", ts="501.1", user="U3"), event_id="Ev1")
    await slack.settle()
    assert slack.api.calls_to("chat.postMessage") == []
    assert "Snoozed" in slack.api.calls_to("chat.postEphemeral")[0].params["text"]


async def test_more_on_regime_button(slack) -> None:
    await slack.interact(_action("dosay_more_regime", "inference"))
    [card] = await slack.api.wait_for("chat.postEphemeral")
    assert "Inference" in card.params["text"] and "What it is" in card.params["blocks"][0]["text"]["text"]


async def test_share_button_posts_in_channel(slack) -> None:
    action = _action("dosay_share", "inference is free")
    action["response_url"] = slack.api.url + "respond"
    await slack.interact(action)
    [shared] = await slack.api.wait_for("respond")
    assert shared.params["response_type"] == "in_channel"


async def test_reframe_this_shortcut_posts_in_the_thread(slack) -> None:
    shortcut = {
        "type": "message_action",
        "callback_id": "dosay_reframe",
        "team": {"id": "T1"},
        "user": {"id": "U1"},
        "channel": {"id": "C1"},
        "message": {
            "type": "message",
            "user": "U2",
            "text": "inference is basically free",
            "ts": "600.2",
            "thread_ts": "600.1",
        },
        "trigger_id": "trig.3",
        "response_url": "",
    }
    status, _ = await slack.interact(shortcut)
    assert status == 200
    [call] = await slack.api.wait_for("chat.postMessage")
    assert call.params["thread_ts"] == "600.1" and "Try saying" in call.params["blocks"][0]["text"]["text"]


async def test_mention_commands_answer_in_the_thread(slack) -> None:
    event = {
        **message_event(f"<@{BOT_USER}> lookup free", ts="700.2", thread_ts="700.1"),
        "type": "app_mention",
    }
    await slack.post_event(event, event_id="Ev1")
    await slack.post_event(event, event_id="Ev1")  # a retry
    await slack.settle()
    [call] = slack.api.calls_to("chat.postMessage")
    assert call.params["thread_ts"] == "700.1" and "Inference is basically free" in call.params["text"]


async def test_tip_job_posts_once_per_channel_per_day(slack) -> None:
    from bot.scheduler import TipScheduler
    from bot.server import TIP_SENDERS

    senders = slack.client.server.app[TIP_SENDERS]
    await slack.dosay.update_channel_settings("slack", "T1", "C11", tips_enabled=True, tip_time="07:00")
    first = TipScheduler(slack.dosay, senders, slack.dosay.clock)
    second = TipScheduler(slack.dosay, senders, slack.dosay.clock)  # e.g. another replica
    assert await first.run_once() + await second.run_once() + await first.run_once() == 1
    [tip] = await slack.api.wait_for("chat.postMessage")
    assert tip.params["channel"] == "C11" and "RAG keeps" in tip.params["text"]


async def test_tip_to_a_channel_dosay_left_is_not_retried_all_day(slack) -> None:
    from bot.scheduler import TipScheduler
    from bot.server import TIP_SENDERS

    senders = slack.client.server.app[TIP_SENDERS]
    await slack.dosay.update_channel_settings("slack", "T1", "C12", tips_enabled=True, tip_time="07:00")
    slack.api.fail_next("chat.postMessage", status=200, retry_after=None, error="not_in_channel")
    scheduler = TipScheduler(slack.dosay, senders, slack.dosay.clock)
    assert await scheduler.run_once() == 1  # handled: logged, claim kept
    assert await scheduler.run_once() == 0
    assert len(slack.api.calls_to("chat.postMessage", ok_only=False)) == 1


async def test_tip_after_a_server_error_is_retried_later(slack) -> None:
    from bot.scheduler import TipScheduler
    from bot.server import TIP_SENDERS

    senders = slack.client.server.app[TIP_SENDERS]
    await slack.dosay.update_channel_settings("slack", "T1", "C13", tips_enabled=True, tip_time="07:00")
    slack.api.fail_next("chat.postMessage", status=500, retry_after=None, times=3, error="internal_error")
    scheduler = TipScheduler(slack.dosay, senders, slack.dosay.clock)
    assert await scheduler.run_once() == 0  # the client retried, then the claim was released
    assert await scheduler.run_once() == 1
    assert len(slack.api.calls_to("chat.postMessage")) == 1
