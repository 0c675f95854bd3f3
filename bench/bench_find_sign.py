"""Raw text to MinHash signature, per core: redline vs rensa vs datasketch, and LSH candidates.

    .venv/bin/python bench/bench_find_sign.py [--docs 3000] [--repeat 3]

Part 1 signs 600-word documents made of real Reuters C50 article text, in one process on one
core (native thread pools pinned to one thread), every method from the same raw text:

- redline: `keys` (normalize) -> `shingle_hashes` -> `sign_batch` (and `sign` one at a time);
- rensa / datasketch "same shingles": redline's shingle hashes signed by RMinHash
  (`digest_matrix_from_token_hash_sets`) or datasketch MinHash (identity hash, low 32 bits);
- rensa / datasketch "own tokens": the same normalized word keys joined into 5-word shingle
  strings, as their READMEs do it (rensa `RMinHash.update`, datasketch `update_batch` of bytes).

Part 2 generates LSH candidates from the same signatures with the same (bands, rows): redline's
numpy sort of band keys vs datasketch MinHashLSH (insert all, query all), and checks that the
two candidate sets are identical.
"""

# ruff: noqa: E402  (thread pools must be pinned to one thread before numpy and rensa load)
from __future__ import annotations

import os

# One core: pin native thread pools before numpy or rensa start them.
for _var in ("RAYON_NUM_THREADS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse
import platform
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "eval"))
import find_corpus as fc

from redline.discover import lsh, minhash
from redline.discover.shingle import DEFAULT_SHINGLE, U64Array, hash_words, shingle_hashes
from redline.text.normalize import keys

try:  # the engine's fast tokenizer (same hashes as hash_words(keys(text)))
    from redline.discover.tokens import word_hashes
except ImportError:  # an older checkout: the reference path

    def word_hashes(text: str) -> U64Array:
        return hash_words(keys(text))


NUM_PERM = 128
SEED = 1
CHUNK = 1000  # documents signed per sign_batch call, as a streaming engine would


def _ngrams(ks: list[str], n: int = DEFAULT_SHINGLE) -> list[str]:
    if len(ks) < n:
        return [" ".join(ks)] if ks else []
    return [" ".join(ks[i : i + n]) for i in range(len(ks) - n + 1)]


def redline_batch(texts: Sequence[str]) -> np.ndarray:
    cfg = minhash.MinHashConfig(num_perm=NUM_PERM, seed=SEED)
    out = []
    for i in range(0, len(texts), CHUNK):
        sets = [shingle_hashes(word_hashes(t)) for t in texts[i : i + CHUNK]]
        out.append(minhash.sign_batch(sets, cfg))
    return np.concatenate(out)


def redline_fingerprint(texts: Sequence[str]) -> list[object]:
    """The engine's per-batch stage: shingle sets, signatures, band keys and set digests."""
    from redline.discover.fingerprint import fingerprint

    mh = minhash.MinHashConfig(num_perm=NUM_PERM, seed=SEED)
    cfg = lsh.derive(num_perm=NUM_PERM)
    return [fingerprint(texts[i : i + CHUNK], mh, cfg) for i in range(0, len(texts), CHUNK)]


def redline_reference(texts: Sequence[str]) -> np.ndarray:
    cfg = minhash.MinHashConfig(num_perm=NUM_PERM, seed=SEED)
    out = []
    for i in range(0, len(texts), CHUNK):
        sets = [shingle_hashes(hash_words(keys(t))) for t in texts[i : i + CHUNK]]
        out.append(minhash.sign_batch(sets, cfg))
    return np.concatenate(out)


def redline_single(texts: Sequence[str]) -> list[np.ndarray]:
    cfg = minhash.MinHashConfig(num_perm=NUM_PERM, seed=SEED)
    return [minhash.sign(shingle_hashes(word_hashes(t)), cfg) for t in texts]


def rensa_same_shingles(texts: Sequence[str]) -> object:
    from rensa import RMinHash

    out = []
    for i in range(0, len(texts), CHUNK):
        sets = [shingle_hashes(word_hashes(t)) for t in texts[i : i + CHUNK]]
        out.append(RMinHash.digest_matrix_from_token_hash_sets(sets, NUM_PERM, SEED))
    return out


def rensa_own_tokens(texts: Sequence[str]) -> list[object]:
    from rensa import RMinHash

    out = []
    for t in texts:
        m = RMinHash(num_perm=NUM_PERM, seed=SEED)
        m.update(_ngrams(keys(t)))
        out.append(m.digest())
    return out


def datasketch_same_shingles(texts: Sequence[str]) -> list[object]:
    from datasketch import MinHash

    out = []
    for t in texts:
        sh = shingle_hashes(word_hashes(t)) & np.uint64(0xFFFFFFFF)
        m = MinHash(num_perm=NUM_PERM, seed=SEED, hashfunc=int)
        m.update_batch(sh.tolist())
        out.append(m.hashvalues)
    return out


