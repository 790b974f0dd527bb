"""The compiled core: structure-of-arrays state, status codes and table layouts (state.py), and the numba
kernels, one module per phase (kernels/)."""
