"""Microsoft Teams on botbuilder-python: the only module that imports botbuilder / botframework.

``BotbuilderTeamsGateway`` implements ``bot.adapters.teams_bot.TeamsGateway`` with a ``CloudAdapter``
and ``ConfigurationBotFrameworkAuthentication`` (``MicrosoftAppId`` / ``MicrosoftAppPassword`` /
``MicrosoftAppTenantId`` / ``MicrosoftAppType``, SingleTenant included). botbuilder-python is archived
in favour of the Microsoft 365 Agents SDK: a gateway on that SDK is a new module implementing the same
protocol; ``TeamsBot`` (the turn logic) does not change. See docs/teams.md.

``register(app, dosay, settings)`` adds ``POST /api/messages`` and the daily-tip sender to the server.
With an app id every request needs a valid Bot Framework token: a missing, malformed or invalid token,
or a body that cannot be read, is answered 401 before anything runs. Without an app id the endpoint is
unauthenticated (Bot Framework Emulator) and is only registered when the server binds to loopback.

The request is authenticated first (``BotFrameworkAuthentication.authenticate_request``, the step
``CloudAdapter.process_activity`` would start with); then a message, edit, install, removal or button
press is acknowledged with 200 and its turn runs in the background (``BackgroundTurns``: bounded, errors
logged, drained at shutdown), as Slack events are acknowledged before their listener runs. Invokes and
``expectReplies`` deliveries carry their answer in the HTTP response, so they run before it. Failed
connector calls are counted in ``dosay_web_api_errors_total{platform="teams"}``.
"""

from __future__ import annotations

import copy
import functools
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from aiohttp import web
from botbuilder.core import CardFactory, InvokeResponse, TurnContext
from botbuilder.core.teams import TeamsActivityHandler
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication
from botbuilder.schema import (
    Activity,
    ActivityTypes,
    ChannelAccount,
    ConversationParameters,
    ConversationReference,
    DeliveryModes,
)
from botframework.connector.auth import BotFrameworkAuthentication

from bot.adapters import teams_speedups
from bot.adapters.teams_bot import (
    BackgroundTurns,
    ConversationGone,
    ConversationType,
    Kind,
    TeamsActivity,
    TeamsBot,
    base_conversation,
    clean_text,
    thread_root_of,
)
from bot.render.teams import TeamsMessage
from bot.service import Dosay
from bot.settings import Settings

log = logging.getLogger("dosay.teams")
teams_speedups.apply()  # msrest's per-client retry list was the Teams hot spot (see the module)

T = TypeVar("T")

ROUTE = "/api/messages"
#: The Teams bot of this app (its ``send_tip`` is the scheduler's sender), for tests and the CLI.
TEAMS_BOT = web.AppKey("teams_bot", TeamsBot)
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}
#: Connector answers to a proactive message that retrying cannot fix (removed from the conversation, or
#: the conversation no longer exists).
_GONE = frozenset({"http_403", "http_404"})


@dataclass(frozen=True)
class BotConfig:
    """The attribute names ``ConfigurationBotFrameworkAuthentication`` reads."""

    APP_ID: str | None = None
    APP_PASSWORD: str | None = field(default=None, repr=False)  # never in logs or errors
    APP_TENANTID: str | None = None
    APP_TYPE: str = "MultiTenant"
    #: Overrides for tests and sovereign clouds (botbuilder reads these names when present).
    TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL: str | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> BotConfig:
        password = settings.microsoft_app_password
        return cls(
            APP_ID=settings.microsoft_app_id,
            APP_PASSWORD=password.get_secret_value() if password else None,
            APP_TENANTID=settings.microsoft_app_tenant_id,
            APP_TYPE=settings.microsoft_app_type,
        )


def message_activity(message: TeamsMessage) -> Activity:
    """The card as an attachment; the plain-text fallback as the notification summary."""
    return Activity(
        type=ActivityTypes.message,
        attachments=[CardFactory.adaptive_card(message.card)],
        summary=message.fallback,
    )


def _conversation_type(activity: Activity) -> ConversationType:
    kind = getattr(activity.conversation, "conversation_type", None)
    return kind if kind in ("groupChat", "channel") else "personal"


def _tenant(activity: Activity) -> str:
    tenant = getattr(activity.conversation, "tenant_id", None)
    data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    return str(tenant or (data.get("tenant") or {}).get("id") or "local")


def _team(activity: Activity) -> str | None:
    """The team of a channel conversation (and of a team install / removal); None in chats."""
    data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    team = (data.get("team") or {}).get("id") or data.get("teamsTeamId")
    return str(team) if team else None


