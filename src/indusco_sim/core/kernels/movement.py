"""Worker movement: counting who waits where, choosing where to go, and walking the network.

Kernels are pure functions of their arguments (no globals, no hidden random state); they update the
arrays they are given in place. Random numbers come from the tick's key (kernels/random.py).
"""

from __future__ import annotations

import numpy as np
from numba import config, njit, prange
from numba.cpython.unsafe.numbers import trailing_zeros as _intrinsic_trailing_zeros

from indusco_sim.core.kernels.counts import count_equal
from indusco_sim.core.kernels.random import GOLDEN, below, mix53
from indusco_sim.core.state import ARRIVING, LEFT, UNEMPLOYED

# Temporary status codes, only inside move_workers: an unemployed worker who did not leave and drew
# r < p_leave + p_seek (SEEKING), or who did not while a blocked town may hold unemployed workers (STAYING), or
# who drew r < p_leave (LEAVING: it becomes LEFT in the sparse pass, which reads its town and skill to keep the
# tally of the unemployed). Marked workers (ARRIVING, SEEKING, STAYING, LEAVING) are the status bytes with no bit
# of ~(SEEKING | STAYING | LEAVING).
SEEKING, STAYING, LEAVING = 4, 8, 16
MARK_BITS = SEEKING | STAYING | LEAVING
CHUNK = 16384  # workers marked, then settled, at a time (a multiple of 64): their status bytes stay in cache
HIGH_BITS = np.uint64(0x8080808080808080)
NOT_MARKED = np.uint64(0xE3E3E3E3E3E3E3E3)  # ~MARK_BITS in every byte
GATHER = np.uint64(0x0102040810204080)  # (x * GATHER) >> 56 collects bits 0, 8, .., 56 of x into bits 0..7
PARALLEL_ROWS = 1 << 18  # from this many workers (262,144), move_workers runs on every core (_move_in_groups)
# Groups of chunks in _move_in_groups, shared among the threads. Not the thread count, which is a dynamic global
# (a kernel that reads it cannot be cached on disk). 64 rather than 16: the full-population run 19.7 and 20.7 ms
# a tick against 22.3 and 24.2 (movement 15.2-16.0 against 17.4-18.9 ms; interleaved, 2026-12-04); 256 was no
# better than 64.
GROUPS = 64


def python_trailing_zeros(x):
    """The count of trailing zero bits of x (uint64, not 0), in plain Python: numba's intrinsic cannot run with
    NUMBA_DISABLE_JIT=1 (mutation testing, debugging), so _choose uses this one there."""
    x = int(x)
    return np.uint64((x & -x).bit_length() - 1)


trailing_zeros = python_trailing_zeros if config.DISABLE_JIT else _intrinsic_trailing_zeros


@njit(cache=True)
def count_unemployed(status, town, skill, n_towns, n_skills):
    """Unemployed workers (at a town, not travelling) by town and skill: int64[T, S]."""
    out = np.zeros((n_towns, n_skills), dtype=np.int64)
    left = count_equal(status, UNEMPLOYED)
    w = 0
    while left > 0:
        if status[w] == UNEMPLOYED:
            out[town[w], skill[w]] += 1
            left -= 1
        w += 1
    return out


@njit(cache=True)
def holds_unemployed(unemployed, blocked):
    """Whether a blocked town holds unemployed workers (unemployed: int64[T, S]); move_workers' sweep_blocked."""
    for t in range(blocked.shape[0]):
        if blocked[t]:
            for s in range(unemployed.shape[1]):
                if unemployed[t, s] > 0:
                    return True
    return False


@njit(cache=True)
def towns_within(dist, radius_days):
    """The towns within radius_days of each town (itself excluded), ascending: CSR (start int64[T + 1],
    towns int64[K]). Depends only on the travel times, so it is computed again only when the front moves."""
    n = dist.shape[0]
    start = np.zeros(n + 1, dtype=np.int64)
    for u in range(n):
        start[u + 1] = start[u]
        for v in range(n):
            if v != u and dist[u, v] <= radius_days:
                start[u + 1] += 1
    towns = np.empty(start[n], dtype=np.int64)
    k = 0
    for u in range(n):
        for v in range(n):
            if v != u and dist[u, v] <= radius_days:
                towns[k] = v
                k += 1
    return start, towns


