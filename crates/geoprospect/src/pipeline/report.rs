//! The report stage of `geoprospect run`, after targets and before the manifest: for each
//! scored commodity a QGIS style (`prospectivity_<c>.qml`) and a map picture (`map_<c>.png`),
//! with, when its first element evidence is a stream-sediment catchment map, that map's
//! anomaly classes (`map_<c>_catchments.png`), the success-rate curves (`success_rate.png`),
//! and `report.html`, one self-contained page.
use crate::error::Result;
use crate::geochem::anomaly::{AnomalyClass, Classifier};
use crate::io::atomic::Staging;
use crate::modelspec::Method;
use crate::ops::learn::LearnSummary;
use crate::ops::score::model_description;
use crate::project::Project;
use crate::report::curve::{render_curves, NamedCurve};
use crate::report::html::Table;
use crate::report::html::{
    write_report, CommodityReport, CrossValidationRow, InputFile, ReportInput, TargetRow,
    ThresholdRow,
};
use crate::report::manifest::project_inputs;
use crate::report::map::{ramp_colour, render_map, Legend, MapInput};
use crate::report::qml::{qml_range, samples_qml, targets_qml, write_qml, write_style};
use crate::report::samples::model_elements;
use crate::report::sha256_file;

use super::geochem::ElementGrid;
use super::outputs::Products;
use super::prospectivity::CommodityResult;
use super::Plan;