def datasketch_own_tokens(texts: Sequence[str]) -> list[object]:
    from datasketch import MinHash

    out = []
    for t in texts:
        m = MinHash(num_perm=NUM_PERM, seed=SEED)
        m.update_batch([s.encode() for s in _ngrams(keys(t))])
        out.append(m.hashvalues)
    return out


def _time(fn: Callable[[Sequence[str]], object], texts: Sequence[str], repeat: int) -> float:
    """Fastest of `repeat` runs in CPU seconds of this process (word caches warm, as in a long
    run). CPU time, not wall time: the machine is shared, and a core lent to another process
    must not count against the method."""
    runs = []
    for _ in range(repeat):
        t0 = time.process_time()
        fn(texts)
        runs.append(time.process_time() - t0)
    return min(runs)


def _stages(texts: Sequence[str], repeat: int) -> dict[str, float]:
    """CPU seconds per stage of redline's path (fastest of `repeat`)."""
    cfg = minhash.MinHashConfig(num_perm=NUM_PERM, seed=SEED)
    res: dict[str, list[float]] = {"word_hashes": [], "shingles": [], "sign_batch": []}
    for _ in range(repeat):
        t0 = time.process_time()
        ks = [word_hashes(t) for t in texts]
        t1 = time.process_time()
        sets = [shingle_hashes(k) for k in ks]
        t2 = time.process_time()
        for i in range(0, len(sets), CHUNK):
            minhash.sign_batch(sets[i : i + CHUNK], cfg)
        t3 = time.process_time()
        res["word_hashes"].append(t1 - t0)
        res["shingles"].append(t2 - t1)
        res["sign_batch"].append(t3 - t2)
    return {k: min(v) for k, v in res.items()}


def signing(n_docs: int, repeat: int) -> None:
    articles = [t for _, t in fc.c50_articles()]
    warm = fc.docs_of_words(articles[::-1], 600, 500)
    texts = fc.docs_of_words(articles, 600, n_docs)
    words = sum(len(t.split()) for t in texts) / len(texts)
    methods: list[tuple[str, Callable[[Sequence[str]], object]]] = [
        ("redline  fingerprint(): engine batch stage", redline_fingerprint),
        ("redline  word_hashes -> shingles -> sign_batch", redline_batch),
        ("redline  same, sign() one doc at a time", redline_single),
        ("redline  reference keys() -> shingles -> sign", redline_reference),
        ("rensa    redline shingles -> digest matrix", rensa_same_shingles),
        ("rensa    5-word key strings -> RMinHash", rensa_own_tokens),
        ("datasketch redline shingles -> MinHash", datasketch_same_shingles),
        ("datasketch 5-word key strings -> MinHash", datasketch_own_tokens),
    ]
    print(f"## signing: {len(texts)} documents of {words:.0f} words, num_perm={NUM_PERM}, 1 core")
    try:
        import redline.discover.fingerprint  # noqa: F401
    except ImportError:
        methods = methods[1:]
    for _, fn in methods:
        fn(warm)  # warm the word caches and any lazy imports
    base = None
    print(f"{'method':48} {'docs/s/core':>12} {'us/doc':>8} {'vs redline':>10}")
    for name, fn in methods:
        reps = repeat if "datasketch" not in name else 1  # datasketch: slow, and steady
        sec = _time(fn, texts, reps)
        rate = len(texts) / sec
        base = base or rate
        print(f"{name:48} {rate:12,.0f} {1e6 / rate:8.1f} {base / rate:9.2f}x")
    _check_same(texts)
    sign_only(texts, repeat)
    stages = _stages(texts, repeat)
    total = sum(stages.values())
    print("\nredline stages (fastest run, CPU time):")
    for k, v in stages.items():
        print(f"  {k:12} {1e6 * v / len(texts):7.1f} us/doc  {100 * v / total:4.0f}%")


def _check_same(texts: Sequence[str]) -> None:
    """The fast paths must give exactly the reference shingles (`shingle.shingles`)."""
    from redline.discover.shingle import shingles

    ref = [shingles(t) for t in texts]
    fast = [shingle_hashes(word_hashes(t)) for t in texts]
    same = all(np.array_equal(a, b) for a, b in zip(ref, fast, strict=True))
    try:
        from redline.discover.fingerprint import fingerprint
    except ImportError:
        print(f"\nsame shingle sets as shingle.shingles: word_hashes {same}")
        return
    mh = minhash.MinHashConfig(num_perm=NUM_PERM, seed=SEED)
    sets = fingerprint(texts, mh, lsh.derive(num_perm=NUM_PERM)).sets
    engine = all(np.array_equal(a, b) for a, b in zip(ref, sets, strict=True))
    print(f"\nsame shingle sets as shingle.shingles: word_hashes {same}, fingerprint {engine}")


