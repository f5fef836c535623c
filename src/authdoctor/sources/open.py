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
import re
import sys
import tarfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, cast

from authdoctor.errors import InputError
from authdoctor.extract.facts import Facts
from authdoctor.sources.bundle import (
    MAX_CONFIG_BYTES,
    BundleFacts,
    is_support_bundle,
    log_order_key,
    read_config,
    role,
)
from authdoctor.sources.encoding import utf8_opener, utf16_encoding
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
    facts: Facts = field(default_factory=Facts)  # what support bundles' configuration files show
    budget: Budget = field(init=False)
    members: int = 0
    open_archives: list[IO[bytes]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.budget = Budget(self.limits)

    def close(self) -> None:
        """Close archives kept open for their members: documents are read after the
        archive's listing is done (on worker threads), so they can only close at the end."""
        for f in self.open_archives:
            f.close()
        self.open_archives.clear()


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


class _TooManyMembersError(Exception):
    """Raised by ``_member_label`` once an archive passes ``Limits.max_members``."""


def _member_label(archive: str, member: str, ctx: OpenContext) -> str | None:
    """Count one archive member against ``max_members`` (raising ``_TooManyMembersError``,
    after a note, once past it) and name it ``archive!member``; None (with a note) for a
    member whose path is unsafe. Zip and tar loops both go through here."""
    ctx.members += 1
    if ctx.members > ctx.limits.max_members:
        ctx.notes.append(f"{archive}: stopped after {ctx.limits.max_members} archive members")
        raise _TooManyMembersError
    label = f"{archive}!{member}"
    if _unsafe_member(member):
        ctx.notes.append(f"{label}: refused: unsafe member path")
        return None
    return label


def _from_opener(
    name: str,
    opener: Callable[[], IO[bytes]],
    ctx: OpenContext,
    depth: int,
    *,
    size: int | None,
    ratio_base: int | None,
) -> Iterator[Document]:
    """``size`` is the document's own byte count (when known); ``ratio_base`` the bytes a
    decompressor's output is compared to (its compressed size) to spot compression bombs."""
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
                    BoundedReader(
                        _decompressor(kind, raw), name, ctx.budget, ctx.notes, ratio_base=ratio_base, source=raw
                    ),
                    buffer_size=1 << 20,
                ),
            )

        # A compressed tar is still a tar: look inside once.
        with open_inner() as peek:
            inner_head = peek.read(SNIFF)
        if _magic(inner_head) == "tar":
            yield from _tar(name, open_inner, ctx, depth + 1)
            return
        yield from _from_opener(inner_name, open_inner, ctx, depth + 1, size=None, ratio_base=None)
        return
    if kind == "zip":
        yield from _zip(name, opener, ctx, depth + 1)
        return
    if kind == "tar":
        yield from _tar(name, opener, ctx, depth + 1)
        return
    encoding = utf16_encoding(head)
    if encoding is not None:
        opener = utf8_opener(opener, encoding)
        with opener() as probe:
            head = probe.read(SNIFF)
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
        with raw:  # a zip inside an archive: its reader enforces the byte budget as it reads
            data = raw.read()
        raw = io.BytesIO(data)
    ctx.open_archives.append(raw)
    try:
        zf = zipfile.ZipFile(raw)
    except (zipfile.BadZipFile, OSError) as exc:
        ctx.notes.append(f"{name}: skipped: not a readable zip ({exc})")
        return
    infos = [i for i in zf.infolist() if not i.is_dir()]
    declared = sum(i.file_size for i in infos)
    if declared > ctx.limits.max_total_bytes:
        raise InputError(f"{name}: declares {declared} bytes uncompressed; refusing (archive bomb?)")
    infos.sort(key=lambda i: log_order_key(i.filename))
    bundle, node = _zip_bundle(name, zf, infos, ctx, depth)
    for info in infos:
        if bundle and role(info.filename) != "log":
            continue
        try:
            label = _member_label(name, info.filename, ctx)
        except _TooManyMembersError:
            return
        if label is None:
            continue
        refusal = _member_refusal(info, ctx.limits)
        if refusal:
            ctx.notes.append(f"{label}: refused: {refusal}")
            continue

        def open_member(info: zipfile.ZipInfo = info, label: str = label) -> IO[bytes]:
            return cast(
                IO[bytes],
                io.BufferedReader(
                    BoundedReader(zf.open(info), label, ctx.budget, ctx.notes, max_bytes=info.file_size),
                    buffer_size=1 << 20,
                ),
            )

        members = _from_opener(label, open_member, ctx, depth, size=info.file_size, ratio_base=info.compress_size)
        for doc in members:
            if node and doc.node is None:
                doc.node = node
            yield doc


def _member_refusal(info: zipfile.ZipInfo, lim: Limits) -> str | None:
    """Why a zip member's declared sizes make it suspect (unsafe paths: ``_member_label``)."""
    if info.file_size > lim.ratio_floor_bytes and info.file_size > max(info.compress_size, 1) * lim.max_ratio:
        return f"expands {info.file_size // max(info.compress_size, 1)}x (archive bomb?)"
    return None


