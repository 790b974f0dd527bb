"""Where numba keeps compiled kernels: a folder named by a hash of every kernel source, set before numba loads.

numba's own cache checks only the file of the function it loads: a kernel that inlines or calls one from
another file (counts.py, allocation.py) would keep running the old code after that file changed. Naming the
cache folder by the hash of all of core/ makes any change to any kernel start a fresh cache.

The base folder is $INDUSCO_CACHE_DIR, else $NUMBA_CACHE_DIR, else ~/.cache/indusco-sim (XDG_CACHE_HOME).
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

CORE = Path(__file__).resolve().parent


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
    os.environ["NUMBA_CACHE_DIR"] = str(folder)
    config = sys.modules.get("numba.core.config")
    if config is not None:
        config.CACHE_DIR = str(folder)
    return folder