def _mentions_bot(activity: Activity) -> bool:
    bot_id = activity.recipient.id if activity.recipient else None
    for mention in TurnContext.get_mentions(activity):
        mentioned = mention.additional_properties.get("mentioned") or {}
        if bot_id and mentioned.get("id") == bot_id:
            return True
    return False


def _reference_for_tips(activity: Activity) -> str:
    """A reference that posts at the top of the channel / chat (no thread, no reply-to)."""
    reference = copy.deepcopy(TurnContext.get_conversation_reference(activity))
    reference.conversation.id = base_conversation(reference.conversation.id or "")
    reference.activity_id = None
    return json.dumps(reference.serialize())


def translate(activity: Activity, kind: Kind) -> TeamsActivity:
    """botbuilder ``Activity`` → our ``TeamsActivity`` (mentions stripped, HTML removed)."""
    conversation_id = activity.conversation.id if activity.conversation else ""
    conversation_type = _conversation_type(activity)
    root = (
        (thread_root_of(conversation_id) or activity.reply_to_id) if conversation_type == "channel" else None
    )
    sender = activity.from_property or ChannelAccount(id="")
    value = activity.value if isinstance(activity.value, dict) else {}
    return TeamsActivity(
        kind=kind,
        activity_id=activity.id or "",
        tenant=_tenant(activity),
        conversation=base_conversation(conversation_id),
        conversation_type=conversation_type,
        user=sender.aad_object_id or sender.id or "",
        text=clean_text(activity.text or ""),
        mentioned=_mentions_bot(activity),
        is_bot=sender.role == "bot",
        thread_root=root or (activity.id if conversation_type == "channel" else None),
        value=value,
        # built only when stored (first sight of the conversation, installs): a deepcopy and serialise
        reference=functools.partial(_reference_for_tips, activity),
        team=_team(activity),
    )


def connector_error(exc: BaseException) -> str:
    """A bounded label for a failed connector call: ``http_<status>`` or the exception's type."""
    status = getattr(getattr(exc, "response", None), "status_code", None)
    return f"http_{status}" if isinstance(status, int) else type(exc).__name__[:64]


async def _send_new(
    context: TurnContext,
    message: TeamsMessage,
    reference: ConversationReference,
    gateway: BotbuilderTeamsGateway,
) -> str:
    """A new message (not a reply) in the reference's conversation."""
    outgoing = TurnContext.apply_conversation_reference(message_activity(message), reference)
    outgoing.reply_to_id = None
    sends = context.adapter.send_activities(context, [outgoing])
    responses = await gateway.counted("send_to_conversation", sends)
    return str(responses[0].id or "") if responses else ""


class _Turn:
    """``TeamsTurn`` on a botbuilder ``TurnContext``."""

    def __init__(self, context: TurnContext, gateway: BotbuilderTeamsGateway) -> None:
        self.context = context
        self.gateway = gateway

    def _thread_reference(self) -> ConversationReference:
        """The incoming activity's conversation; for a channel, its thread (``;messageid=<root>``)."""
        incoming = self.context.activity
        reference = copy.deepcopy(TurnContext.get_conversation_reference(incoming))
        if _conversation_type(incoming) == "channel":
            conversation_id = incoming.conversation.id or ""
            root = thread_root_of(conversation_id) or incoming.reply_to_id or incoming.id
            reference.conversation.id = f"{base_conversation(conversation_id)};messageid={root}"
            reference.activity_id = root
        return reference

    async def reply(self, message: TeamsMessage) -> str:
        outgoing = TurnContext.apply_conversation_reference(
            message_activity(message), self._thread_reference()
        )
        method = "reply_to_activity" if outgoing.reply_to_id else "send_to_conversation"
        sends = self.context.adapter.send_activities(self.context, [outgoing])
        responses = await self.gateway.counted(method, sends)
        return str(responses[0].id or "") if responses else ""

    async def reply_privately(self, message: TeamsMessage) -> str:
        incoming = self.context.activity
        if _conversation_type(incoming) == "personal":
            return await self.reply(message)
        return await self.gateway.send_one_to_one(incoming, message)

    async def update(self, activity_id: str, message: TeamsMessage) -> None:
        outgoing = TurnContext.apply_conversation_reference(
            message_activity(message), self._thread_reference()
        )
        outgoing.id = activity_id
        outgoing.reply_to_id = None
        await self.gateway.counted(
            "update_activity", self.context.adapter.update_activity(self.context, outgoing)
        )


