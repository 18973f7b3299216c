//! Gridding sample points onto the analysis grid: IDW, nearest neighbour, ordinary kriging.
//!
//! A [`Gridder`] is prepared once from [`Samples`] (coordinates in the analysis CRS) and a
//! [`Method`]: it buckets the samples into a spatial index and, for kriging, fits a variogram.
//! It then computes any block of any grid on its own ([`Gridder::block`], [`Gridder::rows`]),
//! so that blocks can be computed in parallel and the result does not depend on the number of
//! threads or the split into blocks: every cell is the same function of its centre and the
//! samples, bit for bit.
//!
//! Grid convention: north-up, top-left corner `(x0, y0)`, values at cell centres
//! `(x0 + (col + 0.5)·res, y0 − (row + 0.5)·res)` ([`GridSpec::cell_centre`]). A cell with no
//! sample within the search radius is NaN, and so is a cell farther than the maximum distance
//! from every sample ([`reach`], [`Gridder::reaching`]), whatever the method.
//!
//! - **IDW** ([`Method::Idw`]): inverse distance weighting over the `k` nearest samples within
//!   an optional radius; the same values as GDAL's
//!   `gdal_grid -a invdistnn:power=P:max_points=K:radius=R` (smoothing 0, min_points 0).
//! - **Nearest** ([`Method::Nearest`]): the value of the nearest sample (optionally within a
//!   radius); of samples at the same distance, the first in input order.
//! - **Ordinary kriging** ([`Method::Kriging`]): the `k` nearest samples (default 16), a
//!   spherical or exponential variogram fitted automatically ([`variogram`]) unless given, the
//!   estimate and the kriging variance. Samples at the same coordinates are merged first (mean
//!   of their values), since they would make the kriging system singular.
//!
//! With `log`, the log10 of the values is interpolated and the result back-transformed by
//! `10^v` (for kriging this is the median of a lognormal estimate, not its mean; the variance
//! band stays in log10 units squared).
//!
//! Neighbours are found by a patch-coherent binning search (module `index`): the `k` nearest
//! samples by distance, ties broken by sample order.
//!
//! ```
//! use geoprospect_core::geochem::gridding::{Gridder, Method, Samples};
//! use geoprospect_core::grid::GridSpec;
//! let samples = Samples::new(vec![5.0, 15.0], vec![5.0, 5.0], vec![10.0, 40.0]).unwrap();
//! let idw = Method::Idw { power: 2.0, neighbors: 12, radius: None };
//! let gridder = Gridder::new(samples, idw, false).unwrap();
//! let grid = GridSpec { crs_wkt: String::new(), x0: 0.0, y0: 10.0, res: 10.0, width: 2, height: 1, window: None, area: None };
//! // Centres (5, 5) and (15, 5) hold the samples themselves.
//! assert_eq!(gridder.block(&grid).values, [10.0, 40.0]);
//! ```
use std::fmt;

use rayon::prelude::*;

use crate::error::Result;
use crate::grid::GridSpec;

mod idw;
mod index;
mod kriging;
pub mod reach;
pub mod variogram;

pub use reach::{MaxDistance, Reach};
pub use variogram::{FittedVariogram, Lag, VariogramKind, VariogramModel};

use index::{BinIndex, Neighbour, Query, Scratch, PATCH};

/// Neighbours for IDW when not given (as GDAL's examples and most packages).
pub const DEFAULT_IDW_NEIGHBORS: usize = 12;
/// Neighbours for kriging when not given.
pub const DEFAULT_KRIGING_NEIGHBORS: usize = 16;

/// Sample points: coordinates in the analysis CRS and one value each.
#[derive(Debug, Clone, PartialEq)]
pub struct Samples {
    /// Eastings.
    pub x: Vec<f64>,
    /// Northings.
    pub y: Vec<f64>,
    /// Values.
    pub v: Vec<f64>,
}