/// Writes the styles, maps, curves and the HTML report into the staging folder.
pub fn write_report_stage(
    project: &Project,
    plan: &Plan,
    commodities: &[CommodityResult],
    elements: &[ElementGrid],
    products: &Products,
    faults: &[geo::LineString<f64>],
    staging: &Staging,
) -> Result<()> {
    let mut sections = Vec::new();
    let mut curves: Vec<NamedCurve> = Vec::new();
    for c in commodities {
        let id = c.commodity.id();
        write_qml(
            &staging.path(&format!("prospectivity_{id}.qml"))?,
            &format!("{} prospectivity ({})", c.commodity, c.method.as_str()),
        )?;
        for (method, path, uncertainty) in std::iter::once((c.method, &c.path, &c.uncertainty))
            .chain(
                c.compared
                    .iter()
                    .map(|m| (m.method, &m.path, &m.uncertainty)),
            )
        {
            if *path != c.path {
                write_qml(
                    &path.with_extension("qml"),
                    &format!("{} prospectivity ({})", c.commodity, method.as_str()),
                )?;
            }
            if let Some(u) = uncertainty {
                write_style(
                    &u.with_extension("qml"),
                    &qml_range(
                        &format!(
                            "{} prospectivity uncertainty ({})",
                            c.commodity,
                            method.as_str()
                        ),
                        UNCERTAINTY_MAX,
                        2,
                    ),
                )?;
            }
        }
        write_style(
            &staging.path(&format!("targets_{id}.qml"))?,
            &targets_qml(&format!("{} targets", c.commodity)),
        )?;
        // Samples classed by the first element of the commodity's model.
        let class_field = products
            .samples
            .iter()
            .find(|(e, _)| e.commodity == c.commodity)
            .and_then(|(e, _)| e.elements.first())
            .map(|el| format!("{el}_class"));
        write_style(
            &staging.path(&format!("samples_{id}.qml"))?,
            &samples_qml(&format!("{} samples", c.commodity), class_field.as_deref()),
        )?;
        let targets = products
            .targets
            .iter()
            .find(|(t, _)| t.commodity == c.commodity)
            .map(|(t, _)| t);
        let mut polygons = Vec::new();
        let mut ranks = Vec::new();
        for t in targets.map(|t| t.targets.as_slice()).unwrap_or_default() {
            for p in &t.outline {
                polygons.push(polygon(p));
                ranks.push(t.rank as u32);
            }
        }
        let occurrences: Vec<(f64, f64, String)> = plan
            .occurrences
            .iter()
            .filter(|o| o.commodities.contains(&c.commodity))
            .map(|o| (o.x, o.y, o.name.clone()))
            .collect();
        // The model as run: the evidence this survey could provide.
        let model = match &c.learned {
            Some(l) => learned_description(&l.summary),
            None => project
                .model(c.commodity)
                .map(|mut m| {
                    m.evidence
                        .retain(|e| c.summary.used.iter().any(|(n, _)| *n == e.name));
                    model_description(&m.with_method(c.method))
                })
                .unwrap_or_default(),
        };
        let png = staging.path(&format!("map_{id}.png"))?;
        render_map(
            &MapInput {
                title: &format!("{}: {} prospectivity", project.project.name, c.commodity),
                subtitle: &model,
                grid: &plan.grid,
                crs_label: &plan.crs.label(),
                score: &c.path,
                targets: &polygons,
                target_ranks: &ranks,
                occurrences: &occurrences,
                faults,
                area: plan.area.as_ref().map_or(&[], |a| a.polygons()),
                legend: Legend::Score,
            },
            &png,
        )?;
        let maps = extra_maps(
            project,
            plan,
            c,
            &polygons,
            &ranks,
            &occurrences,
            faults,
            staging,
        )?;
        let catchments = project.model(c.commodity).ok().and_then(|m| {
            model_elements(&m).iter().find_map(|el| {
                elements
                    .iter()
                    .find(|g| g.element == *el)
                    .and_then(|g| Some((g, g.classifier?)))
            })
        });
        let catchment_png = match catchments {
            Some((g, classifier)) => {
                let png = staging.path(&format!("map_{id}_catchments.png"))?;
                let colour = |v: f64| classifier.classify(v).map(class_colour);
                let swatches = [
                    AnomalyClass::Background,
                    AnomalyClass::Anomalous,
                    AnomalyClass::StronglyAnomalous,
                ]
                .map(|k| (k.as_str(), class_colour(k)));
                render_map(
                    &MapInput {
                        title: &format!(
                            "{}: {} of the stream sediments over their catchments",
                            project.project.name, g.label
                        ),
                        subtitle: &class_note(&classifier),
                        grid: &plan.grid,
                        crs_label: &plan.crs.label(),
                        score: &g.path,
                        targets: &[],
                        target_ranks: &[],
                        occurrences: &occurrences,
                        faults,
                        area: plan.area.as_ref().map_or(&[], |a| a.polygons()),
                        legend: Legend::Classes {
                            title: "Catchment class",
                            colour: &colour,
                            swatches: &swatches,
                            none: "no sample drains it",
                        },
                    },
                    &png,
                )?;
                Some((png, g.label.clone()))
            }
            None => None,
        };
        if let Some(v) = &c.validation {
            curves.push((c.commodity.to_string(), v.curve.clone(), v.auc));
        }
        let crossval = match &c.learned {
            Some(l) => learned_row(c.method, &l.summary),
            None => products
                .crossval
                .iter()
                .find(|cv| cv.commodity == c.commodity)
                .and_then(|cv| {
                    cv.model_auc.map(|auc| CrossValidationRow {
                        method: format!("{}; knowledge-driven model, nothing refitted", cv.scheme),
                        auc,
                        note: cv.describe(),
                        spatial: cv.wofe.as_ref().and_then(|w| w.spatial.as_ref()).map(|s| {
                            (
                                s.held_out_auc,
                                format!(
                                "{} folds of {} blocks of {} km, {} km buffer; random folds {:.3}, \
                                 top-10 % capture {:.0} % vs {:.0} %",
                                s.folds.len(),
                                s.blocks,
                                super::crossval::km(s.block_km),
                                super::crossval::km(s.buffer_km),
                                cv.wofe.as_ref().map_or(f64::NAN, |w| w.held_out_auc),
                                100.0 * s.held_out_capture10,
                                100.0 * cv.wofe.as_ref().map_or(f64::NAN, |w| w.held_out_capture10),
                            ),
                            )
                        }),
                        refit: "weights-of-evidence check".into(),
                    })
                }),
        };
        let first_learned = c.learned.as_ref().map(|l| (c.method, l)).or_else(|| {
            c.compared
                .iter()
                .find_map(|m| m.learned.as_ref().map(|l| (m.method, l)))
        });
        let (importance, importance_note) = match first_learned {
            Some((method, l)) => (
                l.summary
                    .validation
                    .importance
                    .iter()
                    .map(|i| (i.evidence.clone(), i.auc_drop))
                    .collect(),
                format!(
                    "Permutation importance of the {} model: the drop in the held-out AUC \
                     (against {} background cells) when the layer's values are shuffled among \
                     the held-out cells, {} times per fold, averaged over the {} folds; near 0 \
                     or below, the model does not rely on the layer.",
                    method.as_str(),
                    l.summary.validation.background_cells,
                    crate::ops::learn::crossval::IMPORTANCE_REPEATS,
                    l.summary.validation.importance_folds
                ),
            ),
            None => (Vec::new(), String::new()),
        };
        let mut tables = Vec::new();
        if !c.compared.is_empty() {
            tables.push(comparison(c, products));
        }
        sections.push(CommodityReport {
            name: c.commodity.to_string(),
            map_png: Some(png),
            catchment_png,
            maps,
            importance,
            importance_note,
            curve: c
                .validation
                .as_ref()
                .map(|v| v.curve.clone())
                .unwrap_or_default(),
            auc: c.validation.as_ref().map(|v| v.auc),
            occurrences: c.validation.as_ref().map_or(0, |v| v.occurrences),
            capture: c
                .validation
                .as_ref()
                .map(|v| v.capture.to_vec())
                .unwrap_or_default(),
            pa_intersection: c.validation.as_ref().and_then(|v| v.pa_intersection),
            crossval,
            model,
            evidence: c.summary.used.clone(),
            dropped: c.dropped.clone(),
            targets: targets
                .map(|t| {
                    t.targets
                        .iter()
                        .map(|t| TargetRow {
                            rank: t.rank as u32,
                            area_km2: t.area_km2,
                            max_score: t.max_score,
                            mean_score: t.mean_score,
                            centroid_lon: t.centroid.0,
                            centroid_lat: t.centroid.1,
                            top_evidence: t
                                .top_evidence
                                .as_ref()
                                .map(|(n, _)| n.clone())
                                .unwrap_or_default(),
                            occurrences: t.occurrences.clone(),
                        })
                        .collect()
                })
                .unwrap_or_default(),
            tables,
        });
    }
    if !curves.is_empty() {
        render_curves(&curves, &staging.path("success_rate.png")?)?;
    }
    let mut inputs = Vec::new();
    for (_, path) in project_inputs(project) {
        let (sha256, bytes) = sha256_file(&path)?;
        inputs.push(InputFile {
            path: path.display().to_string(),
            bytes,
            sha256,
        });
    }
    let thresholds = products
        .anomaly_columns
        .iter()
        .map(|col| ThresholdRow {
            element: format!("{} ({}: {})", col.element, col.set, col.column),
            unit: "ppm".into(),
            n: col.thresholds.n,
            n_censored: plan
                .samples
                .iter()
                .filter(|s| s.name == col.set)
                .flat_map(|s| &s.elements)
                .find(|e| e.spec.column == col.column)
                .map_or(0, |e| e.n_censored + e.n_above),
            median: col.thresholds.median,
            median_2mad: col.thresholds.median_2mad,
            tukey_upper: col.thresholds.tukey_upper,
            p95: col.thresholds.p95,
            ca_thresholds: col.ca.clone(),
        })
        .collect();
    let g = &plan.grid;
    let [xmin, ymin, xmax, ymax] = g.extent();
    let input = ReportInput {
        project: project.project.name.clone(),
        grid: format!(
            "{} x {} cells of {} in {}, extent [{xmin}, {ymin}, {xmax}, {ymax}]{}",
            g.width,
            g.height,
            g.res,
            plan.crs.label(),
            match (&g.area, &project.area) {
                (Some(mask), Some(a)) => format!(
                    "; study area {} ({} cells, the outline on the maps)",
                    a.path.display(),
                    mask.cells()
                ),
                _ => String::new(),
            }
        ),
        created_by: format!("geoprospect {}", env!("CARGO_PKG_VERSION")),
        inputs,
        commodities: sections,
        thresholds,
    };
    write_report(&input, &staging.path("report.html")?)
}

