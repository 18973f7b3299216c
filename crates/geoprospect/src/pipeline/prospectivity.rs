//! The prospectivity stage: each commodity's model bound to the layers this survey has,
//! scored over the grid (knowledge-driven methods, [`crate::ops::score`]) or trained on the
//! commodity's occurrences and predicted over it (data-driven ones, [`crate::ops::learn`]),
//! the model's own method first and then each method of its `compare` list, and validated
//! against the known occurrences of that commodity.
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::commodity::Commodity;
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::evidence::proximity::Features;
use crate::evidence::singularity::Windows;
use crate::io::atomic::Staging;
use crate::io::cog::{CogOptions, LayerMeta};
use crate::io::crs::Crs;
use crate::io::layer::GridLayer;
use crate::io::vector::{read_vector, VectorData};
use crate::modelspec::VectorRole;
use crate::modelspec::{Evidence, Method, Model, Source};
use crate::ops::learn::features::FeatureLayer;
use crate::ops::learn::sample::{units_per_km, MIN_POSITIVES};
use crate::ops::learn::{learn, LearnRequest, Learned};
use crate::ops::proximity::write_distance;
use crate::ops::score::{
    resolve_percentiles, score, BoundEvidence, EvidencePercentiles, ScoreSummary,
};
use crate::ops::singularity::{run_singularity, SingularityRequest};
use crate::ops::validate::{scores_at, success_rate};
use crate::project::{Project, VectorSource};
use crate::validate::Validation;

use super::geochem::ElementGrid;
use super::Plan;

/// What scoring one commodity gave: the map of the model's own method, and those of the
/// methods it compares.
#[derive(Debug, Clone)]
pub struct CommodityResult {
    /// The commodity.
    pub commodity: Commodity,
    /// The method of the map.
    pub method: Method,
    /// The staged score map.
    pub path: PathBuf,
    /// The staged uncertainty map of a data-driven method.
    pub uncertainty: Option<PathBuf>,
    /// The fitted model of a data-driven method.
    pub learned: Option<Arc<Learned>>,
    /// The maps of the methods the model compares, in its order.
    pub compared: Vec<ComparedMap>,
    /// Evidence used and how.
    pub summary: ScoreSummary,
    /// Evidence the survey could not provide, with the reason.
    pub dropped: Vec<String>,
    /// Success rate against the commodity's occurrences (training data), when at least
    /// [`MIN_VALIDATION_OCCURRENCES`] of them are on scored cells.
    pub validation: Option<Validation>,
    /// Occurrences of the commodity on scored cells.
    pub scored_occurrences: usize,
}

/// The map of a method a model compares with its own (`compare = [...]`).
#[derive(Debug, Clone)]
pub struct ComparedMap {
    /// The method.
    pub method: Method,
    /// The staged score map, `prospectivity_<c>_<method>.tif`.
    pub path: PathBuf,
    /// The staged uncertainty map of a data-driven method.
    pub uncertainty: Option<PathBuf>,
    /// Evidence used and how.
    pub summary: ScoreSummary,
    /// The fitted model of a data-driven method.
    pub learned: Option<Arc<Learned>>,
    /// Success rate against the commodity's occurrences.
    pub validation: Option<Validation>,
}

/// One map of a commodity as scored: file, uncertainty, model, cells.
struct Scored {
    path: PathBuf,
    uncertainty: Option<PathBuf>,
    learned: Option<Arc<Learned>>,
    summary: ScoreSummary,
}

/// Occurrences on scored cells a success-rate curve needs: with one, the curve is a single
/// step and its AUC says nothing about the map.
pub const MIN_VALIDATION_OCCURRENCES: usize = 2;

/// Layers a run has made, by what models ask for.
pub struct Layers<'a> {
    /// Ingested raster and vector layers by name.
    pub ingested: BTreeMap<String, PathBuf>,
    /// Element grids.
    pub elements: &'a [ElementGrid],
    /// Distance layers made so far, by role.
    pub distances: BTreeMap<VectorRole, PathBuf>,
    /// Features of the vector inputs in the analysis CRS, by layer name, each read once.
    pub vectors: VectorCache,
}

/// The features of a run's vector inputs, read from their files once and kept for the
/// layers, distances and maps that need them.
#[derive(Default)]
pub struct VectorCache(BTreeMap<String, VectorData>);

impl VectorCache {
    /// Keeps features read for the vector input `name`.
    pub fn insert(&mut self, name: &str, data: VectorData) {
        self.0.insert(name.to_string(), data);
    }

