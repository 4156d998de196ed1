"""Cut a release in the working tree: CHANGELOG's *Unreleased* becomes `## [VERSION] - DATE` (a new
empty *Unreleased* above it), `__version__` and pyproject's version become VERSION, and every README's
`?ref=v...` pins vVERSION. With --owner, the module sources' `github.com/<owner>/` placeholder (or a
previous owner) becomes the GitHub owner the module is published under. Prints the commands that tag
and push it (CONTRIBUTING, Releasing).

    python3 scripts/release.py 0.2.0 [--date 2026-12-06] [--owner acme]
"""

from __future__ import annotations

import argparse
import datetime
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
READMES = [REPO / "README.md", *sorted((REPO / "modules").glob("*/README.md")), *sorted(REPO.glob("docs/**/*.md"))]
SOURCE_OWNER = re.compile(r"(github\.com/)([^/\"]+)(/terraform-aws-root-activity-notifier)")
UNRELEASED = "## [Unreleased]\n"


def cut_changelog(text: str, version: str, date: str) -> str:
    if f"## [{version}]" in text:
        raise SystemExit(f"CHANGELOG.md already has a {version} section.")
    start = text.index(UNRELEASED) + len(UNRELEASED)
    if not re.search(r"^- ", text[start : text.index("\n## [", start)], re.MULTILINE):
        raise SystemExit("CHANGELOG.md has nothing under Unreleased: there is nothing to release.")
    return f"{text[:start]}\n## [{version}] - {date}\n{text[start:]}"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("version", help="MAJOR.MINOR.PATCH, without the v")
    parser.add_argument("--date", default=datetime.date.today().isoformat())
    parser.add_argument("--owner", help="the GitHub owner in the module sources (replaces <owner>)")
    arguments = parser.parse_args(argv)
    if not re.fullmatch(r"\d+\.\d+\.\d+", arguments.version):
        parser.error(f"version must be MAJOR.MINOR.PATCH; got {arguments.version!r}")
    version = arguments.version

    changelog = REPO / "CHANGELOG.md"
    cut = cut_changelog(changelog.read_text(encoding="utf-8"), version, arguments.date)
    changelog.write_text(cut, encoding="utf-8")
    package = REPO / "lambda" / "root_activity_notifier" / "__init__.py"
    package.write_text(re.sub(r'__version__ = "[^"]+"', f'__version__ = "{version}"', package.read_text()))
    pyproject = REPO / "pyproject.toml"
    pyproject.write_text(re.sub(r'(?m)^version = "[^"]+"', f'version = "{version}"', pyproject.read_text(), count=1))
    for readme in READMES:
        text = re.sub(r"\?ref=v\d+\.\d+\.\d+", f"?ref=v{version}", readme.read_text(encoding="utf-8"))
        if arguments.owner:
            text = SOURCE_OWNER.sub(rf"\g<1>{arguments.owner}\g<3>", text)
        readme.write_text(text, encoding="utf-8")
    print(f"Cut {version}. Next: make package docs test, commit, then")
    print(f'  git tag -a v{version} -m "{version}" && git push origin main v{version}')
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
