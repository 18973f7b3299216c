//! The outputs stage of `geoprospect run`, after scoring and before the staged files are moved
//! into place: for each commodity with a score map, `targets_<c>.geojson` and
//! `samples_<c>.geojson` ([`crate::report`]) and a cross-validation ([`super::crossval`]);
//! then, last of all, `manifest.json` over every staged file ([`write_manifest`]).
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

use serde_json::{json, Value};

use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::io::atomic::Staging;
use crate::ops::score::model_description;
use crate::ops::targets::{find_targets, NamedPoint, TargetRequest, TargetSet};
use crate::project::Project;
use crate::report::manifest::{self, ManifestParts};
use crate::report::samples::{
    model_elements, write_samples_geojson, ClassCache, ColumnClasses, SampleExport,
};
use crate::report::targets::write_targets_geojson;
use crate::zones::Selection;

use super::crossval::{cross_validate, CrossValRequest, CrossValidation, CV_FOLDS, WOFE_CLASSES};
use super::geochem::ElementGrid;
use super::prospectivity::CommodityResult;
use super::{Plan, RunOptions};

/// What the outputs stage produced, for the summary, the manifest and the HTML report.
#[derive(Debug, Clone, Default)]
pub struct Products {
    /// Target zones per commodity, with the staged GeoJSON.
    pub targets: Vec<(TargetSet, PathBuf)>,
    /// Samples files per commodity, with the staged GeoJSON.
    pub samples: Vec<(SampleExport, PathBuf)>,
    /// Anomaly thresholds of every element column written to a samples file.
    pub anomaly_columns: Vec<ColumnClasses>,
    /// Cross-validation per commodity with a knowledge-driven map (the weights-of-evidence
    /// check on its memberships).
    pub crossval: Vec<CrossValidation>,
    /// Summary lines of the data-driven maps' cross-validation, in commodity order.
    pub learned: Vec<String>,
    /// `(stage, seconds)` of this stage's parts.
    pub timings: Vec<(String, f64)>,
}

impl Products {
    /// Lines for the run summary: targets and cross-validation per commodity.
    pub fn lines(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (t, _) in &self.targets {
            out.push(format!("{}: {}", t.commodity, t.describe()));
        }
        for cv in &self.crossval {
            out.push(cv.describe());
        }
        out.extend(self.learned.iter().cloned());
        out
    }
}

/// The membership layers of a scored commodity's knowledge-driven map (its own or the first
/// it compares): `evidence/<c>/<name>.tif` in the staging folder, in model order; none when
/// every map is data-driven.
pub fn membership_layers(staging: &Staging, result: &CommodityResult) -> Vec<(String, PathBuf)> {
    let dir = staging.root().join("evidence").join(result.commodity.id());
    let used = std::iter::once((result.method, &result.summary))
        .chain(result.compared.iter().map(|m| (m.method, &m.summary)))
        .find(|(m, _)| m.learner().is_none())
        .map_or(&[][..], |(_, s)| s.used.as_slice());
    used.iter()
        .map(|(name, _)| (name.clone(), dir.join(format!("{name}.tif"))))
        .collect()
}

