"""Fixed noise for Piper voices: the same text and settings give the same samples, every time.

A Piper (VITS) model samples Gaussian noise inside the graph: two
``RandomNormalLike`` nodes, one for the phoneme durations (scaled by
``noise_w``) and one for the spectral detail (``noise_scale``). ONNX Runtime
seeds them once per session and then keeps drawing, so the same sentence gave
different audio each run (and a different length: 67,584, 71,168 and 72,704
bytes in three runs). Setting both scales to 0 makes it deterministic but
flattens the voice. Instead each ``RandomNormalLike`` is replaced by a slice
of a table of normal noise drawn once from a fixed seed (tiled if a chunk ever
needs more): the noise keeps its distribution and its scales, so the voice
sounds as Piper intends, and every render of a chunk is byte-identical.

The rewrite needs the ``onnx`` package and a second or two, so its result is
written once per model (by digest) to the Piper cache folder and loaded from
there by every worker afterwards. Run as ``python -m reader.backends.piper_noise
MODEL OUT`` it does the rewrite in a short-lived process, so a worker's memory
never holds the model twice.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from reader.errors import BackendError

__all__ = ["NOISE_VERSION", "fixed_noise_model"]

NOISE_VERSION = "fixed-normal-table-v1 seed 1307 len 1048576"  # part of chunk keys: change it, keys change
SEED = 1307
TABLE = 1 << 20  # 4 MB of float32 per node; 192 channels x 5,461 frames (~63 s of audio) before tiling


def rewrite(source: Path) -> bytes:
    """The model with its RandomNormalLike nodes replaced by fixed-table lookups (serialized ONNX)."""
    import numpy as np
    import onnx
    from onnx import helper, numpy_helper

    model = onnx.load(str(source))
    graph = model.graph
    rng = np.random.default_rng(SEED)
    nodes = []
    replaced = 0
    for node in graph.node:
        if node.op_type != "RandomNormalLike":
            nodes.append(node)
            continue
        p = f"/reader_fixed_noise_{replaced}"
        replaced += 1
        graph.initializer.extend(
            [
                numpy_helper.from_array(rng.standard_normal(TABLE).astype(np.float32), p + "/table"),
                numpy_helper.from_array(np.array([TABLE], np.int64), p + "/length"),
                numpy_helper.from_array(np.array([TABLE - 1], np.int64), p + "/length_minus_1"),
                numpy_helper.from_array(np.array([0], np.int64), p + "/zero"),
            ]
        )
        like, out = node.input[0], node.output[0]
        nodes += [  # out = reshape(tile(table, ceil(n / TABLE))[:n], shape(like)), n = prod(shape(like))
            helper.make_node("Shape", [like], [p + "/shape"]),
            helper.make_node("ReduceProd", [p + "/shape"], [p + "/n"], keepdims=1),
            helper.make_node("Add", [p + "/n", p + "/length_minus_1"], [p + "/n_up"]),
            helper.make_node("Div", [p + "/n_up", p + "/length"], [p + "/repeats"]),
            helper.make_node("Tile", [p + "/table", p + "/repeats"], [p + "/tiled"]),
            helper.make_node("Slice", [p + "/tiled", p + "/zero", p + "/n"], [p + "/flat"]),
            helper.make_node("Reshape", [p + "/flat", p + "/shape"], [out]),
        ]
    if replaced == 0:
        raise BackendError(f"{source.name} samples no noise that could be fixed (not a Piper VITS model?)")
    del graph.node[:]
    graph.node.extend(nodes)
    return model.SerializeToString()


def fixed_noise_model(source: Path, digest: str, cache: Path) -> Path:
    """Path of the fixed-noise version of ``source`` (whose sha256 is ``digest``), made once per model."""
    target = cache / f"{digest[:32]}-{NOISE_VERSION.split()[0]}.onnx"
    cache.mkdir(parents=True, exist_ok=True)
    return derived_model(
        "reader.backends.piper_noise", source, target, f"could not prepare the Piper voice {source.name}"
    )


def derived_model(module: str, source: Path, target: Path, failure: str) -> Path:
    """``target``, made once from ``source`` by ``python -m module SOURCE TARGET`` unless it exists: a
    short-lived process, so a worker's memory never holds the model twice. ``failure`` starts the error."""
    if target.is_file():
        return target
    done = subprocess.run(
        [sys.executable, "-m", module, str(source), str(target)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode != 0 or not target.is_file():
        reason = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise BackendError(f"{failure}: {reason}", backend="piper")
    return target


def write_model(target: Path, data: bytes) -> None:
    """Write a derived model whole: two workers racing both write whole files; the last rename wins."""
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-model-", suffix=".onnx")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temp, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)


def main(argv: list[str]) -> int:
    source, target = Path(argv[0]), Path(argv[1])
    write_model(target, rewrite(source))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
