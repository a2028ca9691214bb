"""`reader serve` and `reader demo` at the command line: help with an example, a clean error for a taken port."""

from __future__ import annotations

import socket

from click.testing import CliRunner

from reader.cli.commands import cli


def test_serve_help_has_an_example():
    result = CliRunner().invoke(cli, ["serve", "--help"])
    assert result.exit_code == 0
    assert "reader serve --port 8080" in result.output
    assert "--host" in result.output and "127.0.0.1" in result.output


def test_a_taken_port_is_one_clean_line_and_exit_code_2(cache_dir):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        for command in (["serve", "--port", str(port)], ["demo", "--port", str(port)]):
            result = CliRunner().invoke(cli, command)
            assert result.exit_code == 2, result.output
            assert f"cannot listen on 127.0.0.1:{port}" in result.output
            assert "Traceback" not in result.output
    assert not list(cache_dir.rglob("*.mp3"))  # the demo checked the port before rendering anything
