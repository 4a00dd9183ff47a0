"""docs/playground-openapi.yaml lists exactly the adapter's routes, and real responses match its schemas."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema
import yaml
from aiohttp import web

from bot.adapters import playground
from intents.cost import parse_cost_query
from tests.bot.adapters.test_playground import MISCONCEPTION, say

SPEC = yaml.safe_load((Path(__file__).resolve().parents[3] / "docs" / "playground-openapi.yaml").read_text())


def validate(body: Any, schema_name: str) -> None:
    """Validate against a component schema, formats (dates) included."""
    schema = {"$ref": f"#/components/schemas/{schema_name}", "components": SPEC["components"]}
    checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
    jsonschema.Draft202012Validator(schema, format_checker=checker).validate(body)


def registered_routes() -> set[tuple[str, str]]:
    app = web.Application()
    playground.register(app, dosay=None)  # type: ignore[arg-type]  # routes only
    routes: set[tuple[str, str]] = set()
    for route in app.router.routes():
        path = route.resource.canonical if route.resource is not None else ""
        if route.method == "HEAD" or path.startswith("/static"):
            continue
        routes.add((route.method.lower(), path))
    return routes


def test_every_route_is_documented_and_every_documented_route_exists() -> None:
    assert SPEC["openapi"].startswith("3.1")
    documented = {(method, path) for path, item in SPEC["paths"].items() for method in item}
    assert registered_routes() == documented


async def test_responses_match_the_documented_schemas(api) -> None:
    posted = await say(api, MISCONCEPTION)
    validate(posted, "MessageOut")
    validate(await say(api, "lunch at noon?"), "MessageOut")
    feedback = await api.post(
        "/api/playground/feedback",
        json={"user": "alex", "entry_id": "ai-learns-over-time", "kind": "helpful"},
    )
    validate(await feedback.json(), "FeedbackOut")
    snooze = await api.post(
        "/api/playground/feedback", json={"user": "sam", "entry_id": "ai-learns-over-time", "kind": "snooze"}
    )
    validate(await snooze.json(), "FeedbackOut")
    edit = await api.patch(
        f"/api/playground/messages/{posted['message']['id']}", json={"user": "alex", "text": "never mind"}
    )
    validate(await edit.json(), "EditOut")
    validate(await (await api.get("/api/phrasebook/search?q=free")).json(), "SearchOut")
    for entry in (await (await api.get("/api/phrasebook/entries")).json())["entries"]:
        validate(entry, "EntrySummary")
        validate(await (await api.get(f"/api/phrasebook/entries/{entry['id']}")).json(), "Entry")
    for card in (await (await api.get("/api/regimes")).json())["regimes"]:
        validate(card, "RegimeCard")
    for band in (await (await api.get("/api/cost-bands")).json())["cost_bands"]:
        validate(band, "CostBand")
    validate(await (await api.get("/api/stats")).json(), "Stats")
    for cost_in in ({"query": "inference 10M in 2M out"}, {"regime": "fine-tuning", "training_tokens": 1e6}):
        validate(cost_in, "CostIn")
        validate(await (await api.post("/api/cost", json=cost_in)).json(), "CostOut")
    validate(await (await api.get("/api/phrasebook/entries/nope")).json(), "Error")


def _properties(schema: dict[str, Any]) -> tuple[set[str], set[str]]:
    return set(schema["properties"]), set(schema.get("required", []))


def test_documented_request_bodies_are_the_adapter_models() -> None:
    schemas = SPEC["components"]["schemas"]
    for name, model in (
        ("MessageIn", playground.MessageIn),
        ("EditIn", playground.EditIn),
        ("FeedbackIn", playground.FeedbackIn),
    ):
        required = {field for field, info in model.model_fields.items() if info.is_required()}
        assert _properties(schemas[name]) == (set(model.model_fields), required), name
    query_form, numbers_form = schemas["CostIn"]["oneOf"]
    documented = set(query_form["properties"]) | set(numbers_form["properties"])
    assert documented == set(playground.CostIn.model_fields)


def test_documented_examples_are_accepted_by_the_server_models() -> None:
    models = {
        "postMessage": playground.MessageIn,
        "postFeedback": playground.FeedbackIn,
        "computeCost": playground.CostIn,
    }
    seen = set()
    for item in SPEC["paths"].values():
        for operation in item.values():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
            if "example" in body:
                models[operation["operationId"]].model_validate(body["example"])
                seen.add(operation["operationId"])
    assert seen == set(models)
    for example in SPEC["components"]["schemas"]["CostIn"]["oneOf"][0]["properties"]["query"]["examples"]:
        parse_cost_query(example)  # the documented queries are ones the calculator reads


async def test_error_responses_match_the_documented_schema(api) -> None:
    bad = await api.post("/api/playground/messages", json={"user": "alex", "text": ""})
    assert bad.status == 400
    validate(await bad.json(), "Error")
    not_json = await api.post("/api/playground/feedback", data="kind=helpful")
    assert not_json.status == 415
    validate(await not_json.json(), "Error")
    for path in ("/api/regimes/cheap", "/api/phrasebook/entries/nope"):
        missing = await api.get(path)
        assert missing.status == 404
        validate(await missing.json(), "Error")
