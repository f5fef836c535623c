"""UTF-16 logs (Windows PowerShell `>`, Event Viewer exports) are read, not skipped as binary."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from authdoctor.pipeline import Options, diagnose_paths
from authdoctor.sources.encoding import Utf8Reader, utf16_encoding

LOG = (
    "2026-11-20 10:00:00,000+0000 INFO [adfs] Request processed in 12 ms\n"
    "2026-11-20 10:00:01,000+0000 ERROR [adfs] AADSTS50011: The redirect URI 'https://app.example.com/cb' "
    "specified in the request does not match the redirect URIs configured for the application — ok\n"
    "2026-11-20 10:00:02,000+0000 INFO [adfs] Request processed in 9 ms\n"
)


def _finding(path: Path) -> tuple[str, int, int | None, str]:
    report = diagnose_paths([str(path)], Options())
    f = next(f for f in report.findings if f.entry == "entra-aadsts50011")
    return f.entry, f.count, f.evidence[0].line, f.evidence[0].text


def test_utf16_logs_give_the_same_finding_as_utf8(tmp_path: Path) -> None:
    utf8 = tmp_path / "utf8.log"
    utf8.write_bytes(LOG.encode("utf-8"))
    expected = _finding(utf8)
    assert expected[2] == 2 and "—" in expected[3]
    for name, data in [
        ("bom-le.log", LOG.encode("utf-16")),  # BOM + little-endian on this platform
        ("bom-be.log", b"\xfe\xff" + LOG.encode("utf-16-be")),
        ("plain-le.log", LOG.encode("utf-16-le")),
        ("plain-be.log", LOG.encode("utf-16-be")),
    ]:
        path = tmp_path / name
        path.write_bytes(data)
        assert _finding(path) == expected, name


def test_a_utf16_log_inside_a_zip_is_read(tmp_path: Path) -> None:
    bundle = tmp_path / "export.zip"
    with zipfile.ZipFile(bundle, "w") as zf:
        zf.writestr("adfs.log", LOG.encode("utf-16"))
    report = diagnose_paths([str(bundle)], Options())
    assert [f.entry for f in report.findings] == ["entra-aadsts50011"]


def test_binary_with_nul_bytes_is_still_skipped(tmp_path: Path) -> None:
    blob = tmp_path / "core.bin"
    blob.write_bytes(bytes(range(256)) * 64)
    report = diagnose_paths([str(blob)], Options())
    assert not report.findings
    assert any("binary" in n for n in report.notes)


def test_sniffing() -> None:
    assert utf16_encoding(b"\xff\xfeh\x00") == "utf-16"
    assert utf16_encoding("a plain log line, long enough to judge".encode("utf-16-le")) == "utf-16-le"
    assert utf16_encoding("a plain log line, long enough to judge".encode("utf-16-be")) == "utf-16-be"
    assert utf16_encoding(b"a plain log line, long enough to judge it well, in UTF-8 bytes....") is None
    assert utf16_encoding("short".encode("utf-16-le")) is None


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=0, max_size=300), st.sampled_from(["utf-16-le", "utf-16-be"]),
       st.integers(min_value=1, max_value=64))
def test_transcoding_equals_decoding_whole(text: str, encoding: str, read_size: int) -> None:
    data = text.encode(encoding, "surrogatepass")
    import authdoctor.sources.encoding as enc

    old = enc.READ_BYTES
    enc.READ_BYTES = read_size  # odd sizes split code units and surrogate pairs between reads
    try:
        got = io.BufferedReader(Utf8Reader(io.BytesIO(data), encoding)).read()
    finally:
        enc.READ_BYTES = old
    assert got == data.decode(encoding, "replace").encode("utf-8", "replace")