    /// The features of `v` in the analysis CRS, read on first use.
    pub fn get(&mut self, v: &VectorSource, crs: &Crs) -> Result<&VectorData> {
        if !self.0.contains_key(&v.name) {
            let data = read_vector(
                &v.path,
                v.layer.as_deref(),
                v.filter.as_deref(),
                v.crs.as_deref(),
                crs,
            )?;
            self.0.insert(v.name.clone(), data);
        }
        self.0
            .get(&v.name)
            .ok_or_else(|| Error::Internal(format!("vector {} not kept", v.name)))
    }

    /// The fault traces of the project's `faults` vectors as lines (for the maps).
    pub fn fault_lines(
        &mut self,
        project: &Project,
        crs: &Crs,
    ) -> Result<Vec<geo::LineString<f64>>> {
        let mut lines = Vec::new();
        for v in project
            .vectors
            .iter()
            .filter(|v| v.role == VectorRole::Faults)
        {
            for g in &self.get(v, crs)?.geometries {
                match g.to_geo() {
                    Ok(geo::Geometry::LineString(l)) => lines.push(l),
                    Ok(geo::Geometry::MultiLineString(m)) => lines.extend(m.0),
                    _ => {}
                }
            }
        }
        Ok(lines)
    }
}

/// Where an evidence layer's raw values come from among a survey's inputs: the one rule by
/// which a run and a cluster plan bind evidence to layers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Input<'a> {
    /// A gridded element (or derived variable).
    Element(&'a str),
    /// The project raster of this name.
    Raster(&'a str),
    /// An ingested class layer (raster or vector) of this name.
    Classes(&'a str),
    /// The distance to every feature of a vector role.
    Proximity(VectorRole),
}

/// The input evidence `e` reads in `project`: for a raster, the first of its names that a
/// project raster has (case-insensitive); an error text when none has.
pub(crate) fn input_of<'a>(
    e: &'a Evidence,
    project: &'a Project,
) -> std::result::Result<Input<'a>, String> {
    match &e.source {
        Source::Proximity(role) => Ok(Input::Proximity(*role)),
        Source::Element(el) => Ok(Input::Element(el)),
        Source::Raster(names) => names
            .iter()
            .find_map(|n| {
                project
                    .rasters
                    .iter()
                    .find(|r| r.name.eq_ignore_ascii_case(n))
            })
            .map(|r| Input::Raster(&r.name))
            .ok_or_else(|| format!("{}: no raster named {}", e.name, names.join(" or "))),
        Source::Classes { layer, .. } => Ok(Input::Classes(layer)),
    }
}

/// Percentile thresholds of every commodity's evidence, by commodity id.
pub type PlanPercentiles = BTreeMap<String, EvidencePercentiles>;

