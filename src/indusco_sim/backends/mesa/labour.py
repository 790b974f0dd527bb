"""The labour exchange of the Mesa reference backend: the rule of kernels/labour.match_labour, on agents."""

from __future__ import annotations

from collections import deque

from indusco_sim.core.state import UNEMPLOYED


def match_labour(coops, workers, allow_unskilled: bool) -> int:
    """Fill vacancies from the unemployed (kernels/labour.match_labour): cooperatives in id order take
    workers in id order, first of their own skill in their town, then (if allowed) any skill in their
    town. coops, workers: the engine's AgentSets, in id order. Returns hires."""
    hiring = [c for c in coops if c.vacancies > 0]
    for c in coops:
        c.open_left = c.vacancies
    total = sum(c.open_left for c in hiring)
    hires = 0
    for skilled in (True, False):
        if total == 0 or (not skilled and not allow_unskilled):
            break
        queues: dict = {}
        for c in hiring:
            if c.open_left > 0:
                queues.setdefault((c.town_id, c.industry_id) if skilled else c.town_id, deque()).append(c)
        for w in workers:
            if total == 0:
                break
            if w.status != UNEMPLOYED:
                continue
            queue = queues.get((w.town, w.skill) if skilled else w.town)
            while queue and queue[0].open_left == 0:
                queue.popleft()
            if not queue:
                continue
            queue[0].hire(w)
            total -= 1
            hires += 1
    return hires
