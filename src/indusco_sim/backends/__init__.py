"""Engines: the per-agent work of each phase. contract.py states what an engine does (a typing.Protocol);
numba_engine.py does it with the compiled kernels on arrays, mesa/ the way a Mesa user writes it, one Python
agent each."""
