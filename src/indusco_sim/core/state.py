"""Structure-of-arrays state: one numpy array per attribute, registered in one place, grown together.

An entity's id is its row. Rows are never removed: the dead are masked (`alive`, or a worker's status).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# worker status codes (int8)
ARRIVING, UNEMPLOYED, MEMBER, LEFT = 0, 1, 2, 3
STATUS_NAMES = ("arriving", "unemployed", "member", "left")

# columns of the regional table the collection phase returns (float64[regions, N_BASE + industries]):
# cooperatives, members (persons), unemployed (persons), output nominal and real (CN$ per month), capital and
# loans outstanding (CN$ nominal), then cooperatives by industry from N_BASE on
COOPS, MEMBERS, UNEMP, OUT_NOMINAL, OUT_REAL, CAPITAL, LOANS = range(7)
N_BASE = 7
# national figures the model keeps for the DataCollector and the page: name -> column of that table
NATIONAL = {"cooperatives": COOPS, "members": MEMBERS, "unemployed": UNEMP, "output_real": OUT_REAL}

# allocation rules (the kernels' `rule` argument): scenario `allocation.rule` name -> code
PROPORTIONAL, PRIORITY = 0, 1
RULE_CODES = {"proportional": PROPORTIONAL, "priority": PRIORITY}

# cooperative fate codes (int8)
FATE_ALIVE, FATE_FAILED, FATE_INSOLVENT, FATE_LOST = 0, 1, 2, 3
FATE_NAMES = ("alive", "dissolved", "insolvent", "lost to occupation")


class Table:
    """Rows of one kind of entity. `columns` maps name -> (dtype, trailing shape, fill value)."""

    def __init__(self, columns: dict[str, tuple], capacity: int = 64):
        self.columns = columns
        self.n = 0
        self._cap = max(1, capacity)
        self._data = {name: np.empty((self._cap, *shape), dtype=dtype) for name, (dtype, shape, _) in columns.items()}
        self._refresh_views()

    def _refresh_views(self) -> None:
        # each column is an instance attribute holding the view of its first n rows, so reading `table.col`
        # is a plain attribute lookup (the kernels are called with dozens of columns every tick)
        for name, data in self._data.items():
            self.__dict__[name] = data[: self.n]

    def __setattr__(self, name: str, value) -> None:
        # `table.col *= x` rebinds the attribute after operating in place: write into the column instead,
        # so a column can never be replaced by another array
        data = self.__dict__.get("_data")
        if data is not None and name in data:
            data[name][: self.n] = value
        else:
            super().__setattr__(name, value)

    def add(self, k: int) -> slice:
        """Append k rows filled with each column's fill value; return their slice.

        Rows beyond n are never written before they are added: a large np.empty is mapped lazily by the OS, so
        the spare capacity costs address space, not resident memory, and growing copies only the rows in use.
        Each column's old array is released before the next column grows (its view is replaced at once), so a
        growth holds one column twice, not the whole table. (Issue 14, measured with
        benchmarks/profile_phases.py: np.full over the whole capacity made the peak RSS of the run with 14
        million worker agents follow the doubled capacity and two copies of every column.)"""
        need = self.n + k
        if need > self._cap:
            self.reserve(max(need, 2 * self._cap))
        first, views = self.n, self.__dict__
        for name, (_, _, fill) in self.columns.items():  # fill the new rows and extend the view, in one pass:
            data = self._data[name]                      # ndarray.fill, not slice assignment (issue 14: a
            data[first:need].fill(fill)                  # co-op added 21 -> 12 us, each founding tick)
            views[name] = data[:need]
        views["n"] = need
        return slice(first, need)

    def reserve(self, capacity: int) -> None:
        """Room for `capacity` rows (no change if there is already): each column is mapped anew, lazily (see add),
        and its rows in use copied over."""
        if capacity <= self._cap:
            return
        for name, (dtype, shape, _) in self.columns.items():
            grown = np.empty((capacity, *shape), dtype=dtype)
            grown[: self.n] = self._data[name][: self.n]
            self._data[name] = grown
            self.__dict__[name] = grown[: self.n]
        self._cap = capacity

    @property
    def capacity(self) -> int:
        """Rows the table holds room for (reserved; rows in use: n)."""
        return self._cap

    def nbytes(self) -> int:
        """Bytes of the rows in use: the spare capacity is mapped lazily and holds no memory until rows are added."""
        return sum(a[: self.n].nbytes for a in self._data.values())


# Worker columns are as narrow as their values allow (issue 14): town ids fit int16 (MAX_TOWNS), the status
# codes int8; 11 bytes a worker agent instead of 16.
MAX_TOWNS = np.iinfo(np.int16).max


def worker_table(capacity: int = 1024) -> Table:
    return Table({
        "town": (np.int16, (), -1),       # town it is at, or heading to while travelling
        "dest": (np.int16, (), -1),       # where it is going
        "wait": (np.int16, (), 0),        # days left on the current leg
        "skill": (np.int8, (), 0),        # industry index
        "status": (np.int8, (), ARRIVING),
        "employer": (np.int32, (), -1),   # cooperative id, or -1
    }, capacity)


def coop_table(n_resources: int, capacity: int = 256) -> Table:
    return Table({
        "town": (np.int32, (), -1),
        "industry": (np.int8, (), 0),
        "region": (np.int16, (), -1),
        "members": (np.int32, (), 0),      # worker agents
        "founders": (np.int32, (), 0),     # worker agents it was founded with
        "matched": (np.int32, (), 0),      # of which work in their own skill
        "equipment": (np.float64, (), 0.0),   # equipment units
        "capital": (np.float64, (), 0.0),     # CN$ nominal
        "debt": (np.float64, (), 0.0),        # CN$ nominal
        "loan": (np.float64, (), 0.0),        # CN$ nominal lent at founding
        "output": (np.float64, (), 0.0),      # units produced in the last tick
        "sales": (np.float64, (), 0.0),       # CN$ nominal earned in the last tick
        "stock": (np.float64, (n_resources,), 0.0),  # materials held, resource units
        "founded": (np.int32, (), -1),     # tick
        "died": (np.int32, (), -1),        # tick, -1 while alive
        "fate": (np.int8, (), FATE_ALIVE),
        "alive": (np.bool_, (), False),
    }, capacity)


def depot_table(n_resources: int, capacity: int = 64) -> Table:
    return Table({
        "town": (np.int32, (), -1),
        "opens": (np.int32, (), 0),         # tick it opens
        "scale": (np.float64, (), 1.0),
        "stock": (np.float64, (n_resources,), 0.0),  # resource units
        "equipment": (np.float64, (), 0.0),          # equipment units
        "shipped": (np.float64, (), 0.0),            # resource units sent in the last tick
    }, capacity)


def region_table(capacity: int = 16) -> Table:
    return Table({
        "hq": (np.int32, (), -1),
        "founded": (np.int32, (), -1),
        "parent": (np.int16, (), -1),
        "alive": (np.bool_, (), False),
        "staff": (np.float64, (), 0.0),    # organisers
        "load": (np.float64, (), 0.0),     # organiser-months of supervision per month
        "slots": (np.float64, (), 0.0),    # foundings the organisers can still do
        "over": (np.float64, (), 0.0),     # months the load has stayed over the split threshold
    }, capacity)


@dataclass
class World:
    """Everything the kernels read and write, apart from the per-tick random draws."""

    workers: Table
    coops: Table
    depots: Table
    regions: Table
    region_names: list[str]
    occupied: np.ndarray      # bool[T]
    town_region: np.ndarray   # int16[T], -1 if no region
    fund: float = 0.0         # national loan fund, CN$ nominal
    donations_per_month: float = 0.0
    lending_factor: float = 1.0
