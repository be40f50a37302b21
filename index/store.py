"""The store: one directory holding versioned snapshots of everything ingest produces.

Layout::

    STORE/CURRENT          -> name of the live snapshot ("v000003"), replaced atomically
    STORE/v000003/store.sqlite   documents, sections, chunks, assignments
    STORE/v000003/...            FAISS, BM25 and manifest files written beside it
    STORE/.lock                  one writer at a time

A writer copies the live snapshot into a new directory, changes it, and only then points
``CURRENT`` at it (``os.replace``). A crash or a kill at any moment leaves the previous
snapshot as it was and loadable; half-written directories are swept on the next write.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import shutil
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from pathlib import Path

from platformdirs import user_data_dir

from tracuu.records import Assignment, Chunk, Document, Section

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
DB_NAME = "store.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS info (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY, source TEXT, content_hash TEXT, text TEXT, meta TEXT);
CREATE TABLE IF NOT EXISTS sections (
    section_id TEXT PRIMARY KEY, doc_id TEXT, ord INTEGER, data TEXT);
CREATE TABLE IF NOT EXISTS chunks (
    chunk_id TEXT PRIMARY KEY, doc_id TEXT, ord INTEGER, kind TEXT, data TEXT);
CREATE TABLE IF NOT EXISTS assignments (
    assignment_id TEXT PRIMARY KEY, doc_id TEXT, ord INTEGER, data TEXT);
CREATE INDEX IF NOT EXISTS sections_doc ON sections(doc_id);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks(doc_id);
CREATE INDEX IF NOT EXISTS assignments_doc ON assignments(doc_id);
"""


class StoreError(Exception):
    """A store that cannot be used as it is; the message says how to rebuild it."""


def default_store_dir() -> Path:
    return Path(os.environ.get("TRACUU_STORE") or user_data_dir("tracuu", appauthor=False)) / "store"


def rebuild_hint(store_dir: Path) -> str:
    return f"rebuild it with: tracuu ingest --rebuild --store {store_dir}"


def _doc_from_row(row: sqlite3.Row) -> Document:
    meta = json.loads(row["meta"])
    for key in ("signer_span", "header_span"):
        if meta.get(key) is not None:
            meta[key] = tuple(meta[key])
    return Document(doc_id=row["doc_id"], source=row["source"], text=row["text"],
                    content_hash=row["content_hash"], **meta)


