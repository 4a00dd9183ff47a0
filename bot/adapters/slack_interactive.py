"""Slack interactivity: ``/dosay``, the "Reframe this" message shortcut, reply buttons and the
feedback modal. Every handler calls ``ack()`` first; slow work follows the acknowledgement.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.app.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.commands import run_command
from bot.render import slack as render
from bot.service import Dosay
from phrasebook.schema import Regime

log = logging.getLogger("dosay.slack")

COMMAND = "/dosay"
SHORTCUT = "dosay_reframe"
FEEDBACK_VIEW = "dosay_feedback_text"
ACTIONS = ("dosay_helpful", "dosay_not_misconception", "dosay_snooze", "dosay_more_regime", "dosay_share")

NO_MISCONCEPTION = "dosay found no known misconception in that message."
THANKS = "Thanks, noted as helpful."
SNOOZED = "Snoozed: dosay won't correct your messages until {until:%Y-%m-%d %H:%M} UTC."

Tracker = Callable[[Callable[..., Awaitable[None]]], Callable[..., Awaitable[None]]]


def team_of(body: dict[str, Any]) -> str:
    team = body.get("team_id") or (body.get("team") or {}).get("id") or body.get("user", {}).get("team_id")
    return str(team or "")


def add_interactivity(bolt: AsyncApp, dosay: Dosay, client: AsyncWebClient, tracked: Tracker) -> None:
    @bolt.shortcut(SHORTCUT)
    @tracked
    async def on_reframe(ack: Any, shortcut: dict[str, Any]) -> None:
        await ack()
        message = shortcut.get("message") or {}
        channel = (shortcut.get("channel") or {}).get("id", "")
        user = (shortcut.get("user") or {}).get("id", "")
        reply = dosay.reframe(message.get("text", ""))
        try:
            if reply is None:
                await client.chat_postEphemeral(
                    channel=channel,
                    user=user,
                    **render.text_message(NO_MISCONCEPTION),
                )
            else:
                thread = message.get("thread_ts") or message.get("ts")
                await client.chat_postMessage(
                    channel=channel, thread_ts=thread, **render.reply_message(reply)
                )
        except SlackApiError as exc:
            log.warning("slack reframe failed: %s", exc.response.get("error"))

    @bolt.command(COMMAND)
    @tracked
    async def on_command(ack: Any, command: dict[str, Any], respond: Any) -> None:
        text = command.get("text", "")
        team, channel = command.get("team_id", ""), command.get("channel_id", "")
        if text.strip().lower().startswith("settings"):
            await ack()  # settings touch the database: answer through response_url
            result = await run_command(dosay, "slack", team, channel, text)
            await respond(response_type="ephemeral", **render.text_message(result.text))
            return
        result = await run_command(dosay, "slack", team, channel, text)  # pure and fast
        await ack(response_type="ephemeral", **render.text_message(result.text, share_value=result.share))

    def _where(body: dict[str, Any]) -> tuple[str, str, str, str | None]:
        container = body.get("container") or {}
        message = body.get("message") or {}
        channel = (body.get("channel") or {}).get("id") or container.get("channel_id", "")
        thread = container.get("thread_ts") or message.get("thread_ts")
        return team_of(body), channel, (body.get("user") or {}).get("id", ""), thread

    async def _tell(channel: str, user: str, thread: str | None, text: str) -> None:
        try:
            await client.chat_postEphemeral(
                channel=channel, user=user, thread_ts=thread, **render.text_message(text)
            )
        except SlackApiError as exc:
            log.warning("slack ephemeral failed: %s", exc.response.get("error"))

    @bolt.action("dosay_helpful")
    @tracked
    async def on_helpful(ack: Any, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        team, channel, user, thread = _where(body)
        await dosay.feedback(
            platform="slack",
            workspace=team,
            channel=channel,
            user=user,
            entry_id=action["value"],
            kind="helpful",
        )
        await _tell(channel, user, thread, THANKS)

    @bolt.action("dosay_not_misconception")
    @tracked
    async def on_not_misconception(ack: Any, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        team, channel, user, _thread = _where(body)
        if body.get("trigger_id"):  # the trigger expires in 3 s: open the modal before the database work
            try:
                await client.views_open(
                    trigger_id=body["trigger_id"], view=_feedback_view(action["value"], channel)
                )
            except SlackApiError as exc:
                log.warning("slack views.open failed: %s", exc.response.get("error"))
        await dosay.feedback(
            platform="slack",
            workspace=team,
            channel=channel,
            user=user,
            entry_id=action["value"],
            kind="not_misconception",
        )

    @bolt.view(FEEDBACK_VIEW)
    @tracked
    async def on_feedback_text(ack: Any, body: dict[str, Any], view: dict[str, Any]) -> None:
        await ack()
        meta = json.loads(view.get("private_metadata") or "{}")
        value = (view.get("state", {}).get("values", {}).get("feedback", {}).get("text", {}) or {}).get(
            "value"
        )
        if value and meta.get("entry"):
            await dosay.feedback_text(
                platform="slack",
                workspace=team_of(body),
                user=(body.get("user") or {}).get("id", ""),
                entry_id=str(meta["entry"]),
                text=str(value),
            )

    @bolt.action("dosay_snooze")
    @tracked
    async def on_snooze(ack: Any, body: dict[str, Any]) -> None:
        await ack()
        team, channel, user, thread = _where(body)
        until = await dosay.snooze(platform="slack", workspace=team, user=user)
        await _tell(channel, user, thread, SNOOZED.format(until=until))

    @bolt.action("dosay_more_regime")
    @tracked
    async def on_more(ack: Any, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        _team_id, channel, user, thread = _where(body)
        try:
            card = dosay.phrasebook.card_for(Regime(action["value"]))
        except (ValueError, KeyError):
            return
        lines = [
            ("What it is", card.what_it_is),
            ("Cost structure", card.cost_structure),
            ("Typical magnitude", card.typical_magnitude),
            ("Time to production", card.time_to_production),
            ("Data handling", card.data_handling),
        ]
        try:
            await client.chat_postEphemeral(
                channel=channel, user=user, thread_ts=thread, **render.regime_message(card.name, lines)
            )
        except SlackApiError as exc:
            log.warning("slack ephemeral failed: %s", exc.response.get("error"))

    @bolt.action("dosay_share")
    @tracked
    async def on_share(ack: Any, action: dict[str, Any], respond: Any) -> None:
        await ack()
        result = await run_command(dosay, "slack", "", "", "lookup " + str(action.get("value", "")))
        await respond(response_type="in_channel", replace_original=False, **render.text_message(result.text))


def _feedback_view(entry_id: str, channel: str) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": FEEDBACK_VIEW,
        "private_metadata": json.dumps({"entry": entry_id, "channel": channel}),
        "title": {"type": "plain_text", "text": "Not a misconception"},
        "submit": {"type": "plain_text", "text": "Send"},
        "close": {"type": "plain_text", "text": "Skip"},
        "blocks": [
            {
                "type": "input",
                "block_id": "feedback",
                "optional": True,
                "label": {"type": "plain_text", "text": "What was meant? Stored only if you press Send."},
                "element": {
                    "type": "plain_text_input",
                    "action_id": "text",
                    "multiline": True,
                    "max_length": 2000,
                },
            }
        ],
    }
