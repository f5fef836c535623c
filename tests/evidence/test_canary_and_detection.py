"""Secrets planted in every fixture never reach any output format, and ``diagnose`` recognises
each kind of evidence by its content whatever the file is called."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from evkit import (
    CALLBACK,
    CANARIES,
    CANARY_CODE,
    CANARY_REFRESH,
    CANARY_SECRET,
    entra_claims,
    graph_token,
    rsa_key,
    run_cli,
    secret_har,
    sign,
    signatures,
    two_node_har,
)


def fixtures(tmp_path: Path) -> dict[str, tuple[Path, list[str]]]:
    """name -> (file, extra strings that must not leak besides the canaries)."""
    out: dict[str, tuple[Path, list[str]]] = {}
    h = secret_har()
    out["har"] = (h.write(tmp_path / "secrets.har"), signatures(h))
    out["two-node"] = (two_node_har().write(tmp_path / "two.har"), [])
    token = sign(entra_claims(), rsa_key("k1"))
    (tmp_path / "token.txt").write_text(f"Authorization: Bearer {token}\n")
    out["jwt"] = (tmp_path / "token.txt", [token.split(".")[2]])
    graph = graph_token(rsa_key("g"))
    (tmp_path / "graph.txt").write_text(graph)
    out["graph"] = (tmp_path / "graph.txt", [graph.split(".")[2]])
    (tmp_path / "opaque.txt").write_text("ya29.a0AfB_byCANARYgoogleAccessTokenValue\n")
    out["opaque"] = (tmp_path / "opaque.txt", ["a0AfB_byCANARYgoogle"])
    (tmp_path / "cb.txt").write_text(f"{CALLBACK}?code={CANARY_CODE}&state=s1&client_secret={CANARY_SECRET}\n")
    out["url"] = (tmp_path / "cb.txt", [])
    (tmp_path / "post.txt").write_text(f"code={CANARY_CODE}&state=s1\n")
    out["form_post"] = (tmp_path / "post.txt", [])
    body = {"token_type": "Bearer", "expires_in": 3599, "access_token": token, "refresh_token": CANARY_REFRESH,
            "id_token": graph}
    (tmp_path / "resp.json").write_text(json.dumps(body))
    out["token_response"] = (tmp_path / "resp.json", [token.split(".")[2], graph.split(".")[2]])
    return out


def assert_clean(output: bytes, extra: list[str], where: str) -> None:
    text = output.decode("utf-8", "replace")
    for secret in [*CANARIES, *extra]:
        assert secret not in text, f"{secret[:12]}… leaked in {where}"


def test_no_secret_in_any_output_format(tmp_path: Path) -> None:
    for name, (path, extra) in fixtures(tmp_path).items():
        for fmt in ("text", "json", "markdown"):
            r = run_cli("diagnose", str(path), "--format", fmt)
            assert r.returncode in (0, 1), (name, r.stderr)
            assert_clean(r.stdout + r.stderr, extra, f"diagnose {name} {fmt}")
        if name in ("har", "two-node"):
            for fmt in ("text", "json", "markdown"):
                r = run_cli("har", "flows", str(path), "--format", fmt)
                assert r.returncode in (0, 1), (name, r.stderr)
                assert r.stdout.strip(), (name, fmt)
                assert_clean(r.stdout + r.stderr, extra, f"har flows {name} {fmt}")
            r = run_cli("har", "sanitize", str(path))
            assert r.returncode == 0 and r.stdout.strip(), (name, r.stderr)
            assert_clean(r.stdout + r.stderr, extra, f"har sanitize {name}")
        if name in ("jwt", "graph", "opaque"):
            for fmt in ("text", "json", "markdown"):
                r = run_cli("jwt", f"@{path}", "--format", fmt)
                assert r.returncode in (0, 1), r.stderr
                assert_clean(r.stdout + r.stderr, extra, f"jwt {name} {fmt}")


@pytest.mark.parametrize(
    ("name", "filename", "kind"),
    [
        ("har", "capture.log", "har_capture"),
        ("two-node", "notes.txt", "har_capture"),
        ("jwt", "capture.har", "jwt"),
        ("opaque", "server.log", "jwt"),
        ("url", "token.json", "url"),
        ("form_post", "capture.har", "url"),
        ("token_response", "callback.url", "token_response"),
    ],
)
def test_diagnose_detects_kind_by_content(tmp_path: Path, name: str, filename: str, kind: str) -> None:
    src, _ = fixtures(tmp_path)[name]
    path = tmp_path / "misnamed" / filename
    path.parent.mkdir()
    path.write_bytes(src.read_bytes())
    r = run_cli("diagnose", str(path), "--format", "json")
    assert r.returncode in (0, 1), r.stderr
    data = json.loads(r.stdout)
    assert data["flows"] and data["flows"][0]["kind"] == kind, data["flows"]


def test_compressed_har_is_detected(tmp_path: Path) -> None:
    import gzip

    path = tmp_path / "capture.bin"
    path.write_bytes(gzip.compress(json.dumps(two_node_har().dump()).encode()))
    r = run_cli("diagnose", str(path), "--format", "json")
    assert json.loads(r.stdout)["causes"][0]["id"] == "session_affinity_broken"


def test_plain_logs_are_still_logs(tmp_path: Path) -> None:
    path = tmp_path / "app.har"
    path.write_text("2021-11-16 12:35:50,956 ERROR AADSTS50011: The redirect URI 'https://x/cb' specified in the "
                    "request does not match the redirect URIs configured for the application 'a'.\n")
    data = json.loads(run_cli("diagnose", str(path), "--format", "json").stdout)
    assert data["flows"] == [] and data["findings"][0]["entry"] == "entra-aadsts50011"
