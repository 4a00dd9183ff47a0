"""The playground in a real browser: type, see the card in the thread, click its buttons, search, compute."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.browser.conftest import LiveServer

MISCONCEPTION = "Honestly, the AI will learn from your data over time."


def send(page: Any, text: str) -> Any:
    """Type a message as the chosen user and press Enter; returns the new message's list item."""
    count = page.locator("#messages > li").count()
    page.fill("#text", text)
    page.press("#text", "Enter")
    item = page.locator("#messages > li").nth(count)
    item.locator(".thread > .card, .thread > .silent").first.wait_for()
    return item


def test_misconception_gets_the_right_card_in_the_thread(page: Any) -> None:
    page.fill("#user", "robin")
    item = send(page, MISCONCEPTION)
    assert item.locator(".who").inner_text() == "robin"
    assert item.locator(".text").inner_text() == MISCONCEPTION
    card = item.locator(".thread .card.reply")
    assert card.get_attribute("data-entry") == "ai-learns-over-time"
    text = card.inner_text()
    for part in (
        "Try saying:",
        "Why it matters:",
        "Regime: Inference",
        "Figures verified 2026-05-01",
        "verify against current rate cards",
    ):
        assert part in text
    assert "NIST AI 600-1, 2.4 Data Privacy" in text
    assert "<b>at inference</b>" in card.locator(".do-say").inner_text()  # phrasebook text stays text
    labels = card.locator(".actions button").all_inner_texts()
    assert labels == ["Helpful", "Not a misconception here", "Snooze for me", "More on Inference"]


def test_negation_gets_no_reply_and_a_muted_reason(page: Any) -> None:
    item = send(page, "The AI will not learn from your data over time.")
    assert item.locator(".card").count() == 0
    assert item.locator(".silent").get_attribute("data-reason") == "no-match"
    assert "stayed silent" in item.locator(".silent").inner_text()


def test_user_markup_is_shown_as_text(page: Any) -> None:
    item = send(page, "<img src=x onerror=alert(1)> <!channel> @everyone lunch?")
    assert item.locator(".text img").count() == 0
    assert item.locator(".text").inner_text() == "<img src=x onerror=alert(1)> <!channel> @everyone lunch?"
    # in a message that matches, the card's "Matched because" quotes the clause: still text
    hostile = send(page, "<img src=x onerror=alert(1)> the AI will learn from your data over time <!channel>")
    assert hostile.locator(".card.reply").count() == 1
    assert page.locator("#messages img, #messages script").count() == 0
    assert "<img src=x onerror=alert(1)>" in hostile.locator(".text").inner_text()
    # the page fixture fails the test if alert() ran (a dialog) or anything was fetched from x


def test_helpful_is_stored(page: Any, server: LiveServer) -> None:
    item = send(page, MISCONCEPTION)
    item.get_by_role("button", name="Helpful").click()
    item.get_by_text("Thanks: marked helpful.").wait_for()
    assert server.dosay.store.feedback_rows() == [("ai-learns-over-time", "helpful", None)]


def test_not_a_misconception_with_consented_text_and_more_on_regime(page: Any, server: LiveServer) -> None:
    item = send(page, MISCONCEPTION)
    item.get_by_role("button", name="Not a misconception here").click()
    item.get_by_label("Why is it not a misconception here? (optional)").fill("we were quoting a vendor")
    item.get_by_label("Store my text with the feedback", exact=False).check()
    item.get_by_role("button", name="Send feedback").click()
    item.get_by_text("Your text was stored.", exact=False).wait_for()
    assert server.dosay.store.feedback_rows() == [
        ("ai-learns-over-time", "not_misconception", "we were quoting a vendor")
    ]
    item.get_by_role("button", name="More on Inference").click()
    item.locator(".regime-more").wait_for()
    assert "What Inference is." in item.locator(".regime-more").inner_text()


def test_editing_the_misconception_away_is_an_accepted_correction(page: Any, server: LiveServer) -> None:
    item = send(page, MISCONCEPTION)
    item.get_by_role("button", name="Edit").click()
    item.get_by_label("Edit the message").fill("Correction: the weights stay fixed; we use retrieval.")
    item.get_by_role("button", name="Save").click()
    item.locator(".retracted-note").wait_for()
    assert server.dosay.store.count_corrections(retracted=True) == 1


def test_reply_in_thread_is_answered_once_per_thread(page: Any) -> None:
    item = send(page, MISCONCEPTION)
    item.get_by_label("Reply in this thread").fill("it keeps learning from every conversation")
    item.get_by_role("button", name="Reply", exact=True).click()
    line = item.locator(".thread .silent[data-reason='already-in-thread']")
    line.wait_for()
    assert "already answered this in this thread" in line.inner_text()
    assert item.locator(".thread .message .text").inner_text() == "it keeps learning from every conversation"