def _zip_bundle(
    name: str, zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo], ctx: OpenContext, depth: int
) -> tuple[bool, str | None]:
    """(is it a support bundle, the node its documents come from). A bundle's configuration
    files are read for facts here, before any of its logs is scanned."""
    names = [i.filename for i in infos]
    if not is_support_bundle(names):
        return False, None
    found = BundleFacts()
    for info in infos:
        if role(info.filename) != "config" or _unsafe_member(info.filename) or _member_refusal(info, ctx.limits):
            continue
        if info.file_size > MAX_CONFIG_BYTES:
            continue
        with zf.open(info) as f:
            data = f.read(MAX_CONFIG_BYTES + 1)
        ctx.budget.take(len(data), f"{name}!{info.filename}")
        read_config(f"{name}!{info.filename}", data, found)
    return True, _adopt_bundle(name, names, found, ctx, depth)


def _adopt_bundle(name: str, names: list[str], found: BundleFacts, ctx: OpenContext, depth: int) -> str | None:
    """Record what a bundle showed; the node is its configured id, else (for a bundle
    inside another archive, as per-node zips are) the bundle's own file name."""
    ctx.facts.merge(found.facts, override=False)
    node = found.node
    if node is None and depth > 1:
        node = re.sub(r"\.zip$", "", name.rpartition("!")[2].rpartition("/")[2], flags=re.I) or None
    logs = sum(1 for n in names if role(n) == "log")
    ctx.notes.append(
        f"{name}: support bundle: {logs} log files scanned oldest first, facts from {len(found.read)} "
        f"configuration files, {len(names) - logs - len(found.read)} other files skipped"
        + (f"; node {node}" if node else "")
    )
    return node


def _tar(name: str, opener: Callable[[], IO[bytes]], ctx: OpenContext, depth: int) -> Iterator[Document]:
    if depth > ctx.limits.max_depth:
        ctx.notes.append(f"{name}: skipped: archives nested deeper than {ctx.limits.max_depth}")
        return
    # Stream mode: members are read in order, each fully, so the document is buffered
    # only up to a bounded size; larger members are read through a spooled temp file.
    import tempfile

    raw = opener()
    ctx.open_archives.append(raw)  # closed with the context, as zips are
    try:
        tf = tarfile.open(fileobj=raw, mode="r|")  # noqa: SIM115 - a stream read member by member
        for member in tf:
            if not member.isfile():
                if member.issym() or member.islnk():
                    ctx.notes.append(f"{name}!{member.name}: refused: link member")
                continue
            label = _member_label(name, member.name, ctx)
            if label is None:
                continue
            src = tf.extractfile(member)
            if src is None:
                continue
            spool = tempfile.SpooledTemporaryFile(max_size=32 << 20)  # noqa: SIM115 - lives with the document
            ctx.open_archives.append(cast(IO[bytes], spool))
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

            yield from _from_opener(label, open_spool, ctx, depth, size=data_size, ratio_base=data_size)
    except _TooManyMembersError:
        return
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
            yield from _folder_documents(path, ctx)
            continue
        if not path.exists():
            raise InputError(f"{item}: no such file or folder")
        yield from _path_documents(path, ctx)


def _folder_documents(folder: Path, ctx: OpenContext) -> Iterator[Document]:
    """Files in name order with rotated logs oldest first; an unpacked support bundle
    is read like the zip: logs scanned, configuration read for facts, the rest skipped."""
    files = [p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()]
    if not files:
        ctx.notes.append(f"{folder}: skipped: empty folder")
        return
    rel = {p: p.relative_to(folder).as_posix() for p in files}
    files.sort(key=lambda p: log_order_key(rel[p]))
    names = list(rel.values())
    node: str | None = None
    bundle = is_support_bundle(names)
    if bundle:
        found = BundleFacts()
        for p in files:
            if role(rel[p]) == "config" and p.stat().st_size <= MAX_CONFIG_BYTES:
                read_config(str(p), p.read_bytes(), found)
        node = _adopt_bundle(str(folder), names, found, ctx, 0)
    for p in files:
        if bundle and role(rel[p]) != "log":
            continue
        for doc in _path_documents(p, ctx):
            if node and doc.node is None:
                doc.node = node
            yield doc


def _path_documents(path: Path, ctx: OpenContext) -> Iterator[Document]:
    if not os.access(path, os.R_OK):
        raise InputError(f"{path}: permission denied")
    size = path.stat().st_size
    if size == 0:
        ctx.notes.append(f"{path}: skipped: empty")
        return
    opener = _file_opener(path)
    for doc in _from_opener(str(path), opener, ctx, 0, size=size, ratio_base=size):
        if doc.open is opener:  # the file's own bytes (not decompressed, not transcoded): read by offset
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

    yield from _from_opener("<stdin>", open_spool, ctx, 0, size=size, ratio_base=size)


def inline_document(name: str, text: str) -> Document:
    data = text.encode("utf-8", "replace")

    def open_bytes() -> IO[bytes]:
        return io.BytesIO(data)

    return Document(name=name, open=open_bytes, size=len(data), head=data[:SNIFF])
