"""One exception tree, so every entry point can turn a failure into one clean line.

Each error carries the context a user needs to act (the source, the backend,
the chunk, ffmpeg's stderr) and, where one can be inferred, a probable cause.
The CLI maps ``exit_code`` to its exit status and the web app ``http_status``
to its response; library callers catch ``ReaderError``.
"""

from __future__ import annotations

import re

_ERRNO = re.compile(r"\[(?:Errno|WinError) -?\d+\]\s*")


def without_errno(text: str) -> str:
    """``text`` without Python's ``[Errno 2]`` / ``[WinError 5]`` markers."""
    return _ERRNO.sub("", text)


def os_reason(error: BaseException) -> str:
    """What went wrong, in words, for an ``OSError``: "no such file or directory", "permission denied";
    never Python's "[Errno 2] No such file or directory: 'x'" (the file is named by the message)."""
    reason = getattr(error, "strerror", None) or without_errno(str(error)) or type(error).__name__
    return reason[:1].lower() + reason[1:] if reason[1:2].islower() else reason


class ReaderError(Exception):
    """Base of every error this package raises on purpose.

    ``message`` says what happened; ``cause`` what probably made it happen (the user's machine,
    the page, the network), and ``remedy`` what to do about it; each is shown labelled as what it is:
    ``"… (probable cause: …); to fix: …"``. A raw errno never reaches the text.
    """

    exit_code: int = 1
    http_status: int = 500

    def __init__(self, message: str, *, cause: str | None = None, remedy: str | None = None, **context: object) -> None:
        super().__init__(message)
        self.message = message
        self.cause = cause
        self.remedy = remedy
        self.context = context

    def __str__(self) -> str:
        text = without_errno(self.message)
        if self.cause:
            text += f" (probable cause: {without_errno(self.cause)})"
        if self.remedy:
            text += f"; to fix: {self.remedy}"
        return text


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
