"""One exception tree, so every entry point can turn a failure into one clean line.

Each error carries the context a user needs to act (the source, the backend,
the chunk, ffmpeg's stderr) and, where one can be inferred, a probable cause.
The CLI maps ``exit_code`` to its exit status and the web app ``http_status``
to its response; library callers catch ``ReaderError``.
"""

from __future__ import annotations


class ReaderError(Exception):
    """Base of every error this package raises on purpose."""

    exit_code: int = 1
    http_status: int = 500

    def __init__(self, message: str, *, cause: str | None = None, **context: object) -> None:
        super().__init__(message)
        self.message = message
        self.cause = cause
        self.context = context

    def __str__(self) -> str:
        if self.cause:
            return f"{self.message} (probable cause: {self.cause})"
        return self.message


class InputError(ReaderError):
    """The caller gave something unusable: a missing file, empty or binary input, a bad option."""

    exit_code = 2
    http_status = 400


class InputTooCostly(InputError):
    """The input is well formed but past a cap of ``reader.text.input_limits`` (elements, blocks, characters,
    sentences, a word's length): reading it would cost more than the stated budget (README, "Input
    budgets"), so it is refused before that cost is paid. 422: the request was fine, its content is not."""

    http_status = 422


class ExtractError(ReaderError):
    """A source was read but holds no article that can be spoken."""

    exit_code = 3
    http_status = 422


class FetchError(ExtractError):
    """A URL could not be fetched: refused by policy, unreachable, an HTTP error, too large."""

    exit_code = 4
    http_status = 422


class NormalizeError(ReaderError):
    """Text could not be made speakable."""


class BackendError(ReaderError):
    """A speech engine failed, is missing, or does not know the voice asked for."""

    exit_code = 5
    http_status = 502


class AudioError(ReaderError):
    """Decoding, encoding or assembling audio failed (ffmpeg's stderr in ``context``)."""

    exit_code = 6


class CacheError(ReaderError):
    """The audio cache could not be read or written (full disk, permissions, corrupt entry)."""

    exit_code = 7
    http_status = 503