impl Samples {
    /// The samples whose coordinates and value are all finite (NaN values are dropped); the
    /// three lists must have the same length.
    pub fn new(x: Vec<f64>, y: Vec<f64>, v: Vec<f64>) -> Result<Samples, GriddingError> {
        if x.len() != y.len() || x.len() != v.len() {
            return Err(GriddingError::Lengths {
                x: x.len(),
                y: y.len(),
                v: v.len(),
            });
        }
        let keep = |i: usize| x[i].is_finite() && y[i].is_finite() && v[i].is_finite();
        if (0..x.len()).all(keep) {
            return Ok(Samples { x, y, v });
        }
        let kept: Vec<usize> = (0..x.len()).filter(|&i| keep(i)).collect();
        Ok(Samples {
            x: kept.iter().map(|&i| x[i]).collect(),
            y: kept.iter().map(|&i| y[i]).collect(),
            v: kept.iter().map(|&i| v[i]).collect(),
        })
    }

    /// Number of samples.
    pub fn len(&self) -> usize {
        self.x.len()
    }

    /// Whether there is no sample.
    pub fn is_empty(&self) -> bool {
        self.x.is_empty()
    }
}

/// How cell values are computed from the samples.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Method {
    /// Inverse distance to a power over the `neighbors` nearest samples within `radius`.
    Idw {
        power: f64,
        neighbors: usize,
        radius: Option<f64>,
    },
    /// The nearest sample within `radius`.
    Nearest { radius: Option<f64> },
    /// Ordinary kriging over the `neighbors` nearest samples within `radius`; `model: None`
    /// fits a variogram automatically.
    Kriging {
        neighbors: usize,
        radius: Option<f64>,
        model: Option<VariogramModel>,
    },
}

impl Method {
    /// `idw`, `nearest` or `kriging`.
    pub fn name(&self) -> &'static str {
        match self {
            Method::Idw { .. } => "idw",
            Method::Nearest { .. } => "nearest",
            Method::Kriging { .. } => "kriging",
        }
    }

    /// The search radius, if any.
    pub fn radius(&self) -> Option<f64> {
        match *self {
            Method::Idw { radius, .. }
            | Method::Nearest { radius }
            | Method::Kriging { radius, .. } => radius,
        }
    }

    /// Checks the parameters.
    pub fn validate(&self) -> Result<(), GriddingError> {
        if let Some(radius) = self.radius() {
            if !(radius.is_finite() && radius > 0.0) {
                return Err(GriddingError::Radius { radius });
            }
        }
        match *self {
            Method::Idw {
                power, neighbors, ..
            } => {
                if !(power.is_finite() && power > 0.0) {
                    return Err(GriddingError::Power { power });
                }
                check_neighbors(neighbors)
            }
            Method::Nearest { .. } => Ok(()),
            Method::Kriging {
                neighbors, model, ..
            } => {
                check_neighbors(neighbors)?;
                match model {
                    Some(m) => m
                        .validate()
                        .map_err(|e| GriddingError::Model(e.to_string())),
                    None => Ok(()),
                }
            }
        }
    }

    fn query(&self) -> Query {
        let k = match *self {
            Method::Idw { neighbors, .. } | Method::Kriging { neighbors, .. } => neighbors,
            Method::Nearest { .. } => 1,
        };
        Query {
            k,
            radius: self.radius().unwrap_or(f64::INFINITY),
        }
    }
}

fn check_neighbors(neighbors: usize) -> Result<(), GriddingError> {
    if neighbors == 0 || neighbors > MAX_NEIGHBORS {
        return Err(GriddingError::Neighbors { neighbors });
    }
    Ok(())
}