@njit(cache=True)
def choose_goals(unemployed, vacancies, attraction, dist, blocked, crowding, scale_days, near_start, near):
    """Best town to look for work from each town, for each skill: int32[T, S].

    The pull of town v for skill s is (vacancies[v, s] + attraction[v]) / (1 + crowding * unemployed[v, s]),
    discounted by 1 / (1 + dist / scale_days); only the towns within the search radius are known
    (near_start, near: towns_within(dist, radius_days)). Ties keep the lower town id; the current town wins
    ties. Only known towns are visited, which is what makes this cheap on a sparse network.
    """
    n, s_count = unemployed.shape
    pull = np.empty((n, s_count))
    for v in range(n):
        for s in range(s_count):
            pull[v, s] = (vacancies[v, s] + attraction[v]) / (1.0 + crowding * unemployed[v, s])
    goals = np.empty((n, s_count), dtype=np.int32)
    best_score = np.empty(s_count)
    for u in range(n):
        for s in range(s_count):
            goals[u, s] = u
            best_score[s] = -1.0 if blocked[u] else pull[u, s]
        for k in range(near_start[u], near_start[u + 1]):
            v = near[k]
            if blocked[v]:
                continue
            discount = 1.0 + dist[u, v] / scale_days
            for s in range(s_count):
                score = pull[v, s] / discount
                if score > best_score[s]:
                    best_score[s] = score
                    goals[u, s] = v
    return goals


@njit(cache=True)
def _mark(status, first, key, t_leave, t_act, sweep):
    """Dense pass over workers first, first + 1, .. (uint64 ids) whose statuses are the slice `status`: an
    unemployed worker with b = bits53(key, w) becomes LEAVING (b < t_leave), else SEEKING (b < t_act), else
    STAYING if sweep (int8 1), else stays UNEMPLOYED; other statuses are kept. Branch-free and reading no town
    or skill, so that it vectorises (AVX-512); indexed from 0 on a slice because numba's wraparound of a
    range lo..hi index blocks the vectorisation; the hash's counter (w + 1) * GOLDEN is a running sum."""
    z = key + first * GOLDEN
    for j in range(status.shape[0]):
        z += GOLDEN
        b = mix53(z)
        st = status[j]
        unemp = np.int8(st == UNEMPLOYED)
        leave = unemp & np.int8(b < t_leave)
        act = (unemp - leave) & np.int8(b < t_act)
        stay = (unemp - leave - act) & sweep
        status[j] = st + leave * (LEAVING - st) + act * (SEEKING - st) + stay * (STAYING - st)