/// Writes targets and samples of every scored commodity and cross-validates them.
pub fn write_outputs(
    project: &Project,
    plan: &Plan,
    commodities: &[CommodityResult],
    elements: &[ElementGrid],
    staging: &Staging,
    engine: &Engine,
) -> Result<Products> {
    let mut products = Products::default();
    let selection = Selection::of(&project.targets);
    let grids: BTreeMap<(String, String), PathBuf> = elements
        .iter()
        .filter_map(|g| {
            let (set, column) = g.source.split_once(": ")?;
            Some(((set.to_string(), column.to_string()), g.path.clone()))
        })
        .collect();
    let mut cache = ClassCache::within(plan.area.clone());
    let (mut t_targets, mut t_samples, mut t_cv) = (0.0, 0.0, 0.0);
    for result in commodities {
        let c = result.commodity;
        let layers = membership_layers(staging, result);
        let occurrences: Vec<NamedPoint> = plan
            .occurrences
            .iter()
            .filter(|o| o.commodities.contains(&c))
            .map(|o| NamedPoint {
                x: o.x,
                y: o.y,
                name: o.name.clone(),
            })
            .collect();

        let start = Instant::now();
        let explainer = result.learned.as_ref().map(|l| l.explainer());
        let set = find_targets(
            &TargetRequest {
                commodity: c,
                score: &result.path,
                grid: &plan.grid,
                crs: &plan.crs,
                selection,
                min_cells: project.targets.min_cells,
                evidence: if explainer.is_some() { &[] } else { &layers },
                explainer: explainer.as_ref(),
                occurrences: &occurrences,
                scratch: staging.root(),
            },
            engine,
        )?;
        let path = staging.path(&format!("targets_{}.geojson", c.id()))?;
        write_targets_geojson(&set, &plan.crs, plan.grid.res, &path)?;
        tracing::info!("{c}: {}", set.describe());
        products.targets.push((set, path));
        t_targets += start.elapsed().as_secs_f64();

        let start = Instant::now();
        let model = project
            .model(c)
            .map_err(|e| Error::input(&project.file, format!("models.{}: {e}", c.id())))?;
        let path = staging.path(&format!("samples_{}.geojson", c.id()))?;
        let export = write_samples_geojson(
            c,
            &model_elements(&model),
            &plan.samples,
            &grids,
            &plan.crs,
            &mut cache,
            &path,
        )?;
        products.samples.push((export, path));
        t_samples += start.elapsed().as_secs_f64();

        let start = Instant::now();
        let xy: Vec<(f64, f64)> = occurrences.iter().map(|o| (o.x, o.y)).collect();
        // The knowledge-driven map, the model's own or the first it compares.
        let knowledge = std::iter::once((result.method, result.validation.as_ref()))
            .chain(
                result
                    .compared
                    .iter()
                    .map(|m| (m.method, m.validation.as_ref())),
            )
            .find(|(m, _)| m.learner().is_none());
        if let Some((_, training)) = knowledge {
            let cv = cross_validate(
                &CrossValRequest {
                    commodity: c,
                    grid: &plan.grid,
                    crs: &plan.crs,
                    layers: &layers,
                    occurrences: &xy,
                    training,
                    block_km: model.cv_block_km,
                },
                engine,
            )?;
            tracing::info!("{}", cv.describe());
            products.crossval.push(cv);
        }
        let learned = std::iter::once((result.method, result.learned.as_ref())).chain(
            result
                .compared
                .iter()
                .map(|m| (m.method, m.learned.as_ref())),
        );
        for (method, l) in learned {
            if let Some(l) = l {
                let line = format!(
                    "{c} cross-validation ({}, {} occurrences): {}",
                    method.as_str(),
                    l.summary.positives,
                    l.summary.validation.describe()
                );
                tracing::info!("{line}");
                products.learned.push(line);
            }
        }
        t_cv += start.elapsed().as_secs_f64();
    }
    products.anomaly_columns = cache.columns().cloned().collect();
    products.timings = vec![
        ("targets".into(), t_targets),
        ("samples".into(), t_samples),
        ("cross-validation".into(), t_cv),
    ];
    Ok(products)
}

/// A map's success rate for the manifest.
fn validation_json(v: Option<&crate::validate::Validation>) -> Value {
    v.map_or(Value::Null, |v| {
        json!({
            "occurrences": v.occurrences,
            "auc": v.auc,
            "capture": v.capture.iter().map(|(a, s)| json!({ "area": a, "occurrences": s })).collect::<Vec<_>>(),
            "pa_intersection": v.pa_intersection.map(|(t, p)| json!({ "score": t, "prediction_rate": p })),
        })
    })
}

