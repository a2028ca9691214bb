"""Real services for the ``net`` tests: redis-server and an S3-compatible server on loopback.

Each starts once per test session as a subprocess on a free port of
127.0.0.1 and stops at the end, so the README's test command and CI need no
extra step. The S3 server is moto's standalone server (``moto_server`` from
``moto[server]`` in the dev extra): it speaks the S3 wire protocol over real
HTTP, so boto3 runs exactly as against AWS or MinIO. ``tests/conftest.py``
exposes the fixtures.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

START_TIMEOUT = 30.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for_port(port: int, process: subprocess.Popen, name: str, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{name} exited with {process.returncode} at start: {log.read_text()[-2000:]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    process.kill()
    pytest.fail(f"{name} did not listen on 127.0.0.1:{port} within {START_TIMEOUT:.0f} s")


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _program(name: str, package: str) -> str:
    beside = Path(sys.executable).parent / name  # the venv's own script first
    found = str(beside) if beside.exists() else shutil.which(name)
    if not found:
        pytest.fail(f"{name} not found: the net tests need it ({package}; ./quickstart.sh test installs it)")
    return found


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A private redis-server on loopback: its URL."""
    program = _program("redis-server", "Debian package redis-server")
    port = free_port()
    workdir = tmp_path_factory.mktemp("redis")
    log = workdir / "redis.log"
    argv = [program, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    argv += ["--dir", str(workdir), "--logfile", str(log)]
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        _wait_for_port(port, process, "redis-server", log)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        _stop(process)


@pytest.fixture(scope="session")
def s3_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """moto's S3-compatible server on loopback: its endpoint URL."""
    program = _program("moto_server", "PyPI moto[server], in the dev extra")
    port = free_port()
    log = tmp_path_factory.mktemp("moto") / "moto.log"
    with log.open("wb") as output:
        process = subprocess.Popen([program, "-H", "127.0.0.1", "-p", str(port)], stdout=output, stderr=output)
    try:
        _wait_for_port(port, process, "moto_server", log)
        yield f"http://127.0.0.1:{port}"
    finally:
        _stop(process)


@dataclass(frozen=True)
class Bucket:
    name: str
    url: str  # s3://name/prefix, the value of READER_CACHE_URL
    endpoint: str
    env: dict[str, str]  # what a process needs to use it


S3_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "reader-test",
    "AWS_SECRET_ACCESS_KEY": "reader-test-secret",
    "AWS_DEFAULT_REGION": "us-east-1",
}


@pytest.fixture
def s3_bucket(s3_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Bucket:
    """A new empty bucket for one test, set as READER_CACHE_URL for this process and its children."""
    import boto3

    name = f"reader-{uuid.uuid4().hex[:12]}"
    env = {**S3_CREDENTIALS, "READER_CACHE_URL": f"s3://{name}/audio", "READER_S3_ENDPOINT_URL": s3_endpoint}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    for key in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_PROFILE"):
        monkeypatch.delenv(key, raising=False)
    boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1").create_bucket(Bucket=name)
    return Bucket(name, env["READER_CACHE_URL"], s3_endpoint, env)


def child_env(**extra: str) -> dict[str, str]:
    """This process's environment (with the fixtures' settings) plus ``extra``, for a child process."""
    return {**os.environ, **extra}


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (children, grandchildren…), from /proc."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            parents.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def kill_tree(pid: int) -> None:
    """SIGKILL a process and everything below it at once, as a lost machine would."""
    import signal

    for victim in [pid, *descendants(pid)]:
        with contextlib.suppress(ProcessLookupError):
            os.kill(victim, signal.SIGKILL)


class Processes:
    """Background processes of one test, each logging to a file; all stopped at the end."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.running: dict[str, subprocess.Popen] = {}

    def start(self, name: str, argv: list[str], env: dict[str, str]) -> subprocess.Popen:
        log = (self.directory / f"{name}.log").open("wb")
        # cwd outside the checkout: when the installed wheel is under test, `python -m reader` must not see the source
        process = subprocess.Popen(
            argv, env=env, cwd=self.directory, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()
        self.running[name] = process
        return process

    def log(self, name: str) -> str:
        return (self.directory / f"{name}.log").read_text(errors="replace")

    def stop_all(self) -> None:
        import signal

        for process in self.running.values():
            if process.poll() is None:
                for victim in descendants(process.pid):
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(victim, signal.SIGTERM)
                process.terminate()
        for process in self.running.values():
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                kill_tree(process.pid)
                process.wait()


@pytest.fixture
def processes(tmp_path: Path) -> Iterator[Processes]:
    group = Processes(tmp_path)
    try:
        yield group
    finally:
        group.stop_all()