def test_second_message_in_cooldown_is_explained(page: Any) -> None:
    send(page, MISCONCEPTION)
    again = send(page, "it keeps learning from every conversation")
    assert again.locator(".silent").get_attribute("data-reason") == "cooldown"


def test_search_the_phrasebook(page: Any) -> None:
    page.get_by_role("tab", name="Phrasebook").click()
    page.locator("#entries .card").first.wait_for()
    stale = page.locator("#entries .card[data-entry='finetuning-is-expensive'] .badge.stale")
    assert stale.inner_text() == "stale figures"
    page.get_by_label("Search the phrasebook").fill("learn over time")
    page.get_by_role("button", name="Search").click()
    first = page.locator(".search-hits > li").first
    first.wait_for()
    assert first.locator(".card").get_attribute("data-entry") == "ai-learns-over-time"
    first.get_by_text("Examples, sources and figures").click()
    first.get_by_text("Examples it answers:").wait_for()
    assert "regimes primer" in first.inner_text()
    page.get_by_label("Search the phrasebook").fill("finetunning cost")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("button", name="fine-tuning cost").click()
    page.locator(".search-hits > li[data-kind='cost_band'] .card[data-band='fine-tuning']").wait_for()


def test_keyboard_reaches_the_tabs_and_the_regime_cards(page: Any) -> None:
    page.get_by_role("tab", name="#playground").focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert page.get_by_role("tab", name="Regimes").get_attribute("aria-selected") == "true"
    page.locator("#regimes .card").first.wait_for()
    assert page.locator("#regimes .card").count() == 4


def test_keyboard_only_send_and_helpful(page: Any, server: LiveServer) -> None:
    page.locator("#text").focus()
    page.keyboard.type(MISCONCEPTION)
    page.keyboard.press("Enter")
    page.locator("#messages .card.reply").wait_for()
    for _ in range(20):  # Tab from the composer back round to the card's first button
        if page.evaluate("document.activeElement.textContent.trim()") == "Helpful":
            break
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.dataset.action") == "dosay_helpful"
    page.keyboard.press("Enter")
    page.get_by_text("Thanks: marked helpful.").wait_for()
    assert server.dosay.store.feedback_rows() == [("ai-learns-over-time", "helpful", None)]


def test_compute_a_cost(page: Any) -> None:
    page.get_by_role("tab", name="Cost calculator").click()
    page.get_by_label("Input tokens (millions)").fill("10")
    page.get_by_label("Output tokens (millions)").fill("2")
    page.get_by_role("button", name="Compute").first.click()
    answer = page.locator("#cost-result .cost-answer")
    answer.wait_for()
    assert answer.locator(".total").inner_text() == "$1.60–$1,020"
    assert "verify against current rate cards" in answer.inner_text()
    page.get_by_label("Regime", exact=True).select_option("fine-tuning")
    page.get_by_label("Hosting hours").fill("10")
    page.get_by_label("Training tokens (millions)").fill("")
    page.get_by_role("button", name="Compute").first.click()
    page.get_by_text("Fine-tuning estimate").wait_for()
    assert page.locator("#cost-result .total").inner_text() == "$17.00–$30.00"
    page.get_by_label("Or type it as in /dosay cost").fill("inference 1M in")
    page.locator("#cost-query-form").get_by_role("button", name="Compute").click()
    page.get_by_text("Inference estimate").wait_for()
    assert page.locator("#status").inner_text().startswith("Estimate:")
    page.get_by_role("tab", name="Stats").click()
    assert page.locator("#status").inner_text() == ""  # the estimate's status does not follow to Stats


def test_stats_show_the_correction(page: Any) -> None:
    item = send(page, MISCONCEPTION)
    item.get_by_role("button", name="Helpful").click()
    item.get_by_text("Thanks: marked helpful.").wait_for()
    item.get_by_role("button", name="Edit").click()
    item.get_by_label("Edit the message").fill("Correction: the weights stay fixed; we use retrieval.")
    item.get_by_role("button", name="Save").click()
    item.locator(".retracted-note").wait_for()
    page.get_by_role("tab", name="Stats").click()
    page.locator("#stats .stats-grid").wait_for()
    assert page.locator("#stats svg.chart rect").count() == 1
    assert (
        page.locator("#stats svg.chart rect title").text_content()
        == "ai-learns-over-time, week of 2026-06-01: 1"
    )
    assert "ai-learns-over-time (1)" in page.locator("#stats .legend").inner_text()
    grid = page.locator("#stats .stats-grid").inner_text()
    assert "Accepted corrections (author edited)\n1 (100%)" in grid
    assert "Feedback: helpful / not a misconception\n1 / 0" in grid
    assert "100% helpful" in grid