class _Handler(TeamsActivityHandler):
    """Translate botbuilder's dispatch into ``TeamsBot.on_activity`` calls."""

    def __init__(self, bot: TeamsBot, gateway: BotbuilderTeamsGateway) -> None:
        self.bot = bot
        self.gateway = gateway

    async def _dispatch(self, turn_context: TurnContext, kind: Kind) -> None:
        await self.bot.on_activity(translate(turn_context.activity, kind), _Turn(turn_context, self.gateway))

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        kind: Kind = "submit" if isinstance(activity.value, dict) and not activity.text else "message"
        await self._dispatch(turn_context, kind)

    async def on_teams_message_edit(self, turn_context: TurnContext) -> None:
        await self._dispatch(turn_context, "edit")

    async def on_installation_update_add(self, turn_context: TurnContext) -> None:
        await self._dispatch(turn_context, "installed")

    async def on_installation_update_remove(self, turn_context: TurnContext) -> None:
        # "remove", and "remove-upgrade" (an app upgrade that takes the bot out of the manifest)
        await self._dispatch(turn_context, "removed")

    async def on_teams_members_added_dispatch(
        self, members_added: list[ChannelAccount], team_info: Any, turn_context: TurnContext
    ) -> None:
        # No TeamsInfo.get_member round trips: all we need to know is whether the bot was added.
        if _includes_bot(turn_context.activity, members_added):
            await self._dispatch(turn_context, "installed")

    async def on_teams_members_removed_dispatch(
        self, members_removed: list[ChannelAccount], team_info: Any, turn_context: TurnContext
    ) -> None:
        # Other members leaving change nothing; the bot leaving is a removal.
        if _includes_bot(turn_context.activity, members_removed):
            await self._dispatch(turn_context, "removed")


def _includes_bot(activity: Activity, members: list[ChannelAccount] | None) -> bool:
    recipient = activity.recipient
    return recipient is not None and any(m.id == recipient.id for m in members or [])


