"""Durable writes (issue 19 item 3): READER_FSYNC, and a render killed right after each of its writes.

Two halves. The syscalls: a store write under ``READER_FSYNC=records`` (the default) syncs the
file's data before the rename that publishes it and the directory after it, for manifests,
progress and the web app's records; ``all`` does the same for chunk audio and sidecars; ``off``
syncs nothing. The real ``os.fsync`` and ``os.replace`` run, observed on their way through.

The power-cut-style test: a render of a real article with eSpeak NG (pyttsx3, real worker
processes) runs in its own process group, which SIGKILLs itself, render process and engine
workers at once, right after its Nth write to the store, for N = 1, 2, … until a render
finishes before its Nth write. After each kill the whole cache is audited (no torn file under a
final name: every manifest, progress record and sidecar whole, every chunk matching its sidecar),
then the article is rendered to the end from what was left, and the assembled file is measured
with the real ffprobe. A SIGKILL keeps what the kernel already holds, so this shows that no write
point leaves a torn file behind; what a power cut adds (data not yet on the disk) is what the
fsync order above covers.
"""

from __future__ import annotations

import json
import os
import pickle
import signal
import subprocess
import sys
from pathlib import Path

import audio_support as support
import pytest
from cache_audit import CacheAudit, group_alive
from click.testing import CliRunner

from reader.errors import InputError
from reader.render import RenderOptions, render
from reader.render.workers import InlinePool, WorkerPool
from reader.store import open_store

KILLER = r"""
import os, pickle, signal, sys
import reader.store.local as local

limit, root, article = int(sys.argv[1]), sys.argv[2], pickle.loads(bytes.fromhex(sys.argv[3]))
count = 0


def wrote():
    global count
    count += 1
    if count >= limit:  # the whole group: this render process and its engine workers, at once
        os.killpg(os.getpgid(0), signal.SIGKILL)


real_write, real_link = local.atomic_write, os.link


def atomic_write(*args, **kwargs):
    real_write(*args, **kwargs)
    wrote()


def link(*args, **kwargs):  # a chunk's audio is published by a hard link
    real_link(*args, **kwargs)
    wrote()


local.atomic_write, os.link = atomic_write, link
from reader.render import RenderOptions, render
from reader.store import open_store

render(article, RenderOptions(backend="pyttsx3"), store=open_store(root))
print("finished after", count, "writes", flush=True)
"""


class Syscalls:
    """Records fsync (by the path of the file or directory synced) and rename, calling the real ones."""

    def __init__(self, monkeypatch) -> None:
        self.events: list[tuple[str, str, str]] = []
        real_fsync, real_replace, real_link = os.fsync, os.replace, os.link

        def fsync(fd):
            self.events.append(("fsync", os.readlink(f"/proc/self/fd/{fd}"), ""))
            return real_fsync(fd)

        def replace(src, dst, **kwargs):
            self.events.append(("rename", os.path.abspath(src), os.path.abspath(dst)))
            return real_replace(src, dst, **kwargs)

        def link(src, dst, **kwargs):
            self.events.append(("link", os.path.abspath(src), os.path.abspath(dst)))
            return real_link(src, dst, **kwargs)

        monkeypatch.setattr(os, "fsync", fsync)
        monkeypatch.setattr(os, "replace", replace)
        monkeypatch.setattr(os, "link", link)

    def published(self, name_end: str) -> list[int]:
        return [i for i, e in enumerate(self.events) if e[0] in ("rename", "link") and e[2].endswith(name_end)]

    def synced_before(self, index: int) -> bool:
        source = self.events[index][1]
        return any(e == ("fsync", source, "") for e in self.events[:index])

    def dir_synced_after(self, index: int) -> bool:
        directory = os.path.dirname(self.events[index][2])
        return any(e == ("fsync", directory, "") for e in self.events[index + 1 :])

    def fsyncs(self) -> list[str]:
        return [e[1] for e in self.events if e[0] == "fsync"]


def _render_with(mode: str, tmp_path: Path, monkeypatch) -> tuple[Syscalls, Path]:
    support.fake_env(monkeypatch, tmp_path)
    monkeypatch.setenv("READER_FSYNC", mode)
    root = tmp_path / f"cache-{mode}"
    store = open_store(root)
    calls = Syscalls(monkeypatch)
    article = support.make_article(paragraphs=2, sentences=2, url=f"https://news.example/{mode}")
    render(article, RenderOptions(backend="fake"), store=store, pool=InlinePool("fake"))
    return calls, root


