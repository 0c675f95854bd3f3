"""Errors raised by redline.

The hierarchy::

    RedlineError                    root: catch this to catch everything redline raises
    ├── ConfigError(ValueError)     a setting out of range; names the value and the fix
    ├── InputError                  a document cannot be read; carries path and position
    │   ├── EmptyInputError         nothing but whitespace after extraction
    │   ├── BinaryInputError        the bytes are not text
    │   ├── EncodingError           not decodable and no usable charset detected
    │   └── TooLargeError           over the configured size limit
    ├── DependencyError(ImportError) an optional extra is missing; says what to install
    └── StoreError                  the persistent index refused an operation
        ├── DiskFullError           the index's disk is full; nothing half-written is kept
        └── NotFoundError(KeyError) no such document or cluster
"""

from __future__ import annotations


class RedlineError(Exception):
    """Root of every error redline raises on purpose."""


class ConfigError(RedlineError, ValueError):
    """A configuration value is out of range."""


class InputError(RedlineError):
    """A document could not be read.

    Args:
        path: the file (or "-" for stdin, or an id) the problem is in.
        message: what is wrong and what to do about it.
        position: a line number or byte offset where known.
    """

    def __init__(self, path: str, message: str, position: str | int | None = None) -> None:
        self.path = path
        self.position = position
        self.reason = message
        where = f"{path}:{position}" if position is not None else path
        super().__init__(f"cannot read {where}: {message}")


class EmptyInputError(InputError):
    """The document holds no text."""


class BinaryInputError(InputError):
    """The document is binary data, not text."""


class EncodingError(InputError):
    """The bytes could not be decoded."""


class TooLargeError(InputError):
    """The document is over the size limit."""


class DependencyError(RedlineError, ImportError):
    """An optional dependency is not installed."""


class StoreError(RedlineError):
    """The persistent index refused an operation."""


class DiskFullError(StoreError):
    """The index could not be written: its disk (or quota) is full."""


class NotFoundError(StoreError, KeyError):
    """No such document or cluster in the index."""

    def __str__(self) -> str:
        # KeyError quotes its argument; a user-facing message should read plainly.
        return str(self.args[0]) if self.args else "not found"
