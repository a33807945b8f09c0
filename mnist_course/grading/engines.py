"""A grade report (`mnist-course report --json`) in the forms classroom engines read.

    python -m mnist_course.grading.engines classroom50 REPORT.json RESULT.json
    python -m mnist_course.grading.engines summary REPORT.json      # Markdown, for $GITHUB_STEP_SUMMARY

- **Classroom 50** reads `result.json` from the student's checkout after its autograder
  exits. Its contract is the one on the Classroom 50 wiki page *Advanced Autograding*,
  section "The `result.json` contract" (foundation50/classroom50, `wiki/Advanced-Autograding.md`):
  `schema` is exactly `classroom50/result/v1`; `classroom`, `assignment`, `submission`,
  `commit`, `release`, `review` come from the runner's environment variables; `datetime` is
  the submission instant; `score` and `max-score` are integers summing `tests`, each test with
  `test-name`, `passed`, `score` and `max-score` (extra diagnostic fields are kept verbatim).
  One test per lesson, worth its points.
- **GitHub Actions** (any repository, no classroom product): a table per lesson for the job
  summary; the workflow uploads the report itself as an artifact.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import re
import sys
from pathlib import Path

CLASSROOM50_SCHEMA = "classroom50/result/v1"
# The runner's environment variables a result names (wiki: "Contract" and the pytest template).
CLASSROOM50_FIELDS = {"classroom": "CLASSROOM", "assignment": "ASSIGNMENT", "submission": "SUBMISSION_TAG",
                      "commit": "COMMIT_URL", "release": "RELEASE_URL"}


def lesson_title(lesson: dict) -> str:
    return f"Lesson {lesson['number']} · {lesson['title']}"


def first_problem(lesson: dict) -> str:
    """One line on why a lesson did not earn its points ("" when it did)."""
    if lesson["points"] == lesson["max_points"]:
        return ""
    if lesson["collect_errors"]:
        return lesson["collect_errors"][0].strip().splitlines()[0][:300]
    for function in lesson["functions"]:
        if function["status"] == "not written":
            return f"{function['name']}() is not written yet"
        if function["first_message"]:
            lines = [line.strip() for line in function["first_message"].splitlines() if line.strip()]
            return f"{function['name']}(): " + " ".join(lines[1:3])[:300]
    return f"{lesson['passed']} of {lesson['total']} checks pass"


def classroom50_result(document: dict, env: dict[str, str] | None = None,
                       now: dt.datetime | None = None) -> dict:
    """The Classroom 50 `result.json` for a grade report."""
    env = dict(os.environ if env is None else env)
    stamp = (now or dt.datetime.now(dt.timezone.utc)).strftime("%Y-%m-%dT%H:%M:%SZ")
    tests = [
        {
            "test-name": lesson_title(lesson),
            "passed": lesson["points"] == lesson["max_points"],
            "score": int(lesson["points"]),
            "max-score": int(lesson["max_points"]),
            # Extra fields are kept verbatim by Classroom 50: what the learner should read.
            "checks": f"{lesson['passed']}/{lesson['total']}",
            "message": first_problem(lesson),
        }
        for lesson in document["lessons"]
    ]
    result = {"schema": CLASSROOM50_SCHEMA}
    for field, variable in CLASSROOM50_FIELDS.items():
        result[field] = env.get(variable, "")
    result["review"] = env.get("REVIEW_URL") or env.get("COMMIT_URL", "")
    # The submission instant is the graded commit's date; the runner stamps it authoritatively
    # when it knows it, so the grading time stands in when nothing better is given.
    result["datetime"] = env.get("SUBMISSION_DATETIME") or stamp
    result["graded_at"] = stamp
    result["score"] = sum(test["score"] for test in tests)
    result["max-score"] = sum(test["max-score"] for test in tests)
    result["tests"] = tests
    return result


MARKDOWN_SIGNS = re.compile(r"([\\`*_{}\[\]()#+!|~-])")


def as_text(words: str) -> str:
    """`words` as they are, in a Markdown table cell: no link, image, emphasis or HTML of theirs."""
    return html.escape(MARKDOWN_SIGNS.sub(r"\\\1", words), quote=False)


def summary_markdown(document: dict) -> str:
    """A per-lesson table for a GitHub Actions job summary."""
    lines = [
        f"## mnist-course grade: {document['points']} / {document['max_points']}",
        "",
        "| Lesson | Checks | Points | What to fix first |",
        "|---|---:|---:|---|",
    ]
    for lesson in document["lessons"]:
        # The learner's words, shown as text: GitHub renders HTML and Markdown in a job summary.
        problem = as_text(first_problem(lesson)) or "✓"
        lines.append(f"| {lesson_title(lesson)} | {lesson['passed']}/{lesson['total']} | "
                     f"{lesson['points']}/{lesson['max_points']} | {problem} |")
    lines += [
        "",
        f"Graded with mnist-course {document['course_version']} (checks {document['checks_digest'][:19]}…), "
        f"check seed {document['check_seed']}: `mnist-course report --lessons DIR --check-seed "
        f"{document['check_seed']}` repeats it.",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    usage = __doc__.strip().splitlines()[2:4]
    if len(argv) < 2 or argv[0] not in ("classroom50", "summary"):
        print("usage:\n" + "\n".join(usage), file=sys.stderr)
        return 2
    try:
        document = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        print(f"mnist-course: cannot read the report {argv[1]}: {error}", file=sys.stderr)
        return 2
    if argv[0] == "summary":
        sys.stdout.write(summary_markdown(document))
        return 0
    if len(argv) < 3:
        print("usage:\n" + "\n".join(usage), file=sys.stderr)
        return 2
    from mnist_course.course.workspace import write_atomically

    write_atomically(Path(argv[2]), json.dumps(classroom50_result(document), indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
