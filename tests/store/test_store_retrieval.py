"""Query is retrieval: rewritten versions are found, ranked, labelled, and shown with evidence."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from invented import article, version
from wire import OTHER, REWRITE, WIRE

from redline.models import Document
from redline.store import Index


@pytest.fixture
def index(tmp_path: Path) -> Index:
    store = Index(tmp_path / "test.db")
    store.add(Document(id="pa/tamblyn.txt", text=WIRE, title="Harbour master jailed"))
    store.add(Document(id="pa/oduya.txt", text=OTHER))
    for n in range(6):
        store.add(Document(id=f"other/{n}.txt", text=article(100 + n)))
    yield store
    store.close()


def test_a_rewrite_finds_its_wire_source_first_with_the_shared_sentences(index: Index) -> None:
    matches = index.query(REWRITE)
    assert matches, "the rewrite got no answer"
    best = matches[0]
    assert best.id == "pa/tamblyn.txt"
    assert best.title == "Harbour master jailed"
    # Not a version by the clustering rule (that rule alone answered nothing before) ...
    assert best.verdict in ("derived", "partial reuse")
    assert best.jaccard < 0.4
    # ... but a substantial share of the rewrite is in the wire story, and back.
    assert best.trigram_a_in_b > 0.2 and best.trigram_b_in_a > 0.2
    quoted = {p.query for p in best.evidence}
    assert "Judge Petra Okonkwo said he had betrayed men who trusted him with their savings." in (
        quoted
    )
    assert best.shared_sentences >= 3
    assert all(p.share >= 0.5 for p in best.evidence)
    # A court story with other names shares only everyday words: no answer, or a weak one.
    for m in matches[1:]:
        assert m.verdict == "related"
        assert m.score < best.score / 2


def test_verdicts_follow_how_much_is_shared(index: Index) -> None:
    assert index.query(WIRE)[0].verdict == "version"
    assert index.query(version(WIRE, 3))[0].verdict == "version"
    # Two of eight sentences lifted into an otherwise new story.
    lifted = "\n\n".join(WIRE.split("\n\n")[1:3])
    partial = f"{OTHER}\n\n{lifted}\n\n{article(7)}"
    found = {m.id: m for m in index.query(partial)}
    assert found["pa/tamblyn.txt"].verdict == "partial reuse"
    assert found["pa/tamblyn.txt"].shared_sentences == 2


def test_a_text_sharing_nothing_gets_no_answer(index: Index) -> None:
    assert index.query(article(999)) == []
    assert index.query("") == []


def test_evidence_can_be_left_out(index: Index) -> None:
    best = index.query(REWRITE, evidence=0)[0]
    assert best.id == "pa/tamblyn.txt"
    assert best.evidence == () and best.shared_sentences == 0


def test_a_removed_document_is_no_longer_an_answer(index: Index, tmp_path: Path) -> None:
    index.remove("pa/tamblyn.txt")
    assert "pa/tamblyn.txt" not in {m.id for m in index.query(REWRITE)}
    conn = sqlite3.connect(tmp_path / "test.db")
    held = {row[0] for row in conn.execute("SELECT doc FROM term_docs")}
    posted = {row[0] for row in conn.execute("SELECT DISTINCT doc FROM terms")}
    docs = {row[0] for row in conn.execute("SELECT doc FROM documents")}
    conn.close()
    assert held == posted == docs


def test_match_json_keeps_its_old_keys_and_adds_the_verdict(index: Index) -> None:
    d = index.query(REWRITE)[0].to_dict()
    assert {"id", "cluster", "title", "url", "date", "jaccard", "a_in_b", "b_in_a"} <= set(d)
    assert d["verdict"] in ("derived", "partial reuse")
    assert d["evidence"] and set(d["evidence"][0]) == {"query", "match", "share"}


def _drop_retrieval(path: Path) -> None:
    """Rewrite an index as it was before retrieval: no word postings, no marker."""
    conn = sqlite3.connect(path)
    conn.executescript(
        """
        DROP TABLE terms;
        DROP TABLE term_docs;
        DELETE FROM meta WHERE key = 'retrieval';
        """
    )
    conn.close()


def test_an_index_from_before_retrieval_is_backfilled_on_open(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with Index(path) as store:
        store.add(Document(id="pa/tamblyn.txt", text=WIRE))
        store.add(Document(id="pa/oduya.txt", text=OTHER))
        fresh = store.query(REWRITE)
    conn = sqlite3.connect(path)
    rows = conn.execute("SELECT * FROM terms ORDER BY term, doc").fetchall()
    conn.close()
    _drop_retrieval(path)
    with Index(path) as store:
        upgraded = store.query(REWRITE)
        assert store.stats().documents == 2
    assert [m.to_dict() for m in upgraded] == [m.to_dict() for m in fresh]
    assert upgraded[0].id == "pa/tamblyn.txt"
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT * FROM terms ORDER BY term, doc").fetchall() == rows
    assert conn.execute("SELECT value FROM meta WHERE key = 'retrieval'").fetchone() == ("1",)
    conn.close()


def test_asking_for_more_answers_than_are_reranked_gets_them(tmp_path: Path) -> None:
    # 30 pieces that each reuse a third of the wire story after stories of their own.
    wire = WIRE.split("\n\n")
    with Index(tmp_path / "many.db") as store:
        for n in range(30):
            taken = "\n\n".join(wire[n % 3 :: 3])
            store.add(Document(id=f"reuse/{n:02d}.txt", text=f"{article(300 + n)}\n\n{taken}"))
        default = store.query(WIRE)
        many = store.query(WIRE, limit=30)
        few = store.query(WIRE, limit=5)
    assert len(default) == 10
    assert len(few) == 5
    assert len(many) == 30
    assert [m.id for m in many[:10]] == [m.id for m in default]
