"""`mnist-course predict`, driven as a learner would: good pictures, bad ones, and both.

A small MLP trained here in a few seconds stands in for the learner's model. The real
photos and drawings in ../shared/digits are used in place (MNIST_COURSE_DIGITS, set by
.ci/run), never copied into the course.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from conftest import ROOT, copy_course, run_cli
from warm_python import run_python
from mnist_course.pictures.photos import Conditions, drawn_mask, encode, photograph
from mnist_course.training.predict import ADVICE, Prediction, report_text

EXAMPLES = sorted((ROOT / "examples").glob("*.png"))
NAMES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]


def one_line_errors(run) -> list[str]:
    """Learner-facing failures: exit code 2, only `mnist-course: ...` lines on stderr."""
    assert run.returncode == 2, run.stdout + run.stderr
    assert "Traceback" not in run.stderr, run.stderr
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert lines and all(line.startswith("mnist-course: ") for line in lines), run.stderr
    return lines


@pytest.fixture(scope="module")
def bad_inputs(tmp_path_factory) -> dict[str, Path]:
    """Every kind of bad input the command must report in one line."""
    folder = tmp_path_factory.mktemp("bad")
    photo = photograph(drawn_mask(4, 200, seed=1), Conditions(canvas=(300, 240), noise=4))
    jpeg = encode(photo, ".jpg")
    cases = {
        "missing": folder / "missing.png",
        "folder": folder / "a-folder",
        "empty": folder / "empty.png",
        "text": folder / "notes.png",
        "truncated": folder / "truncated.jpg",
        "tiny": folder / "one-pixel.png",
        "blank": folder / "blank-page.jpg",
        "black": folder / "all-black.png",
    }
    cases["folder"].mkdir()
    cases["empty"].write_bytes(b"")
    cases["text"].write_text("not a picture, just text\n")
    cases["truncated"].write_bytes(jpeg[: len(jpeg) // 2])
    cv2.imwrite(str(cases["tiny"]), np.full((1, 1), 200, np.uint8))
    blank = photograph(np.zeros((10, 10), np.uint8), Conditions(
        canvas=(480, 360), lighting=0.4, texture=4, noise=4, jpeg_quality=60), seed=3)
    cases["blank"].write_bytes(encode(blank, ".jpg", 60))
    cv2.imwrite(str(cases["black"]), np.zeros((200, 200), np.uint8))
    return cases


# What each bad input's message must say, in the learner's words.
SAYS = {
    "missing": "no such file",
    "folder": "folder",
    "empty": "empty",
    "text": "not an image",
    "truncated": "not an image",
    "tiny": "too small",
    "blank": "no digit found",
    "black": "no digit found",
}
# What `digit_tools.how_it_looked` says after "no digit found" (issue 24.2).
LOOKED = {
    "blank": "it looks like dark ink on light paper; its only clear marks run along the border",
    "black": "the picture is one flat black",
}


def test_predicts_the_example_pictures(model_path):
    run = run_cli("predict", "--solutions", "--model", str(model_path), "--top", "2",
                  *map(str, EXAMPLES), cwd=ROOT)
    assert run.returncode == 0, run.stdout + run.stderr
    lines = [line for line in run.stdout.splitlines() if not line.startswith("  ")]
    assert len(lines) == len(EXAMPLES) >= 5
    for path, line in zip(EXAMPLES, lines):
        wanted = NAMES.index(path.stem.split("-")[0])
        assert line.startswith(f"{path}: {wanted} ("), line
        assert "top 2: " in line and line.count("%") == 3, line


def test_json_reports_good_and_bad_pictures_in_order(model_path, bad_inputs):
    good = [str(EXAMPLES[0]), str(EXAMPLES[-1])]
    paths = [good[0], *map(str, bad_inputs.values()), good[1]]
    run = run_cli("predict", "--solutions", "--json", "--model", str(model_path), *paths, cwd=ROOT)
    one_line_errors(run)
    results = json.loads(run.stdout)
    assert [result["path"] for result in results] == paths
    for result in (results[0], results[-1]):
        assert set(result) == {"path", "digit", "probabilities"}
        assert isinstance(result["digit"], int) and len(result["probabilities"]) == 10
        assert sum(result["probabilities"]) == pytest.approx(1.0, abs=1e-6)
        assert result["digit"] == int(np.argmax(result["probabilities"]))
    for case, result in zip(bad_inputs, results[1:-1]):
        assert set(result) == {"path", "error"}, result
        assert SAYS[case] in result["error"].lower(), (case, result)


def test_every_bad_picture_is_one_line_and_the_good_ones_still_count(model_path, bad_inputs):
    # Fresh: TensorFlow's start-up messages, filtered out of stderr, are part of what is tested.
    run = run_cli("predict", "--solutions", "--model", str(model_path),
                  *map(str, bad_inputs.values()), str(EXAMPLES[0]), cwd=ROOT, fresh=True)
    lines = one_line_errors(run)
    assert len(lines) == len(bad_inputs)
    for (case, path), line in zip(bad_inputs.items(), lines):
        assert path.name in line and SAYS[case] in line.lower(), (case, line)
        if case in LOOKED:  # and, on the same line, what the picture looked like to the course
            assert f"no digit found in the image (to the course, {LOOKED[case]}" in line, (case, line)
    assert run.stdout.startswith(f"{EXAMPLES[0]}: "), run.stdout


def test_a_single_missing_picture_is_one_line(model_path, tmp_path):
    run = run_cli("predict", "--solutions", "--model", str(model_path), str(tmp_path / "nope.jpg"), cwd=ROOT)
    assert one_line_errors(run) == [f"mnist-course: {tmp_path / 'nope.jpg'}: no such file"]
    assert run.stdout == ""


def test_bad_model_files_are_one_line(tmp_path):
    import keras

    not_a_model = tmp_path / "model.keras"
    not_a_model.write_text("definitely not a zip archive\n")
    wrong_input = tmp_path / "cifar.keras"
    keras.Sequential([keras.Input(shape=(32, 32, 3)), keras.layers.Flatten(),
                      keras.layers.Dense(10, activation="softmax")]).save(wrong_input)
    for path, says in ((not_a_model, "not a keras model"), (wrong_input, "not 28x28")):
        run = run_cli("predict", "--solutions", "--model", str(path), str(EXAMPLES[0]), cwd=ROOT)
        (line,) = one_line_errors(run)
        assert says in line.lower(), line


def test_without_a_trained_model_it_says_how_to_train_one(tmp_path):
    course = copy_course(tmp_path / "course")  # a fresh clone: nothing trained yet
    run = run_cli("predict", "--solutions", str(course / "examples" / EXAMPLES[0].name), cwd=course)
    (line,) = one_line_errors(run)
    assert "no trained model" in line and "mnist-course train" in line, line


def test_explain_writes_one_figure_per_picture(model_path, tmp_path):
    out = tmp_path / "explained"
    run = run_cli("predict", "--solutions", "--model", str(model_path), "--explain", str(out),
                  *map(str, EXAMPLES[:2]), cwd=ROOT)
    assert run.returncode == 0, run.stderr
    written = sorted(out.glob("*.png"))
    assert [path.name for path in written] == sorted(f"{p.stem}-explained.png" for p in EXAMPLES[:2])
    for path in written:
        image = cv2.imread(str(path))
        assert image.shape[0] > 400 and image.shape[1] > 800 and image.std() > 20
        assert f"explanation: {path}" in run.stdout


def test_explain_writes_over_no_file_of_the_learners_and_over_its_own_again(model_path, tmp_path):
    import shutil

    folder = tmp_path / "photos"
    folder.mkdir()
    mine, theirs = folder / "mine.png", folder / "mine-explained.png"  # a photo with that name
    shutil.copy(EXAMPLES[0], mine)
    shutil.copy(EXAMPLES[1], theirs)
    kept = theirs.read_bytes()
    command = ("predict", "--solutions", "--model", str(model_path), "--explain", str(folder))
    run = run_cli(*command, str(mine), str(theirs), cwd=ROOT)
    assert run.returncode == 0, run.stderr
    assert theirs.read_bytes() == kept, "the learner's mine-explained.png was overwritten"
    assert f"explanation: {folder / 'mine-explained-2.png'}" in run.stdout
    first, second = run.stdout.splitlines()[0], run.stdout.splitlines()[2]
    alone = run_cli("predict", "--solutions", "--model", str(model_path), str(EXAMPLES[1]), cwd=ROOT)
    reading = alone.stdout.splitlines()[0].split(": ", 1)[1]
    assert second == f"{theirs}: {reading}", (second, reading)  # the photo, not a figure
    again = run_cli(*command, str(mine), cwd=ROOT)  # a rerun replaces its own figure
    assert again.returncode == 0, again.stderr
    assert f"explanation: {folder / 'mine-explained-2.png'}" in again.stdout and first in again.stdout
    assert sorted(path.name for path in folder.iterdir()) == [
        "mine-explained-2.png", "mine-explained-explained.png", "mine-explained.png", "mine.png"]


def test_low_confidence_comes_with_advice():
    unsure = Prediction("scribble.jpg", digit=4, probabilities=[0.05] * 6 + [0.3, 0.1, 0.15, 0.15])
    sure = Prediction("seven.jpg", digit=7, probabilities=[0.0] * 7 + [1.0, 0.0, 0.0])
    lines = report_text([unsure, sure], top=3)
    assert lines[0].startswith("scribble.jpg: 4 (30.0% sure)")
    assert lines[1] == f"  warning: only 30% sure; to help the model, {ADVICE}."
    assert "crop closer" in ADVICE and "contrast" in ADVICE and "one digit per image" in ADVICE
    assert lines[2].startswith("seven.jpg: 7 (100.0% sure)") and len(lines) == 3


# The real digits where bench/own_digits.py looks for them: the variable, else ../shared.
DIGITS = Path(os.environ.get("MNIST_COURSE_DIGITS") or ROOT.parent / "shared" / "digits")
DIGITS2 = Path(os.environ.get("MNIST_COURSE_DIGITS2") or ROOT.parent / "shared" / "digits2")


@pytest.mark.slow
@pytest.mark.skipif(not (DIGITS / "labels.csv").is_file(), reason=f"no real digits in {DIGITS}")
def test_reads_real_handwriting_in_one_batch(model_path):
    folder = DIGITS
    with open(folder / "labels.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    paths = [str(folder / row["file"]) for row in rows]
    run = run_cli("predict", "--solutions", "--json", "--model", str(model_path), *paths, cwd=ROOT)
    assert run.returncode == 0, run.stderr[-2000:]
    results = json.loads(run.stdout)
    right = np.mean([r["digit"] == int(row["label"]) for r, row in zip(results, rows)])
    assert len(results) == len(rows) >= 100
    # The full reference MLP reads about 94% of them (bench/own_digits.py); this small one less.
    assert right >= 0.8, right


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["phone JPEG", "RGBA PNG"])
def test_a_12000_pixel_photo_stays_within_1_5_gb(model_path, tmp_path, kind):
    side = 12000
    page = np.full((side, side), 225, np.uint8)
    mask = drawn_mask(3, 3000, weight=0.4, seed=7)
    top, left = 4000, 5000
    region = page[top: top + mask.shape[0], left: left + mask.shape[1]]
    region[mask > 0] = 40
    if kind == "phone JPEG":
        path = tmp_path / "huge.jpg"
        cv2.imwrite(str(path), page, [cv2.IMWRITE_JPEG_QUALITY, 85])
    else:  # the worst case: no JPEG draft decoding, 576 MB once decoded
        path = tmp_path / "huge.png"
        cv2.imwrite(str(path), cv2.cvtColor(page, cv2.COLOR_GRAY2BGRA), [cv2.IMWRITE_PNG_COMPRESSION, 1])
    del page, region
    # A separate parent, so the peak memory measured is this run's alone.
    measure = (
        "import resource, subprocess, sys; "
        "run = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
        "print(run.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); "
        "print(run.stdout, run.stderr)"
    )
    run = subprocess.run(
        [sys.executable, "-c", measure, sys.executable, "-m", "mnist_course.cli", "predict",
         "--solutions", "--model", str(model_path), str(path)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    code, peak_kib = run.stdout.split("\n", 1)[0].split()
    assert code == "0", run.stdout
    assert f"{path}: 3 (" in run.stdout, run.stdout
    assert int(peak_kib) * 1024 < 1.5 * 2**30, f"peak memory {int(peak_kib) / 2**20:.2f} GiB"


@pytest.mark.slow
def test_the_own_digits_benchmark_runs_and_ours_beats_the_naive_pipeline(model_path, tmp_path):
    sheet = tmp_path / "misses.png"
    run = run_python(
        [str(ROOT / "bench" / "own_digits.py"), "--model", str(model_path),
         "--photos", "40", "--no-latency", "--json", "--sheet", str(sheet)],
        cwd=ROOT, env=os.environ.copy(), timeout=900,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    result = json.loads(run.stdout)
    present = {"real": (DIGITS / "labels.csv").is_file(), "real2": (DIGITS2 / "sources.csv").is_file()}
    assert set(result["sets"]) == {"rendered"} | {name for name, found in present.items() if found}
    for found in result["sets"].values():
        assert found["ours"] > found["naive"] and found["ours"] >= found["textbook"], result
        assert found["ours"] >= 0.8, result
    for key in {"real", "real2"} & set(result["sets"]):  # both halves, and every repository once
        found = result["sets"][key]
        assert set(found["halves"]) == {"tuning", "held-out"}
        assert sum(half["n"] for half in found["halves"].values()) == found["n"]
        assert sum(part["n"] for part in found["per_source"].values()) == found["n"]
        if found["ours"] < 1:
            assert result["sheet"] == str(sheet) and sheet.stat().st_size > 10_000
    assert result["sets"]["rendered"]["n"] == 40 and 0.8 <= result["clean_accuracy"] <= 1.0
    assert result["latency"] is None
