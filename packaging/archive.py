"""Packs a built agentgate binary as a release archive.

    python3 packaging/archive.py TARGET BINARY OUTDIR

writes OUTDIR/agentgate-<version>-<TARGET>.tar.gz (.zip for Windows targets) holding
agentgate-<version>-<TARGET>/{agentgate[.exe], README.md, CHANGELOG.md} and prints its path.
The layout is what scripts/action/install.sh unpacks. Entries get a fixed timestamp, owner and
mode, so the same binary always gives the same archive bytes (and the same SHA256SUMS line).
"""

import gzip
import io
import sys
import tarfile
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from version import ROOT, cargo_version  # noqa: E402

EPOCH = 315532800  # 1980-01-01, the earliest time a zip entry can hold


def main(argv):
    if len(argv) != 4:
        sys.exit(__doc__)
    target, binary, outdir = argv[1], Path(argv[2]), Path(argv[3])
    if not binary.is_file():
        sys.exit(f"archive: {binary} is not a file")
    version = cargo_version()
    stem = f"agentgate-{version}-{target}"
    windows = "windows" in target
    exe = "agentgate.exe" if windows else "agentgate"
    members = [
        (exe, binary.read_bytes(), 0o755),
        ("README.md", (ROOT / "README.md").read_bytes(), 0o644),
        ("CHANGELOG.md", (ROOT / "CHANGELOG.md").read_bytes(), 0o644),
    ]
    outdir.mkdir(parents=True, exist_ok=True)
    if windows:
        out = outdir / f"{stem}.zip"
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            for name, data, mode in members:
                info = zipfile.ZipInfo(f"{stem}/{name}", date_time=(1980, 1, 1, 0, 0, 0))
                info.external_attr = (0o100000 | mode) << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                z.writestr(info, data)
    else:
        out = outdir / f"{stem}.tar.gz"
        raw = io.BytesIO()
        with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
            for name, data, mode in members:
                info = tarfile.TarInfo(f"{stem}/{name}")
                info.size, info.mode, info.mtime = len(data), mode, EPOCH
                info.uid = info.gid = 0
                info.uname = info.gname = ""
                tar.addfile(info, io.BytesIO(data))
        # mtime=0 in the gzip header too, or the archive changes with the clock.
        with open(out, "wb") as f, gzip.GzipFile(fileobj=f, mode="wb", mtime=0, filename="") as gz:
            gz.write(raw.getvalue())
    print(out)


if __name__ == "__main__":
    main(sys.argv)
