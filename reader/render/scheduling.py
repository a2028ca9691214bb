"""Which queued chunk a render worker takes next: first the ones listeners are about to hear.

Each render queues its article's chunks in script order. Taken first in, first out, an article
renders front to back and the first article submitted finishes first; with several articles
rendering at once that starves the later ones: a listener of the third article hears its first
chunks, then waits for two whole articles. So an article someone is listening to has a playhead,
the index of the next chunk that listener needs (the web app's live stream sets it as it sends and
waits, ``web/streaming.py``), and a slack: how long until that listener has played all it was sent,
were it playing at the player's fastest speed (the server cannot see its speed). A queued chunk at
or after its article's playhead, and fewer than ``WINDOW`` chunks past it, is urgent, and due when
its listener will need it: the slack, plus ``CHUNK_SECONDS`` of speech at that speed for each chunk
between it and the playhead. The urgent chunk due first goes first (earliest deadline first), a tie
to the article served least recently, so articles with listeners take turns (round-robin) and a
listener about to run dry goes before one with audio in hand. Everything else
(articles nobody is listening to, chunks past the window or behind a listener who skipped ahead)
is bulk, and fills the gaps in submission order. With no playheads the order is exactly first in,
first out.

Playheads live in this process (``PLAYHEADS``): the live streams of this process's web app set them
and this process's pools read them. A render on an RQ worker (``READER_QUEUE_URL``), or in another
gunicorn worker process than the one streaming it, does not see them and renders in order.
``READER_RENDER_ORDER=fifo`` turns the scheduling off (the benchmark's baseline).
"""

from __future__ import annotations

import collections
import itertools
import os
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

__all__ = ["PLAYHEADS", "WINDOW", "ChunkQueue", "Listener", "Playheads", "listening", "playhead_first"]

WINDOW = 16  # chunks past a playhead that count as "about to be heard" (a minute of speech or so)
FASTEST_RATE = 2.0  # the player's fastest speed: each listener is assumed to play this fast
CHUNK_SECONDS = 3.0  # speech in a typical chunk (one sentence), for chunks not yet rendered


