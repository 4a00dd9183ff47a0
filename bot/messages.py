"""Every user-facing or log sentence of the CLI lives here, so wording is reviewed in one place."""

CHECK_SILENT = "dosay would stay silent: no misconception stated."
PHRASEBOOK_INVALID = "The phrasebook is invalid; nothing was loaded. Fix these and try again:"
CHAT_BANNER = (
    "dosay chat: type a chat line and press Enter to see what dosay would post. "
    "Commands: /lookup QUERY, /cost QUERY, /tip, /explain TEXT, /quit."
)
CHAT_SILENT = "(dosay stays silent)"
VERIFY_RATE_CARDS = "verify against current rate cards"