/// Most neighbours per cell.
pub const MAX_NEIGHBORS: usize = 1024;

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let radius = |r: Option<f64>| match r {
            Some(r) => format!("radius {r}"),
            None => "no radius".to_string(),
        };
        match *self {
            Method::Idw {
                power,
                neighbors,
                radius: r,
            } => write!(
                f,
                "idw (power {power}, {neighbors} neighbours, {})",
                radius(r)
            ),
            Method::Nearest { radius: r } => write!(f, "nearest ({})", radius(r)),
            Method::Kriging {
                neighbors,
                radius: r,
                model,
            } => write!(
                f,
                "ordinary kriging ({neighbors} neighbours, {}, {} variogram)",
                radius(r),
                if model.is_some() { "given" } else { "fitted" }
            ),
        }
    }
}

/// Why samples cannot be gridded.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GriddingError {
    /// Coordinate and value lists of different lengths.
    #[error("x, y and value lists differ in length: {x}, {y} and {v}")]
    Lengths { x: usize, y: usize, v: usize },
    /// No sample with finite coordinates and value.
    #[error("no sample has a value")]
    NoSamples,
    /// More samples than the index holds.
    #[error("{count} samples are more than the {} that can be gridded", u32::MAX)]
    TooMany { count: usize },
    /// IDW power not positive.
    #[error("power must be a positive number, got {power}")]
    Power { power: f64 },
    /// Neighbour count out of range.
    #[error("neighbors must be between 1 and {MAX_NEIGHBORS}, got {neighbors}")]
    Neighbors { neighbors: usize },
    /// Search radius not positive.
    #[error("radius must be a positive number, got {radius}")]
    Radius { radius: f64 },
    /// A variogram model given with invalid parameters.
    #[error("{0}")]
    Model(String),
    /// `log` with values that have no logarithm.
    #[error("log10 needs positive values: {count} of {total} values are <= 0 (smallest {min})")]
    NotPositive {
        count: usize,
        total: usize,
        min: f64,
    },
    /// Too few samples to fit a variogram.
    #[error(
        "cannot fit a variogram to {locations} sample locations ({lags} lags with pairs): \
         give a variogram model"
    )]
    NoVariogram { locations: usize, lags: usize },
}

impl GriddingError {
    /// Whether the error is about a parameter rather than the data.
    pub fn is_parameter(&self) -> bool {
        matches!(
            self,
            GriddingError::Power { .. }
                | GriddingError::Neighbors { .. }
                | GriddingError::Radius { .. }
                | GriddingError::Model(_)
        )
    }
}

/// The values of a block of cells, row-major; NaN where no sample is within the radius.
#[derive(Debug, Clone, PartialEq)]
pub struct GriddedBlock {
    /// Interpolated values.
    pub values: Vec<f32>,
    /// Kriging variance (kriging only).
    pub variance: Option<Vec<f32>>,
}

/// Samples prepared for gridding with one method: spatial index and, for kriging, the
/// variogram. `Sync`: one gridder serves every worker thread.
#[derive(Debug)]
pub struct Gridder {
    method: Method,
    log: bool,
    x: Vec<f64>,
    y: Vec<f64>,
    /// Values interpolated (log10 of the sample values with `log`).
    z: Vec<f64>,
    index: BinIndex,
    variogram: Option<FittedVariogram>,
    merged: usize,
    reach: Reach,
}