/// Scores every commodity the project asks for, on the grid or its window. Percentile
/// thresholds come from `fixed` (a tile of a plan) or are resolved over the grid here.
pub fn score_commodities(
    project: &Project,
    plan: &Plan,
    layers: &mut Layers,
    staging: &Staging,
    engine: &Engine,
    cog: &CogOptions,
    fixed: Option<&PlanPercentiles>,
) -> Result<Vec<CommodityResult>> {
    let mut results = Vec::new();
    for c in project.commodities() {
        let model = project
            .model(c)
            .map_err(|e| Error::input(&project.file, format!("models.{}: {e}", c.id())))?;
        let (bound, mut dropped) = bind(&model, project, plan, layers, staging, engine, cog)?;
        if !dropped.is_empty() {
            tracing::warn!(
                "{c}: evidence not in this survey, left out: {}",
                dropped.join("; ")
            );
        }
        if bound.is_empty() {
            tracing::warn!("{c}: no evidence in this survey; no prospectivity map");
            continue;
        }
        let methods: Vec<Method> = std::iter::once(model.method)
            .chain(model.compare.iter().copied())
            .collect();
        let mut maps = Vec::with_capacity(methods.len());
        let percentiles = if model.needs_memberships() {
            match fixed {
                Some(all) => all.get(c.id()).cloned().unwrap_or_default(),
                None => resolve_percentiles(&model, &bound, &plan.grid, engine)?,
            }
        } else {
            EvidencePercentiles::default()
        };
        for (k, &method) in methods.iter().enumerate() {
            let name = match k {
                0 => format!("prospectivity_{}", c.id()),
                _ => format!("prospectivity_{}_{}", c.id(), method.as_str()),
            };
            let path = staging.path(&format!("{name}.tif"))?;
            let scored = match method.learner() {
                None => {
                    let dir = staging.path(&format!("evidence/{}/.keep", c.id()))?;
                    let dir = dir.parent().unwrap_or(Path::new(".")).to_path_buf();
                    score(
                        &model.with_method(method),
                        &bound,
                        &percentiles,
                        &plan.grid,
                        engine,
                        &dir,
                        &path,
                        cog,
                    )?
                    .map(|summary| Scored {
                        path,
                        uncertainty: None,
                        learned: None,
                        summary,
                    })
                }
                Some(learner) => {
                    let uncertainty = staging.path(&format!("{name}_uncertainty.tif"))?;
                    let learned = learn_commodity(
                        plan,
                        &model,
                        learner,
                        &bound,
                        &path,
                        &uncertainty,
                        engine,
                        cog,
                    );
                    // A map the model only compares is left out when its occurrences cannot
                    // train it (too few on the grid); the model's own method is an error.
                    let learned = match learned {
                        Ok(l) => l,
                        Err(Error::Param(m)) if k > 0 => {
                            tracing::warn!("{c}: no {} map to compare: {m}", method.as_str());
                            continue;
                        }
                        Err(Error::Param(m)) => {
                            return Err(Error::input(
                                &project.file,
                                format!("models.{}: method {:?}: {m}", c.id(), method.as_str()),
                            ))
                        }
                        Err(e) => return Err(e),
                    };
                    let used = bound
                        .iter()
                        .map(|b| (b.evidence.name.clone(), feature_note(b)))
                        .collect();
                    Some(Scored {
                        path,
                        uncertainty: Some(uncertainty),
                        summary: ScoreSummary {
                            used,
                            scored_cells: learned.summary.scored_cells,
                            left_out: Vec::new(),
                        },
                        learned: Some(Arc::new(learned)),
                    })
                }
            };
            match scored {
                Some(s) => maps.push((method, s)),
                None if k == 0 => break,
                None => {}
            }
        }
        let mut maps = maps.into_iter();
        let Some((method, first)) = maps.next() else {
            tracing::warn!("{c}: no evidence with data on the grid; no prospectivity map");
            continue;
        };
        dropped.extend(first.summary.left_out.iter().cloned());
        let compared = maps
            .map(|(method, m)| ComparedMap {
                method,
                path: m.path,
                uncertainty: m.uncertainty,
                summary: m.summary,
                learned: m.learned,
                validation: None,
            })
            .collect();
        results.push(CommodityResult {
            commodity: c,
            method,
            path: first.path,
            uncertainty: first.uncertainty,
            learned: first.learned,
            compared,
            summary: first.summary,
            dropped,
            validation: None,
            scored_occurrences: 0,
        });
    }
    Ok(results)
}

/// The percentile thresholds of every commodity's evidence over the whole grid: the global
/// quantities of a plan. Only the layers that percentile memberships read are made (in
/// `staging`, a scratch folder).
pub fn plan_percentiles(
    project: &Project,
    plan: &Plan,
    layers: &mut Layers,
    staging: &Staging,
    engine: &Engine,
    cog: &CogOptions,
) -> Result<PlanPercentiles> {
    let mut out = BTreeMap::new();
    for c in project.commodities() {
        let mut model = project
            .model(c)
            .map_err(|e| Error::input(&project.file, format!("models.{}: {e}", c.id())))?;
        model.evidence.retain(needs_percentiles);
        if model.evidence.is_empty() {
            continue;
        }
        let (bound, _) = bind(&model, project, plan, layers, staging, engine, cog)?;
        out.insert(
            c.id().to_string(),
            resolve_percentiles(&model, &bound, &plan.grid, engine)?,
        );
    }
    Ok(out)
}

/// Whether an evidence's membership has thresholds given as percentiles of its layer.
pub fn needs_percentiles(e: &Evidence) -> bool {
    !matches!(e.source, Source::Classes { .. })
        && e.membership
            .as_ref()
            .is_some_and(|m| !m.percentiles().is_empty())
}

