"""A render worker process: one backend engine, one chunk at a time, over a pipe.

Started by ``reader.render.workers.WorkerPool`` as ``python -m reader.render.synth_worker
READ_FD WRITE_FD BACKEND``; its stdout goes to /dev/null (pyttsx3's driver
prints), and the protocol runs on the two pipe fds. Each job is synthesized and
encoded to a house-format chunk here, in-process, so the parent only stores
bytes. The worker exits when the parent closes its end of the pipe.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import sys
import threading
import time
from multiprocessing.connection import Connection
from typing import Any

log = logging.getLogger("reader.render.synth_worker")


def _warm_up() -> None:
    """Load the audio stack (numpy's FFT, lameenc) now, so the first chunk's timeout covers only its work."""
    import numpy as np

    from reader.audio import AudioSettings, encode_chunk

    tone = np.sin(np.arange(22050) / 8.0) * 0.3
    encode_chunk(tone, 22050, AudioSettings())


def _serve(backend_name: str, inbox: Connection, outbox: Connection) -> None:
    from reader.backends import get_backend
    from reader.errors import ReaderError
    from reader.render.chunk_render import render_chunk

    try:
        backend = get_backend(backend_name)
    except ReaderError as error:
        outbox.send(("fatal", os.getpid(), type(error).__name__, _message(error), error.cause))
        return
    _warm_up()
    warm_engine = getattr(backend, "warm_up", None)  # e.g. Piper: load the default voice, run it once
    if warm_engine is not None:
        try:
            warm_engine()
        except ReaderError as error:  # the chunk that needs the voice reports it, naming the chunk
            log.warning("backend %s could not warm up: %s", backend_name, error)
    outbox.send(("ready", os.getpid()))
    while True:
        try:
            job_id, job = inbox.recv()
        except (EOFError, OSError):
            return
        try:
            chunk = render_chunk(backend, job.text, job.options, job.settings)  # with its word times, if any
            outbox.send(("ok", job_id, chunk))
        except ReaderError as error:
            outbox.send(("error", job_id, type(error).__name__, _message(error), error.cause))
        except Exception as error:  # an engine's own exception: report it as this chunk's failure
            outbox.send(("error", job_id, "BackendError", f"{type(error).__name__}: {error}", None))


def _message(error: Any) -> str:
    """The error's message with its remedy, which the parent's rebuilt error would otherwise lose."""
    return error.message + (f"; to fix: {error.remedy}" if getattr(error, "remedy", None) else "")


def _watch_parent(parent: int) -> None:
    """Exit when the parent is gone, even if the engine is stuck and never reads the pipe's EOF."""
    while True:
        time.sleep(1.0)
        if os.getppid() != parent:
            os._exit(0)


def main(argv: list[str]) -> int:
    read_fd, write_fd, backend_name = int(argv[0]), int(argv[1]), argv[2]
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle; it stops the workers
    threading.Thread(target=_watch_parent, args=(os.getppid(),), daemon=True).start()
    logging.basicConfig(level=os.environ.get("READER_WORKER_LOG", "WARNING"), stream=sys.stderr)
    inbox = Connection(read_fd, writable=False)
    outbox = Connection(write_fd, readable=False)
    with contextlib.suppress(BrokenPipeError, EOFError):
        _serve(backend_name, inbox, outbox)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