impl Gridder {
    /// Prepares `samples` for `method`; with `log`, log10 values are interpolated and results
    /// back-transformed by `10^v` (every value must be positive).
    pub fn new(samples: Samples, method: Method, log: bool) -> Result<Gridder, GriddingError> {
        method.validate()?;
        let Samples { x, y, v } = Samples::new(samples.x, samples.y, samples.v)?;
        if v.is_empty() {
            return Err(GriddingError::NoSamples);
        }
        if v.len() > u32::MAX as usize {
            return Err(GriddingError::TooMany { count: v.len() });
        }
        let z = if log {
            let bad: Vec<f64> = v.iter().copied().filter(|&a| a <= 0.0).collect();
            if !bad.is_empty() {
                return Err(GriddingError::NotPositive {
                    count: bad.len(),
                    total: v.len(),
                    min: bad.iter().copied().fold(f64::INFINITY, f64::min),
                });
            }
            v.iter().map(|a| a.log10()).collect()
        } else {
            v
        };
        let (x, y, z, merged, variogram) = match method {
            Method::Kriging { model, .. } => {
                let before = x.len();
                let (x, y, z) = merge_duplicates(x, y, z);
                let merged = before - x.len();
                let (lags, subsampled) =
                    variogram::experimental(&x, &y, &z, variogram::LAGS, variogram::MAX_PAIRS);
                let fitted = match model {
                    Some(model) => FittedVariogram {
                        wsse: variogram::wsse(&model, &lags),
                        model,
                        lags,
                        fitted: false,
                        subsampled,
                    },
                    None => {
                        let (model, wsse) =
                            variogram::fit(&lags).ok_or(GriddingError::NoVariogram {
                                locations: x.len(),
                                lags: lags.len(),
                            })?;
                        FittedVariogram {
                            model,
                            wsse,
                            lags,
                            fitted: true,
                            subsampled,
                        }
                    }
                };
                (x, y, z, merged, Some(fitted))
            }
            _ => (x, y, z, 0, None),
        };
        let index = BinIndex::new(&x, &y);
        Ok(Gridder {
            method,
            log,
            x,
            y,
            z,
            index,
            variogram,
            merged,
            reach: Reach {
                max_distance: None,
                spacing: None,
                derived: false,
            },
        })
    }

    /// The gridder with cells farther than `asked` from every sample left nodata (module
    /// [`reach`]: the default derives the distance from the samples' spacing and the size of
    /// the grid's cells, `cell`).
    pub fn reaching(mut self, asked: MaxDistance, cell: f64) -> Gridder {
        self.reach = Reach::of(asked, &self.x, &self.y, cell);
        self
    }

    /// The maximum distance applied, and where it comes from.
    pub fn reach(&self) -> &Reach {
        &self.reach
    }

    /// The method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// Whether log10 values are interpolated.
    pub fn log(&self) -> bool {
        self.log
    }

    /// Samples used (after merging samples at the same coordinates, for kriging).
    pub fn samples(&self) -> usize {
        self.x.len()
    }

    /// Samples merged into others because they had the same coordinates (kriging).
    pub fn merged_duplicates(&self) -> usize {
        self.merged
    }

    /// The variogram (kriging only).
    pub fn variogram(&self) -> Option<&FittedVariogram> {
        self.variogram.as_ref()
    }

    /// Whether results carry a variance band.
    pub fn has_variance(&self) -> bool {
        matches!(self.method, Method::Kriging { .. })
    }

    /// Computes every cell of `block_grid` (a grid of its own: its first row is row 0).
    pub fn block(&self, block_grid: &GridSpec) -> GriddedBlock {
        self.rows(block_grid, 0, block_grid.height)
    }

    /// Computes rows `row0 .. row0 + rows` of `grid`, with cell centres exactly as
    /// [`GridSpec::cell_centre`] on `grid`: the same cell gives the same bits whatever the
    /// block it is computed in. Strips of rows run in parallel on the current rayon pool.
    pub fn rows(&self, grid: &GridSpec, row0: usize, rows: usize) -> GriddedBlock {
        let width = grid.width;
        let cells = width * rows;
        let mut values = vec![f32::NAN; cells];
        let mut variance = self.has_variance().then(|| vec![f32::NAN; cells]);
        if cells == 0 {
            return GriddedBlock { values, variance };
        }
        let xs: Vec<f64> = (0..width).map(|c| grid.cell_centre(0, c).0).collect();
        let strip = PATCH * width;
        match variance.as_mut() {
            Some(var) => values
                .par_chunks_mut(strip)
                .zip(var.par_chunks_mut(strip))
                .enumerate()
                .for_each(|(t, (v, s))| {
                    self.strip_any(grid, row0 + t * PATCH, &xs, v, Some(s));
                }),
            None => values
                .par_chunks_mut(strip)
                .enumerate()
                .for_each(|(t, v)| self.strip_any(grid, row0 + t * PATCH, &xs, v, None)),
        }
        GriddedBlock { values, variance }
    }

