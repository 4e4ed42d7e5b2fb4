"""The package version, read from Cargo.toml: the one source of truth for the wheel (maturin
reads it itself), the npm packages, the pre-commit mirror and the release archives."""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def cargo_version(root: Path = ROOT) -> str:
    text = (root / "Cargo.toml").read_text(encoding="utf-8")
    # The first `version = "…"` inside [package]; tomllib would do, but 3.8+ must work too.
    package = re.search(r"^\[package\]\s*$(.*?)(?=^\[|\Z)", text, re.M | re.S)
    found = package and re.search(r'^version\s*=\s*"([^"]+)"', package.group(1), re.M)
    if not found:
        sys.exit("packaging: no [package] version in Cargo.toml")
    return found.group(1)


if __name__ == "__main__":
    print(cargo_version())
