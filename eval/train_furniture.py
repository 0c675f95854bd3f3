"""Trains the learned furniture model (`redline.text.learned`) on real news pages.

Pages, visible text and gold labels are those of `eval/eval_furniture_pages.py`; only the
development half (publishers split by a SHA-256 of their name) of news_pages_fundus and
news_pages_zyte_benchmark is read for training, the sentences inside the article's zone. A
softmax regression over the evidence of `redline.text.learned.features` is fitted by plain
gradient descent (numpy, L2, classes weighted by the inverse square root of their share), then
the content threshold is the largest one on a grid that keeps `--keep` of the development
half's content sentences as content. Writes `src/redline/text/data/furniture_model.json`
(weights only: no page text leaves this process).

Usage: .venv/bin/python eval/train_furniture.py [--keep 0.995] [--epochs 3000] [--l2 1e-3]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from eval_furniture_pages import (
    DATA,
    ROOT,
    _half,
    _line_of,
    fundus_pages,
    gold_labels,
    visible_text,
    zone,
    zyte_pages,
)

from redline.models import Document
from redline.text.learned import CLASSES, features
from redline.text.segment import segment

OUT = ROOT / "src" / "redline" / "text" / "data" / "furniture_model.json"


def dev_rows(reader: str) -> tuple[list[dict[str, float]], list[str]]:
    """Evidence and gold class of every zone sentence of the development half."""
    xs: list[dict[str, float]] = []
    ys: list[str] = []
    for page in [*fundus_pages(), *zyte_pages()]:
        if _half(page.publisher) != "dev":
            continue
        text = visible_text(page.html, reader)
        sents = segment(text)
        if not sents:
            continue
        line_starts = [m.start() for m in re.finditer(r"^", text, re.MULTILINE)]
        lines = [_line_of(line_starts, s.span.start) for s in sents]
        labels = gold_labels(page, [s.text for s in sents])
        feats = features(Document(page.publisher, text), sents)
        for i in zone(labels, lines):
            xs.append(feats[i])
            ys.append(labels[i])
    return xs, ys


def fit(x: np.ndarray, y: np.ndarray, epochs: int, l2: float, lr: float) -> np.ndarray:
    """Softmax regression weights (features x classes) by full-batch gradient descent."""
    n, d = x.shape
    k = len(CLASSES)
    counts = np.bincount(y, minlength=k).astype(float)
    class_w = 1.0 / np.sqrt(np.maximum(counts, 1.0) / n)
    sample_w = class_w[y] / class_w[y].mean()
    onehot = np.eye(k)[y]
    w = np.zeros((d, k))
    for _ in range(epochs):
        scores = x @ w
        scores -= scores.max(axis=1, keepdims=True)
        p = np.exp(scores)
        p /= p.sum(axis=1, keepdims=True)
        grad = x.T @ ((p - onehot) * sample_w[:, None]) / n + l2 * w
        w -= lr * grad
    return w


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reader", choices=("inscriptis", "html2text"), default="inscriptis")
    parser.add_argument("--keep", type=float, default=0.995, help="dev content recall kept")
    parser.add_argument("--epochs", type=int, default=3000)
    parser.add_argument("--l2", type=float, default=1e-3)
    parser.add_argument("--lr", type=float, default=0.5)
    args = parser.parse_args()
    if not (DATA / "news_pages_fundus").is_dir():
        sys.exit(f"corpus not found under {DATA} (set REDLINE_DATA)")
    rows, labels = dev_rows(args.reader)
    names = sorted({name for r in rows for name in r})
    x = np.array([[r.get(name, 0.0) for name in names] for r in rows])
    y = np.array([CLASSES.index(lab) for lab in labels])
    # Scale each column to unit range so one learning rate fits all (folded back below).
    scale = np.maximum(np.abs(x).max(axis=0), 1e-9)
    scale[names.index("bias")] = 1.0
    w = fit(x / scale, y, args.epochs, args.l2, args.lr) / scale[:, None]
    scores = x @ w
    scores -= scores.max(axis=1, keepdims=True)
    p = np.exp(scores)
    p /= p.sum(axis=1, keepdims=True)
    content = y == 0
    threshold = 0.0
    for t in np.arange(0.01, 0.99, 0.01):
        if (p[content, 0] >= t).mean() >= args.keep:
            threshold = float(t)
    kept = (p[content, 0] >= threshold).mean()
    furn = (p[~content, 0] < threshold).mean()
    print(f"dev zone sentences: {len(y)} ({np.bincount(y, minlength=4).tolist()} c/t/b/f)")
    print(f"threshold {threshold:.2f}: dev content kept {kept:.3f}, non-content out {furn:.3f}")
    model = {
        "trained_on": (
            "development half (publisher SHA-256) of news_pages_fundus + "
            f"news_pages_zyte_benchmark, {args.reader} page text, zone sentences: "
            f"eval/train_furniture.py --keep {args.keep} --epochs {args.epochs} --l2 {args.l2}"
        ),
        "content_threshold": round(threshold, 2),
        "weights": {
            c: {name: round(float(w[j, k]), 4) for j, name in enumerate(names) if w[j, k]}
            for k, c in enumerate(CLASSES)
        },
    }
    OUT.write_text(json.dumps(model, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
