"""A seeded `mnist-course train` repeats itself bit for bit on one machine: weights and history.

Each training runs in an interpreter of its own, as two `mnist-course train` runs do, through
`pipeline.build_and_fit` (the routine `train` uses) with lesson 04's augmentation replayed by
augmentation.py's prefetched OpenCV batches. The second run's data pipeline is slowed down (a
millisecond per warp), so a result that depended on how the data thread and the training
interleave would show here.

Only the same machine: another CPU may take other oneDNN kernels and round differently
(see tests/test_train_cnn_cli.py).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest
from conftest import ROOT

pytestmark = pytest.mark.slow

TRAIN = r"""
import json, sys, time
from pathlib import Path

import numpy as np

kind, out, slow = sys.argv[1], sys.argv[2], sys.argv[3] == "slow"
if slow:
    import cv2

    warp = cv2.warpAffine

    def slow_warp(*args, **kwargs):
        time.sleep(0.001)
        return warp(*args, **kwargs)

    cv2.warpAffine = slow_warp

from mnist_course.training.pipeline import Implementation, build_and_fit, load_data

impl = Implementation(Path("solutions"), reference=Path("solutions"))
train, validation, _ = load_data(impl, limit=1500)
model, history, _ = build_and_fit(impl, kind, train, validation, epochs=2, seed=7, verbose=0)
assert history.augmentation not in (None, "in the model"), history.augmentation  # the batches' path
np.savez(out, *model.get_weights(), history=np.array(json.dumps(history.history)))
"""


def trained(kind: str, out, pace: str) -> dict[str, np.ndarray]:
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONDONTWRITEBYTECODE="1")
    run = subprocess.run([sys.executable, "-c", TRAIN, kind, str(out), pace], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=600, check=False)  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    with np.load(out) as saved:
        return {name: saved[name] for name in saved.files}


@pytest.mark.parametrize("kind", ["mlp", "cnn"])
def test_a_seeded_training_gives_the_same_bits_twice(kind, tmp_path):
    first = trained(kind, tmp_path / "first.npz", "fast")
    second = trained(kind, tmp_path / "second.npz", "slow")
    assert json.loads(str(first["history"])) == json.loads(str(second["history"]))
    assert str(first["history"]) == str(second["history"])  # every digit of every epoch's figures
    weights = sorted(set(first) - {"history"})
    assert weights and weights == sorted(set(second) - {"history"})
    different = [name for name in weights if first[name].tobytes() != second[name].tobytes()]
    assert not different, f"{len(different)} of {len(weights)} weight arrays differ"
