"""A whole-cache audit and process-group helpers for the tests that kill renders (crash safety,
durable writes): every chunk's bytes match its sidecar and walk as whole MP3 frames, every
manifest, progress record and claim is whole JSON, every assembled file walks whole."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from pathlib import Path

from reader.audio.mp3 import count_frames
from reader.backends.gtts_backend import mp3_problem
from reader.store import Manifest, Progress


def dead(pid: int) -> bool:
    """Gone, or a zombie waiting for its parent to reap it."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return True
    return stat.rsplit(")", 1)[1].split()[0] in ("Z", "X")


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
    return found


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return any(not dead(int(p.parent.name)) for p in Path("/proc").glob("[0-9]*/stat") if _pgid(p) == pgid)


def _pgid(stat: Path) -> int:
    try:
        return int(stat.read_text().rsplit(")", 1)[1].split()[2])
    except (OSError, IndexError, ValueError):
        return -1


class CacheAudit:
    """Checks every file in a cache is whole; remembers what it has checked (by mtime and size)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.seen: dict[Path, tuple] = {}
        self.orphans = 0

    def temp_files(self) -> list[Path]:
        return [p for p in self.root.rglob(".*") if p.name.startswith((".tmp-", ".stale-"))]

    def check(self) -> None:
        for path in self.root.rglob("*"):
            if path.name.startswith((".tmp-", ".stale-")) or path.is_dir():
                continue
            try:
                stat = path.stat()
                sidecar = path.with_suffix(".json")
                mark = (stat.st_mtime_ns, stat.st_size, sidecar.exists() and path.suffix == ".mp3")
                if self.seen.get(path) == mark:
                    continue
                self._check(path)
            except FileNotFoundError:
                continue
            self.seen[path] = mark

    def _check(self, path: Path) -> None:
        data = path.read_bytes()
        where = path.relative_to(self.root)
        if where.parts[0] == "chunks" and path.suffix == ".mp3":
            assert mp3_problem(data) is None, f"{where}: {mp3_problem(data)}"
            sidecar = path.with_suffix(".json")
            if not sidecar.exists():
                self.orphans += 1  # published, its sidecar not yet: whole, and treated as missing
                return
            meta = json.loads(sidecar.read_bytes())
            assert meta["size"] == len(data) and meta["sha256"] == hashlib.sha256(data).hexdigest(), where
            assert meta["frames"] == count_frames(data)[0], where
        elif path.suffix == ".json" or path.name == "render.lock":
            value = json.loads(data)  # whole JSON, never a partial write
            if path.name == "manifest.json":
                manifest = Manifest.from_json(data)
                assert manifest.status in ("rendering", "complete", "failed")
                if manifest.status == "complete":
                    assert (path.parent / manifest.audio).exists(), where
            elif path.name == "progress.json":
                Progress.from_json(data)
            elif path.name == "render.lock":
                assert isinstance(value.get("pid"), int), where
        elif path.suffix == ".mp3":  # an assembled article
            assert mp3_problem(data) is None, f"{where}: {mp3_problem(data)}"
