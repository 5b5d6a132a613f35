"""Model cards the Hub understands, and ``sigil export --push-to-hub`` against a local stand-in for the Hub's API."""

from __future__ import annotations

import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import write_pipeline
from corpus import records, write_jsonl
from huggingface_hub import ModelCard
from sigil_train.card import NOT_EVALUATED, exported_card, model_card, sections

from sigil.cli import main
from sigil.config.loader import validate_config

EVALUATION = {"compile_rate": 0.5, "avg_clippy_warnings": 1.25, "avg_idiomatic_score": 0.7, "pass_at_k": {"1": 0.25},
              "total_samples": 8}


def trained_card(tmp_path: Path) -> Path:
    config = validate_config({"model_name": "meta-llama/Llama-3.1-8B", "train": {"adapter": "lora", "license": "llama3.1"},
                              "dataset": {"names": ["ammarnasr/the-stack-rust-clean", str(tmp_path)]}}, source="t.yml")
    request = SimpleNamespace(phase=1, train_path=tmp_path / "train.jsonl", warm_start=None)
    card = model_card(config, request, {"data": {"train": {"records": 3, "chat_records": 1}}}, {"steps": 4})
    path = tmp_path / "README.md"
    path.write_text(str(card))
    return path


def test_card_metadata_is_what_the_hub_reads(tmp_path: Path):
    card = ModelCard.load(trained_card(tmp_path))
    data = card.data.to_dict()
    assert data["base_model"] == "meta-llama/Llama-3.1-8B"
    assert data["datasets"] == ["ammarnasr/the-stack-rust-clean"]  # the local path is not a Hub dataset
    assert (data["license"], data["library_name"], data["pipeline_tag"]) == ("llama3.1", "peft", "text-generation")
    assert {"sigil", "rust", "lora"} <= set(data["tags"])
    assert "model-index" not in data and NOT_EVALUATED in card.text


def test_export_card_carries_the_evaluation_as_model_index(tmp_path: Path):
    card = exported_card(trained_card(tmp_path), tmp_path / "adapter", "float32", EVALUATION)
    reloaded = ModelCard(str(card))  # what the Hub parses from the file
    assert reloaded.data.library_name == "transformers" and "lora" not in reloaded.data.tags
    results = {(r.metric_type, r.metric_value) for r in reloaded.data.eval_results}
    assert results == {("compile_rate", 0.5), ("avg_clippy_warnings", 1.25), ("avg_idiomatic_score", 0.7),
                       ("pass@1", 0.25)}
    headings = [heading for heading, _ in sections(reloaded)]
    assert headings[-2:] == ["Evaluation", "Export"] and headings.count("Evaluation") == 1
    evaluation_text = dict(sections(reloaded))["Evaluation"]
    assert "- compile_rate: 0.5" in evaluation_text and NOT_EVALUATED not in reloaded.text


class FakeHub(BaseHTTPRequestHandler):
    """The Hub's upload API as huggingface_hub speaks it: create a repo, pre-upload (every file inline), commit."""

    repos: dict[str, dict[str, bytes]] = {}
    requests: list[tuple[str, str, str | None]] = []
    validated: list[str] = []

    def log_message(self, *args: object) -> None:
        pass

    def reply(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.requests.append(("POST", self.path, self.headers.get("Authorization")))
        parts = self.path.split("?")[0].strip("/").split("/")
        if parts[:3] == ["api", "repos", "create"]:
            payload = json.loads(body)
            repo = f"{payload['organization']}/{payload['name']}" if payload.get("organization") else payload["name"]
            self.repos.setdefault(repo, {})
            return self.reply(200, {"url": f"http://{self.headers['Host']}/{repo}", "name": repo})
        if parts[:2] == ["api", "validate-yaml"]:  # the Hub checks a README's metadata before the commit
            self.validated.append(json.loads(body)["content"])
            return self.reply(200, {"errors": [], "warnings": []})
        if parts[:2] == ["api", "models"] and parts[4] == "preupload":
            files = json.loads(body)["files"]
            return self.reply(200, {"files": [{"path": f["path"], "uploadMode": "regular", "shouldIgnore": False}
                                              for f in files], "commitOid": "0" * 40})
        if parts[:2] == ["api", "models"] and parts[4] == "commit":
            repo = f"{parts[2]}/{parts[3]}"
            for line in body.decode().splitlines():
                entry = json.loads(line)
                if entry["key"] == "file":
                    self.repos[repo][entry["value"]["path"]] = base64.b64decode(entry["value"]["content"])
            return self.reply(200, {"commitUrl": f"http://{self.headers['Host']}/{repo}/commit/{'a' * 40}",
                                    "commitOid": "a" * 40})
        self.reply(404, {"error": f"fake hub: no route for POST {self.path}"})

    def do_GET(self) -> None:  # noqa: N802
        self.requests.append(("GET", self.path, self.headers.get("Authorization")))
        self.reply(404, {"error": f"fake hub: no route for GET {self.path}"})


@pytest.fixture
def hub(monkeypatch):
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeHub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    FakeHub.repos.clear()
    FakeHub.requests.clear()
    FakeHub.validated.clear()
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{server.server_address[1]}")
    yield FakeHub
    server.shutdown()
    server.server_close()


def test_push_needs_a_token_before_any_work(tmp_path: Path, hub, monkeypatch, capsys):
    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))  # no stored login either
    (tmp_path / "run").mkdir()
    assert main(["export", str(tmp_path / "run"), "--out", str(tmp_path / "out"), "--push-to-hub", "me/m"]) != 0
    assert "needs a Hugging Face token" in capsys.readouterr().err
    assert not (tmp_path / "out").exists() and hub.requests == []


@pytest.mark.slow
@pytest.mark.torch
def test_export_pushes_model_and_card_to_the_hub(tmp_path: Path, hub, monkeypatch):
    monkeypatch.setenv("HF_TOKEN", "hf_test_token")
    train = write_jsonl(tmp_path / "in" / "train.jsonl", records(12))
    pipeline = write_pipeline(tmp_path / "p.yml", train, None,
                              train={"max_steps": 2, "eval_every": 0, "license": "apache-2.0"})
    assert main(["run", str(pipeline)]) == 0
    out = tmp_path / "merged"
    assert main(["export", str(tmp_path / "run"), "--out", str(out), "--dtype", "float32",
                 "--push-to-hub", "me/tiny-rust"]) == 0
    uploaded = hub.repos["me/tiny-rust"]
    local = {str(path.relative_to(out)): path.read_bytes() for path in out.rglob("*") if path.is_file()}
    assert uploaded == local and "model.safetensors" in uploaded and "README.md" in uploaded
    card = ModelCard(uploaded["README.md"].decode())
    assert (card.data.license, card.data.library_name) == ("apache-2.0", "transformers")
    assert all(auth == "Bearer hf_test_token" for _, _, auth in hub.requests)
    assert hub.validated == [uploaded["README.md"].decode()]
    assert [path.split("?")[0] for _, path, _ in hub.requests] == [
        "/api/repos/create", "/api/validate-yaml", "/api/models/me/tiny-rust/preupload/main",
        "/api/models/me/tiny-rust/commit/main"]
