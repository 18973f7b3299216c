//! The report stage of `geoprospect run`, after targets and before the manifest: for each
//! scored commodity a QGIS style (`prospectivity_<c>.qml`) and a map picture (`map_<c>.png`),
//! with, when its first element evidence is a stream-sediment catchment map, that map's
//! anomaly classes (`map_<c>_catchments.png`), the success-rate curves (`success_rate.png`),
//! and `report.html`, one self-contained page.
use crate::error::Result;
use crate::geochem::anomaly::{AnomalyClass, Classifier};
use crate::io::atomic::Staging;
use crate::ops::score::model_description;
use crate::project::Project;
use crate::report::curve::{render_curves, NamedCurve};
use crate::report::html::{
    write_report, CommodityReport, CrossValidationRow, InputFile, ReportInput, TargetRow,
    ThresholdRow,
};
use crate::report::manifest::project_inputs;
use crate::report::map::{render_map, Legend, MapInput};
use crate::report::qml::{samples_qml, targets_qml, write_qml, write_style};
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
            &format!("{} prospectivity", c.commodity),
        )?;
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
        let model = project
            .model(c.commodity)
            .map(|mut m| {
                m.evidence
                    .retain(|e| c.summary.used.iter().any(|(n, _)| *n == e.name));
                model_description(&m)
            })
            .unwrap_or_default();
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
        let crossval = products
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
                })
            });
        sections.push(CommodityReport {
            name: c.commodity.to_string(),
            map_png: Some(png),
            catchment_png,
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
            tables: Vec::new(),
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
