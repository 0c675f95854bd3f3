"""Work done a few batches ahead in worker processes, handed back in input order.

`redline index add` has one writer (SQLite allows one) and CPU work before it: extracting
HTML, shingling, signing. `ahead` runs that work in spawned processes, at most `2 * jobs`
batches ahead of the consumer so memory stays bounded, and yields results in the order the
batches came, so the index is the same whatever `jobs` is.
"""

from __future__ import annotations

import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from itertools import islice
from multiprocessing import get_context
from typing import TypeVar

from redline.errors import StoreError

T = TypeVar("T")
R = TypeVar("R")


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Lists of `size` items (the last one shorter)."""
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def watch_parent(parent: int) -> None:
    """Worker start-up: exit as soon as the parent dies (say, SIGKILLed) instead of lingering."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, daemon=True, name="redline-parent-watch").start()


def ahead(
    batches: Iterable[T],
    work: Callable[[T], R],
    jobs: int,
    *,
    local: Callable[[T], bool] | None = None,
) -> Iterator[tuple[T, R]]:
    """(batch, work(batch)) for every batch, in input order, computed in `jobs` processes.

    `work` must be picklable (a module-level function or a partial of one). Workers are
    spawned, not forked (the caller may be a threaded server holding SQLite handles), so a
    script calling this needs the usual `if __name__ == "__main__":` guard. Batches for
    which `local(batch)` is true are computed here instead: cheaper than shipping them.

    Raises:
        StoreError: a worker process died.
    """
    with ProcessPoolExecutor(
        jobs,
        mp_context=get_context("spawn"),
        initializer=watch_parent,
        initargs=(os.getpid(),),
    ) as pool:
        pending: deque[tuple[T, Future[R]]] = deque()
        for batch in batches:
            if local is not None and local(batch):
                future: Future[R] = Future()
                future.set_result(work(batch))
            else:
                future = pool.submit(work, batch)
            pending.append((batch, future))
            if len(pending) > 2 * jobs:
                done, future = pending.popleft()
                yield done, _result(future)
        while pending:
            done, future = pending.popleft()
            yield done, _result(future)


def _result(future: Future[R]) -> R:
    try:
        return future.result()
    except BrokenProcessPool as exc:
        raise StoreError(
            f"a worker process died ({exc}); in a script, call this under"
            " `if __name__ == '__main__':`, or use jobs=0"
        ) from exc
