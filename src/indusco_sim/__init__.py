"""indusco-sim: an agent-based simulation of the Chinese Industrial Cooperatives (Indusco, Gung Ho), 1938-1952.

    from indusco_sim import IndusModel
    model = IndusModel("scenarios/baseline.yaml", rng=1)
    model.run()

    from indusco_sim import evaluate
    evaluate("scenarios/baseline.yaml", {"administration.split_threshold": 0.8}, seed=7)  # {outcome: value}
"""

from importlib import metadata

from indusco_sim.core import jit_cache

jit_cache.configure()  # before any kernel module loads numba: the cache is keyed by every kernel's source

try:
    __version__ = metadata.version("indusco-sim")
except metadata.PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0.0.0"


def __getattr__(name: str):
    if name == "IndusModel":
        from indusco_sim.model import IndusModel

        return IndusModel
    if name == "evaluate":  # imported on first use: `import indusco_sim` stays light
        from indusco_sim.experiments.evaluate import evaluate

        return evaluate
    raise AttributeError(name)


__all__ = ["IndusModel", "__version__", "evaluate"]
