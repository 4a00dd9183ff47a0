"""Typed settings from the environment (names as in DESIGN.md "Settings"), loaded once at start.

``load_settings()`` raises ``SettingsError`` with one line naming the variable to set or fix.
Secrets are ``SecretStr`` and never appear in ``repr``, logs or error messages.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.policy import ChannelSettings

SLACK_API_URL = "https://slack.com/api/"


class SettingsError(Exception):
    """One line: which variable to set or fix, and how."""


def _alias(name: str) -> AliasChoices:
    return AliasChoices(name, name.lower(), name.upper())


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        case_sensitive=False, extra="ignore", populate_by_name=True, frozen=True
    )

    slack_bot_token: SecretStr | None = Field(default=None, validation_alias=_alias("SLACK_BOT_TOKEN"))
    slack_signing_secret: SecretStr | None = Field(
        default=None, validation_alias=_alias("SLACK_SIGNING_SECRET")
    )
    slack_app_token: SecretStr | None = Field(default=None, validation_alias=_alias("SLACK_APP_TOKEN"))
    slack_api_url: str = Field(default=SLACK_API_URL, validation_alias=_alias("DOSAY_SLACK_API_URL"))
    microsoft_app_id: str | None = Field(default=None, validation_alias=_alias("MicrosoftAppId"))
    microsoft_app_password: SecretStr | None = Field(
        default=None, validation_alias=_alias("MicrosoftAppPassword")
    )
    microsoft_app_tenant_id: str | None = Field(default=None, validation_alias=_alias("MicrosoftAppTenantId"))
    microsoft_app_type: Literal["MultiTenant", "SingleTenant", "UserAssignedMSI"] = Field(
        default="MultiTenant", validation_alias=_alias("MicrosoftAppType")
    )
    database_url: str = Field(default="sqlite:///dosay.db", validation_alias=_alias("DOSAY_DATABASE_URL"))
    phrasebook: Path | None = Field(default=None, validation_alias=_alias("DOSAY_PHRASEBOOK"))
    host: str = Field(default="127.0.0.1", validation_alias=_alias("DOSAY_HOST"))
    port: int = Field(default=3978, ge=0, le=65535, validation_alias=_alias("DOSAY_PORT"))
    tip_time: str = Field(default="09:00", validation_alias=_alias("DOSAY_TIP_TIME"))
    timezone: str = Field(default="UTC", validation_alias=_alias("DOSAY_TIMEZONE"))
    retention_days: int = Field(default=90, ge=1, validation_alias=_alias("DOSAY_RETENTION_DAYS"))
    log_format: Literal["json", "text"] = Field(default="text", validation_alias=_alias("DOSAY_LOG_FORMAT"))

    @field_validator(
        "slack_bot_token", "slack_signing_secret", "slack_app_token", "microsoft_app_password", mode="before"
    )
    @classmethod
    def _blank_secret_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("microsoft_app_id", "microsoft_app_tenant_id", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        if not value.startswith(("sqlite:", "postgresql")):
            raise ValueError("expected sqlite:///FILE or postgresql+psycopg://USER@HOST/DB")
        return value

    @field_validator("slack_api_url")
    @classmethod
    def _api_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("expected an http(s) URL such as https://slack.com/api/")
        return value if value.endswith("/") else value + "/"

    @field_validator("phrasebook")
    @classmethod
    def _phrasebook_dir(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_dir():
            raise ValueError("not a directory; point it at a phrasebook directory or unset it")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Settings:
        # Channel defaults share ChannelSettings' validation of HH:MM and IANA zone names.
        try:
            ChannelSettings(platform="slack", workspace="-", channel="-", tip_time=self.tip_time)
        except ValidationError:
            raise ValueError("DOSAY_TIP_TIME: expected HH:MM, e.g. 09:30") from None
        try:
            ChannelSettings(platform="slack", workspace="-", channel="-", timezone=self.timezone)
        except ValidationError:
            raise ValueError("DOSAY_TIMEZONE: expected an IANA name such as Europe/Berlin") from None
        if self.slack_signing_secret and not self.slack_bot_token:
            raise ValueError("SLACK_BOT_TOKEN: set it (xoxb-...) too, or unset SLACK_SIGNING_SECRET")
        if self.slack_app_token and not self.slack_bot_token:
            raise ValueError("SLACK_BOT_TOKEN: set it (xoxb-...) too, or unset SLACK_APP_TOKEN")
        if self.slack_bot_token and not (self.slack_signing_secret or self.slack_app_token):
            raise ValueError(
                "SLACK_SIGNING_SECRET: set it (Slack app > Basic Information) for HTTP mode, "
                "or set SLACK_APP_TOKEN for Socket Mode"
            )
        if self.slack_bot_token and not self.slack_bot_token.get_secret_value().startswith("xoxb-"):
            raise ValueError("SLACK_BOT_TOKEN: expected a bot token starting with xoxb-")
        if self.slack_app_token and not self.slack_app_token.get_secret_value().startswith("xapp-"):
            raise ValueError("SLACK_APP_TOKEN: expected an app-level token starting with xapp-")
        if self.microsoft_app_password and not self.microsoft_app_id:
            raise ValueError("MicrosoftAppId: set it too, or unset MicrosoftAppPassword")
        if (
            self.microsoft_app_type in ("SingleTenant", "UserAssignedMSI")
            and self.microsoft_app_id
            and not self.microsoft_app_tenant_id
        ):
            raise ValueError(
                f"MicrosoftAppTenantId: set it (a {self.microsoft_app_type} bot needs its tenant id)"
            )
        if (
            self.microsoft_app_id
            and self.microsoft_app_type != "UserAssignedMSI"
            and not self.microsoft_app_password
        ):
            raise ValueError(
                "MicrosoftAppPassword: set it (the client secret of the Azure Bot's app registration); "
                "without it no reply can be sent"
            )
        return self

    @property
    def slack_enabled(self) -> bool:
        return self.slack_bot_token is not None

    @property
    def slack_socket_mode(self) -> bool:
        return self.slack_enabled and self.slack_app_token is not None

    @property
    def teams_enabled(self) -> bool:
        return self.microsoft_app_id is not None

    def channel_defaults(
        self, platform: Literal["slack", "teams", "playground"], workspace: str, channel: str
    ) -> ChannelSettings:
        return ChannelSettings(
            platform=platform,
            workspace=workspace,
            channel=channel,
            tip_time=self.tip_time,
            timezone=self.timezone,
        )


_VARIABLES = {
    "slack_bot_token": "SLACK_BOT_TOKEN",
    "slack_signing_secret": "SLACK_SIGNING_SECRET",
    "slack_app_token": "SLACK_APP_TOKEN",
    "slack_api_url": "DOSAY_SLACK_API_URL",
    "microsoft_app_id": "MicrosoftAppId",
    "microsoft_app_password": "MicrosoftAppPassword",
    "microsoft_app_tenant_id": "MicrosoftAppTenantId",
    "microsoft_app_type": "MicrosoftAppType",
    "database_url": "DOSAY_DATABASE_URL",
    "phrasebook": "DOSAY_PHRASEBOOK",
    "host": "DOSAY_HOST",
    "port": "DOSAY_PORT",
    "tip_time": "DOSAY_TIP_TIME",
    "timezone": "DOSAY_TIMEZONE",
    "retention_days": "DOSAY_RETENTION_DAYS",
    "log_format": "DOSAY_LOG_FORMAT",
}


def _one_line(exc: ValidationError) -> str:
    """The first problem as 'VARIABLE: what to do' — never the offending value (it may be a secret)."""
    error = exc.errors(include_input=False, include_url=False)[0]
    message = str(error["msg"]).removeprefix("Value error, ")
    loc = [str(part) for part in error.get("loc", ()) if str(part)]
    if not loc:
        return message  # model-level checks already start with the variable's name
    field = loc[0]
    name = _VARIABLES.get(field) or next(
        (v for v in _VARIABLES.values() if v.lower() == field.lower()), field
    )
    return f"{name}: {message}"


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Read settings from ``environ`` (default: the process environment)."""
    source = dict(os.environ if environ is None else environ)
    wanted = {name.lower() for name in _VARIABLES.values()}
    values = {key: value for key, value in source.items() if key.lower() in wanted}
    try:
        return Settings.model_validate({key.lower(): value for key, value in values.items()})
    except ValidationError as exc:
        raise SettingsError(_one_line(exc)) from None