def sign_only(texts: Sequence[str], repeat: int) -> None:
    """Signing alone, from the same precomputed shingle sets."""
    from datasketch import MinHash
    from rensa import RMinHash

    sets = [shingle_hashes(word_hashes(t)) for t in texts]
    cfg = minhash.MinHashConfig(num_perm=NUM_PERM, seed=SEED)
    chunks = [sets[i : i + CHUNK] for i in range(0, len(sets), CHUNK)]

    def ds(_: object) -> None:
        for sh in sets:
            m = MinHash(num_perm=NUM_PERM, seed=SEED, hashfunc=int)
            m.update_batch((sh & np.uint64(0xFFFFFFFF)).tolist())

    rows = [
        ("redline  sign_batch", lambda _: [minhash.sign_batch(c, cfg) for c in chunks]),
        (
            "rensa    digest_matrix_from_token_hash_sets",
            lambda _: [
                RMinHash.digest_matrix_from_token_hash_sets(c, NUM_PERM, SEED) for c in chunks
            ],
        ),
        ("datasketch MinHash.update_batch", ds),
    ]
    print("\nsigning alone, same shingle sets precomputed:")
    base = None
    for name, fn in rows:
        sec = _time(fn, texts, repeat if "datasketch" not in name else 1)
        base = base or sec
        print(f"  {name:46} {1e6 * sec / len(texts):8.1f} us/doc {sec / base:6.2f}x")


def candidates(repeat: int) -> None:
    from datasketch import MinHash, MinHashLSH

    # Real articles plus one edited copy each (a paragraph dropped), so there are true
    # candidates, alongside the natural duplicates the corpora already hold.
    base = [t for _, t in fc.c50_articles() + fc.bbc_articles()]
    rng = np.random.default_rng(7)
    texts = list(base)
    for t in base:
        paras = fc.paragraphs(t)
        if len(paras) > 2:
            del paras[int(rng.integers(len(paras)))]
        texts.append("\n\n".join(paras))
    sigs = redline_batch(texts)
    cfg = lsh.derive(num_perm=NUM_PERM)
    b, r = cfg.bands, cfg.rows
    print(f"\n## LSH candidates: {len(texts)} signatures, bands={b} rows={r} (lsh.derive defaults)")

    def run_redline() -> set[tuple[int, int]]:
        keys = lsh.band_keys_batch(sigs, b, r)
        # The engine's own function: a sort per band; buckets over max_bucket are chained, not
        # paired exhaustively, so a huge bucket can make the sets differ (none is that big here).
        codes = lsh.candidates(keys)
        n = np.uint64(len(sigs))
        return set(zip((codes // n).tolist(), (codes % n).tolist(), strict=True))

    def run_datasketch() -> set[tuple[int, int]]:
        index = MinHashLSH(num_perm=NUM_PERM, params=(b, r))
        hashes = [MinHash(num_perm=NUM_PERM, hashvalues=s, scheme="affine32") for s in sigs]
        for i, m in enumerate(hashes):
            index.insert(i, m)
        out: set[tuple[int, int]] = set()
        for i, m in enumerate(hashes):
            for j in index.query(m):
                if j != i:
                    out.add((i, j) if i < j else (j, i))
        return out

    times: dict[str, float] = {}
    found: dict[str, set[tuple[int, int]]] = {}
    for name, fn in (
        ("redline numpy band-key sort", run_redline),
        ("datasketch MinHashLSH", run_datasketch),
    ):
        runs = []
        for _ in range(repeat if name.startswith("redline") else 1):
            t0 = time.process_time()
            found[name] = fn()
            runs.append(time.process_time() - t0)
        times[name] = min(runs)
    red, ds = found.values()
    base_t = times["redline numpy band-key sort"]
    for name, sec in times.items():
        print(f"{name:30} {sec:8.3f} CPU s {len(found[name]):7,} candidates {sec / base_t:6.1f}x")
    print(
        f"identical candidate sets: {red == ds}"
        f" (only redline: {len(red - ds)}, only datasketch: {len(ds - red)})"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--docs", type=int, default=3000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--skip-lsh", action="store_true")
    args = ap.parse_args()
    print(
        f"# bench_find_sign {datetime.now(UTC).isoformat(timespec='seconds')} "
        f"{platform.node()} ({os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}) "
        f"python {platform.python_version()}"
    )
    try:
        from redline.discover import tokens

        fast = "on" if getattr(tokens, "_FAST", None) is not None else "OFF (WORD_RE changed?)"
    except ImportError:
        fast = "absent"
    print(f"# engine fast tokenizer (discover/tokens.py): {fast}")
    signing(args.docs, args.repeat)
    if not args.skip_lsh:
        candidates(args.repeat)
    print(f"# load average at end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
