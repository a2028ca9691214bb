"""Issue 16 item 6: `reader serve` warms its render workers and the normalizer at start, and /healthz
says it is not ready (503) until they are; READER_WARM_UP=false skips it. Real `reader serve`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

from conftest import free_port

from web.readiness import Readiness


def _health(url: str) -> tuple[int, dict] | None:
    try:
        with urllib.request.urlopen(url + "/healthz", timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())
    except OSError:
        return None  # not listening yet


def _serve(tmp_path, env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    port = free_port()
    environment = {**os.environ, "READER_CACHE_DIR": str(tmp_path / "cache"), "READER_WORKERS": "1", **env}
    command = [sys.executable, "-m", "reader", "serve", "--port", str(port), "--workers", "1", "--open"]
    process = subprocess.Popen(command, cwd=tmp_path, env=environment, stderr=subprocess.DEVNULL)
    return process, f"http://127.0.0.1:{port}"


def _answers(process: subprocess.Popen, url: str, until_ready: bool = True) -> list[tuple[int, dict]]:
    seen: list[tuple[int, dict]] = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        answer = _health(url)
        if answer is not None:
            seen.append(answer)
            if answer[0] == 200 or not until_ready:
                return seen
        time.sleep(0.05)
    raise AssertionError(f"no ready answer: {seen[-3:]}")


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def test_healthz_is_not_ready_until_the_workers_and_the_normalizer_are_warm(tmp_path):
    process, url = _serve(tmp_path, {})
    try:
        seen = _answers(process, url)
    finally:
        _stop(process)
    status, first = seen[0]
    assert status == 503 and first["ready"] is False and first["status"] == "warming"
    steps = {"render_workers_started", "normalizer", "render_workers", "first_render", "first_requests"}
    assert set(first["warm_up"]) == steps
    status, last = seen[-1]
    assert status == 200 and last["ready"] is True
    assert last["warm_up"] == dict.fromkeys(first["warm_up"], "ready")
    assert last["warm_up_seconds"] > 0


def test_warm_up_can_be_turned_off(tmp_path):
    process, url = _serve(tmp_path, {"READER_WARM_UP": "false"})
    try:
        status, first = _answers(process, url, until_ready=False)[0]
    finally:
        _stop(process)
    assert status == 200 and first["ready"] is True and "warm_up" not in first


def test_a_failed_warm_up_step_is_reported_and_the_server_still_becomes_ready():
    readiness = Readiness()
    assert readiness.is_ready()  # an app nobody warms (tests, a WSGI server of one's own) is ready at once

    def broken() -> None:
        raise RuntimeError("no engine")

    readiness.start({"broken": broken, "fine": lambda: time.sleep(0.2)})
    assert not readiness.is_ready()
    assert readiness.wait(10)
    assert readiness.details()["warm_up"] == {"broken": "failed: no engine", "fine": "ready"}