/// A polygon of rings (exterior first) of points in the analysis CRS.
fn polygon(rings: &[Vec<(f64, f64)>]) -> geo::Polygon<f64> {
    let ring = |r: &Vec<(f64, f64)>| -> geo::LineString<f64> { r.clone().into() };
    match rings.split_first() {
        Some((outer, holes)) => geo::Polygon::new(ring(outer), holes.iter().map(ring).collect()),
        None => geo::Polygon::new(geo::LineString::new(Vec::new()), Vec::new()),
    }
}

/// Colours of the catchment classes: pale blue, orange, red.
fn class_colour(c: AnomalyClass) -> [u8; 3] {
    match c {
        AnomalyClass::Background => [0xc6, 0xdb, 0xef],
        AnomalyClass::Anomalous => [0xfd, 0xae, 0x61],
        AnomalyClass::StronglyAnomalous => [0xd7, 0x19, 0x1c],
    }
}

/// The thresholds of the classes, for the map's subtitle.
fn class_note(c: &Classifier) -> String {
    let mut s = format!(
        "anomalous above {:.4} (median + 2 MAD of log values)",
        c.anomalous
    );
    if let Some(strong) = c.strong {
        s += &format!(", strongly anomalous above {strong:.4} (highest C-A breakpoint)");
    }
    s
}

