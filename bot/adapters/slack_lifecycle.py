"""Slack: dosay removed from a channel, or uninstalled from a workspace. Its daily tips there are turned
off (``Dosay.removed_from`` / ``Dosay.uninstalled``) so the tip job stops posting where it cannot.

- ``channel_left`` (public) and ``group_left`` (private): sent to the bot when it was removed.
- ``member_left_channel``: any member leaving; only the bot itself leaving counts.
- ``app_uninstalled``, and ``tokens_revoked`` with the bot's token among them: the whole workspace.

Events are acknowledged by bolt before these run; the database steps are retried while it is away.
Re-inviting dosay keeps the channel's other settings; its tips are turned on again with ``/dosay settings``.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.app.async_app import AsyncApp

from bot.adapters.slack_interactive import Tracker, team_of
from bot.service import Dosay

#: The lifecycle events the app registers (and the manifest subscribes to).
EVENTS = ("channel_left", "group_left", "member_left_channel", "app_uninstalled", "tokens_revoked")


def add_lifecycle(bolt: AsyncApp, dosay: Dosay, tracked: Tracker) -> None:
    async def removed(body: dict[str, Any], channel: str) -> None:
        if channel:
            await dosay.removed_from("slack", team_of(body), [channel], retry=True)

    @tracked
    async def on_left(event: dict[str, Any], body: dict[str, Any]) -> None:
        await removed(body, str(event.get("channel") or ""))

    for name in ("channel_left", "group_left"):  # public and private channels: the same event body
        bolt.event(name)(on_left)

    @bolt.event("member_left_channel")
    @tracked
    async def on_member_left(event: dict[str, Any], body: dict[str, Any], context: Any) -> None:
        if context.bot_user_id and event.get("user") == context.bot_user_id:
            await removed(body, str(event.get("channel") or ""))

    @bolt.event("app_uninstalled")
    @tracked
    async def on_uninstalled(body: dict[str, Any]) -> None:
        await dosay.uninstalled("slack", team_of(body), retry=True)

    @bolt.event("tokens_revoked")
    @tracked
    async def on_tokens_revoked(event: dict[str, Any], body: dict[str, Any]) -> None:
        # dosay posts with its bot token only; a revoked user token changes nothing for it
        if (event.get("tokens") or {}).get("bot"):
            await dosay.uninstalled("slack", team_of(body), retry=True)
