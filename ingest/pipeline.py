"""Files → documents → sections, assignments, chunks → a new store snapshot with indexes.

``Ingestor.run`` is all-or-nothing: it writes a new snapshot and swaps it in only when
everything (SQLite rows, BM25, FAISS, manifest) is written; bad files are reported and
skipped, never half-stored.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from tracuu.index.build import BuildStats, build_indexes
from tracuu.index.store import Store
from tracuu.ingest.chunking import chunk_document
from tracuu.ingest.dedupe import DuplicateReport, find_duplicates
from tracuu.ingest.metadata import extract_metadata
from tracuu.ingest.readers import DEFAULT_MAX_BYTES, SUPPORTED_SUFFIXES, read_file
from tracuu.ingest.structure import parse_sections, section_locator
from tracuu.ingest.tables import extract_assignments
from tracuu.normalize import clean_text, fold
from tracuu.records import Assignment, Chunk, Document, IngestError, Section

log = logging.getLogger(__name__)

BUNDLED_CORPUS = Path(__file__).resolve().parent.parent / "data" / "corpus"


def doc_id_for(path: Path) -> str:
    """Stable id from the file name: re-ingesting the same file keeps its id."""
    slug = re.sub(r"[^a-z0-9]+", "-", fold(path.stem)).strip("-")[:60]
    return slug or hashlib.sha1(path.name.encode()).hexdigest()[:10]


@dataclass
class Parsed:
    doc: Document
    sections: list[Section]
    assignments: list[Assignment]
    chunks: list[Chunk]


def parse_text(doc_id: str, source: str, raw: str) -> Parsed:
    """Everything ingest derives from one document's raw text (pure; no I/O)."""
    text = clean_text(raw)
    if not text.strip():
        raise IngestError(source, "no text after cleaning")
    md = extract_metadata(text)
    doc = Document(doc_id=doc_id, source=source, text=text,
                   content_hash=hashlib.sha1(text.encode()).hexdigest(),
                   **{k: v for k, v in md.__dict__.items()})
    sections = parse_sections(doc_id, text)
    at = section_locator(sections)
    assignments = extract_assignments(doc_id, text, lambda pos: (s.breadcrumb if (s := at(pos)) else ""))
    chunks = chunk_document(doc, sections, assignments)
    return Parsed(doc, sections, assignments, chunks)


def collect_files(paths: Iterable[str | Path]) -> tuple[list[Path], list[tuple[str, str]]]:
    """Expand folders; unsupported files in a folder are reported, not silently dropped."""
    files: list[Path] = []
    skipped: list[tuple[str, str]] = []
    for p in map(Path, paths):
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_file() and not f.name.startswith(".") and f.name.lower() != "readme.md":
                    if f.suffix.lower() in SUPPORTED_SUFFIXES:
                        files.append(f)
                    else:
                        skipped.append((str(f), f"unsupported file type '{f.suffix}'"))
        elif p.exists():
            files.append(p)
        else:
            skipped.append((str(p), "file not found"))
    return files, skipped


@dataclass
class IngestReport:
    documents: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    duplicates: list[DuplicateReport] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    sections: int = 0
    chunks: int = 0
    assignments: int = 0
    parse_seconds: float = 0.0
    build: BuildStats | None = None

    @property
    def ok(self) -> bool:
        return bool(self.documents)

    def summary(self) -> str:
        lines = [
            f"Documents: {len(self.documents)} (added {len(self.added)}, changed {len(self.changed)}, "
            f"unchanged {len(self.unchanged)}, removed {len(self.removed)})",
            f"Sections: {self.sections}  Chunks: {self.chunks}  Assignments: {self.assignments}",
        ]
        if self.build:
            lines.append(f"Embedded {self.build.embedded} new/changed chunks, reused {self.build.reused}; "
                         f"parse {self.parse_seconds:.1f}s, index {self.build.total_seconds:.1f}s "
                         f"(model encode {self.build.encode_seconds:.1f}s)")
        for d in self.duplicates:
            kind = "exact duplicate" if d.exact else f"near-duplicate ({d.score:.0%} contained)"
            lines.append(f"Duplicate: {d.dropped_source} is a {kind} of {d.kept}; kept {d.kept}, merged metadata")
        for path, reason in self.skipped:
            lines.append(f"Skipped: {path}: {reason}")
        return "\n".join(lines)


