import pytest

from intents.normalize import canonical, looks_like_code, segments, strip_markup


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("<@U024BE7LH> hello", "hello"),
        ("see <#C123ABC|sales> now", "see #sales now"),
        ("read <https://example.com/x|the doc> first", "read the doc first"),
        ("<!here> all-hands", "all-hands"),
        ("<at>dosay</at> we could train it", "we could train it"),
        ("<p>fine&nbsp;tuning &amp; RAG</p>", "fine tuning & RAG"),
        ("nice :tada: work", "nice work"),
        ("*bold* and _it_", "bold and it"),
    ],
)
def test_strip_markup(raw: str, expected: str) -> None:
    assert " ".join(strip_markup(raw).split()) == expected


def test_code_is_dropped() -> None:
    text = "look:\n```\nmodel.train(data)\n```\nand `model.learn()` too"
    assert all("train" not in s.text and "learn" not in s.text for s in segments(text))


def test_code_like_lines_are_recognised() -> None:
    assert looks_like_code("model.fit(x, y, epochs=3)")
    assert looks_like_code("trainer = Trainer(model)")
    assert not looks_like_code("we could train it on your policies")


def test_quoted_lines_and_spans_are_flagged() -> None:
    found = segments('> We could train it on your policies.\nthey said "the AI will learn" yesterday')
    assert [(s.text, s.quoted) for s in found] == [
        ("We could train it on your policies", True),
        ("they said", False),
        ("the AI will learn", True),
        ("yesterday", False),
    ]


def test_teams_blockquote_is_quoted() -> None:
    found = segments("<blockquote>inference is free</blockquote>what do you think?")
    assert found[0].quoted and found[0].text == "inference is free"


def test_clauses_split_on_sentences_and_contrast() -> None:
    found = segments("The weights are frozen, so it won't learn. Fine-tuning is cheap; RAG too, but slow")
    assert [s.text for s in found] == [
        "The weights are frozen, so it won't learn",
        "Fine-tuning is cheap",
        "RAG too",
        "slow",
    ]


def test_purpose_and_degree_clauses_stay_whole() -> None:
    assert [s.text for s in segments("fine-tune it so it knows the rules")] == [
        "fine-tune it so it knows the rules"
    ]
    assert [s.text for s in segments("we can tailor it however you want")] == [
        "we can tailor it however you want"
    ]


def test_question_mark_survives() -> None:
    assert segments("does it learn from our chats?")[-1].text.endswith("?")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Fine tuning", "fine-tuning"),
        ("FINETUNING", "fine-tuning"),
        ("fine-tune", "fine-tune"),
        ("pre training", "pre-training"),
        ("it won't learn", "it will not learn"),
        ("NIST doesn’t cover it", "nist does not cover it"),
        ("we'd need it", "we would need it"),
        ("it's $5K/run", "it is $5k run"),
    ],
)
def test_canonical(raw: str, expected: str) -> None:
    assert canonical(raw) == expected
