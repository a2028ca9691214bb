"""Word start times from the real engines (Piper, pyttsx3 / eSpeak NG), checked against the audio itself.

The independent check is a forced alignment of the chunk as encoded and decoded (PocketSphinx, the dev
extra; bench/forced_align.py), on one short sentence per engine to keep the CPU light.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.audio import AudioSettings, decode_to_pcm, encode_chunk
from reader.backends.base import Audio, SpeechOptions
from reader.backends.word_times import MP3_DELAY_SAMPLES, WordTimes, from_char_times, in_chunk
from reader.errors import BackendError
from reader.normalize.alignment import spoken_words

SENTENCE = "On the fourth of July, Doctor Smith paid three point five billion dollars."
BENCH = Path(__file__).resolve().parents[2] / "bench" / "forced_align.py"


def forced_align():
    spec = importlib.util.spec_from_file_location("forced_align", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- the data type --------------------------------------------------------------------------------------


def test_word_times_round_trip_through_json_in_whole_milliseconds():
    times = WordTimes(("three", "dollars."), (0.0404, 0.3216))
    assert times.to_json() == {"words": ["three", "dollars."], "starts_ms": [40, 322]}
    assert WordTimes.from_json(times.to_json()) == WordTimes(("three", "dollars."), (0.04, 0.322))


@pytest.mark.parametrize(("words", "starts"), [(("a", "b"), (0.1,)), (("a", "b"), (0.5, 0.2)), (("a",), (-0.1,))])
def test_word_times_refuse_a_count_mismatch_times_out_of_order_or_negative(words, starts):
    with pytest.raises(BackendError):
        WordTimes(words, starts)


def test_shifting_keeps_times_within_the_chunk():
    assert WordTimes(("a", "b"), (0.05, 1.0)).shifted(-0.1, duration=0.8).starts == (0.0, 0.8)


def test_char_marks_become_word_starts_and_unmarked_words_are_interpolated():
    text = "one — two three"
    times = from_char_times(text, [(0, 0.0), (12, 1.2), (10, 1.0)])  # "—", "two" unmarked; "three" twice
    assert times.words == spoken_words(text) == ("one", "—", "two", "three")
    assert times.starts[0] == 0.0 and times.starts[3] == 1.0
    assert 0.0 < times.starts[1] < times.starts[2] < 1.0


def test_no_marks_at_all_is_an_engine_failure():
    with pytest.raises(BackendError, match="marked none"):
        from_char_times("hello there", [])


def test_in_chunk_follows_the_trim_and_the_mp3_delay_of_a_real_encoded_chunk():
    settings = AudioSettings()
    rate = settings.sample_rate
    tone = 0.5 * np.sin(np.arange(rate // 4) * 2 * np.pi * 440 / rate)
    samples = np.concatenate([np.zeros(rate // 2), tone, np.zeros(rate // 10)]).astype(np.float32)  # starts at 0.5 s
    moved = in_chunk(WordTimes(("la",), (0.5,)), Audio(samples, rate), settings)
    assert moved.starts[0] == pytest.approx(settings.trim_pad_ms / 1000 + MP3_DELAY_SAMPLES / rate, abs=1e-3)
    heard = decode_to_pcm(encode_chunk(samples, rate, settings).mp3, rate)  # what a player decodes
    onset = np.flatnonzero(np.abs(heard) > 3000)[0] / rate
    assert abs(onset - moved.starts[0]) < 0.005


# --- the engines ----------------------------------------------------------------------------------------


def check_against_the_audio(audio: Audio, times: WordTimes, text: str) -> None:
    assert times.words == spoken_words(text)
    assert list(times.starts) == sorted(times.starts)
    assert times.starts[-1] < audio.duration
    settings = AudioSettings()
    heard = in_chunk(times, audio, settings)
    pcm = decode_to_pcm(encode_chunk(audio.samples, audio.sample_rate, settings).mp3, 16000)
    reference = forced_align().align(pcm, heard.words)
    assert reference is not None, "PocketSphinx could not align the chunk"
    errors = [abs(t - r) for t, r in zip(heard.starts, reference, strict=True) if r is not None]
    assert len(errors) == len(times.words)
    assert np.median(errors) <= 0.1, errors
    assert np.percentile(errors, 90) <= 0.25, errors


def test_pyttsx3_word_times_come_from_espeak_ng_events_of_the_same_utterance():
    from reader.backends.espeak_words import Pyttsx3Words

    backend = Pyttsx3Words()
    audio, times = backend.synthesize_with_times(SENTENCE, SpeechOptions())
    check_against_the_audio(audio, times, SENTENCE)
    again, later = backend.synthesize_with_times("Short one.", SpeechOptions())
    assert later.words == ("Short", "one.") and later.starts[-1] < again.duration  # marks reset per chunk


def test_piper_word_times_from_the_fixed_noise_model_patched_once_and_cached():
    from reader.backends.piper_backend import PiperBackend
    from reader.backends.piper_voices import installed_voices
    from reader.backends.piper_words import PiperWords

    model = installed_voices()[0].model
    digest = hashlib.sha256(model.read_bytes()).hexdigest()
    audio, times = PiperWords().synthesize_with_times(SENTENCE, SpeechOptions())
    assert hashlib.sha256(model.read_bytes()).hexdigest() == digest  # the file on disk is never patched
    plain = PiperBackend().synthesize(SENTENCE, SpeechOptions())
    assert np.array_equal(plain.samples, audio.samples)  # the same audio as every rendered chunk
    check_against_the_audio(audio, times, SENTENCE)


def test_the_patched_piper_model_is_made_once_beside_the_fixed_noise_copy_and_a_bad_one_is_named(tmp_path):
    from reader.backends.piper_voices import cache_dir
    from reader.backends.piper_words import PiperWords, aligned_model
    from reader.errors import BackendError

    PiperWords().warm_up()
    (patched,) = cache_dir().glob("*-alignments-v1.onnx")
    fixed = patched.with_name(patched.name.removesuffix("-alignments-v1.onnx") + ".onnx")
    assert fixed.is_file()  # the fixed-noise copy it was made from, in the cache (the bundled file is untouched)
    stamp = patched.stat().st_mtime_ns
    assert aligned_model(fixed) == patched and patched.stat().st_mtime_ns == stamp  # not made again
    bad = tmp_path / "not-a-model.onnx"
    bad.write_bytes(b"not an ONNX model")
    with pytest.raises(BackendError, match=r"could not patch not-a-model\.onnx"):
        aligned_model(bad)
    assert not list(tmp_path.glob(".tmp-*"))


def test_espeak_backend_word_times():
    from reader.backends.espeak_words import EspeakWords

    text = "Sales rose twelve percent, a record."
    audio, times = EspeakWords().synthesize_with_times(text, SpeechOptions())
    check_against_the_audio(audio, times, text)


# --- mapping engine reports onto words ------------------------------------------------------------------


def test_piper_phonemes_run_together_still_give_each_word_its_start():
    from reader.backends.piper_words import word_starts_from_phonemes

    # eSpeak NG phonemizes "to be so" as "təbi so": two words in one group.
    sentence = [("^", 0.0), ("t", 0.1), ("ə", 0.2), ("b", 0.3), ("i", 0.4), (" ", 0.5), ("s", 0.6), ("o", 0.7)]
    words = [["t", "ə"], ["b", "i"], ["s", "ˈ", "o", "ʊ"]]  # each word alone
    assert word_starts_from_phonemes(sentence, words) == [0.1, 0.3, 0.6]
    assert word_starts_from_phonemes(sentence, [["t", "ə"], ["—"], ["s", "o"]]) == [0.1, None, 0.6]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.sampled_from(["a", "bb", "—", "ccc,", "d-e"]), min_size=1, max_size=12),
    st.lists(st.tuples(st.integers(0, 60), st.floats(0, 5)), min_size=1, max_size=20),
)
def test_any_marks_give_one_start_per_word_in_order(words, marks):
    text = " ".join(words)
    inside = [(offset, t) for offset, t in marks if offset < len(text) and not text[offset].isspace()]
    if not inside:
        return
    times = from_char_times(text, marks)
    assert times.words == spoken_words(text)
    assert list(times.starts) == sorted(times.starts)
    assert min(t for _, t in inside) <= times.starts[-1] <= max(t for _, t in inside)


def test_the_bench_runs_and_the_engine_beats_splitting_by_characters():
    bench = BENCH.parent / "word_times.py"
    result = subprocess.run(
        [sys.executable, str(bench), "--backends", "pyttsx3", "--chunks", "2"],
        capture_output=True, text=True, check=True, timeout=300,
    )  # fmt: skip
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert {row["article"] for row in figures["results"]} == {"seed", "unseen"}
    for row in figures["results"]:
        assert row["words"] > 0
        assert row["engine_median_ms"] < row["chunk_chars_median_ms"]
