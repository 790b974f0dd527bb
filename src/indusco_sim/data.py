"""Locating and reading the bundled data (data/*.csv) and user-supplied data files."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd

from indusco_sim.errors import InputError

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
    if not path.is_file():
        raise InputError(f"data file not found: {path}", key=key,
                         valid="the path of an existing CSV file, or leave the key empty for the bundled data")
    try:
        frame = pd.read_csv(path, comment=None, skipinitialspace=True)
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise InputError(f"cannot read CSV: {str(exc).splitlines()[0]}", file=str(path), key=key,
                         valid=f"a CSV with columns {', '.join(columns)}") from None
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(f"missing columns {missing}", file=str(path), key=key, line=1,
                         valid=f"a CSV with columns {', '.join(columns)}")
    return frame


def load_towns(path: Path | None = None, key: str = "geography.towns_file") -> pd.DataFrame:
    frame = read_table(path or data_dir() / "towns.csv", TOWN_COLUMNS, key)
    dup = frame["town"][frame["town"].duplicated()].tolist()
    if dup:
        raise InputError(f"town names repeat: {dup}", file=str(path), key=key, valid="one row per town")
    for col in ("lat", "lon"):
        if not pd.api.types.is_numeric_dtype(frame[col]) or frame[col].isna().any():
            raise InputError(f"column '{col}' must hold a number on every row", file=str(path), key=key,
                             valid="decimal degrees")
    frame["region_1940"] = frame["region_1940"].fillna("")
    return frame.reset_index(drop=True)


def load_routes(path: Path | None, towns: pd.DataFrame, key: str = "geography.routes_file") -> pd.DataFrame:
    path = path or data_dir() / "routes.csv"
    frame = read_table(path, ROUTE_COLUMNS, key)
    names = set(towns["town"])
    from indusco_sim.errors import did_you_mean

    for i, row in frame.iterrows():
        for end in ("from", "to"):
            if row[end] not in names:
                raise InputError(f"unknown town '{row[end]}' in column '{end}'{did_you_mean(row[end], names)}",
                                 file=str(path), key=key, line=int(i) + 2, valid="a town of the towns file")
        if row["mode"] not in MODES:
            raise InputError(f"unknown mode '{row['mode']}'", file=str(path), key=key, line=int(i) + 2,
                             valid=" | ".join(MODES))
    return frame


@cache
def load_history() -> tuple[pd.DataFrame, pd.DataFrame]:
    """(national, regional) archive figures to compare with, dates parsed."""
    national = pd.read_csv(data_dir() / "history" / "national.csv", parse_dates=["date"])
    regional = pd.read_csv(data_dir() / "history" / "regional.csv", parse_dates=["date"])
    return national, regional