class Snapshot:
    """Read access to one snapshot directory (what search and the app load)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        db = self.path / DB_NAME
        if not db.exists():
            raise StoreError(f"{db} is missing; {rebuild_hint(self.path.parent)}")
        self.conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, check_same_thread=False)
        self.conn.row_factory = sqlite3.Row
        try:
            version = self.info("schema_version")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{db} is corrupted ({exc}); {rebuild_hint(self.path.parent)}") from exc
        if version != str(SCHEMA_VERSION):
            raise StoreError(
                f"{db} has schema version {version}, this tracuu needs {SCHEMA_VERSION}; {rebuild_hint(self.path.parent)}"
            )

    def info(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM info WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    def documents(self) -> list[Document]:
        return [_doc_from_row(r) for r in self.conn.execute("SELECT * FROM documents ORDER BY doc_id")]

    def document(self, doc_id: str) -> Document | None:
        row = self.conn.execute("SELECT * FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
        return _doc_from_row(row) if row else None

    def sections(self, doc_id: str | None = None) -> list[Section]:
        q, args = "SELECT data FROM sections", ()
        if doc_id:
            q, args = q + " WHERE doc_id=?", (doc_id,)
        return [Section(**json.loads(r[0])) for r in self.conn.execute(q + " ORDER BY doc_id, ord", args)]

    def chunks(self, doc_id: str | None = None) -> list[Chunk]:
        q, args = "SELECT data FROM chunks", ()
        if doc_id:
            q, args = q + " WHERE doc_id=?", (doc_id,)
        return [Chunk(**json.loads(r[0])) for r in self.conn.execute(q + " ORDER BY doc_id, ord", args)]

    def assignments(self, doc_id: str | None = None) -> list[Assignment]:
        q, args = "SELECT data FROM assignments", ()
        if doc_id:
            q, args = q + " WHERE doc_id=?", (doc_id,)
        return [Assignment(**json.loads(r[0])) for r in self.conn.execute(q + " ORDER BY doc_id, ord", args)]

    def close(self) -> None:
        self.conn.close()


class Store:
    """The store directory: find the live snapshot, or write a new one atomically."""

    def __init__(self, root: str | Path | None = None):
        self.root = Path(root) if root else default_store_dir()

    @property
    def current_path(self) -> Path | None:
        pointer = self.root / "CURRENT"
        if not pointer.exists():
            return None
        try:
            name = pointer.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise StoreError(f"{pointer} is unreadable ({exc}); {rebuild_hint(self.root)}") from exc
        path = self.root / name
        if not name or "/" in name or not path.is_dir():
            raise StoreError(f"{pointer} names a missing snapshot '{name}'; {rebuild_hint(self.root)}")
        return path

    def exists(self) -> bool:
        return (self.root / "CURRENT").exists()

    def open(self) -> Snapshot:
        path = self.current_path
        if path is None:
            raise StoreError(f"no index in {self.root}; build it with: tracuu ingest --store {self.root}")
        return Snapshot(path)

    @contextlib.contextmanager
    def writer(self, fresh: bool = False) -> Iterator["SnapshotWriter"]:
        """Copy the live snapshot (unless ``fresh``), yield it for changes, then swap it in.

        If the block raises (or the process dies), ``CURRENT`` still names the old snapshot."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            old = self.current_path if self.exists() else None
            self._sweep(keep=old)
            number = 1 + max([int(p.name[1:]) for p in self.root.glob("v[0-9]*") if p.name[1:].isdigit()] or [0])
            new = self.root / f"v{number:06d}.tmp"
            if old is not None and not fresh:
                shutil.copytree(old, new)
            else:
                new.mkdir()
            w = SnapshotWriter(new)
            try:
                yield w
                w.commit()
            finally:
                w.close()
            final = self.root / f"v{number:06d}"
            os.replace(new, final)
            _fsync_dir(self.root)
            tmp_pointer = self.root / "CURRENT.tmp"
            tmp_pointer.write_text(final.name)
            with open(tmp_pointer, "rb+") as fh:
                os.fsync(fh.fileno())
            os.replace(tmp_pointer, self.root / "CURRENT")
            _fsync_dir(self.root)
            log.info("store %s now at snapshot %s", self.root, final.name)
            self._sweep(keep=final)

    def _sweep(self, keep: Path | None) -> None:
        """Remove snapshots other than the live one (old versions, crashed writes)."""
        for p in self.root.glob("v[0-9]*"):
            if keep is not None and p.resolve() == keep.resolve():
                continue
            shutil.rmtree(p, ignore_errors=True)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class SnapshotWriter:
    """Write access to a snapshot being built; one SQLite transaction for all changes."""

    def __init__(self, path: Path):
        self.path = path
        self.conn = sqlite3.connect(path / DB_NAME)
        self.conn.row_factory = sqlite3.Row
        self.conn.executescript(_SCHEMA)
        self.conn.execute("BEGIN")
        self.conn.execute("INSERT OR REPLACE INTO info VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))

    def snapshot_view(self) -> Snapshot:
        """Read the state written so far (same connection, inside the transaction)."""
        view = Snapshot.__new__(Snapshot)
        view.path, view.conn = self.path, self.conn
        return view

    def set_info(self, key: str, value: str) -> None:
        self.conn.execute("INSERT OR REPLACE INTO info VALUES (?, ?)", (key, value))

    def doc_hashes(self) -> dict[str, str]:
        return {r[0]: r[1] for r in self.conn.execute("SELECT doc_id, content_hash FROM documents")}

    def delete_document(self, doc_id: str) -> None:
        for table in ("documents", "sections", "chunks", "assignments"):
            self.conn.execute(f"DELETE FROM {table} WHERE doc_id=?", (doc_id,))

    def put_document(self, doc: Document, sections: Iterable[Section], chunks: Iterable[Chunk],
                     assignments: Iterable[Assignment]) -> None:
        self.delete_document(doc.doc_id)
        meta = doc.to_dict()
        for key in ("doc_id", "source", "content_hash"):
            meta.pop(key)
        self.conn.execute("INSERT INTO documents VALUES (?,?,?,?,?)",
                          (doc.doc_id, doc.source, doc.content_hash, doc.text, json.dumps(meta, ensure_ascii=False)))
        self.conn.executemany("INSERT OR REPLACE INTO sections VALUES (?,?,?,?)",
                              [(s.section_id, s.doc_id, i, json.dumps(asdict(s), ensure_ascii=False))
                               for i, s in enumerate(sections)])
        self.conn.executemany("INSERT OR REPLACE INTO chunks VALUES (?,?,?,?,?)",
                              [(c.chunk_id, c.doc_id, i, c.kind, json.dumps(asdict(c), ensure_ascii=False))
                               for i, c in enumerate(chunks)])
        self.conn.executemany("INSERT OR REPLACE INTO assignments VALUES (?,?,?,?)",
                              [(a.assignment_id, a.doc_id, i, json.dumps(asdict(a), ensure_ascii=False))
                               for i, a in enumerate(assignments)])

    def commit(self) -> None:
        self.conn.commit()

    def close(self) -> None:
        self.conn.close()
