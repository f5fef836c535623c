"""The command line as a user meets it: exit codes, formats and bad input (contract.md)."""

from __future__ import annotations

import bz2
import gzip
import io
import json
import lzma
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

AADSTS = ("2021-11-16 12:35:50,956+0100 http-nio-8080-exec-7 ERROR admin [c.a.o.c.rest.resource.ClientConfigurationResource] "
          "AADSTS50011: The redirect URI 'https://jira.example.com/cb' specified in the request does not match the "
          "redirect URIs configured for the application 'a3f1c2d4-1111-2222-3333-444455556666'.\n")
HEALTHY = "2021-11-16 12:35:51,000+0100 main INFO [c.a.jira] all fine\n"


def run(*args: str, stdin: bytes | None = None, timeout: int = 120) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "authdoctor", *args], input=stdin, capture_output=True,
                          timeout=timeout, check=False)


def test_diagnose_json_follows_the_contract(tmp_path: Path) -> None:
    log = tmp_path / "atlassian-jira.log"
    log.write_text(HEALTHY * 50 + AADSTS + HEALTHY * 10 + AADSTS)
    r = run("diagnose", str(log), "--format", "json")
    assert r.returncode == 1, r.stderr
    data = json.loads(r.stdout)
    assert data["schema"] == "authdoctor.report/1"
    f = data["findings"][0]
    assert f["entry"] == "entra-aadsts50011" and f["count"] == 2
    assert f["first_seen"] == "2021-11-16T12:35:50.956+01:00"
    assert f["evidence"][0]["source"] == str(log) and f["evidence"][0]["line"] == 51
    scores = [c["score"] for c in data["causes"]]
    assert scores == sorted(scores, reverse=True) and all(0 <= s <= 1 for s in scores)
    assert data["causes"][0]["id"] == "redirect_uri_mismatch"
    assert any("https://jira.example.com/cb" in step for step in data["causes"][0]["fix"])


def test_nothing_known_exits_zero(tmp_path: Path) -> None:
    log = tmp_path / "ok.log"
    log.write_text(HEALTHY * 100)
    r = run("diagnose", str(log))
    assert r.returncode == 0 and b"no known problem" in r.stdout


def test_stdin_and_markdown(tmp_path: Path) -> None:
    r = run("diagnose", "-", "--format", "markdown", stdin=AADSTS.encode())
    assert r.returncode == 1
    assert r.stdout.startswith(b"# authdoctor report") and b"## Root causes" in r.stdout


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["diagnose", "/nonexistent/atlassian-jira.log"], None, b"no such file or folder"),
        (["diagnose", "-"], b"", b"no input"),
        (["explain"], None, b"Missing argument"),
        (["diagnose", "x.log", "--format", "yaml"], None, b"Invalid value"),
        (["batch", "/nonexistent.jsonl"], None, b"No such file"),
    ],
)
def test_bad_usage_is_one_line_on_stderr_exit_2(args: list[str], stdin: bytes | None, message: bytes) -> None:
    r = run(*args, stdin=stdin)
    assert r.returncode == 2
    assert r.stdout == b""
    assert message.lower() in r.stderr.lower()
    assert b"Traceback" not in r.stderr


def _make(tmp: Path) -> dict[str, Path]:
    files: dict[str, Path] = {}
    p = tmp / "binary.bin"
    p.write_bytes(bytes(range(256)) * 100)
    files["binary"] = p
    p = tmp / "empty.log"
    p.write_bytes(b"")
    files["empty"] = p
    p = tmp / "bad-utf8.log"
    p.write_bytes(b"\xff\xfe\xfa broken " + AADSTS.encode() + b"\xc3\x28\n")
    files["bad_utf8"] = p
    p = tmp / "truncated.log.gz"
    p.write_bytes(gzip.compress((HEALTHY * 2000 + AADSTS).encode() * 20)[:-200])
    files["truncated_gz"] = p
    return files


def test_bad_files_are_skipped_or_read_with_a_note(tmp_path: Path) -> None:
    files = _make(tmp_path)
    r = run("diagnose", *map(str, files.values()), "--format", "json")
    assert r.returncode == 1, r.stderr
    data = json.loads(r.stdout)
    notes = "\n".join(data["notes"])
    assert "binary.bin: skipped: binary file" in notes
    assert "empty.log: skipped: empty" in notes
    assert "truncated.log.gz: stopped after" in notes
    assert data["findings"][0]["entry"] == "entra-aadsts50011"
    assert data["findings"][0]["count"] >= 2  # from the bad UTF-8 file and the readable part of the gzip