/// Validates each score map against the occurrences of its commodity (training data).
pub fn validate_commodities(
    results: &mut [CommodityResult],
    plan: &Plan,
    engine: &Engine,
) -> Result<()> {
    for r in results {
        let occurrences: Vec<(f64, f64)> = plan
            .occurrences
            .iter()
            .filter(|o| o.commodities.contains(&r.commodity))
            .map(|o| (o.x, o.y))
            .collect();
        if !occurrences.is_empty() {
            let layer = GridLayer::open(&r.path, &plan.grid)?;
            let scores = scores_at(&layer, &plan.grid, &occurrences)?;
            r.scored_occurrences = scores.iter().filter(|s| !s.is_nan()).count();
            r.validation = if r.scored_occurrences >= MIN_VALIDATION_OCCURRENCES {
                success_rate(&layer, &plan.grid, &scores, engine)?
            } else {
                None
            };
            for m in &mut r.compared {
                let layer = GridLayer::open(&m.path, &plan.grid)?;
                let scores = scores_at(&layer, &plan.grid, &occurrences)?;
                let on_map = scores.iter().filter(|s| !s.is_nan()).count();
                m.validation = if on_map >= MIN_VALIDATION_OCCURRENCES {
                    success_rate(&layer, &plan.grid, &scores, engine)?
                } else {
                    None
                };
            }
        }
    }
    Ok(())
}

/// Refuses, before anything is computed, a model whose own method is data-driven when fewer
/// than [`MIN_POSITIVES`] of its commodity's occurrences lie on distinct cells of the grid (or
/// its study area): it could not be trained. Compared data-driven maps are left out later
/// instead, with a warning.
pub fn check_training(project: &Project, plan: &Plan) -> Result<()> {
    for c in project.commodities() {
        let Ok(model) = project.model(c) else {
            continue;
        };
        let Some(learner) = model.method.learner() else {
            continue;
        };
        let cells: std::collections::BTreeSet<(usize, usize)> = plan
            .occurrences
            .iter()
            .filter(|o| o.commodities.contains(&c))
            .filter_map(|o| plan.grid.cell_of(o.x, o.y))
            .filter(|&(r, col)| plan.grid.in_area(r, col))
            .collect();
        if cells.len() < MIN_POSITIVES {
            return Err(Error::input(
                &project.file,
                format!(
                    "models.{}: method {:?} needs at least {MIN_POSITIVES} {c} occurrences on \
                     distinct cells of the grid, and the deposits have {}",
                    c.id(),
                    learner.as_str(),
                    cells.len()
                ),
            ));
        }
    }
    Ok(())
}

/// How a data-driven model takes an evidence layer, for the report.
fn feature_note(b: &BoundEvidence) -> String {
    match (&b.evidence.source, b.evidence.log10) {
        (Source::Classes { .. }, _) => "classes, one column per class (one-hot)".into(),
        (Source::Proximity(_), _) => "distance in metres".into(),
        (_, true) => "log10 of the values".into(),
        (Source::Element(_), false) => "values in ppm".into(),
        (_, false) => "raster values".into(),
    }
}

/// Trains `learner` on the commodity's occurrences with the bound evidence's raw values and
/// writes its maps; a parameter error when the occurrences cannot train it.
#[allow(clippy::too_many_arguments)]
fn learn_commodity(
    plan: &Plan,
    model: &Model,
    learner: crate::models::trees::Learner,
    bound: &[BoundEvidence],
    map: &Path,
    uncertainty: &Path,
    engine: &Engine,
    cog: &CogOptions,
) -> Result<Learned> {
    let c = model.commodity;
    let occurrences: Vec<(f64, f64)> = plan
        .occurrences
        .iter()
        .filter(|o| o.commodities.contains(&c))
        .map(|o| (o.x, o.y))
        .collect();
    let layers = bound
        .iter()
        .map(|b| FeatureLayer {
            name: b.evidence.name.clone(),
            path: b.raw.clone(),
            classes: matches!(b.evidence.source, Source::Classes { .. }),
            log10: b.evidence.log10,
        })
        .collect();
    learn(
        LearnRequest {
            commodity: c,
            learner,
            learning: &model.learning,
            layers,
            grid: &plan.grid,
            units_per_km: units_per_km(plan.crs.is_geographic(), plan.crs.metres_per_unit()),
            occurrences: &occurrences,
            block_km: model.cv_block_km,
            map,
            uncertainty,
            cog,
        },
        engine,
    )
}