/// Writes `manifest.json` into the staging folder: call it last, after every other output is
/// staged (it hashes them all).
#[allow(clippy::too_many_arguments)]
pub fn write_manifest(
    project: &Project,
    plan: &Plan,
    commodities: &[CommodityResult],
    products: &Products,
    timings: &[(String, f64)],
    staging: &Staging,
    engine: &Engine,
    options: &RunOptions,
) -> Result<PathBuf> {
    let mut models = serde_json::Map::new();
    let mut results = serde_json::Map::new();
    for c in project.commodities() {
        let model = project
            .model(c)
            .map_err(|e| Error::input(&project.file, format!("models.{}: {e}", c.id())))?;
        let result = commodities.iter().find(|r| r.commodity == c);
        models.insert(
            c.id().into(),
            json!({
                "description": model_description(&model),
                "method": model.method.as_str(),
                "compare": model.compare.iter().map(|m| m.as_str()).collect::<Vec<_>>(),
                "learning": if std::iter::once(model.method)
                    .chain(model.compare.iter().copied())
                    .any(|m| m.learner().is_some())
                {
                    serde_json::to_value(&model.learning)
                        .map_err(|e| Error::Internal(format!("cannot serialise the learning settings: {e}")))?
                } else {
                    Value::Null
                },
                "combine": model.combine.name(),
                "group_op": model.group_op.name(),
                "group_weights": model.group_weights,
                "evidence": model.evidence.iter().map(|e| e.name.clone()).collect::<Vec<_>>(),
                "evidence_used": result.map_or(Value::Null, |r| json!(r
                    .summary
                    .used
                    .iter()
                    .map(|(n, how)| json!({ "name": n, "membership": how }))
                    .collect::<Vec<_>>())),
                "evidence_dropped": result.map_or(Value::Null, |r| json!(r.dropped)),
            }),
        );
        let Some(r) = result else {
            results.insert(c.id().into(), json!({ "score_map": null }));
            continue;
        };
        let validation = validation_json(r.validation.as_ref());
        let targets = products
            .targets
            .iter()
            .find(|(t, _)| t.commodity == c)
            .map_or(Value::Null, |(t, _)| {
                json!({
                    "rule": t.rule,
                    "threshold": crate::io::geojson::number(t.threshold),
                    "scored_cells": t.scored_cells,
                    "selected_cells": t.selected_cells,
                    "zones": t.targets.len(),
                    "dropped_zones": t.dropped_zones,
                })
            });
        let cv = products
            .crossval
            .iter()
            .find(|v| v.commodity == c)
            .map_or(Ok(Value::Null), serde_json::to_value)
            .map_err(|e| Error::Internal(format!("cannot serialise cross-validation: {e}")))?;
        let rel = |p: &std::path::Path| {
            p.strip_prefix(staging.root())
                .unwrap_or(p)
                .display()
                .to_string()
        };
        let learned = |l: Option<&std::sync::Arc<crate::ops::learn::Learned>>| {
            l.map_or(Ok(Value::Null), |l| serde_json::to_value(&l.summary))
                .map_err(|e| Error::Internal(format!("cannot serialise a fitted model: {e}")))
        };
        let mut compared = Vec::new();
        for m in &r.compared {
            compared.push(json!({
                "method": m.method.as_str(),
                "score_map": rel(&m.path),
                "uncertainty_map": m.uncertainty.as_deref().map(rel),
                "scored_cells": m.summary.scored_cells,
                "validation": validation_json(m.validation.as_ref()),
                "model": learned(m.learned.as_ref())?,
            }));
        }
        results.insert(
            c.id().into(),
            json!({
                "method": r.method.as_str(),
                "score_map": format!("prospectivity_{}.tif", c.id()),
                "uncertainty_map": r.uncertainty.as_deref().map(rel),
                "scored_cells": r.summary.scored_cells,
                "validation": validation,
                "targets": targets,
                "cross_validation": cv,
                "model": learned(r.learned.as_ref())?,
                "compared": compared,
            }),
        );
    }
    let g = &plan.grid;
    let grid = json!({
        "crs": plan.crs.label(),
        "width": g.width,
        "height": g.height,
        "resolution": g.res,
        "extent": g.extent(),
    });
    let t = &project.targets;
    let parameters = json!({
        "cog": {
            "compression": format!("{:?}", options.cog.compression).to_lowercase(),
            "gdal_threads": engine.threads(),
        },
        "targets": {
            "rule": Selection::of(t).describe(),
            "min_cells": t.min_cells,
            "connectivity": 8,
        },
        "cross_validation": {
            "folds": format!("min({CV_FOLDS}, occurrences), fold = occurrence index mod folds"),
            "wofe_classes": WOFE_CLASSES,
            "wofe_generalisation": "max studentized contrast, descending cumulative",
            "unit_cell_km2": 1.0,
        },
    });
    let parts = ManifestParts {
        models: Value::Object(models),
        grid,
        parameters,
        threads: engine.threads(),
        timings: timings.to_vec(),
        results: Value::Object(results),
    };
    // The project as run: the default target rule spelt out.
    let mut resolved = project.clone();
    if resolved.targets.top_area.is_none() && resolved.targets.min_score.is_none() {
        resolved.targets.top_area = Some(crate::project::DEFAULT_TOP_AREA);
    }
    manifest::write_manifest(&resolved, &parts, staging.root())
}