class Ingestor:
    """Configured once (store, limits, model), then ``run`` on files or folders."""

    def __init__(self, store: Store, embedder_factory: Callable[[], object] | None = None,
                 restorer_factory: Callable[[], object] | None = None,
                 max_bytes: int = DEFAULT_MAX_BYTES, show_progress: bool = True):
        self.store = store
        self.embedder_factory = embedder_factory
        self.restorer_factory = restorer_factory
        self.max_bytes = max_bytes
        self.show_progress = show_progress
        self._embedder = None

    @property
    def embedder(self):
        if self._embedder is None and self.embedder_factory is not None:
            self._embedder = self.embedder_factory()
        return self._embedder

    def parse_files(self, files: list[Path], report: IngestReport) -> list[Parsed]:
        parsed: list[Parsed] = []
        ids: dict[str, Path] = {}
        for f in tqdm(files, desc="Đọc văn bản", unit="file", disable=not self.show_progress):
            try:
                raw = read_file(f, self.max_bytes)
                doc_id = doc_id_for(f)
                if doc_id in ids and ids[doc_id] != f:
                    doc_id = f"{doc_id}-{hashlib.sha1(str(f).encode()).hexdigest()[:6]}"
                ids[doc_id] = f
                parsed.append(parse_text(doc_id, f.name, raw))
            except IngestError as exc:
                report.skipped.append((str(f), exc.reason))
                log.warning("skipped %s: %s", f, exc.reason)
            except Exception as exc:  # a parser bug must not lose the other files
                report.skipped.append((str(f), f"could not be parsed ({type(exc).__name__}: {exc})"))
                log.exception("failed to parse %s", f)
        return parsed

    def run(self, paths: Iterable[str | Path] | None = None, add_only: bool = False, rebuild: bool = False,
            strict: bool = False) -> IngestReport:
        """Make the store hold the documents in ``paths`` (default: the bundled corpus).

        ``add_only`` keeps documents already in the store (uploads); otherwise documents no
        longer in ``paths`` are removed. With ``strict`` any skipped file aborts the run."""
        report = IngestReport()
        t0 = time.perf_counter()
        files, report.skipped = collect_files(paths or [BUNDLED_CORPUS])
        parsed = self.parse_files(files, report)
        if strict and report.skipped:
            raise IngestError(report.skipped[0][0], f"{report.skipped[0][1]} (--strict: nothing was changed)")
        if not parsed and not (add_only and self.store.exists()):
            return report

        with self.store.writer(fresh=rebuild) as w:
            existing = w.doc_hashes()
            view = w.snapshot_view()
            # duplicates are judged against what the store keeps as well
            kept_docs = [view.document(d) for d in existing] if add_only else []
            kept_docs = [d for d in kept_docs if d is not None and d.doc_id not in {p.doc.doc_id for p in parsed}]
            unique, report.duplicates = find_duplicates(kept_docs + [p.doc for p in parsed])
            unique_ids = {d.doc_id for d in unique}
            for d in report.duplicates:
                if d.dropped in existing and d.dropped not in {p.doc.doc_id for p in parsed}:
                    w.delete_document(d.dropped)
            keep = [p for p in parsed if p.doc.doc_id in unique_ids]
            for p in keep:
                if p.doc.doc_id not in existing:
                    report.added.append(p.doc.doc_id)
                elif existing[p.doc.doc_id] != p.doc.content_hash:
                    report.changed.append(p.doc.doc_id)
                else:
                    report.unchanged.append(p.doc.doc_id)
                w.put_document(p.doc, p.sections, p.chunks, p.assignments)
            if not add_only:
                for doc_id in set(existing) - {p.doc.doc_id for p in keep}:
                    w.delete_document(doc_id)
                    report.removed.append(doc_id)
            report.parse_seconds = time.perf_counter() - t0
            report.build = build_indexes(w.path, view, self.embedder, self.restorer_factory,
                                         show_progress=self.show_progress)
            docs = view.documents()
            report.documents = [d.doc_id for d in docs]
            report.sections = len(view.sections())
            report.chunks = len(view.chunks())
            report.assignments = len(view.assignments())
        return report