/// Finds each evidence layer's raw values among the run's layers (making distance layers as
/// needed); returns the bound evidence and the reasons for what was dropped.
///
/// Preset evidence the survey lacks drops out (the presets are written for every survey). A
/// project's own `[[models.<c>.evidence]]` naming a layer, role or element the survey does not
/// have is an error naming it: there it is most likely a typo. A role whose layers are declared
/// but hold no feature (an empty file, a `where` that matches nothing) is data, not a typo, and
/// drops out in both cases.
fn bind(
    model: &Model,
    project: &Project,
    plan: &Plan,
    layers: &mut Layers,
    staging: &Staging,
    engine: &Engine,
    cog: &CogOptions,
) -> Result<(Vec<BoundEvidence>, Vec<String>)> {
    let mut bound = Vec::new();
    let mut dropped = Vec::new();
    let own = project
        .models
        .get(&model.commodity)
        .is_some_and(|m| !m.evidence.is_empty());
    for e in &model.evidence {
        let raw = match input_of(e, project) {
            Ok(Input::Proximity(role)) => distance_layer(
                role, project, plan, layers, staging, engine, cog,
            )?
            .ok_or_else(|| format!("{}: no vector layer with role {}", e.name, role.as_str())),
            Ok(Input::Element(el)) => layers
                .elements
                .iter()
                .find(|g| g.element == el)
                .map(|g| g.path.clone())
                .ok_or_else(|| format!("{}: no {el} in the samples", e.name)),
            Ok(Input::Raster(name)) => layers
                .ingested
                .get(name)
                .cloned()
                .ok_or_else(|| format!("{}: no raster named {name}", e.name)),
            Ok(Input::Classes(layer)) => layers
                .ingested
                .get(layer)
                .cloned()
                .ok_or_else(|| format!("{}: no class layer named {layer}", e.name)),
            Err(reason) => Err(reason),
        };
        match raw {
            Ok(raw) => {
                let raw = match &e.singularity {
                    Some(windows) => {
                        singularity_layer(model.commodity, e, windows, &raw, staging, engine, cog)?
                    }
                    None => raw,
                };
                let label = raw
                    .strip_prefix(staging.root())
                    .unwrap_or(&raw)
                    .display()
                    .to_string();
                bound.push(BoundEvidence {
                    evidence: e.clone(),
                    raw,
                    label,
                })
            }
            Err(reason) => {
                let declared_role = matches!(&e.source, Source::Proximity(role)
                    if project.vectors.iter().any(|v| v.role == *role));
                if own && !declared_role {
                    return Err(Error::input(
                        &project.file,
                        format!(
                            "models.{}: evidence {reason}; the layers are {}",
                            model.commodity.id(),
                            available(project, layers)
                        ),
                    ));
                }
                dropped.push(reason)
            }
        }
    }
    Ok((bound, dropped))
}

/// Writes `evidence/singularity_<commodity>_<name>.tif`, the local singularity index of an evidence
/// layer's raw values (`transform = "singularity"`), and returns its path: the membership and
/// its percentiles then take α. Cells outside the study area are nodata in `raw` already, so
/// windows at the area's edge count only the cells inside it.
fn singularity_layer(
    commodity: Commodity,
    e: &Evidence,
    windows: &Windows,
    raw: &Path,
    staging: &Staging,
    engine: &Engine,
    cog: &CogOptions,
) -> Result<PathBuf> {
    let out = staging.path(&format!(
        "evidence/singularity_{}_{}.tif",
        commodity.id(),
        e.name
    ))?;
    run_singularity(
        &SingularityRequest {
            input: raw,
            windows: windows.clone(),
            out: &out,
            cog: *cog,
        },
        engine,
    )?;
    Ok(out)
}

/// What a project's own evidence can name, for error messages.
fn available(project: &Project, layers: &Layers) -> String {
    let names = |v: Vec<&str>| {
        if v.is_empty() {
            "none".to_string()
        } else {
            v.join(", ")
        }
    };
    let rasters: Vec<&str> = project.rasters.iter().map(|r| r.name.as_str()).collect();
    let vectors: Vec<String> = project
        .vectors
        .iter()
        .map(|v| format!("{} (role {})", v.name, v.role.as_str()))
        .collect();
    let elements: Vec<&str> = layers.elements.iter().map(|g| g.element.as_str()).collect();
    format!(
        "rasters: {}; vectors: {}; gridded elements: {}",
        names(rasters),
        names(vectors.iter().map(String::as_str).collect()),
        names(elements)
    )
}

