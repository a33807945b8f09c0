#!/usr/bin/env bash
# Grade every learner's course on a JupyterHub, with the instructor's pinned course.
#
#   bash graders/jupyterhub/collect.sh /home/*/mnist-course > grades.jsonl
#
# Run from the instructor's checkout of the course (installed with `python3 bootstrap.py setup`).
# Each argument is a learner's copy (as nbgitpuller made it); each line of the output is that
# learner's report (`mnist-course report --json`), one JSON document per line, with its path.
set -uo pipefail
cd "$(dirname "$0")/../.."
python=".venv/bin/python"
[ -x "$python" ] || python="python3"
for copy in "$@"; do
  # What report says on stderr (a lesson file it did not grade, a refusal) goes to yours.
  if report=$("$python" -m mnist_course.cli report --json --lessons "$copy/lessons"); then
    "$python" -c 'import json, sys; document = json.loads(sys.stdin.read()); document["learner_copy"] = sys.argv[1]; print(json.dumps(document))' "$copy" <<<"$report"
  else
    echo "cannot grade $copy (no lessons/ folder?)" >&2
  fi
done
