"""Fixtures for bot tests: a small phrasebook built from the schema, a keyword fake matcher,
a controllable clock and a Store on a fresh SQLite file (or PostgreSQL for ``postgres`` tests)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import ClassVar

import pytest

from bot.core_types import InboundMessage
from bot.service import Dosay
from bot.storage.store import Store
from intents.types import Match
from phrasebook.schema import CostBand, Entry, Examples, NistRef, Phrasebook, Regime, RegimeCard, Source, Tip

VERIFIED = date(2026, 5, 1)
SOURCE = Source(title="regimes primer", verified_on=VERIFIED)
PG_URL = os.environ.get("DOSAY_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _entry(entry_id: str, regime: Regime, band: str, dont_say: str, verified: date = VERIFIED) -> Entry:
    return Entry(
        id=entry_id,
        title=entry_id.replace("-", " ").capitalize(),
        regime=regime,
        dont_say=dont_say,
        do_say=f"Say the reframe for {entry_id} <here> & there.",
        why="Why it matters, from the primer.",
        cost_band=band,
        nist=NistRef(section="2.4 Data Privacy"),
        sources=[SOURCE],
        triggers=[dont_say, "two words", "three more words"],
        requires=[["x"]],
        examples=Examples(must_match=[f"m{i}" for i in range(8)], must_not_match=[f"n{i}" for i in range(5)]),
        verified_on=verified,
    )


def _card(regime: Regime) -> RegimeCard:
    return RegimeCard(
        id=regime,
        name={"pre-training": "Pre-training", "fine-tuning": "Fine-tuning", "inference": "Inference"}.get(
            regime.value, "Inference + RAG"
        ),
        what_it_is=f"What {regime.value} is.",
        cost_structure="per token",
        typical_magnitude="small",
        time_to_production="days",
        data_handling="stays in the prompt",
        cost_band="inference",
        sources=[SOURCE],
        verified_on=VERIFIED,
    )


def make_phrasebook() -> Phrasebook:
    entries = [
        _entry(
            "ai-learns-over-time",
            Regime.INFERENCE,
            "inference",
            "The AI will learn from your data over time.",
        ),
        _entry("inference-is-free", Regime.INFERENCE, "inference", "Inference is basically free."),
        _entry(
            "finetuning-is-expensive",
            Regime.FINE_TUNING,
            "fine-tuning",
            "Fine-tuning is expensive.",
            verified=date(2020, 1, 1),
        ),
    ]
    bands = {
        "inference": CostBand(
            id="inference",
            regime=Regime.INFERENCE,
            label="Inference",
            structure="per token",
            magnitude="$0.10-$30 per million input tokens",
            figures={
                "input_per_million_low": 0.10,
                "input_per_million_high": 30.0,
                "output_multiplier_low": 3.0,
                "output_multiplier_high": 5.0,
            },
            sources=[SOURCE],
            verified_on=VERIFIED,
        ),
        "fine-tuning": CostBand(
            id="fine-tuning",
            regime=Regime.FINE_TUNING,
            label="Fine-tuning",
            structure="per training token",
            magnitude="$1k-$100k",
            sources=[SOURCE],
            verified_on=VERIFIED,
        ),
    }
    tips = [
        Tip(
            id="tip-stale",
            text="Fine-tuning cost tip that is stale and must be skipped.",
            entry="finetuning-is-expensive",
        ),
        Tip(
            id="tip-rag",
            text="RAG keeps your documents outside the model's weights.",
            entry="ai-learns-over-time",
        ),
    ]
    return Phrasebook(
        entries={e.id: e for e in entries}, regimes={r: _card(r) for r in Regime}, cost_bands=bands, tips=tips
    )


class KeywordMatcher:
    """A fake matcher: a keyword in the text means the entry was stated."""

    KEYWORDS: ClassVar[dict[str, str]] = {
        "learn": "ai-learns-over-time",
        "free": "inference-is-free",
        "expensive": "finetuning-is-expensive",
    }

    def match(self, text: str) -> list[Match]:
        lowered = text.lower()
        if "not " in lowered or "n't" in lowered:
            return []
        return [
            Match(entry=entry, score=0.9, why=f"keyword '{word}'", clause=word, trigger=word)
            for word, entry in self.KEYWORDS.items()
            if word in lowered
        ]


class Clock:
    def __init__(self, start: datetime = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


@pytest.fixture
def phrasebook() -> Phrasebook:
    return make_phrasebook()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'dosay.db'}"


def postgres_schema_or_skip() -> str:
    """A fresh schema on the local PostgreSQL, or skip with the reason."""
    import sqlalchemy

    try:
        engine = sqlalchemy.create_engine(PG_URL, connect_args={"connect_timeout": 2})
        with engine.connect() as conn:
            conn.execute(sqlalchemy.text("SELECT 1"))
        engine.dispose()
    except Exception as exc:
        pytest.skip(f"PostgreSQL not reachable at {PG_URL.split('@')[-1]}: {type(exc).__name__}")
    return f"dosay_test_{uuid.uuid4().hex[:12]}"


def drop_schema(schema: str) -> None:
    import sqlalchemy

    engine = sqlalchemy.create_engine(PG_URL)
    with engine.begin() as conn:
        conn.execute(sqlalchemy.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request, sqlite_url) -> Iterator[Store]:
    if request.param == "sqlite":
        opened = Store.open(sqlite_url)
        yield opened
        opened.close()
        return
    schema = postgres_schema_or_skip()
    opened = Store.open(PG_URL, schema=schema)
    yield opened
    opened.close()
    drop_schema(schema)


@pytest.fixture
def dosay(phrasebook, store, clock) -> Iterator[Dosay]:
    service = Dosay(phrasebook=phrasebook, matcher=KeywordMatcher(), store=store, clock=clock)
    yield service
    service._executor.shutdown(wait=True)


def message(
    text: str,
    *,
    ts: str = "1700000000.000100",
    channel: str = "C1",
    user: str = "U1",
    thread: str | None = None,
    delivery: str | None = None,
    is_bot: bool = False,
    at: datetime | None = None,
) -> InboundMessage:
    return InboundMessage(
        platform="slack",
        workspace="T1",
        channel=channel,
        user=user,
        message_id=ts,
        thread_id=thread,
        text=text,
        delivery_id=delivery,
        is_bot=is_bot,
        received_at=at or datetime(2026, 6, 1, 8, 0, tzinfo=UTC),
    )


@pytest.fixture
async def slack(phrasebook, store, clock):
    from tests.bot.slack_harness import slack_settings, start_harness
    from tests.fakes.slack_api import FakeSlackApi

    api = await FakeSlackApi().start()
    settings = slack_settings(api.url, "sqlite:///unused.db")
    service = Dosay(phrasebook=phrasebook, matcher=KeywordMatcher(), store=store, clock=clock)
    harness = await start_harness(service, api, settings)
    yield harness
    await harness.settle()
    await harness.client.close()
    await api.stop()
    service._executor.shutdown(wait=True)