/// Upper end of the uncertainty maps' colour ramp: a spread of 0.25 in probability is as
/// uncertain as a map can usefully be (the largest possible, members split between 0 and 1,
/// is 0.5).
pub const UNCERTAINTY_MAX: f64 = 0.25;

/// A data-driven model in one sentence.
fn learned_description(s: &LearnSummary) -> String {
    let h = &s.learning.hyper;
    format!(
        "{} ({} members, seed {}) on the raw values of {}, trained on {} occurrences and {} \
         background cells drawn farther than {} km from every occurrence, classes weighted \
         equally; hyperparameters {}",
        s.learner.as_str(),
        s.members,
        s.learning.seed,
        s.columns.join(", "),
        s.positives,
        s.negatives,
        s.learning.exclude_km,
        serde_json::to_string(h).unwrap_or_default()
    )
}

/// The cross-validation row of a data-driven map.
fn learned_row(method: Method, s: &LearnSummary) -> Option<CrossValidationRow> {
    let v = &s.validation;
    let random = v.random.as_ref()?;
    Some(CrossValidationRow {
        method: format!(
            "random {}-fold, {} refitted per fold",
            random.folds.len(),
            method.as_str()
        ),
        auc: random.held_out_auc,
        note: format!("{}: {}", method.as_str(), v.describe()),
        spatial: v.spatial.as_ref().map(|sp| {
            (
                sp.scheme.held_out_auc,
                format!(
                    "{} folds of {} blocks of {} km, {} km buffer; top-10 % capture {:.0} %",
                    sp.scheme.folds.len(),
                    sp.blocks,
                    super::crossval::km(sp.block_km),
                    super::crossval::km(sp.buffer_km),
                    100.0 * sp.scheme.held_out_capture10
                ),
            )
        }),
        refit: format!("{} refitted per fold", method.as_str()),
    })
}

/// The methods of a commodity side by side: success rate and held-out figures.
fn comparison(c: &CommodityResult, products: &Products) -> Table {
    let wofe = products
        .crossval
        .iter()
        .find(|cv| cv.commodity == c.commodity);
    let f = |v: Option<f64>| v.map_or("—".to_string(), |v| format!("{v:.3}"));
    let row = |method: Method,
               file: &std::path::Path,
               validation: Option<&crate::validate::Validation>,
               learned: Option<&LearnSummary>| {
        let (random, spatial) = match learned {
            Some(l) => (
                l.validation.random.as_ref().map(|r| r.held_out_auc),
                l.validation.spatial.as_ref().map(|s| s.scheme.held_out_auc),
            ),
            // Knowledge-driven: nothing is fitted, held out = training; the spatial check
            // is the weights-of-evidence one.
            None => (
                validation.map(|v| v.auc),
                wofe.and_then(|cv| cv.wofe.as_ref())
                    .and_then(|w| w.spatial.as_ref())
                    .map(|s| s.held_out_auc),
            ),
        };
        vec![
            method.as_str().to_string(),
            file.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            f(validation.map(|v| v.auc)),
            validation
                .map(|v| format!("{:.0} %", 100.0 * v.capture[1].1))
                .unwrap_or_else(|| "—".into()),
            f(random),
            f(spatial),
        ]
    };
    let mut rows = vec![row(
        c.method,
        &c.path,
        c.validation.as_ref(),
        c.learned.as_ref().map(|l| &l.summary),
    )];
    for m in &c.compared {
        rows.push(row(
            m.method,
            &m.path,
            m.validation.as_ref(),
            m.learned.as_ref().map(|l| &l.summary),
        ));
    }
    Table {
        title: "Methods compared".into(),
        header: vec![
            "Method".into(),
            "Map".into(),
            "AUC (success rate)".into(),
            "Top-10 % capture".into(),
            "Random-fold AUC held out".into(),
            "Spatial-block AUC held out".into(),
        ],
        rows,
    }
}

