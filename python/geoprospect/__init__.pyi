"""Type stubs of geoprospect (the functions' documentation is in their docstrings)."""

from os import PathLike
from typing import Any, Literal, Optional, Sequence, Tuple, TypedDict, Union

import numpy as np
import numpy.typing as npt

__version__: str

ArrayLike = npt.ArrayLike
Grid = npt.NDArray[np.float32]
Extent = Tuple[float, float, float, float]
MaxDistance = Union[Literal["auto"], float, None]
Threshold = Union[float, str]
StrPath = Union[str, "PathLike[str]"]

class Thresholds(TypedDict):
    n: int
    non_positive: int
    median: float
    median_2mad: float
    tukey_upper: float
    p95: float
    ca_thresholds: list[float]

class Curve(TypedDict):
    area_fraction: npt.NDArray[np.float64]
    deposit_fraction: npt.NDArray[np.float64]
    threshold: npt.NDArray[np.float64]

class SuccessRate(TypedDict):
    auc: float
    deposits: int
    cells: int
    capture_5: float
    capture_10: float
    capture_20: float
    pa_threshold: float
    pa_prediction_rate: float
    curve: Curve

WeightsRow = TypedDict(
    "WeightsRow",
    {
        "class": int,
        "area_km2": float,
        "deposits": int,
        "w_plus": float,
        "w_minus": float,
        "contrast": float,
        "s_contrast": float,
        "studentized_contrast": float,
        "class_name": str,
        "area_unit_cells": float,
        "s_w_plus": float,
        "s_w_minus": float,
        "generalised_class": Optional[int],
        "generalised_weight": Optional[float],
        "generalised_s_weight": Optional[float],
        "note": str,
    },
)

def grid_idw(
    x: ArrayLike,
    y: ArrayLike,
    values: ArrayLike,
    *,
    extent: Extent,
    resolution: float,
    power: float = 2.0,
    neighbors: int = 12,
    radius: Optional[float] = None,
    max_distance: MaxDistance = "auto",
    log: bool = False,
) -> Grid: ...
def grid_nearest(
    x: ArrayLike,
    y: ArrayLike,
    values: ArrayLike,
    *,
    extent: Extent,
    resolution: float,
    radius: Optional[float] = None,
    max_distance: MaxDistance = "auto",
) -> Grid: ...
def krige(
    x: ArrayLike,
    y: ArrayLike,
    values: ArrayLike,
    *,
    extent: Extent,
    resolution: float,
    neighbors: int = 16,
    radius: Optional[float] = None,
    variogram: Optional[
        Tuple[Literal["spherical", "exponential"], float, float, float]
    ] = None,
    max_distance: MaxDistance = "auto",
    log: bool = False,
) -> Tuple[Grid, Grid]: ...
def thresholds(
    values: ArrayLike,
    *,
    x: Optional[ArrayLike] = None,
    y: Optional[ArrayLike] = None,
) -> Thresholds: ...
def membership(
    array: ArrayLike,
    fn: Literal["linear", "large", "small", "gaussian", "sigmoid"],
    *,
    low: Threshold = ...,
    high: Threshold = ...,
    midpoint: Threshold = ...,
    spread: float = ...,
    slope: float = ...,
) -> Grid: ...
def singularity(array: ArrayLike, windows: Sequence[int] = (1, 3, 5, 7, 9)) -> Grid: ...
def fuzzy(
    arrays: Sequence[ArrayLike],
    op: Literal["and", "or", "product", "sum", "gamma"],
    gamma: Optional[float] = None,
) -> Grid: ...
def index_overlay(arrays: Sequence[ArrayLike], weights: Sequence[float]) -> Grid: ...
def weights_of_evidence(
    classes: npt.NDArray[np.integer[Any]] | npt.NDArray[np.bool_],
    deposits: ArrayLike,
    unit_cells: float = 1.0,
    *,
    cell_km2: float = 1.0,
    cumulative: Optional[Literal["ascending", "descending"]] = None,
    generalise: Optional[str] = None,
    all_deposits_rule: Literal["arcsdm", "eis"] = "arcsdm",
    nodata: Optional[int] = None,
    class_names: Optional[Sequence[str]] = None,
) -> list[WeightsRow]: ...
def success_rate(scores: ArrayLike, deposits: ArrayLike) -> SuccessRate: ...
def run(
    project: StrPath, out: StrPath, threads: Optional[int] = None
) -> dict[str, Any]: ...
def info(
    path: StrPath,
    *,
    x: Optional[str] = None,
    y: Optional[str] = None,
    encoding: Optional[str] = None,
) -> dict[str, Any]: ...
