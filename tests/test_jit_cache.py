"""numba's on-disk cache is keyed by a hash of every kernel source: editing a kernel in one file changes the
compiled code of the kernels in other files that inline or call it (numba alone would load the stale ones)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "indusco_sim"
# count_unemployed (movement.py) inlines count_equal (counts.py): three unemployed workers at town 0, skill 0
PROBE = """
import os, numpy as np
from indusco_sim.core.kernels import movement
status = np.ones(3, np.int8); town = np.zeros(3, np.int32); skill = np.zeros(3, np.int8)
print(int(movement.count_unemployed(status, town, skill, 1, 1)[0, 0]), os.environ["NUMBA_CACHE_DIR"])
"""


def probe(src: Path, cache: Path) -> tuple[int, str]:
    env = {**os.environ, "PYTHONPATH": str(src), "INDUSCO_CACHE_DIR": str(cache)}
    env.pop("NUMBA_CACHE_DIR", None)
    out = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=300,
                         check=True).stdout.split()
    return int(out[0]), out[1]


@pytest.mark.slow
def test_editing_a_kernel_in_another_file_changes_the_result(tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(SRC, src / "indusco_sim", ignore=shutil.ignore_patterns("__pycache__", "static"))
    cache = tmp_path / "cache"
    count, folder = probe(src, cache)
    assert count == 3
    assert any(Path(folder).rglob("*.nbi")), "the first run should have filled the cache"
    assert probe(src, cache) == (3, folder)  # loaded from the cache: same folder, same answer
    counts = src / "indusco_sim" / "core" / "kernels" / "counts.py"
    text = counts.read_text(encoding="utf-8")
    counts.write_text(text.replace("n += status[w] == code", "n += (status[w] == code) and w > 0"),
                      encoding="utf-8")
    edited, new_folder = probe(src, cache)
    assert new_folder != folder
    assert edited == 2  # the first worker is no longer counted, so count_unemployed stops one short


def test_the_cache_folder_is_named_by_the_kernel_sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import numba.core.config

    from indusco_sim.core import jit_cache

    monkeypatch.setenv("INDUSCO_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("NUMBA_CACHE_DIR", os.environ.get("NUMBA_CACHE_DIR", ""))  # restored afterwards
    monkeypatch.setattr(numba.core.config, "CACHE_DIR", numba.core.config.CACHE_DIR)
    folder = jit_cache.configure()
    assert folder == tmp_path / f"numba-{jit_cache.kernel_hash()}"
    assert os.environ["NUMBA_CACHE_DIR"] == str(folder)
    assert str(folder) == numba.core.config.CACHE_DIR
    assert len(jit_cache.kernel_hash()) == 16


def aged(path: Path, days: float) -> Path:
    """Set the modification time of path and everything in it `days` back."""
    when = time.time() - days * 86400
    for p in [path, *path.rglob("*")] if path.is_dir() and not path.is_symlink() else [path]:
        os.utime(p, (when, when), follow_symlinks=False)
    return path


def test_caches_of_other_versions_unused_for_a_day_are_removed(tmp_path: Path) -> None:
    from indusco_sim.core import jit_cache

    def folder(name: str, days: float, files: dict[str, float] | None = None) -> Path:
        path = tmp_path / name
        path.mkdir()
        for file in files or {}:
            (path / file).write_text("x")
        aged(path, days)
        for file, file_days in (files or {}).items():
            aged(path / file, file_days)
        return path

    keep = tmp_path / ("numba-" + "a" * 16)
    old = folder("numba-" + "b" * 16, 2, {"kernel.nbi": 2})
    recent_file = folder("numba-" + "c" * 16, 2, {"kernel.nbi": 0.5})  # compiled into half a day ago
    recent = folder("numba-" + "d" * 16, 0.5)
    other = [folder("numba-old", 2), folder("numba-" + "e" * 15, 2), folder("cache-" + "f" * 16, 2)]
    (tmp_path / ("numba-" + "1" * 16)).write_text("a file")
    aged(tmp_path / ("numba-" + "1" * 16), 2)
    (tmp_path / ("numba-" + "2" * 16)).symlink_to(old)
    assert jit_cache.remove_stale(tmp_path, keep) == [old]
    assert not old.exists() and recent_file.exists() and recent.exists() and all(p.exists() for p in other)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["numba-" + "c" * 16, "numba-" + "d" * 16, "numba-old", "numba-" + "e" * 15, "cache-" + "f" * 16,
         "numba-" + "1" * 16, "numba-" + "2" * 16])
    keep_dir = folder(keep.name, 3)  # this version's own folder is never removed
    assert sorted(jit_cache.remove_stale(tmp_path, keep, min_age_s=3600)) == [recent_file, recent]
    assert keep_dir.exists()
    assert jit_cache.remove_stale(tmp_path / "missing", keep) == []


def test_only_a_new_kernel_version_removes_old_caches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import numba.core.config

    from indusco_sim.core import jit_cache

    monkeypatch.setenv("INDUSCO_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("NUMBA_CACHE_DIR", os.environ.get("NUMBA_CACHE_DIR", ""))  # restored afterwards
    monkeypatch.setattr(numba.core.config, "CACHE_DIR", numba.core.config.CACHE_DIR)
    old = tmp_path / ("numba-" + "b" * 16)
    old.mkdir()
    aged(old, 2)
    current = tmp_path / f"numba-{jit_cache.kernel_hash()}"
    current.mkdir()
    jit_cache.configure()  # this version's cache is there: nothing is removed
    assert old.exists()
    current.rmdir()
    assert jit_cache.configure() == current
    assert not old.exists()


# warm_up in a fresh process on the cache folder `cache`; reports, for a kernel of each of warm_up's two groups,
# how numba got it (cache hits, compiles), and how many kernels were compiled rather than loaded
WARM = """
import sys
from indusco_sim.core.kernels import all_kernels, allocation, movement, warming
if sys.argv[1] == "broken":
    warming.HELPER = "raise SystemExit(3)"