/// The uncertainty map of a data-driven map and the maps of the compared methods, as pictures
/// with captions.
#[allow(clippy::too_many_arguments)]
fn extra_maps(
    project: &Project,
    plan: &Plan,
    c: &CommodityResult,
    polygons: &[geo::Polygon<f64>],
    ranks: &[u32],
    occurrences: &[(f64, f64, String)],
    faults: &[geo::LineString<f64>],
    staging: &Staging,
) -> Result<Vec<(std::path::PathBuf, String)>> {
    let id = c.commodity.id();
    let mut out = Vec::new();
    let area = plan.area.as_ref().map_or(&[][..], |a| a.polygons());
    let swatches: Vec<(String, [u8; 3])> = (0..=5)
        .map(|k| {
            let v = k as f64 * UNCERTAINTY_MAX / 5.0;
            let label = if k == 5 {
                format!(">= {v:.2}")
            } else {
                format!("{v:.2}")
            };
            (label, ramp_colour(v / UNCERTAINTY_MAX))
        })
        .collect();
    let swatch_refs: Vec<(&str, [u8; 3])> =
        swatches.iter().map(|(l, c)| (l.as_str(), *c)).collect();
    let colour = |v: f64| Some(ramp_colour(v / UNCERTAINTY_MAX));
    let maps = std::iter::once((c.method, &c.path, &c.uncertainty, true)).chain(
        c.compared
            .iter()
            .map(|m| (m.method, &m.path, &m.uncertainty, false)),
    );
    for (method, path, uncertainty, primary) in maps {
        let m = method.as_str();
        if !primary {
            let png = staging.path(&format!("map_{id}_{m}.png"))?;
            render_map(
                &MapInput {
                    title: &format!(
                        "{}: {} prospectivity ({m})",
                        project.project.name, c.commodity
                    ),
                    subtitle: &format!(
                        "compared with the {} map; the zones are those of the {} map",
                        c.method.as_str(),
                        c.method.as_str()
                    ),
                    grid: &plan.grid,
                    crs_label: &plan.crs.label(),
                    score: path,
                    targets: polygons,
                    target_ranks: ranks,
                    occurrences,
                    faults,
                    area,
                    legend: Legend::Score,
                },
                &png,
            )?;
            out.push((png, format!("{} prospectivity by {m}", c.commodity)));
        }
        if let Some(u) = uncertainty {
            let name = if primary {
                format!("map_{id}_uncertainty.png")
            } else {
                format!("map_{id}_{m}_uncertainty.png")
            };
            let png = staging.path(&name)?;
            render_map(
                &MapInput {
                    title: &format!(
                        "{}: {} prospectivity uncertainty ({m})",
                        project.project.name, c.commodity
                    ),
                    subtitle: "standard deviation of the ensemble members' probabilities",
                    grid: &plan.grid,
                    crs_label: &plan.crs.label(),
                    score: u,
                    targets: polygons,
                    target_ranks: ranks,
                    occurrences,
                    faults,
                    area,
                    legend: Legend::Classes {
                        title: "Spread (sd)",
                        colour: &colour,
                        swatches: &swatch_refs,
                        none: "no prediction",
                    },
                },
                &png,
            )?;
            out.push((
                png,
                format!(
                    "{} uncertainty of the {m} map: the spread (standard deviation) of the \
                     ensemble members' predicted probabilities; 0 where they all agree",
                    c.commodity
                ),
            ));
        }
    }
    Ok(out)
}