class BotbuilderTeamsGateway:
    """``TeamsGateway`` on botbuilder's ``CloudAdapter``."""

    def __init__(
        self,
        config: BotConfig,
        *,
        authentication: BotFrameworkAuthentication | None = None,
        max_turns: int = 256,
    ) -> None:
        self.config = config
        self.app_id = config.APP_ID or ""
        self.authenticated = bool(config.APP_ID)
        # Authenticates exactly as botbuilder; shares the outbound clients between turns (see the module).
        self.authentication = teams_speedups.SharedClientsAuthentication(
            authentication or ConfigurationBotFrameworkAuthentication(config)
        )
        self.adapter = CloudAdapter(self.authentication)
        self.adapter.on_turn_error = self._on_turn_error
        #: Turns acknowledged before they run (bounded; drained at shutdown).
        self.turns = BackgroundTurns(max_turns)
        #: Called with (connector method, error label) for every failed connector call (``/metrics``).
        self.on_connector_error: Callable[[str, str], None] | None = None

    async def counted(self, method: str, call: Awaitable[T]) -> T:
        """Await a connector call; a failure is reported to ``on_connector_error`` and re-raised."""
        try:
            return await call
        except Exception as exc:
            if self.on_connector_error is not None:
                self.on_connector_error(method, connector_error(exc))
            raise

    @staticmethod
    async def _on_turn_error(context: TurnContext, error: Exception) -> None:
        log.error("teams turn failed: %s", type(error).__name__)  # never the message or a token

    def _refuse(self, status: int, reason: str) -> web.Response:
        """Before authentication succeeded: 401 when auth is on (nothing about the request is trusted)."""
        if self.authenticated:
            log.warning("teams request rejected: %s", reason)
            return web.json_response({"error": "unauthorized"}, status=401)
        return web.json_response({"error": reason}, status=status)

    async def handle(self, request: web.Request, bot: TeamsBot) -> web.StreamResponse:
        """Authenticate, then acknowledge: a message-like activity runs after the 200 (``self.turns``);
        an invoke or an ``expectReplies`` delivery carries its answer in the response, so it runs first."""
        auth_header = request.headers.get("Authorization", "")
        if self.authenticated and (not auth_header.startswith("Bearer ") or len(auth_header.split(" ")) != 2):
            return self._refuse(401, "missing or malformed Authorization header")
        if "application/json" not in request.headers.get("Content-Type", ""):
            return self._refuse(415, "expected Content-Type: application/json")
        try:
            body = await request.json()
        except ValueError:
            return self._refuse(400, "the body is not JSON")
        if not isinstance(body, dict) or not body.get("type"):
            return self._refuse(400, "the body is not a Bot Framework activity")
        activity = Activity().deserialize(body)
        try:
            # What CloudAdapter.process_activity does first; done here so nothing runs unauthenticated.
            authenticated = await self.adapter.bot_framework_authentication.authenticate_request(
                activity, auth_header
            )
        except Exception as exc:  # PermissionError for a bad token; jwt errors for a malformed one
            return self._refuse(400, f"could not authenticate the activity ({type(exc).__name__})")
        handler = _Handler(bot, self)

        async def run() -> InvokeResponse | None:
            result: InvokeResponse | None = await self.adapter.process_activity(
                authenticated, activity, handler.on_turn
            )
            return result

        if activity.type == ActivityTypes.invoke or activity.delivery_mode == DeliveryModes.expect_replies:
            invoke = await run()
            if invoke is not None:
                return web.json_response(invoke.body, status=invoke.status)
            return web.Response(status=200)
        if not await self.turns.start(run):
            return web.json_response({"error": "shutting down"}, status=503)  # the channel redelivers
        return web.Response(status=200)

    async def drain(self, timeout: float | None = None) -> None:
        await self.turns.drain(timeout)

    async def send_proactive(self, reference: str, message: TeamsMessage) -> str:
        """Post at the top of the stored conversation. Raises when the connector refused it."""
        conversation = ConversationReference().deserialize(json.loads(reference))
        conversation.activity_id = None
        sent: list[str] = []
        failed: list[Exception] = []

        async def send(context: TurnContext) -> None:
            try:
                sent.append(await _send_new(context, message, conversation, self))
            except Exception as exc:  # the adapter's turn-error handler would swallow it
                failed.append(exc)

        # bot_app_id always: without it Teams answers the outbound call with 401.
        await self.adapter.continue_conversation(conversation, send, bot_app_id=self.app_id)
        if failed:
            label = connector_error(failed[0])
            if label in _GONE:
                raise ConversationGone(label) from failed[0]
            raise failed[0]
        return sent[0] if sent else ""

    async def send_one_to_one(self, incoming: Activity, message: TeamsMessage) -> str:
        """The ``ephemeral`` fallback: open (or reuse) a 1:1 chat with the author and post there."""
        tenant = _tenant(incoming)
        parameters = ConversationParameters(
            is_group=False,
            bot=incoming.recipient,
            members=[ChannelAccount(id=incoming.from_property.id)],
            tenant_id=tenant,
            channel_data={"tenant": {"id": tenant}},
        )
        sent: list[str] = []
        failed: list[Exception] = []

        async def send(context: TurnContext) -> None:
            try:
                reference = TurnContext.get_conversation_reference(context.activity)
                sent.append(await _send_new(context, message, reference, self))
            except Exception as exc:
                failed.append(exc)

        # The callback's own send is counted there; this counts the create_conversation call (or the
        # token it needs) failing.
        await self.counted(
            "create_conversation",
            self.adapter.create_conversation(
                self.app_id, send, parameters, incoming.channel_id, incoming.service_url
            ),
        )
        if failed:
            raise failed[0]
        return sent[0] if sent else ""


def register(app: web.Application, dosay: Dosay, settings: Settings) -> None:
    """Add ``POST /api/messages`` (and, with an app id, the Teams tip sender) to the server."""
    from bot.server import TIP_SENDERS

    if not settings.teams_enabled and settings.host not in _LOOPBACK:
        log.info("Teams off: set MicrosoftAppId (and MicrosoftAppPassword) to serve %s", ROUTE)
        return
    gateway = BotbuilderTeamsGateway(BotConfig.from_settings(settings))
    bot = TeamsBot(dosay, gateway)
    app[TEAMS_BOT] = bot
    app.router.add_post(ROUTE, bot.handle)
    if settings.teams_enabled:
        app[TIP_SENDERS]["teams"] = bot.send_tip

    async def count_connector_errors(app: web.Application) -> None:
        from bot.metrics import METRICS  # registered after the adapters (see bot.server.build_app)

        metrics = app.get(METRICS)
        if metrics is not None:
            errors = metrics.web_api_errors
            gateway.on_connector_error = lambda method, error: errors.labels("teams", method, error).inc()

    async def finish_turns(_app: web.Application) -> None:
        await gateway.turns.close(timeout=10.0)  # replies already acknowledged to Teams

    app.on_startup.append(count_connector_errors)
    app.on_shutdown.append(finish_turns)
