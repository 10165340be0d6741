"""Errors that name the source, the file and the line, so a user can find the problem."""

from __future__ import annotations

from collections.abc import Iterable


class RedlistError(Exception):
    """Base class for errors reported to users (the CLI prints them without a traceback)."""


class InvalidInput(RedlistError):
    """A question that names something unknown or malformed (a list id, a date, a change kind).

    Never answered with an empty result, which would read as "not listed": the API answers 422
    and the CLI names the bad value with the valid ones."""


class SourceError(RedlistError):
    """A publication could not be downloaded or parsed; the last good snapshot stays in place."""

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        file: str | None = None,
        line: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.source = source
        self.file = file
        self.line = line

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = self.file + (f", line {self.line}" if self.line else "")
        prefix = ": ".join(p for p in (self.source, where) if p)
        return f"{prefix}: {self.message}" if prefix else self.message

    def with_context(self, source: str | None = None, file: str | None = None) -> SourceError:
        """Fill in the source or file if the raiser did not know them."""
        self.source = self.source or source
        self.file = self.file or file
        return self


class ShrinkageError(RedlistError):
    """A new snapshot lost too many records compared with the last good one."""


class DataFileError(RedlistError):
    """A bundled data file is malformed; ``problems`` lists every problem found, each naming its place."""

    def __init__(self, message: str, *, problems: Iterable[str] = ()) -> None:
        super().__init__(message)
        self.problems = list(problems) or [message]


class StoreError(RedlistError):
    """The local store is missing, locked or inconsistent."""