    fn strip_any(
        &self,
        grid: &GridSpec,
        first: usize,
        xs: &[f64],
        out: &mut [f32],
        var: Option<&mut [f32]>,
    ) {
        if self.log {
            self.strip::<true>(grid, first, xs, out, var)
        } else {
            self.strip::<false>(grid, first, xs, out, var)
        }
    }

    /// Computes a strip of up to [`PATCH`] full-width rows starting at grid row `first`; `LOG`
    /// back-transforms by `10^v` (a separate instance, so that the plain one holds no `pow`).
    fn strip<const LOG: bool>(
        &self,
        grid: &GridSpec,
        first: usize,
        xs: &[f64],
        out: &mut [f32],
        mut var: Option<&mut [f32]>,
    ) {
        let width = xs.len();
        let rows = out.len() / width;
        let ys: Vec<f64> = (0..rows)
            .map(|r| grid.cell_centre(first + r, 0).1)
            .collect();
        let query = self.method.query();
        let mut scratch = Scratch::default();
        let mut cache = kriging::Cache::default();
        let mut e = self.index.typical_distance(query.k) * 1.5;
        let reach2 = self.reach.max_distance.map_or(f64::INFINITY, |d| d * d);
        let back = |v: f64| -> f32 {
            if LOG {
                10f64.powf(v) as f32
            } else {
                v as f32
            }
        };
        for c0 in (0..width).step_by(PATCH) {
            let patch_xs = &xs[c0..(c0 + PATCH).min(width)];
            let mut visit = |r: usize, c: usize, nb: &[Neighbour]| {
                let at = r * width + c0 + c;
                if reach2.is_finite() && !nb.iter().any(|n| n.d2 <= reach2) {
                    return;
                }
                match self.method {
                    Method::Idw { power, .. } => out[at] = back(idw::idw(nb, &self.z, power)),
                    Method::Nearest { .. } => out[at] = back(idw::nearest(nb, &self.z)),
                    Method::Kriging { .. } => {
                        if let (Some(model), Some(var)) = (&self.variogram, var.as_deref_mut()) {
                            let k = kriging::Kriging {
                                model: &model.model,
                                x: &self.x,
                                y: &self.y,
                                z: &self.z,
                            };
                            let (v, s) = k.cell(nb, patch_xs[c], ys[r], &mut cache);
                            out[at] = back(v);
                            var[at] = s as f32;
                        }
                    }
                }
            };
            e = self
                .index
                .patch(patch_xs, &ys, &query, e, &mut scratch, &mut visit);
        }
    }
}

/// Merges samples at the same coordinates into one at the mean of their values, kept at the
/// place of the first of them.
fn merge_duplicates(x: Vec<f64>, y: Vec<f64>, z: Vec<f64>) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let n = x.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| {
        x[a].total_cmp(&x[b])
            .then(y[a].total_cmp(&y[b]))
            .then(a.cmp(&b))
    });
    let same = |a: usize, b: usize| x[a] == x[b] && y[a] == y[b];
    if order.windows(2).all(|w| !same(w[0], w[1])) {
        return (x, y, z);
    }
    // Groups of equal coordinates, each represented by its first sample.
    let mut groups: Vec<(usize, f64)> = Vec::new();
    let mut i = 0;
    while i < n {
        let mut j = i + 1;
        while j < n && same(order[i], order[j]) {
            j += 1;
        }
        let mean = order[i..j].iter().map(|&k| z[k]).sum::<f64>() / (j - i) as f64;
        groups.push((order[i], mean));
        i = j;
    }
    groups.sort_by_key(|g| g.0);
    (
        groups.iter().map(|g| x[g.0]).collect(),
        groups.iter().map(|g| y[g.0]).collect(),
        groups.iter().map(|g| g.1).collect(),
    )
}

#[cfg(test)]
mod tests;
