"""Writes the pre-commit mirror repository (agentgate/agentgate-pre-commit) for this version.

    python3 packaging/pre-commit-mirror/generate.py OUTDIR

fills template/ with the version from Cargo.toml. The mirror's hook is `language: python` and
its pyproject.toml depends on exactly `agentgate==<version>`, so pre-commit installs the
prebuilt wheel, as ruff's mirror does (https://github.com/astral-sh/ruff-pre-commit:
pyproject.toml pins `ruff==X`, and a tag per release). The release workflow commits the result
to the mirror repository and tags it `v<version>`; CI installs it offline against the locally
built wheel (tests/packaging.rs).
"""

import sys
from pathlib import Path

here = Path(__file__).resolve().parent
sys.path.insert(0, str(here.parent))
from version import cargo_version  # noqa: E402


def main(argv):
    if len(argv) != 2:
        sys.exit(__doc__)
    out = Path(argv[1])
    version = cargo_version()
    template = here / "template"
    for src in sorted(p for p in template.rglob("*") if p.is_file()):
        dest = out / src.relative_to(template)
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(src.read_text(encoding="utf-8").replace("{version}", version), encoding="utf-8")
    print(out)


if __name__ == "__main__":
    main(sys.argv)
