"""Limits on input size, in a module light enough for the command line to import at start-up."""

from __future__ import annotations

# Articles are tens of kilobytes; 100,000 words is under 1 MB. 20 MB leaves room for bloated
# HTML while refusing a mistaken multi-gigabyte file before it is read into memory.
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