/// The distance layer to every feature of `role`, made once per run.
fn distance_layer(
    role: VectorRole,
    project: &Project,
    plan: &Plan,
    layers: &mut Layers,
    staging: &Staging,
    engine: &Engine,
    cog: &CogOptions,
) -> Result<Option<PathBuf>> {
    if let Some(p) = layers.distances.get(&role) {
        return Ok(Some(p.clone()));
    }
    let sources: Vec<_> = project.vectors.iter().filter(|v| v.role == role).collect();
    if sources.is_empty() {
        return Ok(None);
    }
    let mut geometries = Vec::new();
    for v in &sources {
        let data = layers.vectors.get(v, &plan.crs)?;
        for (i, g) in data.geometries.iter().enumerate() {
            let geo = g.to_geo().map_err(|e| {
                Error::input(
                    &v.path,
                    format!(
                        "feature {i}: geometry {} not supported: {e}",
                        g.geometry_name()
                    ),
                )
            })?;
            geometries.push(geo);
        }
    }
    let features = Features::new(&geometries);
    if features.is_empty() {
        return Ok(None);
    }
    let path = staging.path(&format!("evidence/distance_{}.tif", role.as_str()))?;
    let meta = LayerMeta {
        description: format!("distance to {} (m)", role.as_str()),
        inputs: sources
            .iter()
            .map(|v| v.path.display().to_string())
            .collect(),
        items: vec![(
            "GEOPROSPECT_PROXIMITY".into(),
            "distance from cell centres to the nearest feature; 0 inside polygons".into(),
        )],
        category_names: Vec::new(),
    };
    let stage = format!("distance to {}", role.as_str());
    write_distance(&features, &plan.grid, engine, &stage, &path, &meta, cog)?;
    layers.distances.insert(role, path.clone());
    Ok(Some(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(rasters: &[&str]) -> Project {
        let mut text = String::from(
            "[project]\nname = \"t\"\ncrs = \"EPSG:32648\"\nresolution = 100.0\n\
             extent = [0.0, 0.0, 1000.0, 1000.0]\n",
        );
        for r in rasters {
            text.push_str(&format!(
                "[[rasters]]\npath = \"{r}.tif\"\nname = \"{r}\"\n"
            ));
        }
        Project::parse(&text, Path::new(".")).unwrap()
    }

    fn evidence(source: Source) -> Evidence {
        Evidence {
            name: "e".into(),
            source,
            singularity: None,
            membership: None,
            weight: 1.0,
            group: "g".into(),
            log10: false,
        }
    }

    #[test]
    fn evidence_binds_to_the_first_name_a_raster_has_for_runs_and_plans() {
        // Both rasters exist: the evidence's first name wins, whatever the project's order.
        let p = project(&["MAG", "tmi"]);
        let e = evidence(Source::Raster(vec!["tmi".into(), "mag".into()]));
        assert_eq!(input_of(&e, &p), Ok(Input::Raster("tmi")));
        let e = evidence(Source::Raster(vec!["mag".into(), "tmi".into()]));
        assert_eq!(input_of(&e, &p), Ok(Input::Raster("MAG")));
        let e = evidence(Source::Raster(vec!["eTh".into()]));
        assert_eq!(input_of(&e, &p), Err("e: no raster named eTh".to_string()));
        let e = evidence(Source::Element("Mo".into()));
        assert_eq!(input_of(&e, &p), Ok(Input::Element("Mo")));
    }

    #[test]
    fn vector_features_are_read_once_and_kept() {
        let p = Project::parse(
            "[project]\nname = \"t\"\ncrs = \"EPSG:32648\"\nresolution = 100.0\n\
             extent = [0.0, 0.0, 1000.0, 1000.0]\n\
             [[vectors]]\npath = \"missing.geojson\"\nname = \"faults\"\nrole = \"faults\"\n",
            Path::new("."),
        )
        .unwrap();
        let crs = Crs::parse("EPSG:32648").unwrap();
        let v = &p.vectors[0];
        let mut cache = VectorCache::default();
        // Not kept yet: the file is read (and is missing).
        assert!(cache.get(v, &crs).is_err());
        let line = gdal::vector::Geometry::from_wkt("LINESTRING (0 0, 10 10)").unwrap();
        cache.insert(
            "faults",
            VectorData {
                path: v.path.clone(),
                fields: Vec::new(),
                geometries: vec![line],
                attributes: vec![Vec::new()],
                source_crs: "EPSG:32648".into(),
                skipped: 0,
            },
        );
        // Kept: later uses never open the file again.
        assert_eq!(cache.get(v, &crs).unwrap().geometries.len(), 1);
        let lines = cache.fault_lines(&p, &crs).unwrap();
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].0.len(), 2);
    }
}
