"""`python -m mnist_course.docs_build generate|build|check|serve`: the maintainer's docs commands.

    generate [--out DIR]      docs/ -> build/docs/: directives expanded, figures drawn, the API
                              reference written (what any site builder needs, nothing more)
    build [--with BUILDER]    generate, build the site into site/ with zensical (default) or
                              mkdocs, then check the site has every generated part
    check [SITE]              list every generated part the built site lacks (default: site/)
    serve [--with BUILDER]    generate, then the builder's live preview; generates again when
                              docs/, solutions/, hints.toml or the quoted results change
"""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
import time
from pathlib import Path

from mnist_course.docs_build import BUILDERS, CONFIG, ROOT, DocsError, build, config_setting, generate

WATCHED = ("docs", "solutions", "hints.toml", "bench/results", "experiments/results", "examples")


def report(root: Path, site: Path) -> int:
    from mnist_course.docs_build.complete import missing

    problems = missing(root, site)
    for problem in problems:
        print(f"missing: {problem}", file=sys.stderr)
    if problems:
        print(f"{site} lacks {len(problems)} generated part(s) of the guide", file=sys.stderr)
        return 1
    print(f"{site}: every generated part of the guide is there")
    return 0


def stop_on_sigterm(signum, frame):
    raise KeyboardInterrupt  # stop the preview too, as Ctrl+C does


def serve(root: Path, builder: str) -> int:
    from watchfiles import watch

    signal.signal(signal.SIGTERM, stop_on_sigterm)
    generate(root)
    command = [sys.executable, "-m", builder, "serve", "--config-file", str(root / CONFIG)]
    preview = subprocess.Popen(command, cwd=root)
    try:
        for _ in watch(*(root / path for path in WATCHED if (root / path).exists())):
            started = time.perf_counter()
            try:
                generate(root)
            except DocsError as error:
                print(f"docs_build: {error}", file=sys.stderr)
                continue
            print(f"docs_build: generated again in {time.perf_counter() - started:.1f} s")
    except KeyboardInterrupt:
        pass
    finally:
        preview.terminate()
        preview.wait(timeout=30)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mnist_course.docs_build",
                                     description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    command = commands.add_parser("generate", help="write the pages any builder needs")
    command.add_argument("--out", type=Path, help="default: the docs_dir of mkdocs.yml (build/docs)")
    command.add_argument("--no-figures", action="store_true", help="skip drawing the figures")
    for name in ("build", "serve"):
        command = commands.add_parser(name, help=f"generate, then {name} the site")
        command.add_argument("--with", dest="builder", choices=BUILDERS, default="zensical")
    command = commands.add_parser("check", help="list the generated parts a built site lacks")
    command.add_argument("site", nargs="?", type=Path, help="default: the site_dir of mkdocs.yml")
    args = parser.parse_args(argv)

    try:
        if args.command == "generate":
            started = time.perf_counter()
            out = generate(ROOT, args.out, figures=not args.no_figures)
            print(f"generated the guide's pages into {out} in {time.perf_counter() - started:.1f} s")
            return 0
        if args.command == "build":
            generate(ROOT)
            site = build(args.builder, ROOT)
            print(f"{args.builder} built the site into {site}")
            return report(ROOT, site)
        if args.command == "check":
            return report(ROOT, args.site or ROOT / config_setting(ROOT, "site_dir"))
        return serve(ROOT, args.builder)
    except DocsError as error:
        print(f"docs_build: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
