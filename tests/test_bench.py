"""bench/run.py on a tiny budget: the script runs end to end and prints its table.

The real figures take 10-15 minutes and belong to a quiet machine (see docs/performance.md);
here only the plumbing is tested: every section present, the numbers parse, files written.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
from types import SimpleNamespace

from conftest import ROOT
from warm_python import run_python


def bench_module(name: str):
    """bench/NAME.py, imported (it sets TF_CPP_MIN_LOG_LEVEL: conftest.environment_restored)."""
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.remove(str(ROOT / "bench"))


def test_bench_quick_prints_the_table(tmp_path):
    run = run_python(
        [str(ROOT / "bench" / "run.py"), "--quick", "--skip-checks",
         "--skip-own-digits", "--skip-main-job", "--out", str(tmp_path)],
        cwd=ROOT, env=os.environ.copy(), timeout=900,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    table = run.stdout
    assert "| what | figure | notes |" in table
    for row in ("`import tensorflow`", "MLP: test accuracy", "MLP without augmentation: test accuracy",
                "CNN (lesson 08): test accuracy", "Keras example recipe: test accuracy",
                "accuracy per training minute: our CNN", "CNN (lesson 08): own-digit accuracy",
                "MLP: test accuracy / training time", "CNN (lesson 08): test accuracy / training time",
                "MLP epoch time, with / without augmentation", "`python3 bootstrap.py main`, install excluded",
                "reference MLP vs two plain seed-shape trainings: training time",
                "MLP: MNIST test accuracy with / without the course's extras",
                "CNN (lesson 08): MNIST test accuracy with / without the course's extras"):  # fmt: skip
        assert row in table, row
    assert "not measured" in table  # the skipped parts say so instead of a figure
    result = json.loads((tmp_path / "latest.json").read_text())
    assert (tmp_path / "latest.md").read_text() == table.rstrip("\n") + "\n"
    for kind in ("mlp", "mlp_no_augment", "cnn", "mlp_no_extras", "cnn_no_extras", "keras_example"):
        run_figures = result["training"][kind]
        assert 0.0 <= run_figures["test_accuracy"] <= 1.0 and run_figures["seconds"] > 0
    for kind in ("mlp", "mlp_no_augment", "cnn"):  # one time per epoch trained, from the same run
        assert len(result["training"][kind]["epoch_seconds"]) == result["training"][kind]["epochs"]
    assert result["machine"]["cores"] >= 1
    assert "main_job" not in result  # its own test below: three fresh interpreters cost 50 s here
    # issue 24's side-by-side: the reference MLP against two plain seed-shape trainings, one run
    speed = result["speed_ratio"]
    assert speed["ratio"] == speed["reference"]["seconds"] / speed["plain_seconds"] > 0


def test_the_main_job_trains_evaluates_and_reads_every_example_in_a_fresh_copy(tmp_path,
                                                                               monkeypatch):
    """The README's first command once installed, as bench/run.py times it: `bootstrap.main_job`'s
    commands in a fresh copy of the repository, training cut to one short epoch (--quick). Each
    runs forked from the warm Python (warm_python.py) instead of an interpreter of its own."""
    environment = os.environ.copy()  # before bench/run.py sets its own names
    bench = bench_module("run")
    outputs = []

    def warm_run(command, *, cwd, timeout, **_):
        assert command[:3] == [sys.executable, "-m", "mnist_course.cli"], command
        outputs.append(run_python(command[1:], cwd=cwd, env=environment, timeout=timeout))
        return outputs[-1]

    monkeypatch.setattr(bench, "subprocess", SimpleNamespace(run=warm_run))
    job = bench.main_job(tmp_path, quick=True)
    assert [step["command"] for step in job["steps"]] == ["train", "evaluate", "predict"]
    assert job["seconds"] == sum(step["seconds"] for step in job["steps"]) > 0
    copy = tmp_path / "clone"
    assert "--limit" in outputs[0].args and (copy / ".course" / "models").is_dir()
    examples = sorted((copy / "examples").glob("*.png"))
    readings = [line for line in outputs[-1].stdout.splitlines() if not line.startswith(" ")]
    assert len(readings) == len(examples) >= 5, outputs[-1].stdout
    for path, line in zip(examples, readings):
        assert line.startswith(f"{path}: ") and "%" in line, line


def test_the_seed_rows_give_both_real_sets_and_the_held_out_half():
    """Issue 24's MLP figures at each seed: one picture of 387 is within a seed's luck."""
    bench = bench_module("run")

    def sets(real, real2, held):
        return {"sets": {"real": {"n": 139, "ours": real / 139},
                         "real2": {"n": 387, "ours": real2 / 387, "halves": {"held-out": {"n": 179, "ours": held / 179}}}}}

    result = {"training": {"mlp": {"test_accuracy": 0.99}, "mlp_seed_1": {"test_accuracy": 0.98}},
              "own_digits": {"mlp": sets(136, 378, 175), "mlp_seed_1": sets(135, 376, 172)}}  # fmt: skip
    rows = {what: (figure, notes) for what, figure, notes in bench.seed_spread_rows(result)}
    assert rows["MLP, seeds 0 / 1: test accuracy"][0] == "99.00% / 98.00%"
    assert rows["MLP, seeds 0 / 1: real photos read"][0] == "136 / 135 of 139"
    figure, notes = rows["MLP, seeds 0 / 1: digits2/ read"]
    assert figure == "378 / 376 of 387" and notes.endswith("held-out half 175 / 172 of 179")


def test_the_extras_rows_give_the_target_at_seed_0_and_the_change_at_every_seed():
    """Issue 24's "no drop": seed 0 decides the target; the other seeds say how much is luck."""
    bench = bench_module("run")
    training = {"mlp": {"test_accuracy": 0.9895}, "mlp_no_extras": {"test_accuracy": 0.9896},
                "mlp_seed_1": {"test_accuracy": 0.9891}, "mlp_no_extras_seed_1": {"test_accuracy": 0.9902},
                "mlp_seed_2": {"test_accuracy": 0.9894}, "mlp_no_extras_seed_2": {"test_accuracy": 0.9892},
                "cnn": {"test_accuracy": 0.9936}, "cnn_no_extras": {"test_accuracy": 0.9934}}  # fmt: skip
    rows = {what: (figure, notes) for what, figure, notes in bench.extras_rows(training)}
    assert rows["MLP: MNIST test accuracy with / without the course's extras"][1].endswith("-1 of 10,000 images); target: no drop, not met")
    figure, notes = rows["MLP, seeds 0 / 1 / 2: MNIST test accuracy with / without the extras"]
    assert figure == "98.95% / 98.96%, 98.91% / 99.02%, 98.94% / 98.92%"
    assert notes.startswith("change -1, -11, +2 images (mean -3): ")
    assert rows["CNN (lesson 08): MNIST test accuracy with / without the course's extras"][1].endswith("target: no drop, met")
    assert not any(what.startswith("CNN (lesson 08), seeds") for what in rows)  # seed 1 not trained


