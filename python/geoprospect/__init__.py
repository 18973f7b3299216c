"""geoprospect: mineral prospectivity mapping for REE, Sn and Mo, on numpy arrays.

The functions are geoprospect's own kernels (Rust, run on all cores with the GIL released):
each gives what the ``geoprospect`` command of the same name writes. Arrays are rows x
columns, north-up, float32 with NaN as nodata; inputs that are already C-contiguous float32
are read without a copy. Bad arguments raise ``ValueError`` and unreadable or unwritable files
``OSError``, with the command line's one-line messages.
"""

from ._geoprospect import (
    __version__,
    fuzzy,
    grid_idw,
    grid_nearest,
    index_overlay,
    info,
    krige,
    membership,
    run,
    singularity,
    success_rate,
    thresholds,
    weights_of_evidence,
)

__all__ = [
    "__version__",
    "fuzzy",
    "grid_idw",
    "grid_nearest",
    "index_overlay",
    "info",
    "krige",
    "membership",
    "run",
    "singularity",
    "success_rate",
    "thresholds",
    "weights_of_evidence",
]
