"""Playhead-first scheduling: the render pool serves first the chunks listeners are about to hear.

The ordering rule is checked on the queue alone (pure); then on a real pool of one eSpeak NG worker
(pyttsx3) rendering two articles at once, where the one being listened to gets its next chunks
before the rest of the one submitted first, and, with scheduling off, the old order comes back.
"""

from __future__ import annotations

import dataclasses
import threading
from concurrent.futures import Future

import audio_support as support
import pytest

from reader.errors import InputError
from reader.render import RenderOptions, article_id, start_render
from reader.render.scheduling import ChunkQueue, Playheads, playhead_first
from reader.render.workers import Job, WorkerPool
from reader.store import open_store


def task(article: str, index: int, number: list[int] = [0]) -> tuple:  # noqa: B006 (a counter)
    number[0] += 1
    return (number[0], Job(f"{article}{index}", "text", "fake", None, None, index, article), Future(), 0)  # type: ignore[arg-type]


def drain(queue: ChunkQueue) -> list[str]:
    order = []
    while queue:
        job = queue.popleft()[1]
        order.append(f"{job.article}{job.index}")
    return order


def fill(queue: ChunkQueue, articles: dict[str, range]) -> None:
    for article, indices in articles.items():
        for index in indices:
            queue.append(task(article, index))


def test_without_listeners_the_queue_is_first_in_first_out():
    queue = ChunkQueue(Playheads())
    fill(queue, {"a": range(3), "b": range(2)})
    queue.appendleft(task("b", 9))  # a retry goes first
    assert drain(queue) == ["b9", "a0", "a1", "a2", "b0", "b1"]


def test_a_listened_article_goes_first_from_its_playhead():
    heads = Playheads()
    queue = ChunkQueue(heads)
    fill(queue, {"a": range(4), "b": range(4)})
    heads.listen("b", 2)
    # b2 and b3 are what the listener hears next; b0 and b1 are behind the playhead: bulk, in order
    assert drain(queue) == ["b2", "b3", "a0", "a1", "a2", "a3", "b0", "b1"]


def test_listened_articles_take_turns_nearest_playhead_first():
    heads = Playheads()
    queue = ChunkQueue(heads)
    fill(queue, {"a": range(3), "b": range(3), "c": range(3)})
    heads.listen("a", 0)
    heads.listen("c", 0)
    assert drain(queue) == ["a0", "c0", "a1", "c1", "a2", "c2", "b0", "b1", "b2"]


def test_a_moving_playhead_keeps_round_robin_fair():
    heads = Playheads()
    queue = ChunkQueue(heads)
    fill(queue, {"a": range(3), "b": range(3)})
    first, second = heads.listen("a", 0), heads.listen("b", 0)
    order = []
    while queue:
        job = queue.popleft()[1]
        order.append(f"{job.article}{job.index}")
        (first if job.article == "a" else second).at(job.index + 1)  # each listener hears what was rendered
    assert order == ["a0", "b0", "a1", "b1", "a2", "b2"]


def test_a_listener_about_to_run_dry_goes_before_one_with_audio_in_hand():
    now = [100.0]
    heads = Playheads(clock=lambda: now[0])
    queue = ChunkQueue(heads)
    fill(queue, {"a": range(5, 8), "b": range(2, 5)})
    ahead, behind = heads.listen("a", 5), heads.listen("b", 2)
    ahead.at(5, sent=40.0)  # 40 s of audio sent to each, both starting now
    behind.at(2, sent=4.0)
    now[0] += 1.0  # a second later, at 2x: 19 s left for a, 1 s for b (the next three chunks of b: 1, 2.5, 4 s)
    assert drain(queue) == ["b2", "b3", "b4", "a5", "a6", "a7"]
    assert behind.slack(now[0]) == 1.0 and ahead.slack(now[0] + 30) == 0.0


def test_chunks_past_the_window_are_bulk():
    heads = Playheads()
    queue = ChunkQueue(heads, window=2)
    fill(queue, {"a": range(2), "b": range(4)})
    heads.listen("b", 0)
    assert drain(queue) == ["b0", "b1", "a0", "a1", "b2", "b3"]


def test_the_earliest_listener_sets_the_playhead_and_leaving_ends_it():
    heads = Playheads()
    with heads.listen("a", 5), heads.listen("a", 2) as slow:
        assert heads.snapshot() == {"a": 2}
        slow.at(7)
        assert heads.snapshot() == {"a": 5}
    assert heads.snapshot() == {}


def test_scheduling_off_is_first_in_first_out():
    heads = Playheads()
    queue = ChunkQueue(None)
    fill(queue, {"a": range(2), "b": range(2)})
    heads.listen("b", 0)
    assert drain(queue) == ["a0", "a1", "b0", "b1"]


def test_the_setting_names_its_values(monkeypatch):
    monkeypatch.setenv("READER_RENDER_ORDER", "fifo")
    assert playhead_first() is False
    monkeypatch.setenv("READER_RENDER_ORDER", "random")
    with pytest.raises(InputError, match="READER_RENDER_ORDER must be 'playhead' or 'fifo', not 'random'"):
        playhead_first()


class Recording:
    """The real pool, with the order in which chunks came back."""

    def __init__(self, pool: WorkerPool) -> None:
        self.pool, self.backend, self.size = pool, pool.backend, pool.size
        self.done: list[tuple[str, int]] = []
        self.lock = threading.Lock()
        self.on_done = lambda job: None

    def submit(self, job: Job) -> Future:
        future = self.pool.submit(job)

        def record(_: Future) -> None:
            with self.lock:
                self.done.append((job.article, job.index))
            self.on_done(job)

        future.add_done_callback(record)
        return future


@pytest.mark.parametrize("scheduling", [True, False], ids=["playhead-first", "fifo"])
def test_the_listened_article_gets_its_next_chunks_first(tmp_path, scheduling):
    heads = Playheads()
    options = RenderOptions(backend="pyttsx3")
    first, second = (
        dataclasses.replace(
            support.make_article(paragraphs=4, sentences=4, seed=n, headings=False, url=f"https://news.example/{n}"),
            title=f"Story number {n}",  # no chunk in common
        )
        for n in (1, 2)
    )
    listened = article_id(second, options)
    store = open_store(tmp_path / "cache")
    with WorkerPool("pyttsx3", 1, queue=ChunkQueue(heads if scheduling else None)) as real:
        pool = Recording(real)
        listener = heads.listen(listened, 0)
        pool.on_done = lambda job: job.article == listened and listener.at(job.index + 1)  # it hears each as it lands
        one = start_render(first, options, store=store, pool=pool)
        one_started = threading.Event()
        pool.on_done = lambda job, previous=pool.on_done: (previous(job), one_started.set())
        assert one_started.wait(60)  # the first article is under way before the second arrives
        arrived = len(pool.done)
        two = start_render(second, options, store=store, pool=pool)
        one.result(120), two.result(120)
        listener.close()
    order = pool.done[arrived:]
    assert len({i for a, i in order if a == listened}) == two.total
    listened_done = max(n for n, (a, _) in enumerate(order) if a == listened)
    other_before = [n for n, (a, _) in enumerate(order[:listened_done]) if a != listened]
    other_left = [n for n, (a, _) in enumerate(order) if a != listened]
    assert len(other_left) >= 8, order  # the first article had most of its chunks to go when the second came
    if scheduling:  # the listened article went first; one chunk of the other was in the worker's hands
        assert len(other_before) <= 1, order
    else:  # first in, first out: the listener waited for the whole other article
        assert other_before == other_left, order