def test_a_50mb_single_line_is_read_in_bounded_memory(tmp_path: Path) -> None:
    p = tmp_path / "one-line.log"
    p.write_bytes(b"A" * (50 << 20) + b" " + AADSTS.encode())
    # VmHWM: this process's own peak (ru_maxrss would include the pytest parent it was forked from).
    wrapper = (
        "import atexit, re, runpy, sys\n"
        "atexit.register(lambda: sys.stderr.write('\\nHWM ' + re.search(r'VmHWM:\\s+(\\d+)', "
        "open('/proc/self/status').read()).group(1) + '\\n'))\n"
        "sys.argv = ['authdoctor', *sys.argv[1:]]\n"
        "runpy.run_module('authdoctor', run_name='__main__')\n"
    )
    r = subprocess.run([sys.executable, "-c", wrapper, "diagnose", str(p), "-q"], capture_output=True, timeout=300,
                       check=False)
    assert r.returncode in (0, 1), r.stderr
    peak_kb = int(r.stderr.rsplit(b"HWM ", 1)[1].split()[0])
    assert peak_kb < 400_000, f"peak RSS {peak_kb} KB"


def test_zip_bomb_is_refused(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("atlassian-jira.log", b"\0" * (300 << 20))
    r = run("diagnose", str(bomb), "--format", "json")
    assert r.returncode in (0, 2)
    assert b"archive bomb" in r.stdout + r.stderr


def test_zip_whose_member_lies_about_its_size_is_refused(tmp_path: Path) -> None:
    liar = tmp_path / "liar.zip"
    payload = (HEALTHY * 200 + AADSTS).encode()  # the error sits far beyond the declared 10 bytes
    with zipfile.ZipFile(liar, "w", compression=zipfile.ZIP_STORED) as z:
        z.writestr("a.log", payload)
    raw = bytearray(liar.read_bytes())
    # Shrink the declared uncompressed size in the central directory to 10 bytes.
    cd = raw.rfind(b"PK\x01\x02")
    raw[cd + 24 : cd + 28] = (10).to_bytes(4, "little")
    liar.write_bytes(bytes(raw))
    r = run("diagnose", str(liar), "--format", "json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["findings"] == []  # nothing past the declared size was read
    assert any(n.startswith(f"{liar}!a.log: stopped after") and "corrupt data" in n for n in data["notes"])


def test_archives_and_folders_are_read_recursively(tmp_path: Path) -> None:
    (tmp_path / "bundle").mkdir()
    with zipfile.ZipFile(tmp_path / "bundle" / "support.zip", "w") as z:
        z.writestr("logs/atlassian-jira.log.1", HEALTHY + AADSTS)
        z.writestr("logs/atlassian-jira.log.2.gz", gzip.compress((HEALTHY + AADSTS).encode()))
        z.writestr("../escape.log", AADSTS)
    (tmp_path / "bundle" / "x.log.bz2").write_bytes(bz2.compress(AADSTS.encode()))
    (tmp_path / "bundle" / "y.log.xz").write_bytes(lzma.compress(AADSTS.encode()))
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as t:
        data = AADSTS.encode()
        info = tarfile.TarInfo("node2/atlassian-jira.log")
        info.size = len(data)
        t.addfile(info, io.BytesIO(data))
    (tmp_path / "bundle" / "z.tar.gz").write_bytes(buf.getvalue())
    r = run("diagnose", str(tmp_path / "bundle"), "--format", "json")
    data = json.loads(r.stdout)
    assert data["findings"][0]["count"] == 5
    assert any("unsafe member path" in n for n in data["notes"])


def test_a_folder_of_ten_thousand_files(tmp_path: Path) -> None:
    d = tmp_path / "many"
    d.mkdir()
    for i in range(10_000):
        (d / f"f{i:05d}.log").write_text(HEALTHY if i != 7777 else AADSTS)
    r = run("diagnose", str(d), "--format", "json", timeout=300)
    data = json.loads(r.stdout)
    assert data["findings"][0]["evidence"][0]["source"].endswith("f07777.log")


def test_explain_finds_codes_numbers_names_words(tmp_path: Path) -> None:
    for q in ("AADSTS50011", "50011", "InvalidReplyTo", "entra-aadsts50011"):
        r = run("explain", q, "--format", "json")
        assert r.returncode == 1, (q, r.stderr)
        assert json.loads(r.stdout)["entries"][0]["id"] == "entra-aadsts50011"


def test_explain_unknown_code_says_so_and_suggests(tmp_path: Path) -> None:
    r = run("explain", "AADSTS99999999", "--format", "json")
    assert r.returncode == 0
    data = json.loads(r.stdout)
    assert data["found"] is False and data["message"] == "not in the knowledge base"
    r = run("explain", "redirect uri does not match registered")
    assert b"not in the knowledge base" in r.stdout or b"Redirect" in r.stdout


def test_batch_keeps_order_and_reports_bad_lines(tmp_path: Path) -> None:
    f = tmp_path / "tickets.jsonl"
    f.write_text(
        json.dumps({"id": "T-1", "input": AADSTS, "hint": "Jira 8.20"}) + "\n"
        + "{not json\n"
        + json.dumps({"id": "T-3", "input": "everything works"}) + "\n"
        + json.dumps({"id": "T-4"}) + "\n"
    )
    r = run("batch", str(f), "--format", "jsonl")
    assert r.returncode == 1
    rows = [json.loads(x) for x in r.stdout.decode().splitlines()]
    assert [row.get("id") for row in rows] == ["T-1", 2, "T-3", "T-4"]
    assert rows[0]["findings"][0]["entry"] == "entra-aadsts50011"
    assert "error" in rows[1] and "error" in rows[3]
    assert rows[2]["findings"] == []


def test_help_teaches() -> None:
    r = run("diagnose", "--help")
    assert r.returncode == 0
    assert b"--hint" in r.stdout and b"stdin" in r.stdout


def test_stdin_cannot_be_both_evidence_and_profile() -> None:
    r = run("diagnose", "-", "--profile", "-", stdin=AADSTS.encode())
    assert r.returncode == 2 and b"not both" in r.stderr and not r.stdout


@pytest.mark.parametrize(
    ("args", "advice"),
    [
        (["AADSTS50011"], "run: authdoctor explain AADSTS50011"),
        (["invalid_grant"], "run: authdoctor explain invalid_grant"),
        (["{log}"], "run: authdoctor diagnose {log}"),
        (["AADSTS50011: The redirect URI"], "run: authdoctor diagnose 'AADSTS50011: The redirect URI'"),
        (["har", "{log}"], "run: authdoctor har flows {log}"),
    ],
)
def test_a_missing_command_name_gets_the_line_to_run(tmp_path: Path, args: list[str], advice: str) -> None:
    log = tmp_path / "capture.har"
    log.write_text("{}")
    r = run(*(a.format(log=log) for a in args))
    assert r.returncode == 2
    assert advice.format(log=log) in r.stderr.decode()


def test_a_typo_still_gets_the_close_command() -> None:
    r = run("diagnos", "x")
    assert r.returncode == 2 and "Did you mean 'diagnose'" in r.stderr.decode()


@pytest.mark.parametrize("args", [[], ["har", "flows"], ["diagnose"]])
def test_an_argument_too_long_for_a_path_is_a_usage_error_not_a_crash(args: list[str]) -> None:
    r = run(*args, "a" * 5000)
    assert r.returncode == 2, r.stderr
    assert b"internal error" not in r.stderr


def test_kb_export_patterns_gives_signatures_and_scanner_anchors() -> None:
    import re2

    patterns = run("kb", "export-patterns").stdout.decode().splitlines()
    assert r"\bAADSTS50011\b" in patterns and len(patterns) == len(set(patterns)) > 1000
    for p in patterns:
        re2.compile(p)  # each line is a regex ripgrep/RE2 accept
    anchors = run("kb", "export-patterns", "--kind", "anchors").stdout.decode().splitlines()
    assert "Token already marked as invalid" in anchors and "AADSTS50011" in anchors
    bad = run("kb", "export-patterns", "--kind", "literals")
    assert bad.returncode == 2 and b"use patterns or anchors" in bad.stderr
