"""Locating and reading the bundled data (data/*.csv) and user-supplied data files."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pandas as pd

from indusco_sim.errors import InputError, did_you_mean

TOWN_COLUMNS = ("town", "lat", "lon", "province", "role_1940", "region_1940")
ROUTE_COLUMNS = ("from", "to", "mode", "km")
MODES = ("rail", "road", "river")


def package_root() -> Path:
    return Path(__file__).resolve().parent


def data_dir() -> Path:
    """The data folder: inside the installed wheel, or the repository's data/ in a source checkout."""
    bundled = package_root() / "data"
    return bundled if bundled.is_dir() else package_root().parents[1] / "data"


def scenarios_dir() -> Path:
    bundled = package_root() / "scenarios"
    return bundled if bundled.is_dir() else package_root().parents[1] / "scenarios"


def read_table(path: Path, columns: tuple[str, ...], key: str | None = None) -> pd.DataFrame:
    """Read a CSV and check its columns; a missing or malformed file is an InputError naming `key`."""
    valid = f"a CSV file with a header row of columns {', '.join(columns)}"
    if not path.is_file():
        raise InputError(f"data file not found: {path}", key=key,
                         valid="the path of an existing CSV file, or leave the key empty for the bundled data")
    try:
        frame = pd.read_csv(path, comment=None, skipinitialspace=True)
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError, OSError) as exc:
        text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(f"cannot read CSV: {text.removeprefix('Error tokenizing data. ')}", file=str(path),
                         key=key, line=_csv_line(text), valid=valid) from None
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(f"missing columns {', '.join(missing)}", file=str(path), key=key, line=1, valid=valid)
    return frame


def _csv_line(message: str) -> int | None:
    """The file line a pandas parser message names ('line 4' is 1-based, 'row 1' 0-based with the header)."""
    if match := re.search(r"\bline (\d+)", message):
        return int(match.group(1))
    if match := re.search(r"\brow (\d+)", message):
        return int(match.group(1)) + 1
    return None


def _check_numbers(frame: pd.DataFrame, cols: tuple[str, ...], path: Path, key: str, valid: str) -> None:
    """Every value of `cols` must be a number; the error names the first bad row's line."""
    for col in cols:
        values = pd.to_numeric(frame[col], errors="coerce")
        bad = values.isna()
        if bad.any():
            i = int(bad.to_numpy().nonzero()[0][0])
            raise InputError(f"column '{col}' must hold a number on every row (got {frame[col].iloc[i]!r})",
                             file=str(path), key=key, line=i + 2, valid=valid)
        frame[col] = values


def load_towns(path: Path | None = None, key: str = "geography.towns_file") -> pd.DataFrame:
    path = path or data_dir() / "towns.csv"
    frame = read_table(path, TOWN_COLUMNS, key)
    dup = frame["town"].duplicated()
    if dup.any():
        i = int(dup.to_numpy().nonzero()[0][0])
        raise InputError(f"the town '{frame['town'].iloc[i]}' has a second row", file=str(path), key=key,
                         line=i + 2, valid="one row per town")
    _check_numbers(frame, ("lat", "lon"), path, key, "decimal degrees")
    frame["region_1940"] = frame["region_1940"].fillna("")
    return frame.reset_index(drop=True)


def load_routes(path: Path | None, towns: pd.DataFrame, key: str = "geography.routes_file") -> pd.DataFrame:
    path = path or data_dir() / "routes.csv"
    frame = read_table(path, ROUTE_COLUMNS, key)
    names = set(towns["town"])
    for i, row in frame.iterrows():
        for end in ("from", "to"):
            if row[end] not in names:
                raise InputError(f"unknown town '{row[end]}' in column '{end}'{did_you_mean(row[end], names)}",
                                 file=str(path), key=key, line=int(i) + 2, valid="a town of the towns file")
        if row["mode"] not in MODES:
            raise InputError(f"unknown mode '{row['mode']}'", file=str(path), key=key, line=int(i) + 2,
                             valid=" | ".join(MODES))
    frame["exposed"] = _exposed_column(frame, path, key)
    return frame


def _exposed_column(frame: pd.DataFrame, path: Path, key: str) -> pd.Series:
    """The optional `exposed` column of a routes file (1: the leg runs under enemy fire) as bool; empty or 0:
    not exposed; no column: none is."""
    if "exposed" not in frame:
        return pd.Series(False, index=frame.index)
    for i, value in frame["exposed"].items():
        if not (pd.isna(value) or str(value).strip() in ("0", "1", "0.0", "1.0")):
            raise InputError(f"bad value '{value}' in column 'exposed'", file=str(path), key=key,
                             line=int(i) + 2, valid="1 for a leg under enemy fire, 0 or empty otherwise")
    return frame["exposed"].fillna(0).astype(float).astype(bool)


@cache
def load_history() -> tuple[pd.DataFrame, pd.DataFrame]:
    """(national, regional) archive figures to compare with, dates parsed."""
    national = pd.read_csv(data_dir() / "history" / "national.csv", parse_dates=["date"])
    regional = pd.read_csv(data_dir() / "history" / "regional.csv", parse_dates=["date"])
    return national, regional
