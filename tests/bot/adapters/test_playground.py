"""The playground's JSON API through the real aiohttp server app, the Dosay service, a real Store on SQLite
and the real Matcher on a small phrasebook (aiohttp's TestServer/TestClient on port 0)."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from bot.adapters import playground
from bot.service import Dosay
from bot.stats import compute_stats

MISCONCEPTION = "Honestly, the AI will learn from your data over time."


async def say(api: TestClient, text: str, user: str = "alex", **extra: Any) -> dict[str, Any]:
    response = await api.post("/api/playground/messages", json={"user": user, "text": text, **extra})
    assert response.status == 200, await response.text()
    return dict(await response.json())


async def test_page_and_static_files_are_served_with_a_strict_policy(api) -> None:
    page = await api.get("/")
    assert page.status == 200
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    html = await page.text()
    assert '<label for="text">' in html and "/static/app.js" in html
    for name in ("app.js", "app.css"):
        assert (await api.get(f"/static/{name}")).status == 200


async def test_misconception_gets_the_card_in_the_thread(api) -> None:
    data = await say(api, MISCONCEPTION)
    decision = data["decision"]
    assert decision["action"] == "reply" and decision["reason"] == "matched"
    assert decision["thread_root"] == data["message"]["id"]
    reply = decision["reply"]
    assert reply["entry_id"] == "ai-learns-over-time"
    assert "verify against current rate cards" in reply["cost_band"]
    assert reply["nist"] == "NIST AI 600-1, 2.4 Data Privacy"
    assert [b["label"] for b in reply["buttons"]] == [
        "Helpful",
        "Not a misconception here",
        "Snooze for me",
        "More on Inference",
    ]
    assert data["message"]["text"] == MISCONCEPTION  # returned as data; the page renders it as text


async def test_negation_and_benign_text_stay_silent_with_a_reason(api) -> None:
    negated = (await say(api, "The AI will not learn from your data over time."))["decision"]
    assert (negated["action"], negated["reason"], negated["reply"]) == ("silent", "no-match", None)
    assert negated["note"].startswith("dosay stayed silent")


async def test_once_per_thread_and_cooldown_are_explained(api, api_clock) -> None:
    root = (await say(api, MISCONCEPTION))["message"]["id"]
    again = (await say(api, "it keeps learning from every conversation", thread_id=root))["decision"]
    assert again["reason"] == "already-in-thread"
    api_clock.advance(minutes=5)
    elsewhere = (await say(api, MISCONCEPTION))["decision"]
    assert elsewhere["reason"] == "cooldown" and "cooldown" in elsewhere["note"]
    api_clock.advance(hours=2)
    assert (await say(api, MISCONCEPTION))["decision"]["action"] == "reply"


async def test_double_submit_with_the_same_client_id_is_answered_once(api) -> None:
    first = (await say(api, MISCONCEPTION, client_id="c-1"))["decision"]
    second = (await say(api, MISCONCEPTION, client_id="c-1"))["decision"]
    assert first["action"] == "reply" and second["reason"] == "duplicate"


async def test_bad_input_says_what_to_send(api) -> None:
    empty = await api.post("/api/playground/messages", json={"user": "alex", "text": "  "})
    assert empty.status == 400 and "text" in (await empty.json())["error"]
    form = await api.post("/api/playground/messages", data={"user": "alex", "text": "hi"})
    assert form.status == 415 and "application/json" in (await form.json())["error"]
    broken = await api.post(
        "/api/playground/messages", data="{", headers={"Content-Type": "application/json"}
    )
    assert broken.status == 400 and "JSON" in (await broken.json())["error"]


async def test_helpful_and_not_misconception_are_stored_text_only_with_consent(api) -> None:
    await say(api, MISCONCEPTION)
    base = {"user": "alex", "entry_id": "ai-learns-over-time"}
    helpful = await api.post("/api/playground/feedback", json={**base, "kind": "helpful"})
    assert helpful.status == 200 and (await helpful.json())["stored"] is True
    no_consent = await api.post(
        "/api/playground/feedback", json={**base, "kind": "not_misconception", "text": "quoting a vendor"}
    )
    assert (await no_consent.json())["text_stored"] is False
    consented = await api.post(
        "/api/playground/feedback",
        json={**base, "kind": "not_misconception", "text": "quoting a vendor", "consent": True},
    )
    assert (await consented.json())["text_stored"] is True
    dosay: Dosay = api.app[playground.DOSAY_KEY]
    assert dosay.store.feedback_rows() == [
        ("ai-learns-over-time", "helpful", None),
        ("ai-learns-over-time", "not_misconception", None),
        ("ai-learns-over-time", "not_misconception", "quoting a vendor"),
    ]
    unknown = await api.post("/api/playground/feedback", json={**base, "entry_id": "nope", "kind": "helpful"})
    assert unknown.status == 404


async def test_snooze_silences_that_user_only(api, api_clock) -> None:
    snoozed = await api.post(
        "/api/playground/feedback", json={"user": "alex", "entry_id": "inference-is-free", "kind": "snooze"}
    )
    assert snoozed.status == 200 and "until" in await snoozed.json()
    assert (await say(api, MISCONCEPTION))["decision"]["reason"] == "snoozed"
    assert (await say(api, MISCONCEPTION, user="sam"))["decision"]["action"] == "reply"


async def test_edit_that_drops_the_misconception_is_an_accepted_correction(api) -> None:
    message_id = (await say(api, MISCONCEPTION))["message"]["id"]
    edited = await api.patch(
        f"/api/playground/messages/{message_id}",
        json={"user": "alex", "text": "Correction: the weights stay fixed; we use retrieval."},
    )
    assert (await edited.json())["outcome"] == "retracted"
    stats = await (await api.get("/api/stats")).json()
    assert stats["corrections"] == {"total": 1, "accepted": 1, "accepted_ratio": 1.0}


async def test_phrasebook_entries_regimes_and_bands(api) -> None:
    entries = (await (await api.get("/api/phrasebook/entries")).json())["entries"]
    stale = {e["id"]: e["stale"] for e in entries}
    assert stale == {
        "ai-learns-over-time": False,
        "inference-is-free": False,
        "finetuning-is-expensive": True,
    }
    full = await (await api.get("/api/phrasebook/entries/finetuning-is-expensive")).json()
    assert full["stale_reasons"] and len(full["examples"]["must_match"]) == 8 and full["sources"]
    assert (await api.get("/api/phrasebook/entries/nope")).status == 404
    regimes = (await (await api.get("/api/regimes")).json())["regimes"]
    assert {r["id"] for r in regimes} == {"pre-training", "fine-tuning", "inference", "rag"}
    card = await (await api.get("/api/regimes/inference")).json()
    assert card["name"] == "Inference" and "ai-learns-over-time" in card["entries"]
    assert (await api.get("/api/regimes/cheap")).status == 404
    bands = (await (await api.get("/api/cost-bands")).json())["cost_bands"]
    assert {b["id"]: b["stale"] for b in bands} == {"inference": False, "fine-tuning": True}


async def test_search_uses_the_lookup_search(api) -> None:
    found = await (await api.get("/api/phrasebook/search", params={"q": "learn over time"})).json()
    assert [(h["kind"], h["id"]) for h in found["results"]][:1] == [("entry", "ai-learns-over-time")]
    typo = await (await api.get("/api/phrasebook/search", params={"q": "finetunning cost"})).json()
    assert typo["results"][0]["kind"] == "cost_band" and typo["did_you_mean"] == ["fine-tuning cost"]
    empty = await (await api.get("/api/phrasebook/search", params={"q": ""})).json()
    assert empty["results"] == []


async def test_stats_count_corrections_per_entry_per_week_and_feedback_ratio(api, api_clock) -> None:
    await say(api, MISCONCEPTION)
    await say(api, "Inference is basically free.")
    api_clock.advance(days=7)
    await say(api, MISCONCEPTION)
    await api.post(
        "/api/playground/feedback", json={"user": "a", "entry_id": "inference-is-free", "kind": "helpful"}
    )
    stats = await (await api.get("/api/stats", params={"weeks": "4"})).json()
    assert len(stats["weeks"]) == 4
    assert stats["corrections_per_entry"]["ai-learns-over-time"][-2:] == [1, 1]
    assert stats["corrections_per_entry"]["inference-is-free"][-2:] == [1, 0]
    assert stats["feedback"]["helpful_ratio"] == 1.0
    assert stats["feedback"]["per_entry"] == {"inference-is-free": {"helpful": 1, "not_misconception": 0}}
    assert (await api.get("/api/stats", params={"weeks": "many"})).status == 400


async def test_stats_are_the_numbers_dosay_stats_prints(api, api_clock) -> None:
    await say(api, MISCONCEPTION)
    await say(api, "Inference is basically free.")
    for kind in ("helpful", "not_misconception", "not_misconception"):
        await api.post(
            "/api/playground/feedback", json={"user": "a", "entry_id": "inference-is-free", "kind": kind}
        )
    dosay: Dosay = api.app[playground.DOSAY_KEY]
    report = compute_stats(
        dosay.store.correction_rows(), dosay.store.feedback_counts(), today=api_clock.now.date()
    )
    stats = await (await api.get("/api/stats")).json()
    assert stats["corrections"]["total"] == report.corrections == 2
    assert stats["feedback"]["helpful_ratio"] == round(report.helpful_ratio or 0, 3) == 0.333
    assert stats["weeks"] == [monday.isoformat() for monday in report.weeks]
    assert stats["corrections_per_entry"] == {e.entry_id: list(e.per_week) for e in report.entries if e.total}


async def test_cost_from_a_query_or_from_the_form_fields(api) -> None:
    typed = await api.post("/api/cost", json={"query": "inference 10M in 2M out"})
    assert typed.status == 200
    body = await typed.json()
    assert body["result"]["total_low"] == 1.6 and "verify against current rate cards" in body["text"]
    form = await api.post(
        "/api/cost", json={"regime": "inference", "input_tokens": 10e6, "output_tokens": 2e6}
    )
    assert (await form.json())["result"]["total_high"] == (await typed.json())["result"]["total_high"]
    tuned = await api.post("/api/cost", json={"regime": "fine-tuning", "hours": 10})
    assert (await tuned.json())["result"]["total_low"] == 17.0
    unreadable = await api.post("/api/cost", json={"query": "inference lots"})
    assert unreadable.status == 400 and "try: cost" in (await unreadable.json())["error"]
    both = await api.post("/api/cost", json={"query": "inference 1M in", "regime": "inference"})
    assert both.status == 400 and "either" in (await both.json())["error"]
    negative = await api.post("/api/cost", json={"regime": "inference", "input_tokens": -1})
    assert negative.status == 400 and "input_tokens" in (await negative.json())["error"]
