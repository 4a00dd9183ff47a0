"""Slack adapter: slack-bolt ``AsyncApp`` in HTTP mode (``POST /slack/events``) or Socket Mode.

Thin: translate a Slack payload into an ``InboundMessage`` / command, call ``Dosay``, render with
``bot.render.slack``, send with the Web API client (retry handlers on). Events are acknowledged by
bolt before our listener runs (``process_before_response=False``); actions, shortcuts and commands
call ``ack()`` first. Slack never redelivers an acknowledged event, so the listeners ask the service to
retry database steps while the database is away (``retry=True``) rather than lose the message.
Every event type in ``deploy/slack/manifest.yaml`` has a listener (an unhandled event is answered 404
and Slack retries it).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import re
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.app.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters import slack_lifecycle
from bot.adapters.slack_interactive import add_interactivity, team_of
from bot.commands import COMMANDS, run_command
from bot.core_types import Decision, InboundMessage
from bot.policy import ChannelSettings
from bot.render import slack as render
from bot.service import Dosay
from bot.settings import Settings
from phrasebook.schema import Tip

log = logging.getLogger("dosay.slack")


class _WithholdChatText(logging.Filter):
    """slack-bolt logs request bodies in some messages (bad signatures, unhandled requests): withhold them."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "token` will be unused" in message:
            return False  # bolt reads SLACK_BOT_TOKEN itself; our client carries the same token
        if "body" in message or '"text"' in message or "{" in message:
            record.msg, record.args = f"{record.name}: details withheld (may contain chat text)", ()
        return True


_BOLT_LOG = logging.getLogger("dosay.slack.bolt")
for _logger in (logging.getLogger("slack_bolt"), _BOLT_LOG):
    _logger.addFilter(_WithholdChatText())
SLACK_APP = web.AppKey("slack_bolt_app", AsyncApp)

REACTION = "bulb"
MENTION_NO_MATCH = "I don't see a known misconception in that. Try @dosay lookup QUERY or @dosay help."
#: Message subtypes that are a person saying something; every other subtype is ignored.
_SPOKEN = {None, "thread_broadcast", "file_share"}
_MENTION = re.compile(r"<@[A-Z0-9]+(?:\|[^>]*)?>")
#: What the app registers; tests check the manifest against it.
EVENTS = ("message", "app_mention", *slack_lifecycle.EVENTS)


def web_client(settings: Settings) -> AsyncWebClient:
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    return AsyncWebClient(
        token=token,
        base_url=settings.slack_api_url,
        retry_handlers=[
            AsyncConnectionErrorRetryHandler(max_retry_count=2),
            AsyncRateLimitErrorRetryHandler(max_retry_count=3),
            AsyncServerErrorRetryHandler(max_retry_count=2),
        ],
    )


def to_inbound(
    event: dict[str, Any], *, team: str, event_id: str | None, now: datetime, text: str | None = None
) -> InboundMessage:
    return InboundMessage(
        platform="slack",
        workspace=team,
        channel=event.get("channel", ""),
        user=event.get("user") or event.get("bot_id") or "",
        message_id=event.get("ts", ""),
        thread_id=event.get("thread_ts") if event.get("thread_ts") != event.get("ts") else None,
        text=event.get("text", "") if text is None else text,
        delivery_id=event_id,
        is_bot=bool(event.get("bot_id")) or event.get("subtype") == "bot_message",
        received_at=now,
    )


async def deliver(client: AsyncWebClient, dosay: Dosay, msg: InboundMessage, decision: Decision) -> None:
    """Send what the decision says; failures after the client's retries are logged, not swallowed."""
    reply = decision.reply
    if reply is None:
        return
    try:
        if decision.action == "reply":
            sent = await client.chat_postMessage(
                channel=msg.channel,
                thread_ts=decision.thread_root or msg.thread_root,
                **render.reply_message(reply),
            )
            await dosay.record_reply(msg, decision, str(sent["ts"]), retry=True)
        elif decision.action == "ephemeral":
            await client.chat_postEphemeral(
                channel=msg.channel, user=msg.user, thread_ts=msg.thread_id, **render.reply_message(reply)
            )
        elif decision.action == "reaction":
            await client.reactions_add(channel=msg.channel, timestamp=msg.message_id, name=REACTION)
    except SlackApiError as exc:
        log.warning(
            "slack %s failed for entry %s: %s", decision.action, reply.entry_id, exc.response.get("error")
        )


class InFlight:
    """The listeners running in the background after their ack; drained at shutdown (and by tests)."""

    def __init__(self) -> None:
        self.tasks: set[asyncio.Task[Any]] = set()

    def __call__(self, fn: Callable[..., Awaitable[None]]) -> Callable[..., Awaitable[None]]:
        @functools.wraps(fn)  # bolt injects arguments by name through inspect.unwrap
        async def run(*args: Any, **kwargs: Any) -> None:
            task = asyncio.current_task()
            if task is not None:
                self.tasks.add(task)
            try:
                await fn(*args, **kwargs)
            finally:
                if task is not None:
                    self.tasks.discard(task)

        return run

    async def drain(self, timeout: float | None = None) -> None:
        current = asyncio.current_task()
        await asyncio.sleep(0)  # let listeners scheduled by the last acknowledgements start
        while pending := [t for t in self.tasks if t is not current and not t.done()]:
            done, _ = await asyncio.wait(pending, timeout=timeout)
            if not done:
                return


def build_bolt_app(dosay: Dosay, settings: Settings, *, client: AsyncWebClient | None = None) -> AsyncApp:
    client = client or web_client(settings)
    bolt = AsyncApp(
        # the token comes from ``client`` (bolt warns when both are given)
        signing_secret=settings.slack_signing_secret.get_secret_value()
        if settings.slack_signing_secret
        else None,
        client=client,
        process_before_response=False,
        logger=_BOLT_LOG,
    )
    events_seen: dict[str, int] = {}
    bolt_any: Any = bolt

    @bolt_any.middleware
    async def count_requests(body: dict[str, Any], next: Any) -> None:
        kind = str(body.get("type") or ("command" if "command" in body else "other"))
        events_seen[kind] = events_seen.get(kind, 0) + 1
        await next()  # a middleware that does not call next() makes bolt answer 404

    bolt_any.dosay_counts = events_seen
    tracked = InFlight()
    bolt_any.dosay_inflight = tracked

    @bolt.event("message")
    @tracked
    async def on_message(event: dict[str, Any], body: dict[str, Any], context: Any) -> None:
        subtype = event.get("subtype")
        if subtype == "message_changed":
            await _on_edit(event, body)
            return
        if subtype not in _SPOKEN and subtype != "bot_message":
            return  # joins, deletions, topic changes ...
        mentioned = context.bot_user_id and f"<@{context.bot_user_id}>" in event.get("text", "")
        if mentioned and event.get("channel_type") != "im":
            return  # the app_mention route answers it (Slack sends no app_mention in DMs)
        msg = to_inbound(event, team=team_of(body), event_id=body.get("event_id"), now=dosay.clock())
        await deliver(client, dosay, msg, await dosay.on_message(msg, retry=True))

    async def _on_edit(event: dict[str, Any], body: dict[str, Any]) -> None:
        edited = dict(event.get("message") or {})
        if edited.get("bot_id") or edited.get("subtype") == "bot_message":
            return  # includes our own chat.update of a reply
        edited["channel"] = event.get("channel", "")
        msg = to_inbound(edited, team=team_of(body), event_id=body.get("event_id"), now=dosay.clock())
        outcome = await dosay.on_edit(msg, retry=True)
        if outcome.kind != "retracted" or not outcome.reply_ref or not outcome.entry_id:
            return
        title = dosay.phrasebook.entry(outcome.entry_id).title
        try:
            await client.chat_update(
                channel=msg.channel, ts=outcome.reply_ref, **render.retracted_message(title)
            )
        except SlackApiError as exc:
            log.warning("slack chat.update failed: %s", exc.response.get("error"))

    @bolt.event("app_mention")
    @tracked
    async def on_mention(event: dict[str, Any], body: dict[str, Any]) -> None:
        if event.get("bot_id"):
            return  # another bot mentioning dosay: never answer bots (no bot-to-bot loops)
        text = _MENTION.sub("", event.get("text", "")).strip()
        team, channel = team_of(body), event.get("channel", "")
        thread = event.get("thread_ts") or event.get("ts")
        first = text.split()[0].lower() if text.split() else "help"
        if first in COMMANDS:
            seen = to_inbound(event, team=team, event_id=body.get("event_id"), now=dosay.clock(), text="")
            if not await dosay.claim(seen, retry=True):
                return  # a retry of this mention
            result = await run_command(dosay, "slack", team, channel, text, prefix="@dosay")
            await _post(client, channel, thread, render.text_message(result.text))
            return
        msg = to_inbound(event, team=team, event_id=body.get("event_id"), now=dosay.clock(), text=text)
        decision = await dosay.on_message(msg, retry=True)
        if decision.reply is not None:
            await deliver(client, dosay, msg, decision)
        elif decision.reason == "no-match":
            await _post(client, channel, thread, render.text_message(MENTION_NO_MATCH))

    add_interactivity(bolt, dosay, client, tracked)
    slack_lifecycle.add_lifecycle(bolt, dosay, tracked)
    return bolt


async def _post(client: AsyncWebClient, channel: str, thread: str | None, message: dict[str, Any]) -> None:
    try:
        await client.chat_postMessage(channel=channel, thread_ts=thread, **message)
    except SlackApiError as exc:
        log.warning("slack chat.postMessage failed: %s", exc.response.get("error"))


#: Web API errors that retrying today cannot fix: the tip is not posted and not retried until tomorrow.
PERMANENT_ERRORS = frozenset({"not_in_channel", "channel_not_found", "is_archived", "restricted_action"})


def tip_sender(client: AsyncWebClient) -> Any:
    async def send(settings: ChannelSettings, tip: Tip) -> None:
        try:
            await client.chat_postMessage(
                channel=settings.channel, **render.text_message(f"Tip of the day: {tip.text}")
            )
        except SlackApiError as exc:
            error = str(exc.response.get("error"))
            if error not in PERMANENT_ERRORS:
                raise  # the scheduler releases the claim and tries again later
            log.warning(
                "tip for %s skipped today: %s (invite dosay or turn tips off)", settings.channel, error
            )

    return send


def register(app: web.Application, dosay: Dosay, settings: Settings) -> None:
    """Add Slack to the server: HTTP route (or Socket Mode) and the tip sender."""
    from bot.server import TIP_SENDERS

    if not settings.slack_enabled:
        return
    client = web_client(settings)
    bolt = build_bolt_app(dosay, settings, client=client)
    tracked: InFlight = bolt.dosay_inflight  # type: ignore[attr-defined]
    app[SLACK_APP] = bolt
    app[TIP_SENDERS]["slack"] = tip_sender(client)
    if settings.slack_socket_mode:
        from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

        assert settings.slack_app_token is not None
        handler = AsyncSocketModeHandler(bolt, settings.slack_app_token.get_secret_value(), web_client=client)

        async def connect(_app: web.Application) -> None:
            await handler.connect_async()

        async def close(_app: web.Application) -> None:
            await handler.close_async()

        app.on_startup.append(connect)
        app.on_cleanup.append(close)
        return

    async def events(request: web.Request) -> web.StreamResponse:
        response = await bolt.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(response)

    app.router.add_post("/slack/events", events)

    async def drain(_app: web.Application) -> None:
        await tracked.drain(timeout=10.0)  # finish replies already acknowledged to Slack

    app.on_shutdown.append(drain)
