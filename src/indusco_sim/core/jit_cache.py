"""Where numba keeps compiled kernels: a folder named by a hash of every kernel source, set before numba loads.

numba's own cache checks only the file of the function it loads: a kernel that inlines or calls one from
another file (counts.py, allocation.py) would keep running the old code after that file changed. Naming the
cache folder by the hash of all of core/ makes any change to any kernel start a fresh cache.

The base folder is $INDUSCO_CACHE_DIR, else $NUMBA_CACHE_DIR, else ~/.cache/indusco-sim (XDG_CACHE_HOME).
When a kernel version is new there, the folders of other versions that nothing has written to for a day are
removed (remove_stale): a checkout of another version still in use keeps its cache.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import sys
import time
from pathlib import Path

CORE = Path(__file__).resolve().parent
CACHE_FOLDER = re.compile(r"numba-[0-9a-f]{16}")
STALE_AFTER_S = 24 * 3600  # a cache folder nothing wrote to for this long belongs to a version no longer run


def kernel_hash() -> str:
    """sha256 (16 hex digits) of the names and bytes of core/*.py and core/kernels/*.py."""
    digest = hashlib.sha256()
    for path in sorted([*CORE.glob("*.py"), *CORE.glob("kernels/*.py")]):
        digest.update(str(path.relative_to(CORE)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def base_dir() -> Path:
    explicit = os.environ.get("INDUSCO_CACHE_DIR") or os.environ.get("NUMBA_CACHE_DIR")
    if explicit:
        return Path(explicit)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "indusco-sim"


def configure() -> Path:
    """Point numba's cache at base/numba-<hash>; also in child processes (dask workers) through the environment.

    Returns the folder. If numba is already loaded, its config is updated too (kernels not yet compiled follow).
    """
    base = base_dir()
    os.environ["INDUSCO_CACHE_DIR"] = str(base)  # children keep the same base, not base/numba-<hash>
    folder = base / f"numba-{kernel_hash()}"
    if not folder.exists():  # a new kernel version: the place to drop the caches of old ones
        remove_stale(base, keep=folder)
    os.environ["NUMBA_CACHE_DIR"] = str(folder)
    config = sys.modules.get("numba.core.config")
    if config is not None:
        config.CACHE_DIR = str(folder)
    return folder


def last_written(folder: Path) -> float:
    """The newest modification time of the folder and the files in it (numba writes them when it compiles)."""
    times = [folder.stat().st_mtime]
    for path in folder.rglob("*"):
        try:
            times.append(path.lstat().st_mtime)
        except OSError:  # removed meanwhile
            continue
    return max(times)


def remove_stale(base: Path, keep: Path, min_age_s: float = STALE_AFTER_S) -> list[Path]:
    """Delete the cache folders of other kernel versions in `base` (numba-<16 hex digits>, real folders, not
    links) that nothing has written to for min_age_s seconds; returns them. Errors (a folder another process
    removes at the same moment, no permission) are ignored: a cache left behind only costs disk space."""
    removed = []
    now = time.time()
    try:
        entries = list(base.iterdir())
    except OSError:
        return removed
    for entry in entries:
        if entry.name == keep.name or not CACHE_FOLDER.fullmatch(entry.name):
            continue
        try:
            if entry.is_symlink() or not entry.is_dir() or now - last_written(entry) < min_age_s:
                continue
        except OSError:
            continue
        shutil.rmtree(entry, ignore_errors=True)
        removed.append(entry)
    return removed