def test_records_mode_syncs_manifests_and_progress_before_and_after_their_rename(tmp_path, monkeypatch):
    """The final manifest and progress of each render are synced; a running render's rewrites (four a
    second) at most every PROGRESS_SYNC_SECONDS, the first one included."""
    from reader.store import writes

    monkeypatch.delenv("READER_FSYNC", raising=False)
    monkeypatch.setattr(writes, "_last_progress_sync", {})
    monkeypatch.setattr(writes, "PROGRESS_SYNC_SECONDS", 3600.0)  # this render: only its first rewrite
    calls, root = _render_with("records", tmp_path, monkeypatch)
    for name in ("manifest.json", "progress.json"):
        renames = calls.published(f"/{name}")
        assert len(renames) >= 3, f"{name} was written {len(renames)} times: the test shows nothing"
        durable = [i for i in renames if calls.synced_before(i) and calls.dir_synced_after(i)]
        assert renames[-1] in durable, f"the final {name} was not synced before and after its rename"
        assert renames[0] in durable, f"the first in-progress {name} was not synced"
        assert len(durable) == 2, f"{name}: in-progress rewrites synced more often than every 3600 s"
    chunk_dir = str(root / "chunks")
    assert not [path for path in calls.fsyncs() if path.startswith(chunk_dir)], "records mode synced chunks"
    record = tmp_path / "record.json"
    from reader.store import atomic_write

    calls.events.clear()
    atomic_write(record, b"{}")  # the web app's records: always synced
    (index,) = calls.published("/record.json")
    assert calls.synced_before(index) and calls.dir_synced_after(index)


def test_all_mode_syncs_chunk_audio_and_sidecars_too(tmp_path, monkeypatch):
    calls, _ = _render_with("all", tmp_path, monkeypatch)
    for suffix in (".mp3", ".json"):
        published = [i for i in calls.published(suffix) if "/chunks/" in calls.events[i][2]]
        assert published
        for index in published:
            assert calls.synced_before(index) and calls.dir_synced_after(index), calls.events[index]


def test_off_mode_syncs_nothing_and_a_bad_value_is_one_clear_error(tmp_path, monkeypatch):
    calls, root = _render_with("off", tmp_path, monkeypatch)
    assert calls.fsyncs() == [] and calls.published("/manifest.json")
    monkeypatch.setenv("READER_FSYNC", "sometimes")
    with pytest.raises(InputError, match="READER_FSYNC must be off, records or all, not 'sometimes'"):
        open_store(root)
    from reader.cli.commands import cli

    source = tmp_path / "story.txt"
    source.write_text("A Story\n\nThe bridge opened on Tuesday.\n")
    result = CliRunner().invoke(cli, ["speak", str(source), "--backend", "fake", "-o", str(tmp_path / "a.mp3")])
    assert result.exit_code == 2 and result.output.count("\n") == 1 and "READER_FSYNC" in result.output


def _ffprobe_seconds(path: Path) -> float:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "json", str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return float(json.loads(out)["format"]["duration"])


@pytest.mark.slow
def test_a_render_killed_right_after_each_write_leaves_no_torn_file_and_resumes(tmp_path, monkeypatch):
    monkeypatch.delenv("READER_FSYNC", raising=False)  # the default: records
    article = support.make_article(paragraphs=1, sentences=3, headings=True, url="https://news.example/power")
    blob = pickle.dumps(article).hex()
    env = {**os.environ, "READER_WORKERS": "1"}
    killed_at: list[int] = []
    with WorkerPool("pyttsx3", 1) as pool:
        for limit in range(1, 80):
            root = tmp_path / f"cut-{limit}"
            child = subprocess.Popen(
                [sys.executable, "-c", KILLER, str(limit), str(root), blob],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=env,
                start_new_session=True,  # its own process group: the group it kills is its own
            )
            stdout, stderr = child.communicate(timeout=300)
            if child.returncode == 0:
                assert "finished after" in stdout
                break
            assert child.returncode == -signal.SIGKILL, stderr[-2000:]
            killed_at.append(limit)
            assert not group_alive(child.pid), "an engine worker outlived the kill of its group"
            audit = CacheAudit(root)
            audit.check()  # nothing torn under a final name
            result = render(article, RenderOptions(backend="pyttsx3"), store=open_store(root), pool=pool)
            assert result.manifest.status == "complete"
            CacheAudit(root).check()
            assert not [p for p in (root / "articles").rglob(".tmp-*")], "the killed writer's temp files stayed"
            assert _ffprobe_seconds(result.audio_path) == pytest.approx(result.manifest.duration, abs=0.1)
        else:
            pytest.fail("the render never finished: it writes more than 80 times")
    assert len(killed_at) >= 8, f"only {len(killed_at)} write points were cut"
