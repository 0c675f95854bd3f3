"""The reliability campaign: hostile inputs, fault injection and bounded load, one case at a time.

Run it with `bench/bench_reliability.py` (which writes docs/reliability.md).

How to add a case: in a module `cases_<area>.py` of this package, write a function

    def case_<name>(workdir: pathlib.Path) -> str:

that runs one scenario (usually the installed `redline` CLI, or `redline serve` in a
subprocess on loopback, through the helpers in `reliability.common`), raises AssertionError
with a message saying what went wrong when the behaviour is wrong, and returns a one-line
outcome ("60 SIGKILLs: integrity ok, index equal to an uninterrupted build"). The runner calls
every case in a fresh child process, in a fresh empty `workdir`, records its wall time and
peak memory (the child and everything it waited for), and puts the outcome in the table.

Keep every loop bounded: `common.iterations(full, quick)` gives the count for a full run and
for `--quick`. Cases must never reach beyond loopback, and write only under `workdir`.
The docstring's first line of a case is its description in the table.
"""
