"""What the learner checks in `checks/` run on.

- `pytest_plugin`: the checks' options, fixtures and report (`checks/conftest.py` loads it);
- `toolkit`: what a check file calls: `expect`, `call`, `watch_fit`, `record_steps`, `scenario`;
- `outcome`: every failed check classified once, and its teaching message;
- `failure_pictures`: an image of a failed check's input, expected and seen;
- `quiet`, `quick_exit`, `safe_text`: the checks' output without noise, a prompt exit, and
  text from learner code made safe to print.
"""
