"""Lint the deployment files (no container engine runs here): they parse, carry the required fields,
run as non-root, check /healthz and never inline a real secret."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
K8S = DEPLOY / "k8s"
TOKEN = re.compile(r"xox[abposr]-[A-Za-z0-9-]{6,}|xapp-[A-Za-z0-9-]{6,}")


def dockerfile() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    text = (DEPLOY / "Dockerfile").read_text()
    joined = re.sub(r"\\\n", " ", text)
    out = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def k8s_docs() -> dict[str, dict[str, Any]]:
    docs: dict[str, dict[str, Any]] = {}
    for path in sorted(K8S.glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            assert {"apiVersion", "kind", "metadata"} <= set(doc), (
                f"{path.name}: missing apiVersion/kind/metadata"
            )
            docs[doc["kind"]] = doc
    return docs


def test_dockerfile_is_multi_stage_slim_python_311() -> None:
    stages = [args for word, args in dockerfile() if word == "FROM"]
    assert len(stages) >= 2, "expected a build stage and a runtime stage"
    assert all(s.startswith("python:3.11-slim") for s in stages)
    final = [word for word, _ in dockerfile()]
    last_from = len(final) - 1 - final[::-1].index("FROM")
    runtime = dockerfile()[last_from:]
    assert not any("build-essential" in args or "gcc" in args for _, args in runtime), "no build tools"
    assert any(word == "COPY" and "--from=build" in args for word, args in runtime)


def test_dockerfile_runs_as_non_root_with_a_healthcheck_on_healthz() -> None:
    instructions = dockerfile()
    users = [args for word, args in instructions if word == "USER"]
    assert users and users[-1].split(":")[0] not in {"root", "0"}
    [health] = [args for word, args in instructions if word == "HEALTHCHECK"]
    command = json.loads(health[health.index("CMD") + 3 :].strip())
    assert isinstance(command, list) and "/healthz" in " ".join(command)
    env = " ".join(args for word, args in instructions if word == "ENV")
    assert "DOSAY_LOG_FORMAT=json" in env and "DOSAY_HOST=0.0.0.0" in env
    assert [args for word, args in instructions if word == "CMD"][-1] == '["dosay", "serve"]'


def test_compose_has_dosay_and_postgres_with_volumes_and_env_file() -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    assert {"dosay", "postgres"} <= set(services)
    dosay = services["dosay"]
    env_files = [e["path"] if isinstance(e, dict) else e for e in dosay["env_file"]]
    assert env_files == ["dosay.env"]
    assert dosay["build"]["dockerfile"] == "deploy/Dockerfile"
    assert dosay["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert "/healthz" in " ".join(dosay["healthcheck"]["test"])
    volume = services["postgres"]["volumes"][0].split(":")[0]
    assert volume in compose["volumes"]


def test_env_example_names_every_setting_without_values_for_secrets() -> None:
    assignment = re.compile(r"^#? ?([A-Za-z_]+)=(.*)$")  # set, or commented out as an optional setting
    lines = (DEPLOY / "dosay.env.example").read_text().splitlines()
    values = {m[1]: m[2] for m in map(assignment.match, lines) if m}
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "DOSAY_DATABASE_URL", "DOSAY_RETENTION_DAYS"):
        assert name in values
    assert values["SLACK_BOT_TOKEN"] == "" and values["SLACK_SIGNING_SECRET"] == ""
    from bot.settings import load_settings

    settings = load_settings({k: v for k, v in values.items() if v})
    assert settings.database_url.startswith("postgresql+psycopg://") and settings.log_format == "json"


def test_deployment_has_two_replicas_probes_on_healthz_and_secrets_from_a_secret() -> None:
    docs = k8s_docs()
    deployment = docs["Deployment"]
    spec = deployment["spec"]
    assert spec["replicas"] == 2
    assert spec["selector"]["matchLabels"].items() <= spec["template"]["metadata"]["labels"].items()
    pod = spec["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    [container] = pod["containers"]
    # ready only while the database answers; alive as long as the process answers (a database outage
    # must not make the orchestrator restart every replica)
    assert container["readinessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["livenessProbe"]["httpGet"]["path"] == "/livez"
    refs = [source for source in container["envFrom"] if "secretRef" in source]
    assert refs and refs[0]["secretRef"]["name"] == docs["Secret"]["metadata"]["name"]
    assert all(
        "value" not in e for e in container.get("env", []) if "TOKEN" in e["name"] or "SECRET" in e["name"]
    )


def test_service_selects_the_deployment_pods() -> None:
    docs = k8s_docs()
    service, deployment = docs["Service"], docs["Deployment"]
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert service["spec"]["selector"].items() <= labels.items()
    ports = {p["name"] for p in deployment["spec"]["template"]["spec"]["containers"][0]["ports"]}
    assert all(p["targetPort"] in ports for p in service["spec"]["ports"])


DEPLOY_FILES = sorted(p for p in DEPLOY.rglob("*") if p.is_file() and p.suffix != ".png")


@pytest.mark.parametrize("file", DEPLOY_FILES, ids=[str(p.relative_to(DEPLOY)) for p in DEPLOY_FILES])
def test_no_secret_is_inlined(file: Path) -> None:
    text = file.read_text(errors="replace")
    assert not TOKEN.search(text), f"{file}: looks like a real token; use a Secret or the env file"
    if file.name.startswith("secret"):
        data = yaml.safe_load(text)["stringData"]
        assert all(value == "REPLACE_ME" for value in data.values())
