//! The geochemistry stage: every element column of the project's samples (and TREO and the
//! project's derived variables) gridded onto the analysis grid as an evidence layer.
use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::geochem::derived::{parse_expression, treo};
use crate::geochem::gridding::{Gridder, Method, Reach, Samples, VariogramModel};
use crate::io::atomic::Staging;
use crate::io::cog::{CogOptions, LayerMeta};
use crate::ops::grid::grid_to_cog;
use crate::ops::samples::SampleSet;
use crate::project::{GeochemSettings, Interpolation};

use super::Plan;

/// One gridded variable.
#[derive(Debug, Clone)]
pub struct ElementGrid {
    /// Element symbol, `TREO`, or a derived variable's name.
    pub element: String,
    /// File stem (unique in the run).
    pub label: String,
    /// Sample set and column it came from.
    pub source: String,
    /// The maximum distance from the samples that got values.
    pub reach: Reach,
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
            });
        }
    }
    Ok(out)
}

/// Variogram models by element-grid label (kriging only).
pub type Variograms = BTreeMap<String, VariogramModel>;

/// Each variable to grid with its file label and its gridder (or why it cannot be gridded), on
/// cells of size `cell`.
/// Kriging uses the variogram of `variograms` when it has the label, else fits one.
fn gridders<'a>(
    vars: &'a [Variable<'a>],
    settings: &GeochemSettings,
    variograms: Option<&Variograms>,
    cell: f64,
) -> Vec<(
    String,
    &'a Variable<'a>,
    std::result::Result<Gridder, String>,
)> {
    let mut count: BTreeMap<&str, usize> = BTreeMap::new();
    for v in vars {
        *count.entry(v.element.as_str()).or_default() += 1;
    }
    vars.iter()
        .map(|v| {
            let label = if count[v.element.as_str()] > 1 {
                sanitize(&format!("{}_{}", v.element, v.source))
            } else {
                v.element.clone()
            };
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
                    model: variograms.and_then(|m| m.get(&label).copied()),
                },
            };
            let (x, y): (Vec<f64>, Vec<f64>) = v.set.points.xy.iter().copied().unzip();
            let gridder = Samples::new(x, y, v.values.clone())
                .and_then(|s| Gridder::new(s, method, settings.log))
                .map(|g| g.reaching(settings.max_distance, cell))
                .map_err(|e| e.to_string());
            (label, v, gridder)
        })
        .collect()
}

/// The variogram of every variable the project krigs (empty for other methods): fitted once
/// by a plan, used by every tile.
pub fn fit_variograms(plan: &Plan, settings: &GeochemSettings) -> Result<Variograms> {
    if settings.method != Interpolation::Kriging {
        return Ok(Variograms::new());
    }
    let vars = variables(plan, settings)?;
    Ok(gridders(&vars, settings, None, plan.grid.res)
        .into_iter()
        .filter_map(|(label, _, g)| Some((label, g.ok()?.variogram()?.model)))
        .collect())
}

/// Grids every variable into `geochem/<label>.tif` of the staging folder (on the grid's
/// window, if any), kriging with `variograms` when given.
pub fn grid_elements(
    plan: &Plan,
    settings: &GeochemSettings,
    staging: &Staging,
    engine: &Engine,
    cog: &CogOptions,
    variograms: Option<&Variograms>,
) -> Result<Vec<ElementGrid>> {
    let vars = variables(plan, settings)?;
    let prepared = gridders(&vars, settings, variograms, plan.grid.res);
    let mut grids = Vec::with_capacity(prepared.len());
    for (label, v, gridder) in prepared {
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
            label,
            source: v.source.clone(),
            reach: *gridder.reach(),
            path,
        });
    }
    Ok(grids)
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
