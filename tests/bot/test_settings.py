from __future__ import annotations

import pytest

from bot.settings import SettingsError, load_settings


def test_defaults_are_the_local_playground() -> None:
    settings = load_settings({})
    assert (settings.host, settings.port, settings.database_url) == ("127.0.0.1", 3978, "sqlite:///dosay.db")
    assert not settings.slack_enabled and not settings.teams_enabled


def test_slack_http_and_socket_modes() -> None:
    http = load_settings({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s3cret"})
    assert http.slack_enabled and not http.slack_socket_mode
    socket = load_settings({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"})
    assert socket.slack_socket_mode


@pytest.mark.parametrize(
    ("environ", "variable"),
    [
        ({"SLACK_BOT_TOKEN": "xoxb-topsecret"}, "SLACK_SIGNING_SECRET"),
        ({"SLACK_SIGNING_SECRET": "topsecret"}, "SLACK_BOT_TOKEN"),
        ({"SLACK_BOT_TOKEN": "topsecret", "SLACK_SIGNING_SECRET": "x"}, "SLACK_BOT_TOKEN"),
        ({"DOSAY_PORT": "http"}, "DOSAY_PORT"),
        ({"DOSAY_TIMEZONE": "Mars/Base"}, "DOSAY_TIMEZONE"),
        ({"DOSAY_TIP_TIME": "25:00"}, "DOSAY_TIP_TIME"),
        ({"DOSAY_DATABASE_URL": "mysql://x"}, "DOSAY_DATABASE_URL"),
        ({"MicrosoftAppPassword": "topsecret"}, "MicrosoftAppId"),
        ({"MicrosoftAppId": "id", "MicrosoftAppType": "SingleTenant"}, "MicrosoftAppTenantId"),
        ({"MicrosoftAppId": "id"}, "MicrosoftAppPassword"),
        ({"MicrosoftAppId": "id", "MicrosoftAppType": "UserAssignedMSI"}, "MicrosoftAppTenantId"),
    ],
)
def test_bad_settings_stop_with_one_line_naming_the_variable(environ, variable) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(environ)
    message = str(caught.value)
    assert message.startswith(variable + ":"), message
    assert "\n" not in message and "topsecret" not in message


def test_secrets_do_not_show_in_repr() -> None:
    settings = load_settings({"SLACK_BOT_TOKEN": "xoxb-topsecret", "SLACK_SIGNING_SECRET": "topsecret"})
    assert "topsecret" not in repr(settings) and "topsecret" not in str(settings.model_dump())