@njit(cache=True)
def _find_marked(status, masks):
    """Bit j of masks[g] set when status[64 g + j] is marked (ARRIVING, SEEKING, STAYING, LEAVING), for a slice of at
    most 64 * len(masks) statuses (codes below 0x80): eight bytes at a time through a uint64 view (x86 is
    little-endian: byte j of word k is status[8 k + j]), the last n % 8 one by one."""
    n = status.shape[0]
    n8 = n - n % 8
    words = status[:n8].view(np.uint64)
    masks[:] = 0
    for k in range(words.shape[0]):
        hits = (HIGH_BITS - (words[k] & NOT_MARKED)) & HIGH_BITS  # bit 8 j + 7 set: byte j is marked
        masks[k // 8] |= (((hits >> np.uint64(7)) * GATHER) >> np.uint64(56)) << np.uint64(8 * (k % 8))
    for j in range(n8, n):
        if status[j] & ~MARK_BITS == 0:
            masks[j // 64] |= np.uint64(1) << np.uint64(j % 64)


@njit(cache=True)
def _choose(first, masks, status, town, skill, goals, refuge, blocked, movers, targets, unemployed, travelling):
    """Sparse pass over the marked workers of a chunk (first: uint64 id of its first). A LEAVING worker becomes
    LEFT. A SEEKING or STAYING worker's target is refuge[town] if its town is blocked, else goals[town, skill] if
    SEEKING, else none; with no target, or its own town, it is UNEMPLOYED again. Those who set out, and every
    ARRIVING one, are written to movers (targets: the new destination, or -1 to keep dest) and become ARRIVING.
    Returns their count. Keeps the tally (unemployed [towns, skills], travelling [towns]) of those who leave or
    set out. Branch-free per worker but for the rare LEAVING, unsigned indices (no wraparound), so that its
    loads overlap."""
    t = 0
    for g in range(masks.shape[0]):
        m = masks[g]
        while m:
            w = first + np.uint64(64 * g) + trailing_zeros(m)
            m &= m - np.uint64(1)
            st = status[w]
            here = town[w]
            at = np.uint64(here)
            sk = np.uint64(skill[w])
            if st == LEAVING:
                status[w] = LEFT
                unemployed[at, sk] -= 1
                continue
            goal = goals[at, sk]
            flee = refuge[at]
            target = flee if blocked[at] else (goal if st == SEEKING else np.int32(-1))
            target = np.int32(-1) if st == ARRIVING else target
            go = (st == ARRIVING) | ((target >= 0) & (target != here))
            sets_out = np.int64(go & (st != ARRIVING))
            unemployed[at, sk] -= sets_out
            travelling[at] += sets_out
            status[w] = ARRIVING if go else UNEMPLOYED
            movers[t] = w
            targets[t] = target
            t += go
    return t


@njit(cache=True)
def _walk(movers, targets, count, status, town, dest, wait, skill, next_hop, hop_days, tick_days, unemployed,
          travelling):
    """Each of the first `count` movers spends up to tick_days days on shortest-path hops toward its
    destination (targets[q] if >= 0, else dest[w]), finishing the leg it is on (wait[w] days left) first. It
    arrives as UNEMPLOYED; a traveller whose way is cut by the front (no next hop) stops and is UNEMPLOYED
    where it stands. Moves each one in the tally (travelling [towns], unemployed [towns, skills])."""
    for q in range(count):
        w = movers[q]
        here, there, days, budget = town[w], dest[w], wait[w], tick_days
        travelling[here] -= 1
        if targets[q] >= 0:
            there = targets[q]
        while True:
            if days > 0:
                used = min(days, budget)
                days -= used
                budget -= used
                if days > 0:
                    break
            if here == there:
                status[w] = UNEMPLOYED
                break
            nxt = next_hop[here, there]
            if nxt < 0:  # cut off by the front: stop and look for work here
                status[w] = UNEMPLOYED
                there = here
                break
            if budget <= 0:
                break
            days = hop_days[here, nxt]
            here = nxt
        town[w], dest[w], wait[w] = here, there, days
        if status[w] == UNEMPLOYED:
            unemployed[here, skill[w]] += 1
        else:
            travelling[here] += 1


@njit(cache=True)
def _move_chunks(start, step, status, town, dest, wait, skill, key, t_leave, t_act, sweep, goals, refuge, next_hop,
                 hop_days, blocked, tick_days, unemployed, travelling):
    """Chunks start, start + step, .. of CHUNK workers, one after another: each marked (_mark, _find_marked), then
    settled (_choose, _walk), its status bytes still in cache. The tally (unemployed, travelling) is changed by
    what the chunks' workers do. move_workers' serial loop (0, 1) and each group of _move_in_groups."""
    n = status.shape[0]
    size = min(CHUNK, (n + 63) // 64 * 64)  # small populations get small buffers (no 200 KB allocation a tick)
    masks = np.empty(size // 64, np.uint64)
    movers = np.empty(size, np.uint64)
    targets = np.empty(size, np.int32)
    for k in range(start, (n + CHUNK - 1) // CHUNK, step):
        lo = k * CHUNK
        chunk = status[lo:min(lo + CHUNK, n)]
        first = np.uint64(lo)
        _mark(chunk, first, key, t_leave, t_act, sweep)
        _find_marked(chunk, masks)
        count = _choose(first, masks, status, town, skill, goals, refuge, blocked, movers, targets, unemployed,
                        travelling)
        _walk(movers, targets, count, status, town, dest, wait, skill, next_hop, hop_days, tick_days, unemployed,
              travelling)


@njit(cache=True, parallel=True)
def _move_in_groups(status, town, dest, wait, skill, key, t_leave, t_act, sweep, goals, refuge, next_hop, hop_days,
                    blocked, tick_days, unemployed, travelling):
    """move_workers' chunks shared among numba's threads: the chunks dealt out to GROUPS groups in turn (chunk k to
    group k % GROUPS; rows of one kind bunch together, as the members seeded first do), each group's chunks marked
    and settled one after another as in the serial loop. Each group keeps its own changes to the tally (integer
    counts), added to it at the end; workers write only their own rows and read only shared tables, so the
    result is the serial one."""
    n = status.shape[0]
    n_chunks = (n + CHUNK - 1) // CHUNK
    groups = min(n_chunks, GROUPS)
    d_unemployed = np.zeros((groups, unemployed.shape[0], unemployed.shape[1]), np.int64)
    d_travelling = np.zeros((groups, travelling.shape[0]), np.int64)
    for g in prange(groups):  # every groups-th chunk: the work spreads evenly over the threads
        _move_chunks(g, groups, status, town, dest, wait, skill, key, t_leave, t_act, sweep, goals, refuge, next_hop,
                     hop_days, blocked, tick_days, d_unemployed[g], d_travelling[g])
    for g in range(groups):
        for t in range(unemployed.shape[0]):
            travelling[t] += d_travelling[g, t]
            for s in range(unemployed.shape[1]):
                unemployed[t, s] += d_unemployed[g, t, s]


@njit(cache=True)
def move_workers(status, town, dest, wait, skill, key, goals, refuge, next_hop, hop_days, blocked, sweep_blocked,
                 tick_days, p_leave, p_seek, unemployed, travelling):
    """One tick of worker movement. key: uint64 drawn for this tick; tick_days: days of travel in the tick;
    p_leave, p_seek: chances per tick; sweep_blocked: True if any unemployed worker stands in a blocked town;
    unemployed (int64 [towns, skills]) and travelling (int64 [towns]): the tally (core.bundles.Tally) of the
    workers UNEMPLOYED and ARRIVING by town, kept up to date as workers leave, set out, walk and arrive.

    The rule, per worker w (as the earlier serial kernel applied it in id order, and WorkerAgent.move does): an
    unemployed worker takes r = uniform(key, w); it leaves (LEFT) if r < p_leave; else it flees a blocked town
    for refuge[town], or sets out for goals[town, skill] if r < p_leave + p_seek; a target < 0 or equal to its
    town keeps it there. One who sets out becomes ARRIVING with that destination and walks this tick, as
    every ARRIVING worker does; on arrival it is UNEMPLOYED and not reconsidered until the next tick. Workers
    read only shared tables and write only their own row, so the order of visits does not change the result.

    Per chunk of CHUNK workers: _mark decides on the hash alone (r < p exactly when bits53 < below(p)), then
    _find_marked, _choose and _walk settle the ARRIVING, SEEKING and STAYING ones. sweep_blocked=False skips
    the unemployed who did not draw r < p_leave + p_seek; it must then be true that no blocked town holds an
    unemployed worker (e.g. not unemployed[blocked].any() with count_unemployed); True is always correct. As
    before, the town, dest and skill of ARRIVING and UNEMPLOYED workers must be valid ids.

    From PARALLEL_ROWS workers on, the chunks are shared among numba's threads (_move_in_groups): the same
    result, since no chunk's marking or settling reads what another's writes, and the tally's changes are added
    up at the end. Decision (2026-12-04, issue 14): on this 2-core machine (two real cores: two processes
    compiling at once each took as long as one alone) the dense pass alone over 12.5M rows took 10.2-11.4 ms on
    two threads against 19.9-20.8 ms on one, best of 5. With the sparse passes on the threads too, chunks dealt
    out in turn (benchmarks/profile_phases.py, interleaved, best of 2): the full-population run 36.6 ms a tick
    serial, 33.1 with the dense passes alone parallel, 25.5 with all; rung_1m 3.88, 3.58 and 3.12 ms. On
    2026-11-27 a prange over chunks of the one-pass loop gained nothing (17.3 against 16.7 ms at 4M) on a machine
    whose two CPUs shared a core: there the threads cost a little and save nothing. Below PARALLEL_ROWS one
    thread marks and settles each chunk in turn.

    (2026-11-27, 4M workers of rung_4m after 3 ticks:) The one-pass loop, one branchy iteration per worker, took
    17.2 ms; this two-pass form 5.4 ms (1M: 4.2 ms and 0.9 ms), best of 9. Of the 5.4 ms the
    dense pass (vectorised: it must not gather by town or skill) is 1.4 ms; reading town and skill of the 0.43M
    marked workers about 1.2 ms and dest and wait of the 0.1M travellers about 1.2 ms (a cache line each, not
    just the bytes used); the walks' branches about 1 ms. Tried and left out then, on that machine: a prange over
    the dense pass alone (5.6 ms against 1.5 ms); copying or software-prefetching the chunk's town
    and skill (slower); finding marked bytes one by one, by a ctz loop per 8-byte word, or by a lookup table
    (slower than 64-bit masks); branch-free walks (no gain); a helper call per worker (numba's reference
    counting of its array arguments costs ~40 ns a call).

    Tried and left out (2026-12-03, issue 14): dropping the rows of workers who left, so that the dense pass
    reads fewer rows. A worker's draw must then be keyed on an id column instead of its row, and the running
    sum (w + 1) * GOLDEN becomes a multiply per worker: on this AVX2 machine the dense pass over the same 12.5M
    rows took 1.6x as long (92 ms against 58 ms, a loaded machine, medians of 6). On the full-population run
    at week 150 (54% of rows LEFT) the dropped table moved in about 0.84x the time of the old kernel on the
    whole one, and early in the run, with few rows LEFT, it was slower. Most of a tick's movement there is the
    ~1M job-seekers (14.7% of 6-7M unemployed a week) and their walks, which no row layout removes."""
    n = status.shape[0]
    t_leave = below(p_leave)
    t_act = below(p_leave + p_seek)
    sweep = np.int8(1 if sweep_blocked else 0)
    if n >= PARALLEL_ROWS:
        _move_in_groups(status, town, dest, wait, skill, key, t_leave, t_act, sweep, goals, refuge, next_hop,
                        hop_days, blocked, tick_days, unemployed, travelling)
        return
    _move_chunks(0, 1, status, town, dest, wait, skill, key, t_leave, t_act, sweep, goals, refuge, next_hop, hop_days,
                 blocked, tick_days, unemployed, travelling)