def test_bundled_phrasebook_as_dosay_serve_builds_it(bundled_page: Any, bundled_server: LiveServer) -> None:
    item = send(bundled_page, "The AI will learn from your data over time.")
    assert item.locator(".card.reply").get_attribute("data-entry") == "ai-learns-over-time"
    assert "NIST AI 600-1" in item.locator(".card.reply").inner_text()
    quiet = send(bundled_page, "Fine-tuning isn't expensive if you scope it well.")
    assert quiet.locator(".card").count() == 0
    scenario = send(bundled_page, "We want to train it on our data.")
    triage = scenario.locator(".card.reply")
    assert triage.get_attribute("data-entry") == "buyer-train-on-our-data"
    assert "Ask first:" in triage.inner_text()
    assert triage.locator("ul:not(.facts) li").count() >= 2  # the triage branches
    bundled_page.get_by_role("tab", name="Phrasebook").click()
    bundled_page.locator("#entries .card").first.wait_for()
    assert bundled_page.locator("#entries .card").count() == len(bundled_server.dosay.phrasebook.entries)


def test_a_failed_request_is_shown_and_logged_not_swallowed(page: Any, console_errors: list[str]) -> None:
    page.get_by_role("tab", name="Cost calculator").click()
    page.get_by_label("Or type it as in /dosay cost").fill("inference lots of tokens")
    page.locator("#cost-query-form").get_by_role("button", name="Compute").click()
    alert = page.get_by_role("alert")
    alert.get_by_text("Computing the cost failed", exact=False).wait_for()
    assert "try: cost" in alert.inner_text()
    assert any("Computing the cost failed" in line for line in console_errors)
    console_errors.clear()


def test_a_script_error_is_shown_and_logged_not_swallowed(page: Any, console_errors: list[str]) -> None:
    page.evaluate("setTimeout(() => { throw new Error('boom from a test'); }, 0)")
    page.get_by_role("alert").get_by_text("boom from a test", exact=False).wait_for()
    assert any("boom from a test" in line for line in console_errors)
    console_errors.clear()


ACCESSIBLE_NAMES = """() => [...document.querySelectorAll('input, select, textarea, button')]
  .filter((el) => el.offsetParent !== null)
  .filter((el) => {
    const byLabel = [...(el.labels || [])].map((l) => l.textContent).join('').trim();
    const named = el.getAttribute('aria-label') || byLabel
      || (el.tagName === 'BUTTON' && el.textContent.trim());
    return !named;
  })
  .map((el) => el.outerHTML.slice(0, 80))"""

# WCAG 2.1 AA: 4.5:1 for text, 3:1 for large text (a function for page.evaluate, in its own file).
LOW_CONTRAST = (Path(__file__).parent / "low_contrast.js").read_text()


def test_every_control_is_labelled_and_all_text_has_aa_contrast(page: Any) -> None:
    item = send(page, MISCONCEPTION)
    item.get_by_role("button", name="Not a misconception here").click()
    item.get_by_role("button", name="Edit").click()
    send(page, "The AI will not learn from your data over time.")
    views = {
        "#playground": "#messages .card",
        "Phrasebook": "#entries .card",
        "Regimes": "#regimes .card",
        "Cost calculator": "#cost-bands .card",
        "Stats": "#stats .stats-grid",
    }
    for tab, loaded in views.items():
        page.get_by_role("tab", name=tab).click()
        page.locator(loaded).first.wait_for()
        if tab == "Phrasebook":
            page.locator("#entries details summary").first.click()
            page.locator("#entries details").first.get_by_text("Examples it answers:").wait_for()
        if tab == "Cost calculator":
            page.get_by_role("button", name="Compute").first.click()
            page.locator("#cost-result .cost-answer").wait_for()
        assert page.evaluate(ACCESSIBLE_NAMES) == [], tab
        assert page.evaluate(LOW_CONTRAST) == [], tab


def test_a_phone_sized_window_needs_no_sideways_scrolling(page: Any) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    send(page, MISCONCEPTION)
    for tab, loaded in (
        ("#playground", "#messages .card"),
        ("Phrasebook", "#entries .card"),
        ("Regimes", "#regimes .card"),
        ("Cost calculator", "#cost-bands .card"),
        ("Stats", "#stats .stats-grid"),
    ):
        page.get_by_role("tab", name=tab).click()
        page.locator(loaded).first.wait_for()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, tab
    page.get_by_role("tab", name="#playground").click()
    composer = page.locator("#text").bounding_box()
    assert composer is not None and composer["width"] > 300  # the message box gets the whole line