def test_the_extras_seeds_add_only_the_runs_the_spread_seeds_lack():
    bench = bench_module("run")
    keys = [key for key, _, _ in bench.extras_seed_runs((1, 2))]
    assert keys == ["mlp_no_extras_seed_1", "mlp_no_extras_seed_2", "cnn_seed_1", "cnn_no_extras_seed_1"]
    assert "mlp_seed_1" in [key for key, _, _ in bench.extras_seed_runs(())]


def test_check_speed_shows_the_checks_at_another_revision_beside_today():
    """`check_speed --against REV`: each lesson's row carries REV's time from the same run."""
    check_speed = bench_module("check_speed")
    lessons = {
        number: {"title": f"Lesson {number}", "seconds": 2.0, "ratio": 0.25,
                 "before": {"revision": "abc123", "seconds": 4.0, "ratio": 0.5}}
        for number in ("01", "02", "03")
    }
    result = {
        "import_keras_seconds": 8.0, "targets": check_speed.TARGETS, "lessons": lessons,
        "first_three_ratio": 0.25, "slowest": {"lesson": "03", "ratio": 0.25}, "against": "abc123",
        "progress": {"seconds": 16.0, "ratio": 2.0, "cores": 2}, "grade": None,
        "first_run_lessons_03_07_seconds": 10.0, "load_average": {"before": (0.1,) * 3, "after": (0.2,) * 3},
    }
    table = [line for line in check_speed.markdown(result).splitlines() if line.startswith("|")]
    assert "at abc123, same run" in table[0]
    assert "| 4.00 s, 0.50 (0.50x of it) |" in table[2]
    assert len({line.count("|") for line in table}) == 1, table  # every row has the same cells


def test_install_size_compares_the_course_with_plain_tensorflow():
    """bench/install_size.py: BEFORE is pyproject.toml with plain `tensorflow`; the table has both and the ratio."""
    import tomllib

    install_size = bench_module("install_size")
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    before = tomllib.loads(install_size.plain_tensorflow(pyproject))["project"]
    after = tomllib.loads(pyproject)["project"]
    assert before["dependencies"][0] == "tensorflow>=2.16"
    assert before["dependencies"][1:] == [d for d in after["dependencies"] if not d.startswith("tensorflow")]
    assert before["optional-dependencies"] == after["optional-dependencies"]  # the gpu extra untouched

    result = json.loads((ROOT / "bench" / "results" / "install-size.json").read_text())
    table = install_size.markdown(result)
    assert "| what | before: `tensorflow` " in table and "after: `tensorflow-cpu` " in table
    for row in ("download: every wheel", "download: the TensorFlow wheel", "site-packages",
                "`python3 bootstrap.py setup`, warm pip cache"):  # fmt: skip
        assert row in table, row
    assert "Load average" in table and table.count("x |") == 5
