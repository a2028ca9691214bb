"""A fast start, checked by its structure, never by the clock (bench/startup.py has the figures).

Each check runs a fresh interpreter and lists the modules it loaded: ``import reader`` loads no
stage, ``reader --help`` no engine, page parser or web framework, ``reader script`` no engine or
renderer. The language model is mapped from an unpacked copy, and a voice's digest is hashed
once per file version.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ENGINES = {"onnxruntime", "piper", "pyttsx3", "onnx"}
HEAVY = {"numpy", "trafilatura", "lxml", "flask", "mutagen", "tqdm", "boto3", "redis", "rq", "PIL"}


def loaded_by(code: str, tmp_path: Path, **env: str) -> set[str]:
    """Top-level names of the modules a fresh interpreter holds after running ``code``."""
    out = tmp_path / "modules.json"
    script = f"{code}\nimport json, sys\nopen({str(out)!r}, 'w').write(json.dumps(sorted(sys.modules)))\n"
    environ = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path / "cache"), **env}
    subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, env=environ, timeout=120)
    return set(json.loads(out.read_text()))


def run_cli(*argv: str) -> str:
    return (
        "import sys\nsys.argv = ['reader', " + ", ".join(repr(a) for a in argv) + "]\n"
        "from reader.cli import main\ntry:\n    main()\nexcept SystemExit as stop:\n"
        "    if stop.code not in (0, None):\n        raise\n"
    )


def tops(modules: set[str]) -> set[str]:
    return {m.split(".")[0] for m in modules}


def test_import_reader_loads_no_stage(tmp_path):
    modules = loaded_by("import reader", tmp_path)
    assert tops(modules) & (HEAVY | ENGINES) == set()
    assert {m for m in modules if m.startswith("reader")} == {"reader", "reader.lazy"}


def test_every_public_name_still_resolves_and_loads_only_its_stage(tmp_path):
    import reader

    for name in reader.__all__:
        assert getattr(reader, name) is not None, name
    modules = loaded_by("import reader\nreader.ReaderError\nreader.Article", tmp_path)
    assert not any(m.startswith(("reader.text", "reader.render", "reader.normalize")) for m in modules)


def test_reader_help_loads_no_engine_page_parser_or_web_framework(tmp_path):
    modules = loaded_by(run_cli("--help"), tmp_path)
    assert "click" in modules  # the command line did run
    assert tops(modules) & (HEAVY | ENGINES | {"web"}) == set()
    stages = {m.split(".")[1] for m in modules if m.startswith("reader.") and m.count(".") >= 1}
    # audio (and atomic under it): the export formats, for --format's choices
    assert stages <= {"cli", "errors", "lazy", "audio", "atomic"}, stages


def test_a_command_help_loads_as_little(tmp_path):
    modules = loaded_by(run_cli("speak", "--help"), tmp_path)
    assert tops(modules) & (HEAVY | ENGINES | {"web"}) == set()


def test_reader_script_loads_no_engine_renderer_or_publisher(tmp_path, seed_html):
    modules = loaded_by(run_cli("script", str(seed_html)), tmp_path, READER_CACHE_DIR=str(tmp_path / "audio"))
    assert "reader.text.extraction" in modules  # it did extract
    assert tops(modules) & (ENGINES | {"flask", "mutagen", "tqdm", "web"}) == set()
    assert not any(m.startswith(("reader.render", "reader.publish", "reader.backends")) for m in modules)
    # the store only names the cache root, where the extract cache keeps the article
    assert {m for m in modules if m.startswith("reader.store")} <= {
        "reader.store",
        "reader.store.local",
        "reader.store.manifest",
        "reader.store.writes",
        "reader.store.protocol",  # the Store protocol and its layout: small, no I/O libraries
        "reader.store.keys",
        "reader.store.files",
        "reader.store.claims",
    }


@pytest.mark.parametrize("first", ["import reader.render.background", "import reader"])
def test_reader_render_is_the_stage_and_the_function_in_either_import_order(first, tmp_path):
    """``reader.render`` is the stage package, callable as ``render()``; so is ``reader.normalize``."""
    code = (
        f"{first}\nimport reader, reader.render.background\nfrom reader import normalize, render\n"
        "assert render is reader.render and callable(render)\n"
        "assert reader.render.render is reader.render.blocking.render\n"
        "assert normalize('I have 3 cats.') == reader.normalize.normalize('I have 3 cats.') == 'I have three cats.'\n"
        "import inspect\nassert inspect.ismodule(reader.render) and inspect.ismodule(reader.normalize)\n"
    )
    loaded_by(code, tmp_path)


def test_the_language_model_is_unpacked_once_then_mapped(tmp_path, monkeypatch):
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    from reader.normalize import langid_model

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    packed = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    first = langid_model.load_identifier()
    (folder,) = langid_model.model_cache_dir().iterdir()
    assert (folder / "model.json").exists() and (folder / "nextmove.bin").stat().st_size > 1_000_000

    def no_unpacking(*args, **kwargs):
        raise AssertionError("unpacked again")

    monkeypatch.setattr(langid_model, "_unpack", no_unpacking)
    mapped = langid_model.load_identifier()
    texts = [
        "The harbour board met on Tuesday to discuss the new ferry timetable.",
        "Der Hafenrat traf sich am Dienstag, um den neuen Fahrplan zu besprechen.",
        "Dewan pelabuhan bertemu pada hari Selasa untuk membahas jadwal feri.",
        "Το λιμενικό συμβούλιο συνεδρίασε την Τρίτη.",
        "",
    ]
    for text in texts:
        assert mapped.classify(text) == first.classify(text) == packed.classify(text)


def test_an_unusable_model_cache_falls_back_to_the_packed_model(tmp_path, monkeypatch):
    from reader.normalize import langid_model

    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))  # the cache folder cannot be made
    identifier = langid_model.load_identifier()
    assert identifier.classify("The harbour board met on Tuesday to discuss the ferry timetable.")[0] == "en"


def test_a_voice_digest_is_hashed_once_per_path_size_and_mtime(tmp_path, monkeypatch):
    """The Piper voice's digest is part of every chunk key: hashing 60 MB on every run would cost a start."""
    import os

    from reader.backends import piper_voices

    monkeypatch.setenv("READER_PIPER_CACHE", str(tmp_path / "cache"))
    model = tmp_path / "voice.onnx"
    model.write_bytes(b"model bytes" * 1000)
    first = piper_voices.file_digest(model)
    piper_voices._digests.clear()  # a new process: only the disk cache is left

    class NoHashing:
        def __init__(self, *args, **kwargs):
            raise AssertionError("hashed again")

    monkeypatch.setattr(piper_voices.hashlib, "sha256", NoHashing)
    assert piper_voices.file_digest(model) == first
    os.utime(model, ns=(1, 1))  # the same path and size, another modification time: hashed again
    with pytest.raises(AssertionError, match="hashed again"):
        piper_voices.file_digest(model)


def test_speaking_an_article_already_cached_loads_no_engine(tmp_path):
    """The default voice (Piper where installed) renders a new article in worker processes; an article
    already cached is found from its plan, and this process never imports the engine or numpy."""
    source = tmp_path / "note.txt"
    source.write_text("A short note\n\nThe harbour ferry leaves at nine every morning.\n", encoding="utf-8")
    env = {"READER_CACHE_DIR": str(tmp_path / "audio"), "READER_WORKERS": "1"}
    first = loaded_by(run_cli("speak", str(source)), tmp_path, **env)  # renders: workers load the engine
    assert "reader.render.running" in first
    again = loaded_by(run_cli("speak", str(source)), tmp_path, **env)
    assert tops(again) & (ENGINES | {"flask", "tqdm", "web"}) == set()
    # nor numpy and LAME (only a worker encodes), nor the page parser (the extract cache has the article)
    assert tops(again) & {"numpy", "lameenc", "trafilatura", "lxml"} == set()
    assert list((tmp_path / "audio" / "articles").iterdir())  # it did render, once
