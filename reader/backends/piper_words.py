"""Word times from Piper: the model's own phoneme durations, mapped onto the spoken words.

A Piper (VITS) model predicts how many frames each phoneme id lasts (its
``w_ceil`` tensor) and then generates exactly that many frames of audio, so
those durations are when each phoneme sounds in the samples it returns.
``piper.patch_voice_with_alignment.add_alignment_output`` (what
``PiperVoice.load(..., include_alignments=True)`` calls) exposes that tensor as
a second output. It is applied to the project's fixed-noise copy of the model
(``reader.backends.piper_noise``, in the Piper cache folder), once per model in
a short-lived process, and the patched copy is cached beside it; workers load
that in place of the plain one. The bundled file, whose digest is checked, is
never touched, the session keeps the project's thread settings, and the audio
is the same as ``PiperBackend.synthesize`` gives.

Piper speaks phonemes, not words: its phonemizer (eSpeak NG) separates words
with spaces but sometimes runs short words together ("of the" → one group).
So each spoken word is phonemized alone and the concatenation is aligned to
the sentence's phonemes (difflib on phoneme characters); a word starts at the
first of its phonemes found there.
"""

from __future__ import annotations

import difflib
import itertools
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reader.backends.base import Audio, SpeechOptions
from reader.backends.piper_backend import PiperBackend
from reader.backends.piper_noise import derived_model, write_model
from reader.backends.word_times import WordTimes, from_char_times, word_identity, word_spans
from reader.errors import BackendError

if TYPE_CHECKING:  # numpy loads in the worker that synthesizes, not in a process that only plans (a cached article)
    import numpy as np

__all__ = ["PiperWords", "word_starts_from_phonemes"]

ALIGNMENT_VERSION = "alignments-v1"  # the cached patched model's name: change it when the patch changes
_NOT_SOUNDS = set(" .,;:!?¡¿—…\"«»“”()-'^$_")  # separators, punctuation, BOS/EOS/PAD: no sound of a word


def _sounds(phonemes: list[str]) -> list[str]:
    return [p for p in phonemes if p not in _NOT_SOUNDS]


def word_starts_from_phonemes(sentence: list[tuple[str, float]], words: list[list[str]]) -> list[float | None]:
    """Start time of each word, from the sentence's (phoneme, start seconds) and each word's own phonemes.

    ``None`` for a word none of whose phonemes could be placed (left to interpolation).
    """
    timed = [(p, t) for p, t in sentence if p not in _NOT_SOUNDS]
    owner = [i for i, word in enumerate(words) for _ in _sounds(word)]
    wanted = [p for word in words for p in _sounds(word)]
    matcher = difflib.SequenceMatcher(None, [p for p, _ in timed], wanted, autojunk=False)
    placed: dict[int, float] = {}
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            word = owner[block.b + k]
            placed.setdefault(word, timed[block.a + k][1])
    return [placed.get(i) for i in range(len(words))]


def aligned_model(model: Path) -> Path:
    """Path of ``model`` (the fixed-noise copy in the Piper cache, never the bundled file) patched to output its
    phoneme durations. Patched once per model in a short-lived process, as ``piper_noise`` rewrites the noise:
    patching in each worker cost 2.4 s and 119 MB more at its start (measured: 6.4 s and 285 MB against 4.0 s
    and 166 MB for the plain voice's warm-up)."""
    target = model.with_name(f"{model.stem}-{ALIGNMENT_VERSION}.onnx")
    return derived_model(
        "reader.backends.piper_words", model, target, f"Piper word times: could not patch {model.name}"
    )


def main(argv: list[str]) -> int:
    """``python -m reader.backends.piper_words MODEL OUT``: write ``MODEL`` with its alignment output to ``OUT``."""
    source, target = Path(argv[0]), Path(argv[1])
    try:
        import onnx
        from piper.patch_voice_with_alignment import add_alignment_output
    except ImportError as error:
        print(f"Piper word times need the onnx package: {error}", file=sys.stderr)
        return 2
    patched = onnx.load(str(source))
    try:
        add_alignment_output(patched)
    except ValueError as error:
        print(f"{source.name} gives no phoneme durations: {error}", file=sys.stderr)
        return 2
    write_model(target, patched.SerializeToString())
    return 0


class PiperWords(PiperBackend):
    """The Piper backend, whose chunks also come with their word start times."""

    word_times = True

    def identity(self, options: SpeechOptions) -> Mapping[str, Any]:
        return {**super().identity(options), **word_identity()}

    def _session_model(self, model: Path) -> str:
        """The fixed-noise model with its phoneme durations as a second output (made once, cached beside it)."""
        return str(aligned_model(model))

    def synthesize_with_times(self, text: str, options: SpeechOptions) -> tuple[Audio, WordTimes]:
        """The chunk's audio, exactly as ``synthesize`` makes it, and when each of its words starts."""
        import numpy as np
        from piper import SynthesisConfig

        voice, _ = self.voice_file(options.voice, options.lang)
        engine = self._voice(voice)
        config = SynthesisConfig(normalize_audio=False, **self.settings(options))
        pieces: list[np.ndarray] = []
        sentence: list[tuple[str, float]] = []
        rate = engine.config.sample_rate
        offset = 0
        for chunk in engine.synthesize(text, config, include_alignments=True):
            if not chunk.phoneme_alignments:
                raise BackendError("Piper gave no phoneme alignment for this text", backend=self.name, text=text)
            starts = itertools.accumulate((a.num_samples for a in chunk.phoneme_alignments), initial=offset)
            sentence += [(a.phoneme, start / rate) for a, start in zip(chunk.phoneme_alignments, starts, strict=False)]
            pieces.append(chunk.audio_float_array)
            offset += chunk.audio_float_array.size
        if not pieces:
            raise BackendError("Piper produced no audio (nothing it could pronounce)", backend=self.name, text=text)
        spans = word_spans(text)
        words = [[p for group in engine.phonemize(text[a:b]) for p in group] for a, b in spans]
        found = word_starts_from_phonemes(sentence, words)
        marks = [(a, t) for (a, _), t in zip(spans, found, strict=True) if t is not None]
        samples = np.concatenate(pieces) if len(pieces) > 1 else pieces[0]
        return Audio(samples=samples, sample_rate=rate), from_char_times(text, marks)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
