"""Archive members: zip and tar obey the same member limit; documents carry their real size."""

from __future__ import annotations

import io
import tarfile
import zipfile
from pathlib import Path

from authdoctor.sources.limits import Limits
from authdoctor.sources.open import OpenContext, iter_documents

LINE = b"2026-03-01 10:00:00,000+0000 INFO [c.a.jira] healthy line\n"


def _tar(count: int, mode: str = "w") -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode=mode) as tf:
        for i in range(count):
            data = LINE * (i + 1)
            info = tarfile.TarInfo(f"logs/app-{i}.log")
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def _zip(count: int) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for i in range(count):
            z.writestr(f"logs/app-{i}.log", LINE * 200)
    return buf.getvalue()


def _names(path: Path, ctx: OpenContext) -> list[str]:
    try:
        return [d.name.rpartition("!")[2] for d in iter_documents([str(path)], ctx)]
    finally:
        ctx.close()


def test_a_tar_with_more_members_than_the_limit_stops_with_a_note(tmp_path: Path) -> None:
    path = tmp_path / "logs.tar"
    path.write_bytes(_tar(5))
    ctx = OpenContext(limits=Limits(max_members=3))
    assert _names(path, ctx) == ["logs/app-0.log", "logs/app-1.log", "logs/app-2.log"]
    assert f"{path}: stopped after 3 archive members" in ctx.notes


def test_a_compressed_tar_obeys_the_member_limit_too(tmp_path: Path) -> None:
    path = tmp_path / "logs.tar.gz"
    path.write_bytes(_tar(4, "w:gz"))
    ctx = OpenContext(limits=Limits(max_members=2))
    assert len(_names(path, ctx)) == 2
    assert any(n.endswith("stopped after 2 archive members") for n in ctx.notes)


def test_zip_and_tar_give_the_same_note_at_the_limit(tmp_path: Path) -> None:
    notes = []
    for name, data in (("a.zip", _zip(4)), ("a.tar", _tar(4))):
        path = tmp_path / name
        path.write_bytes(data)
        ctx = OpenContext(limits=Limits(max_members=2))
        assert len(_names(path, ctx)) == 2
        notes.append([n.replace(str(path), "X") for n in ctx.notes if "archive members" in n])
    assert notes[0] == notes[1] == ["X: stopped after 2 archive members"]


def test_unsafe_tar_member_paths_are_refused_and_counted(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tf:
        for member in ("../evil.log", "ok.log"):
            info = tarfile.TarInfo(member)
            info.size = len(LINE)
            tf.addfile(info, io.BytesIO(LINE))
    path = tmp_path / "x.tar"
    path.write_bytes(buf.getvalue())
    ctx = OpenContext()
    assert _names(path, ctx) == ["ok.log"]
    assert f"{path}!../evil.log: refused: unsafe member path" in ctx.notes
    assert ctx.members == 2


def test_a_zip_member_document_has_its_uncompressed_size(tmp_path: Path) -> None:
    path = tmp_path / "logs.zip"
    path.write_bytes(_zip(1))
    ctx = OpenContext()
    try:
        [doc] = list(iter_documents([str(path)], ctx))
        assert doc.size == len(LINE) * 200
        with doc.open() as f:
            assert len(f.read()) == doc.size
    finally:
        ctx.close()
