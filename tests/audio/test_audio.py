"""House-format encoding, loudness, MP3 frames and the Info header, checked with ffmpeg and mutagen."""

from __future__ import annotations

import re
import subprocess

import numpy as np
import pytest
from mutagen.mp3 import MP3, BitrateMode

from reader.audio import AudioSettings, decode_to_pcm, encode_chunk, iter_frames, silence_frames
from reader.audio.encoding import encode_pcm, limit_peaks, trim_silence
from reader.audio.ffmpeg import ffprobe, run_ffmpeg
from reader.audio.loudness import integrated_loudness
from reader.audio.mp3 import DECODER_DELAY, ENCODER_DELAY, count_frames, info_frame
from reader.errors import AudioError, InputError

RATE = 22050


def speechlike(seconds: float, seed: int = 0) -> np.ndarray:
    """Bursts of filtered noise and tones with gaps: loudness-meter material with a speech-like envelope."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * RATE)) / RATE
    envelope = (np.sin(2 * np.pi * 3 * t) > -0.2).astype(float)
    voice = np.sin(2 * np.pi * 180 * t) + 0.5 * np.sin(2 * np.pi * 360 * t) + 0.2 * rng.standard_normal(t.size)
    return 0.2 * envelope * voice


def ebur128(path) -> tuple[float, float]:
    """Integrated loudness (dual mono) and true peak as ffmpeg's ebur128 filter measures them."""
    out = subprocess.run(
        [
            "ffmpeg",
            "-hide_banner",
            "-nostats",
            "-i",
            str(path),
            "-af",
            "ebur128=dualmono=true:peak=true",
            "-f",
            "null",
            "-",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stderr
    summary = out[out.rindex("Summary:") :]
    loudness = float(re.search(r"I:\s+(-?[\d.]+) LUFS", summary).group(1))
    peak = float(re.search(r"Peak:\s+(-?[\d.]+) dBFS", summary).group(1))
    return loudness, peak


def test_loudness_matches_ffmpeg_ebur128(tmp_path):
    signal = speechlike(4.0)
    wav = tmp_path / "x.wav"
    run_ffmpeg(
        ["-y", "-f", "s16le", "-ar", str(RATE), "-ac", "1", "-i", "pipe:0", str(wav)],
        input_bytes=(signal * 32767).astype("<i2").tobytes(),
    )
    ours = integrated_loudness(signal, RATE, dual_mono=True)
    theirs, _ = ebur128(wav)
    assert abs(ours - theirs) < 0.3


def test_a_chunk_comes_out_at_the_loudness_target_in_the_house_format(tmp_path):
    quiet = speechlike(3.0, seed=1) * 0.05  # far too quiet, as some engines are
    encoded = encode_chunk(quiet, RATE, AudioSettings())
    path = tmp_path / "chunk.mp3"
    path.write_bytes(encoded.mp3)
    loudness, peak = ebur128(path)
    assert abs(loudness - -16.0) < 1.0
    assert peak <= -1.0
    (stream,) = ffprobe(path)["streams"]
    assert (stream["codec_name"], stream["channels"], int(stream["sample_rate"])) == ("mp3", 1, 22050)
    assert int(stream["bit_rate"]) == 48000
    assert encoded.mp3[:3] != b"ID3" and b"Xing" not in encoded.mp3[:200] and b"Info" not in encoded.mp3[:200]


def test_other_targets_and_rates_are_honoured(tmp_path):
    settings = AudioSettings(sample_rate=24000, bitrate_kbps=64, loudness_lufs=-20.0)
    encoded = encode_chunk(speechlike(3.0, seed=2), 16000, settings)  # resampled from the engine's rate
    path = tmp_path / "chunk.mp3"
    path.write_bytes(encoded.mp3)
    (stream,) = ffprobe(path)["streams"]
    assert int(stream["sample_rate"]) == 24000 and int(stream["bit_rate"]) == 64000
    assert abs(ebur128(path)[0] - -20.0) < 1.0


def test_limiter_keeps_peaks_under_the_ceiling_and_leaves_the_rest_alone():
    tone = 0.1 * np.sin(2 * np.pi * 220 * np.arange(RATE) / RATE)
    spiky = tone.copy()
    spiky[RATE // 2] = 1.0
    limited = limit_peaks(spiky, RATE, -2.0)
    assert np.max(np.abs(limited)) <= 10 ** (-2 / 20) + 1e-9
    far = np.r_[: RATE // 2 - 441, RATE // 2 + 441 : RATE]  # more than 20 ms from the spike
    assert np.array_equal(limited[far], spiky[far])
    assert limit_peaks(tone, RATE, -2.0) is tone


def test_silence_is_trimmed_to_exactly_the_pad():
    speech = speechlike(1.0)
    speech[:100] = 0.2  # start loud at once
    padded = np.concatenate([np.zeros(RATE), speech[:-10], np.zeros(2 * RATE)])
    trimmed = trim_silence(padded, RATE, 40, -50.0)
    pad = round(RATE * 0.04)
    assert np.all(trimmed[:pad] == 0) and abs(trimmed[pad]) > 0.01
    assert trimmed.size < speech.size + 2 * pad + 1


def test_encoder_delay_is_what_the_info_header_claims():
    """An impulse at sample 0 decodes at ENCODER_DELAY + DECODER_DELAY without an Info frame."""
    pcm = np.zeros(8000, dtype="<i2")
    pcm[0], pcm[1] = 20000, -20000
    data, frames = encode_pcm(pcm, AudioSettings())
    decoded = decode_to_pcm(data, RATE)
    assert decoded.size == frames * 576
    assert abs(int(np.argmax(np.abs(decoded))) - (ENCODER_DELAY + DECODER_DELAY)) <= 2


def test_joined_frames_with_an_info_frame_decode_gaplessly_to_the_exact_length(tmp_path):
    settings = AudioSettings()
    pieces = [encode_chunk(speechlike(1.0 + i / 3, seed=i), RATE, settings) for i in range(3)]
    body = pieces[0].mp3 + silence_frames(10, settings) + pieces[1].mp3 + pieces[2].mp3
    frames, header = count_frames(body)
    last = pieces[-1]
    padding = last.frames * 576 - ENCODER_DELAY - last.samples
    path = tmp_path / "joined.mp3"
    path.write_bytes(
        info_frame(header, frames=frames, stream_bytes=len(body), delay=ENCODER_DELAY, padding=padding) + body
    )
    expected = (frames - last.frames) * 576 + last.samples
    decoded = decode_to_pcm(path.read_bytes(), RATE)
    # ffmpeg drops the encoder delay exactly (so every chunk starts where its frame offset says) and
    # keeps the end padding as silence: the decoded tail is at most one frame longer than the audio.
    assert expected <= decoded.size <= expected + 576
    second_start = pieces[0].frames * 576 + 10 * 576  # first frame of the second chunk, pad then speech
    pad = round(RATE * AudioSettings().trim_pad_ms / 1000)
    onset = second_start + int(np.flatnonzero(np.abs(decoded[second_start:]) > 300)[0])
    assert abs(onset - (second_start + pad)) < 0.01 * RATE
    info = MP3(path).info
    assert abs(info.length - frames * 576 / RATE) < 0.06
    assert info.bitrate_mode == BitrateMode.CBR
    assert info.encoder_info.startswith("LAME")
    assert abs(float(ffprobe(path)["format"]["duration"]) - expected / RATE) < 0.06
    assert sum(1 for _ in iter_frames(body)) == frames


def test_silence_frames_decode_to_silence():
    settings = AudioSettings()
    data = silence_frames(40, settings)
    assert count_frames(data)[0] == 40
    assert np.max(np.abs(decode_to_pcm(data, RATE))) < 50


def test_bad_settings_and_undecodable_audio_are_clear_errors():
    with pytest.raises(InputError, match="sample rate"):
        AudioSettings(sample_rate=12345)
    with pytest.raises(InputError, match="loudness"):
        AudioSettings(loudness_lufs=3)
    with pytest.raises(InputError, match="unknown audio settings"):
        AudioSettings.from_dict({"volume": 11})
    with pytest.raises(AudioError, match="ffmpeg failed") as caught:
        decode_to_pcm(b"this is not audio at all" * 10, RATE)
    assert caught.value.context["stderr"]


def test_a_missing_ffmpeg_says_what_to_install(monkeypatch):
    from reader.audio import ffmpeg as audio

    audio._binary.cache_clear()
    monkeypatch.setenv("PATH", "/nonexistent")
    try:
        with pytest.raises(AudioError, match="ffmpeg not found") as caught:
            audio.ffmpeg_path()
        assert "apt-get install ffmpeg" in str(caught.value)
    finally:
        audio._binary.cache_clear()
