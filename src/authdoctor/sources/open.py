"""Turns command-line inputs into documents: named binary streams with a detected kind.

Compressed files and archives are recognised by their magic bytes, not their names, and
opened as streams (nothing is extracted to disk), so path tricks in member names cannot
write anywhere; such members are still refused with a note. Every decompressed stream
goes through ``BoundedReader``.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import os
import sys
import tarfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, cast

from authdoctor.errors import InputError
from authdoctor.sources.limits import BoundedReader, Budget, Limits

SNIFF = 8192


@dataclass
class Document:
    """One readable text document; ``open`` returns a fresh binary stream each time."""

    name: str
    open: Callable[[], IO[bytes]]
    size: int | None = None
    node: str | None = None
    head: bytes = b""
    path: Path | None = None  # set for plain regular files, which may be split into ranges


@dataclass
class OpenContext:
    limits: Limits = field(default_factory=Limits)
    notes: list[str] = field(default_factory=list)
    budget: Budget = field(init=False)
    members: int = 0

    def __post_init__(self) -> None:
        self.budget = Budget(self.limits)


def _magic(head: bytes) -> str | None:
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    if head.startswith(b"BZh"):
        return "bz2"
    if head.startswith(b"\xfd7zXZ\x00"):
        return "xz"
    if head.startswith(b"\x28\xb5\x2f\xfd"):
        return "zstd"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    if len(head) >= 262 and head[257:262] == b"ustar":
        return "tar"
    return None


def looks_binary(head: bytes) -> bool:
    return b"\x00" in head[:SNIFF]


def _decompressor(kind: str, raw: IO[bytes]) -> IO[bytes]:
    if kind == "gzip":
        return cast(IO[bytes], gzip.GzipFile(fileobj=raw, mode="rb"))
    if kind == "bz2":
        return cast(IO[bytes], bz2.BZ2File(raw, mode="rb"))
    if kind == "xz":
        return cast(IO[bytes], lzma.LZMAFile(raw, mode="rb"))
    import zstandard

    return zstandard.ZstdDecompressor().stream_reader(raw)


def _unsafe_member(name: str) -> bool:
    p = name.replace("\\", "/")
    return p.startswith("/") or any(part == ".." for part in p.split("/")) or (len(p) > 1 and p[1] == ":")


def _from_opener(
    name: str, opener: Callable[[], IO[bytes]], ctx: OpenContext, depth: int, size: int | None
) -> Iterator[Document]:
    with opener() as probe:
        head = probe.read(SNIFF)
        # tar needs 262 bytes; ensured by SNIFF
    kind = _magic(head)
    if kind in ("gzip", "bz2", "xz", "zstd"):
        if depth >= ctx.limits.max_depth:
            ctx.notes.append(f"{name}: skipped: archives nested deeper than {ctx.limits.max_depth}")
            return
        inner_name = name[:-3] if name.endswith((".gz", ".xz")) else name

        def open_inner(kind: str = kind) -> IO[bytes]:
            raw = opener()
            return cast(
                IO[bytes],
                io.BufferedReader(
                    BoundedReader(_decompressor(kind, raw), name, ctx.budget, ctx.notes, ratio_base=size),
                    buffer_size=1 << 20,
                ),
            )

        # A compressed tar is still a tar: look inside once.
        with open_inner() as peek:
            inner_head = peek.read(SNIFF)
        if _magic(inner_head) == "tar":
            yield from _tar(name, open_inner, ctx, depth + 1)
            return
        yield from _from_opener(inner_name, open_inner, ctx, depth + 1, None)
        return
    if kind == "zip":
        yield from _zip(name, opener, ctx, depth + 1)
        return
    if kind == "tar":
        yield from _tar(name, opener, ctx, depth + 1)
        return
    if looks_binary(head):
        ctx.notes.append(f"{name}: skipped: binary file")
        return
    if not head.strip():
        ctx.notes.append(f"{name}: skipped: empty")
        return
    yield Document(name=name, open=opener, size=size, head=head)


def _zip(name: str, opener: Callable[[], IO[bytes]], ctx: OpenContext, depth: int) -> Iterator[Document]:
    if depth > ctx.limits.max_depth:
        ctx.notes.append(f"{name}: skipped: archives nested deeper than {ctx.limits.max_depth}")
        return
    raw = opener()
    if not raw.seekable():
        data = raw.read(ctx.limits.max_total_bytes)
        raw = io.BytesIO(data)
    try:
        zf = zipfile.ZipFile(raw)
    except (zipfile.BadZipFile, OSError) as exc:
        ctx.notes.append(f"{name}: skipped: not a readable zip ({exc})")
        return
    infos = [i for i in zf.infolist() if not i.is_dir()]
    declared = sum(i.file_size for i in infos)
    if declared > ctx.limits.max_total_bytes:
        raise InputError(f"{name}: declares {declared} bytes uncompressed; refusing (archive bomb?)")
    for info in sorted(infos, key=lambda i: i.filename):
        ctx.members += 1
        if ctx.members > ctx.limits.max_members:
            ctx.notes.append(f"{name}: stopped after {ctx.limits.max_members} archive members")
            return
        label = f"{name}!{info.filename}"
        if _unsafe_member(info.filename):
            ctx.notes.append(f"{label}: refused: unsafe member path")
            continue
        lim = ctx.limits
        if info.file_size > lim.ratio_floor_bytes and info.file_size > max(info.compress_size, 1) * lim.max_ratio:
            ctx.notes.append(
                f"{label}: refused: expands {info.file_size // max(info.compress_size, 1)}x (archive bomb?)"
            )
            continue

        def open_member(info: zipfile.ZipInfo = info, label: str = label) -> IO[bytes]:
            return cast(
                IO[bytes],
                io.BufferedReader(
                    BoundedReader(zf.open(info), label, ctx.budget, ctx.notes, max_bytes=info.file_size),
                    buffer_size=1 << 20,
                ),
            )

        yield from _from_opener(label, open_member, ctx, depth, info.compress_size)


def _tar(name: str, opener: Callable[[], IO[bytes]], ctx: OpenContext, depth: int) -> Iterator[Document]:
    if depth > ctx.limits.max_depth:
        ctx.notes.append(f"{name}: skipped: archives nested deeper than {ctx.limits.max_depth}")
        return
    # Stream mode: members are read in order, each fully, so the document is buffered
    # only up to a bounded size; larger members are read through a spooled temp file.
    import tempfile

    try:
        tf = tarfile.open(fileobj=opener(), mode="r|")  # noqa: SIM115 - a stream read member by member
        for member in tf:
            if not member.isfile():
                if member.issym() or member.islnk():
                    ctx.notes.append(f"{name}!{member.name}: refused: link member")
                continue
            ctx.members += 1
            label = f"{name}!{member.name}"
            if _unsafe_member(member.name):
                ctx.notes.append(f"{label}: refused: unsafe member path")
                continue
            src = tf.extractfile(member)
            if src is None:
                continue
            spool = tempfile.SpooledTemporaryFile(max_size=32 << 20)  # noqa: SIM115 - lives with the document
            copied = 0
            while chunk := src.read(1 << 20):
                copied += len(chunk)
                ctx.budget.take(len(chunk), label)
                spool.write(chunk)
            spool.seek(0)
            data_size = copied

            def open_spool(spool: tempfile.SpooledTemporaryFile[bytes] = spool) -> IO[bytes]:
                spool.seek(0)
                return cast(IO[bytes], _NoClose(cast(IO[bytes], spool)))

            yield from _from_opener(label, open_spool, ctx, depth, data_size)
    except (tarfile.TarError, EOFError, OSError) as exc:
        ctx.notes.append(f"{name}: stopped reading the archive: {exc}")


class _NoClose(io.BufferedIOBase):
    """Lets several readers reuse one spooled member without closing it."""

    def __init__(self, inner: IO[bytes]) -> None:
        self._inner = inner

    def read(self, n: int | None = -1) -> bytes:
        return self._inner.read(-1 if n is None else n)

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        pass


def _file_opener(path: Path) -> Callable[[], IO[bytes]]:
    def open_file() -> IO[bytes]:
        return open(path, "rb", buffering=1 << 20)

    return open_file


def iter_documents(inputs: list[str], ctx: OpenContext, stdin: IO[bytes] | None = None) -> Iterator[Document]:
    """Documents for each input, in the order given; folders are walked in name order."""
    for item in inputs:
        if item == "-":
            data_stream = stdin if stdin is not None else sys.stdin.buffer
            yield from _stdin_documents(data_stream, ctx)
            continue
        path = Path(item)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and not p.is_symlink())
            if not files:
                ctx.notes.append(f"{item}: skipped: empty folder")
            for f in files:
                yield from _path_documents(f, ctx)
            continue
        if not path.exists():
            raise InputError(f"{item}: no such file or folder")
        yield from _path_documents(path, ctx)


def _path_documents(path: Path, ctx: OpenContext) -> Iterator[Document]:
    if not os.access(path, os.R_OK):
        raise InputError(f"{path}: permission denied")
    size = path.stat().st_size
    if size == 0:
        ctx.notes.append(f"{path}: skipped: empty")
        return
    for doc in _from_opener(str(path), _file_opener(path), ctx, 0, size):
        if doc.name == str(path):
            doc.path = path
        yield doc


def _stdin_documents(stream: IO[bytes], ctx: OpenContext) -> Iterator[Document]:
    """stdin can be read once; small input is kept in memory, large input spooled to disk."""
    import tempfile

    spool = tempfile.SpooledTemporaryFile(max_size=64 << 20)  # noqa: SIM115 - lives with the document
    while chunk := stream.read(1 << 20):
        ctx.budget.take(len(chunk), "stdin")
        spool.write(chunk)
    size = spool.tell()
    if size == 0:
        raise InputError("stdin: no input (pipe a log or paste an error, then end with Ctrl-D)")

    def open_spool() -> IO[bytes]:
        spool.seek(0)
        return cast(IO[bytes], _NoClose(cast(IO[bytes], spool)))

    yield from _from_opener("<stdin>", open_spool, ctx, 0, size)


def inline_document(name: str, text: str) -> Document:
    data = text.encode("utf-8", "replace")

    def open_bytes() -> IO[bytes]:
        return io.BytesIO(data)

    return Document(name=name, open=open_bytes, size=len(data), head=data[:SNIFF])
