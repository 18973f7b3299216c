//! The geochemistry stage: every element column of the project's samples (and TREO and the
//! project's derived variables) onto the analysis grid as an evidence layer: interpolated
//! between the samples, or, for stream sediments, each sample's value over its catchment
//! ([`super::catchments`]).
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::geochem::anomaly::Classifier;
use crate::geochem::derived::{parse_expression, treo};
use crate::geochem::gridding::{Gridder, Method, Reach, Samples, VariogramModel};
use crate::io::atomic::Staging;
use crate::io::cog::{CogOptions, LayerMeta};
use crate::ops::grid::grid_to_cog;
use crate::ops::samples::SampleSet;
use crate::project::{GeochemSettings, Interpolation, Medium};

use super::catchments::{CatchmentMaps, Mapped};
use super::Plan;

/// How an element grid got its values.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Mapping {
    /// Interpolated between the samples, within this reach.
    Gridded(Reach),
    /// Each sample's value over its catchment on the DEM.
    Catchments {
        /// Samples with a catchment.
        samples: usize,
        /// The snap distance, metres.
        snap_m: f64,
    },
}

impl fmt::Display for Mapping {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Mapping::Gridded(reach) => write!(f, "gridded, {reach}"),
            Mapping::Catchments { samples, snap_m } => write!(
                f,
                "over the catchments of {samples} samples on the dem (snapped within {snap_m} m)"
            ),
        }
    }
}

/// One gridded variable.
#[derive(Debug, Clone)]
pub struct ElementGrid {
    /// Element symbol, `TREO`, or a derived variable's name.
    pub element: String,
    /// File stem (unique in the run).
    pub label: String,
    /// Sample set and column it came from.
    pub source: String,
    /// Interpolated (and how far from the samples) or over catchments.
    pub mapping: Mapping,
    /// The anomaly classes of a catchment map's values (median + 2 MAD, C–A).
    pub classifier: Option<Classifier>,
    /// The staged file.
    pub path: PathBuf,
}

/// A variable to grid: sample values in ppm (NaN missing) of one sample set.
struct Variable<'a> {
    element: String,
    source: String,
    set: &'a SampleSet,
    values: Vec<f64>,
    censored: usize,
    /// Mapped over the set's catchments rather than interpolated.
    by_catchment: bool,
}

/// The variables of the plan's sample sets that `settings` asks for.
fn variables<'a>(plan: &'a Plan, settings: &GeochemSettings) -> Result<Vec<Variable<'a>>> {
    let wanted = |el: &str| {
        settings
            .elements
            .as_ref()
            .map_or(true, |list| list.iter().any(|e| e == el))
    };
    let mut out = Vec::new();
    for set in &plan.samples {
        let by_catchment = set.medium == Some(Medium::StreamSediment)
            || settings.method == Interpolation::Catchment;
        let mut by_element: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
        for col in &set.elements {
            let values = col.substituted(&set.substitution);
            by_element
                .entry(col.spec.element.as_str())
                .or_insert_with(|| values.clone());
            if wanted(&col.spec.element) {
                out.push(Variable {
                    element: col.spec.element.clone(),
                    source: format!("{}: {}", set.name, col.spec.column),
                    set,
                    values,
                    censored: col.n_censored,
                    by_catchment,
                });
            }
        }
        // TREO from the first column of each REE.
        let columns: Vec<(&str, &[f64])> =
            by_element.iter().map(|(k, v)| (*k, v.as_slice())).collect();
        if let Ok(t) = treo(&columns, false) {
            if !t.present.is_empty() && wanted("TREO") {
                out.push(Variable {
                    element: "TREO".into(),
                    source: format!("{}: TREO of {}", set.name, t.present.join(", ")),
                    set,
                    values: t.values,
                    censored: 0,
                    by_catchment,
                });
            }
        }
        for (name, text) in &settings.derived {
            let expr = parse_expression(text)
                .map_err(|e| Error::param(format!("geochem.derived.{name}: {e}")))?;
            if expr.require(|e| by_element.contains_key(e)).is_err() {
                tracing::warn!(
                    "geochem.derived.{name}: sample set {} lacks an element of {text:?}; skipped",
                    set.name
                );
                continue;
            }
            let n = set.points.xy.len();
            let values = (0..n)
                .map(|i| expr.eval(|e| by_element.get(e).map(|v| v[i])))
                .collect();
            out.push(Variable {
                element: name.clone(),
                source: format!("{}: {text}", set.name),
                set,
                values,
                censored: 0,
                by_catchment,
            });
        }
    }
    Ok(out)
}

/// Variogram models by element-grid label (kriging only).
pub type Variograms = BTreeMap<String, VariogramModel>;

/// Each variable's file label: its element, or with the set and column when two sets give
/// the same element.
fn labels(vars: &[Variable]) -> Vec<String> {
    let mut count: BTreeMap<&str, usize> = BTreeMap::new();
    for v in vars {
        *count.entry(v.element.as_str()).or_default() += 1;
    }
    vars.iter()
        .map(|v| {
            if count[v.element.as_str()] > 1 {
                sanitize(&format!("{}_{}", v.element, v.source))
            } else {
                v.element.clone()
            }
        })
        .collect()
}

