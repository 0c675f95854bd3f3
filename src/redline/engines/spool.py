"""On-disk spool of the documents and shingle sets of a run.

A million articles are gigabytes of text and shingles; memory holds only offsets. Shingles are
read back with `pread` (not a memory map, whose touched pages would count as resident memory)
when a candidate pair is verified, and documents when a report or the deduplicated output needs
them.
"""

from __future__ import annotations

import os
import pickle
from array import array
from pathlib import Path
from types import TracebackType

import numpy as np

from redline.discover.sentences import SentenceSketch, empty_sketch, sketch_of
from redline.discover.shingle import U64Array
from redline.models import Document

_ITEM = np.dtype(np.uint64).itemsize


class Spool:
    """Append-only store of (document, shingle set, sentence sketch) by index, in a folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.shingle_path = folder / "shingles.bin"
        self.sentence_path = folder / "sentences.bin"
        self._docs = (folder / "documents.bin").open("w+b")
        self._shingles = self.shingle_path.open("w+b")
        self._sentences = self.sentence_path.open("w+b")
        self._doc_offsets = array("q", [0])
        self._shingle_offsets = array("q", [0])
        # Per document: where its sketch starts (in uint64 elements) and its word and
        # sentence counts; the sketch is stored as words, then sizes, then sequence hashes.
        self._sentence_offsets = array("q", [0])
        self._sentence_words = array("q")
        self._sentence_counts = array("q")

    def __len__(self) -> int:
        return len(self._doc_offsets) - 1

    def add(
        self, doc: Document, shingles: U64Array, sentences: SentenceSketch | None = None
    ) -> int:
        """Store a document, its shingle set and its sentence sketch; returns its index."""
        # A plain tuple: pickling a slotted dataclass goes through dataclasses.fields() each time.
        fields = (doc.id, doc.text, doc.title, doc.url, doc.date, doc.byline)
        blob = pickle.dumps(fields, protocol=pickle.HIGHEST_PROTOCOL)
        self._docs.write(blob)
        self._doc_offsets.append(self._doc_offsets[-1] + len(blob))
        self._shingles.write(np.ascontiguousarray(shingles, dtype=np.uint64).tobytes())
        self._shingle_offsets.append(self._shingle_offsets[-1] + len(shingles))
        sk = sentences or empty_sketch()
        for part in (sk.words, sk.sizes.astype(np.uint64), sk.exact):
            self._sentences.write(np.ascontiguousarray(part, dtype=np.uint64).tobytes())
        self._sentence_words.append(len(sk.words))
        self._sentence_counts.append(sk.count)
        self._sentence_offsets.append(self._sentence_offsets[-1] + len(sk.words) + 2 * sk.count)
        return len(self) - 1

    def flush(self) -> None:
        """Make everything written so far readable by other processes."""
        self._docs.flush()
        self._shingles.flush()
        self._sentences.flush()

    def extent(self, index: int) -> tuple[int, int]:
        """(first element, element count) of a document's shingles in the shingle file."""
        start = self._shingle_offsets[index]
        return start, self._shingle_offsets[index + 1] - start

    def sentence_extent(self, index: int) -> tuple[int, int, int]:
        """(first element, word count, sentence count) of a document's sentence sketch."""
        return (
            self._sentence_offsets[index],
            self._sentence_words[index],
            self._sentence_counts[index],
        )

    def sentences(self, index: int) -> SentenceSketch:
        """The sentence sketch of document `index` (empty when none was stored)."""
        return read_sentences(self._sentences.fileno(), *self.sentence_extent(index))

    def shingles(self, index: int) -> U64Array:
        """The shingle set of document `index`."""
        start, count = self.extent(index)
        return read_shingles(self._shingles.fileno(), start, count)

    def document(self, index: int) -> Document:
        """Document `index` as it was read."""
        start, end = self._doc_offsets[index], self._doc_offsets[index + 1]
        blob = os.pread(self._docs.fileno(), end - start, start)
        doc_id, text, title, url, date, byline = pickle.loads(blob)  # noqa: S301 - our own temp file
        return Document(doc_id, text, title, url, date, byline)

    def close(self) -> None:
        """Close and delete the spool files."""
        for fh in (self._docs, self._shingles, self._sentences):
            fh.close()
        for path in (self.folder / "documents.bin", self.shingle_path, self.sentence_path):
            path.unlink(missing_ok=True)

    def __enter__(self) -> Spool:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def read_shingles(fd: int, start: int, count: int) -> U64Array:
    """`count` shingles from element `start` of an open shingle file."""
    data = os.pread(fd, count * _ITEM, start * _ITEM)
    return np.frombuffer(data, dtype=np.uint64)


def read_sentences(fd: int, start: int, words: int, count: int) -> SentenceSketch:
    """The sentence sketch stored at element `start` of an open sentence file."""
    if count == 0:
        return empty_sketch()
    data = np.frombuffer(os.pread(fd, (words + 2 * count) * _ITEM, start * _ITEM), np.uint64)
    return sketch_of(
        data[:words], data[words : words + count].astype(np.int64), data[words + count :]
    )