class Listener:
    """One listener of one article: ``at(index, sent)`` moves its playhead; ``close()`` ends it."""

    def __init__(self, registry: Playheads, article_id: str, index: int) -> None:
        self.registry, self.article_id, self.index = registry, article_id, index
        self.sent = 0.0  # seconds of audio sent to it
        self.started: float | None = None  # when its first audio was sent (it starts playing then)

    def at(self, index: int, sent: float | None = None) -> None:
        """The next chunk this listener needs is chunk ``index`` of its article; ``sent``: the seconds of
        audio it has been sent so far."""
        self.index = index
        if sent is not None:
            if self.started is None and sent > 0:
                self.started = self.registry.clock()
            self.sent = sent

    def slack(self, now: float) -> float:
        """Seconds until it has played everything sent, playing at ``FASTEST_RATE`` since its first audio."""
        if self.started is None:
            return 0.0
        return max(0.0, self.sent / FASTEST_RATE - (now - self.started))

    def close(self) -> None:
        self.registry._remove(self)

    def __enter__(self) -> Listener:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Playheads:
    """The articles being listened to in this process, and where each listener is."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        self._listeners: dict[str, list[Listener]] = {}

    def listen(self, article_id: str, index: int = 0) -> Listener:
        listener = Listener(self, article_id, index)
        with self._lock:
            self._listeners.setdefault(article_id, []).append(listener)
        return listener

    def _remove(self, listener: Listener) -> None:
        with self._lock:
            group = self._listeners.get(listener.article_id, [])
            if listener in group:
                group.remove(listener)
            if not group:
                self._listeners.pop(listener.article_id, None)

    def snapshot(self) -> dict[str, int]:
        """Article id → its playhead: the earliest chunk any of its listeners still needs."""
        return {article: index for article, (index, _) in self.due().items()}

    def due(self) -> dict[str, tuple[int, float]]:
        """Article id → (its playhead, the least slack of its listeners)."""
        now = self.clock()
        with self._lock:
            return {
                article: (min(x.index for x in group), min(x.slack(now) for x in group))
                for article, group in self._listeners.items()
            }


PLAYHEADS = Playheads()


def listening(article_id: str, index: int = 0) -> Listener:
    """Register a listener of ``article_id`` in this process (close it when the listener goes)."""
    return PLAYHEADS.listen(article_id, index)


def playhead_first() -> bool:
    """Whether pools started now schedule by playhead (``READER_RENDER_ORDER``: ``playhead``, ``fifo``)."""
    order = (os.environ.get("READER_RENDER_ORDER") or "playhead").strip().lower()
    if order not in ("playhead", "fifo"):
        from reader.errors import InputError

        raise InputError(f"READER_RENDER_ORDER must be 'playhead' or 'fifo', not {order!r}")
    return order == "playhead"


def _article(item: Any) -> str:
    return getattr(item[1], "article", "") or ""


def _index(item: Any) -> int:
    return int(getattr(item[1], "index", 0))


class ChunkQueue:
    """The pool's queue of tasks ``(task id, job, future, attempts)``, with a deque's methods.

    ``append`` queues a task; ``appendleft`` puts one back in front (a retry, a task a broken pipe
    did not deliver); ``popleft`` takes the next by the rule in the module's docstring. Not
    thread-safe by itself: the pool holds its lock around every call.
    """

    def __init__(self, playheads: Playheads | None = PLAYHEADS, *, window: int = WINDOW) -> None:
        self.playheads = playheads  # None: first in, first out
        self.window = window
        self._articles: dict[str, collections.deque[tuple[int, Any]]] = {}
        self._back = itertools.count()
        self._front = itertools.count(-1, -1)
        self._served: dict[str, float] = {}  # article → when one of its chunks was last taken as urgent
        self._size = 0

    def append(self, item: Any) -> None:
        self._articles.setdefault(_article(item), collections.deque()).append((next(self._back), item))
        self._size += 1

    def appendleft(self, item: Any) -> None:
        self._articles.setdefault(_article(item), collections.deque()).appendleft((next(self._front), item))
        self._size += 1

    def popleft(self) -> Any:
        if not self._size:
            raise IndexError("pop from an empty chunk queue")
        article, position = self._urgent() or self._oldest()
        queue = self._articles[article]
        _, item = queue[position]
        del queue[position]
        if not queue:
            del self._articles[article]
        self._size -= 1
        return item

    def _urgent(self) -> tuple[str, int] | None:
        """The urgent chunk due first (ties: the article served least recently)."""
        if self.playheads is None:
            return None
        best: tuple[tuple[float, float, int], str, int] | None = None
        for article, (playhead, slack) in self.playheads.due().items():
            queue = self._articles.get(article)
            if not queue:
                continue
            for position, (sequence, item) in enumerate(queue):
                distance = _index(item) - playhead
                if distance < 0:
                    continue  # behind the listener (who skipped ahead): bulk
                if distance < self.window:
                    due = slack + distance * CHUNK_SECONDS / FASTEST_RATE
                    rank = (due, self._served.get(article, 0.0), sequence)
                    if best is None or rank < best[0]:
                        best = (rank, article, position)
                break  # the deque is in script order: later chunks of this article are further away
        if best is None:
            return None
        self._served[best[1]] = time.monotonic()
        if len(self._served) > 4096:  # forget articles long gone
            self._served = {a: t for a, t in self._served.items() if a in self._articles}
        return best[1], best[2]

    def _oldest(self) -> tuple[str, int]:
        article = min(self._articles, key=lambda a: self._articles[a][0][0])
        return article, 0

    def clear(self) -> None:
        self._articles.clear()
        self._size = 0

    def __len__(self) -> int:
        return self._size

    def __bool__(self) -> bool:
        return self._size > 0

    def __iter__(self) -> Iterator[Any]:
        """Every queued task, oldest first."""
        entries = sorted(entry for queue in self._articles.values() for entry in queue)
        return iter([item for _, item in entries])
