"""The language-ID model, unpacked once into the user's cache folder and memory-mapped after that.

py3langid ships its model LZMA-packed (4.5 MB, 70 MB unpacked): unpacking it cost about half a second
in every process that detects a language, which is every ``reader script`` and every render. The
first process writes the arrays as raw files (their types and shapes in ``model.json``) into
``$XDG_CACHE_HOME/article-reader-tts/langid/<py3langid version>-<model size>/``; later ones
map them in a few milliseconds (pages are read only as the byte walk touches them, and processes
share them through the page cache). A folder that cannot be written or read falls back to the
packed model, as before.
"""

from __future__ import annotations

import json
import logging
import lzma
import os
import shutil
import tempfile
from importlib.metadata import version
from pathlib import Path
from typing import Any

__all__ = ["load_identifier", "model_cache_dir"]

log = logging.getLogger(__name__)

_ARRAYS = ("ptc", "pc", "nextmove", "nextmove_row", "out_feat")


def model_cache_dir() -> Path:
    """The folder for unpacked models: the user's cache folder (``XDG_CACHE_HOME`` or ``~/.cache``)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "article-reader-tts" / "langid"


def load_identifier() -> Any:
    """py3langid's ``LanguageIdentifier`` (probabilities normalized) from the unpacked copy, made if missing."""
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    packed = Path(MODEL_DIR) / MODEL_FILE
    try:
        info = packed.stat()
        # Version and size, not the file's time: every virtualenv with this release shares one copy.
        folder = model_cache_dir() / f"{version('py3langid')}-{info.st_size}"
        if not (folder / "model.json").exists():
            _unpack(packed, folder)
        return _mapped(folder, LanguageIdentifier)
    except (OSError, ValueError, KeyError) as error:
        log.info("language model cache not usable (%s); reading the packed model", error)
        return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def _unpack(packed: Path, folder: Path) -> None:
    """Write the model's arrays beside each other in a temp folder, then rename it into place at once."""
    import numpy as np

    folder.parent.mkdir(parents=True, exist_ok=True)
    temp = Path(tempfile.mkdtemp(dir=folder.parent, prefix=".unpacking-"))
    try:
        with tempfile.TemporaryFile(dir=temp) as raw:
            with lzma.open(packed) as source:
                shutil.copyfileobj(source, raw, length=1 << 20)
            raw.seek(0)
            with np.load(raw, allow_pickle=False) as data:
                arrays = {}
                for name in _ARRAYS:
                    array = np.ascontiguousarray(data[name])
                    array.tofile(temp / f"{name}.bin")
                    arrays[name] = [array.dtype.str, list(array.shape)]
                described = {"classes": data["classes"].tolist(), "arrays": arrays}
                (temp / "model.json").write_text(json.dumps(described), encoding="utf-8")  # written last: complete
        try:
            os.rename(temp, folder)
        except OSError:
            if not (folder / "model.json").exists():  # not another process that won the race: a real failure
                raise
    finally:
        shutil.rmtree(temp, ignore_errors=True)


def _mapped(folder: Path, identifier: Any) -> Any:
    import numpy as np

    described = json.loads((folder / "model.json").read_text(encoding="utf-8"))

    def load(name: str) -> Any:
        dtype, shape = described["arrays"][name]
        return np.memmap(folder / f"{name}.bin", dtype=np.dtype(dtype), mode="r", shape=tuple(shape))

    nextmove, row, output = load("nextmove"), load("nextmove_row"), load("out_feat")
    if (nextmove.dtype, row.dtype, output.dtype) != (np.dtype("<u4"), np.dtype("<u2"), np.dtype("<i4")):
        raise ValueError(f"unexpected table types {nextmove.dtype}, {row.dtype}, {output.dtype}")
    return identifier(
        np.asarray(load("ptc")),  # a plain array over the map: memmap slices cost more per call
        np.array(load("pc")),
        described["classes"],
        _ints(nextmove, "I"),  # indexed byte by byte, as the arrays py3langid builds
        _ints(output, "i"),
        norm_probs=True,
        tk_row=_ints(row, "H"),
    )


def _ints(array: Any, code: str) -> memoryview:
    """A mapped array as a memoryview of native ints: indexing it gives Python ints, as a list does."""
    view = memoryview(array).cast("B").cast(code)
    if view.itemsize != array.itemsize:
        raise ValueError(f"native {code!r} is {view.itemsize} bytes, the table's {array.itemsize}")
    return view
