"""The world a run takes place in, fixed before the first tick: the transport network (geography.py), the
calendar and price index (calendar.py), the dated events placed on ticks (schedule.py), the map outline
(outline.py), and the one frozen parameter object compiled from a scenario (params.py)."""
