"""The progress bar of `redline find`: counts while counting, a bar only once a total is known."""

from __future__ import annotations

import io

from rich.console import Console

from redline.cli.find import _Bar


def drawn(bar: _Bar, console: Console, buffer: io.StringIO) -> list[str]:
    buffer.seek(0)
    buffer.truncate()
    console.print(bar._progress.make_tasks_table(bar._progress.tasks))
    return buffer.getvalue().splitlines()


def test_stages_without_a_total_show_a_count_and_no_filled_bar() -> None:
    buffer = io.StringIO()
    console = Console(file=buffer, width=90, force_terminal=True, color_system=None)
    bar = _Bar(console)
    bar.advance("read", 1234)
    read, signed, verified = drawn(bar, console, buffer)
    assert "1,234" in read
    assert "?" not in read + signed + verified
    assert "━" not in read + signed

    bar.total("verified", 100)
    bar.advance("verified", 40)
    verified = drawn(bar, console, buffer)[2]
    assert "40/100" in verified
    assert "━" in verified