warming.warm_up()
counts = lambda k: (sum(k.stats.cache_hits.values()), sum(k.stats.cache_misses.values()))
print(counts(allocation.allocate_phase), counts(movement.move_workers),
      sum(1 for k in all_kernels() if sum(k.stats.cache_misses.values())), warming.marker().exists())
"""


def warm(cache: Path, helper: str = "working") -> str:
    env = {**os.environ, "INDUSCO_CACHE_DIR": str(cache)}
    env.pop("NUMBA_CACHE_DIR", None)
    return subprocess.run([sys.executable, "-c", WARM, helper], env=env, capture_output=True, text=True,
                          timeout=600, check=True).stdout.strip()


@pytest.mark.slow
def test_a_cold_warm_up_compiles_the_coops_kernels_in_a_helper_process(tmp_path: Path) -> None:
    """With an empty cache, the co-ops' kernels are compiled by a second process and loaded from the cache by
    the first, which compiles the rest; the folder is then marked, and the next process loads every kernel. A
    helper that fails costs nothing but time: the first process compiles everything itself."""
    first = warm(tmp_path / "cold")
    assert first.startswith("(1, 0) (0, 1) ") and first.endswith(" True"), first  # loaded / compiled here
    assert int(first.split()[-2]) > 10  # the rest was compiled here
    assert warm(tmp_path / "cold") == "(1, 0) (1, 0) 0 True"  # everything loaded, no helper needed
    broken = warm(tmp_path / "broken", "broken")
    assert broken.startswith("(0, 1) (0, 1) ") and broken.endswith(" True"), broken  # all compiled here


def test_an_interrupted_warm_up_stops_its_helper_at_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C (or SIGTERM, or an error) while this process compiles: the helper is killed, not waited for."""
    from indusco_sim.core.kernels import warming

    helper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    monkeypatch.setattr(warming, "marker", lambda: tmp_path / "WARMED")  # a cold cache
    monkeypatch.setattr(warming, "start_helper", lambda: helper)

    def interrupted() -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(warming, "warm_travel_and_regions", interrupted)
    t0 = time.perf_counter()
    with pytest.raises(KeyboardInterrupt):
        warming.warm_up()
    assert helper.poll() is not None and time.perf_counter() - t0 < 10
    assert not (tmp_path / "WARMED").exists()