/// The gridder of an interpolated variable (or why it cannot be gridded), on cells of size
/// `cell`. Kriging uses the variogram of `variograms` when it has the label, else fits one.
fn gridder(
    v: &Variable,
    label: &str,
    settings: &GeochemSettings,
    variograms: Option<&Variograms>,
    cell: f64,
) -> std::result::Result<Gridder, String> {
    let method = match settings.method {
        Interpolation::Idw => Method::Idw {
            power: settings.power,
            neighbors: settings.neighbors,
            radius: settings.radius,
        },
        Interpolation::Nearest => Method::Nearest {
            radius: settings.radius,
        },
        Interpolation::Kriging => Method::Kriging {
            neighbors: settings.neighbors,
            radius: settings.radius,
            model: variograms.and_then(|m| m.get(label).copied()),
        },
        Interpolation::Catchment => {
            return Err("geochem.method = \"catchment\" maps over catchments only".into())
        }
    };
    let (x, y): (Vec<f64>, Vec<f64>) = v.set.points.xy.iter().copied().unzip();
    Samples::new(x, y, v.values.clone())
        .and_then(|s| Gridder::new(s, method, settings.log))
        .map(|g| g.reaching(settings.max_distance, cell))
        .map_err(|e| e.to_string())
}

/// The variogram of every variable the project krigs (empty for other methods): fitted once
/// by a plan, used by every tile.
pub fn fit_variograms(plan: &Plan, settings: &GeochemSettings) -> Result<Variograms> {
    if settings.method != Interpolation::Kriging {
        return Ok(Variograms::new());
    }
    let vars = variables(plan, settings)?;
    Ok(vars
        .iter()
        .zip(labels(&vars))
        .filter(|(v, _)| !v.by_catchment)
        .filter_map(|(v, label)| {
            let model = gridder(v, &label, settings, None, plan.grid.res)
                .ok()?
                .variogram()?
                .model;
            Some((label, model))
        })
        .collect())
}

/// Grids every variable into `geochem/<label>.tif` of the staging folder (on the grid's
/// window, if any), kriging with `variograms` when given; the variables of stream-sediment
/// sets are mapped over their catchments on `dem` (the DEM on the analysis grid), whose
/// polygons go to `catchments.geojson`.
#[allow(clippy::too_many_arguments)]
pub fn grid_elements(
    plan: &Plan,
    settings: &GeochemSettings,
    staging: &Staging,
    engine: &Engine,
    cog: &CogOptions,
    variograms: Option<&Variograms>,
    dem: Option<(&Path, &Path)>,
) -> Result<Vec<ElementGrid>> {
    let vars = variables(plan, settings)?;
    let labels = labels(&vars);
    let mut grids = Vec::with_capacity(vars.len());
    let mut catchments = CatchmentMaps::new(plan, dem, settings.snap);
    for (v, label) in vars.iter().zip(labels.iter()) {
        if v.by_catchment {
            let path = staging.path(&format!("geochem/{label}.tif"))?;
            let facts = catchments.write(&mapped(v, label), &path, engine, cog)?;
            grids.push(ElementGrid {
                element: v.element.clone(),
                label: label.clone(),
                source: v.source.clone(),
                mapping: Mapping::Catchments {
                    samples: facts.samples,
                    snap_m: facts.snap_m,
                },
                classifier: Some(facts.classifier),
                path,
            });
            continue;
        }
        let gridder = gridder(v, label, settings, variograms, plan.grid.res);
        let gridder = match gridder {
            Ok(g) => g,
            Err(e) => {
                tracing::warn!("{}: not gridded: {e}", v.source);
                continue;
            }
        };
        let method = *gridder.method();
        let path = staging.path(&format!("geochem/{label}.tif"))?;
        let mut items = vec![
            ("GEOPROSPECT_UNIT".to_string(), "ppm".to_string()),
            ("GEOPROSPECT_METHOD".to_string(), format!("{method:?}")),
            (
                "GEOPROSPECT_CENSORED".to_string(),
                format!(
                    "{} values below detection substituted ({})",
                    v.censored, v.set.substitution
                ),
            ),
        ];
        if settings.log {
            items.push((
                "GEOPROSPECT_LOG".into(),
                "interpolated log10 values, back-transformed".into(),
            ));
        }
        if let Some(vg) = gridder.variogram() {
            items.push(("GEOPROSPECT_VARIOGRAM".into(), format!("{vg}")));
        }
        items.push((
            "GEOPROSPECT_MAX_DISTANCE".into(),
            gridder.reach().to_string(),
        ));
        let meta = LayerMeta {
            description: format!("{} (ppm)", v.element),
            inputs: vec![v.set.path.display().to_string()],
            items,
            category_names: Vec::new(),
        };
        let stats = engine.staged(
            &format!("grid {label}"),
            crate::engine::blocks(&plan.grid).len() as u64,
            || grid_to_cog(&gridder, &plan.grid, engine, &path, &meta, cog),
        )?;
        tracing::info!(
            "{label}: {} cells, {} nodata, {} .. {} ppm",
            stats.cells,
            stats.nodata,
            stats.min,
            stats.max
        );
        grids.push(ElementGrid {
            element: v.element.clone(),
            label: label.clone(),
            source: v.source.clone(),
            mapping: Mapping::Gridded(*gridder.reach()),
            classifier: None,
            path,
        });
    }
    let mapped: Vec<Mapped> = vars
        .iter()
        .zip(&labels)
        .filter(|(v, _)| v.by_catchment)
        .map(|(v, label)| mapped(v, label))
        .collect();
    catchments.write_polygons(&mapped, &staging.path("catchments.geojson")?)?;
    Ok(grids)
}

/// A variable of a stream-sediment set, as the catchment maps take it.
fn mapped<'a>(v: &'a Variable, label: &'a str) -> Mapped<'a> {
    Mapped {
        set: v.set,
        element: &v.element,
        label,
        values: &v.values,
        censored: v.censored,
    }
}

/// A file stem from free text: letters, digits, `_`, `-`, `.` kept, the rest `_`.
fn sanitize(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '_' | '-' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect()
}
