//! A data-driven model of one commodity on evidence layers: training rows drawn from the
//! layers ([`sample`]), a random forest or gradient boosting fitted to them
//! ([`crate::models::trees`]), cross-validated with random and spatial block folds and its
//! evidence ranked by permutation importance ([`crossval`]), then the map of the predicted
//! probability and of the spread of the ensemble's members streamed block by block. Shared by
//! `geoprospect run` and `geoprospect model`.
pub mod crossval;
pub mod explain;
pub mod features;
pub mod sample;

use std::path::Path;

use serde::Serialize;

use crate::commodity::Commodity;
use crate::engine::Engine;
use crate::error::Result;
use crate::grid::GridSpec;
use crate::io::cog::{CogOptions, CogWriter, LayerMeta, PixelType};
use crate::io::layer::aligned_blocks;
use crate::models::trees::{fit, Dataset, Ensemble, Learner};
use crate::modelspec::Learning;

use crossval::{cross_validate, CrossValRequest, LearnedValidation};
use features::{FeatureLayer, Features, Layers};
use sample::{draw, Training};

/// What [`learn`] is asked to do.
pub struct LearnRequest<'a> {
    /// The commodity (for names and metadata).
    pub commodity: Commodity,
    /// Random forest or gradient boosting.
    pub learner: Learner,
    /// Training settings.
    pub learning: &'a Learning,
    /// The evidence layers, in model order.
    pub layers: Vec<FeatureLayer>,
    /// The analysis grid.
    pub grid: &'a GridSpec,
    /// Grid units per km ([`sample::units_per_km`]).
    pub units_per_km: f64,
    /// The commodity's occurrences in the grid's CRS, in file order.
    pub occurrences: &'a [(f64, f64)],
    /// Spatial cross-validation block side, km (`None`: from the occurrences' spacing).
    pub block_km: Option<f64>,
    /// The probability map to write.
    pub map: &'a Path,
    /// The uncertainty map to write.
    pub uncertainty: &'a Path,
    /// COG settings.
    pub cog: &'a CogOptions,
}

/// What a data-driven model learned and wrote.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LearnSummary {
    /// The learner.
    pub learner: Learner,
    /// Feature columns, in order.
    pub columns: Vec<String>,
    /// Positives trained on.
    pub positives: usize,
    /// Negatives trained on.
    pub negatives: usize,
    /// Occurrences outside the grid or its study area.
    pub outside: usize,
    /// Occurrences on cells without evidence.
    pub on_nodata: usize,
    /// Occurrences sharing a cell with an earlier one.
    pub same_cell: usize,
    /// Occurrences thinned out.
    pub thinned: usize,
    /// Cells negatives could be drawn from.
    pub eligible_cells: u64,
    /// Members of the ensemble (trees of a forest, boosters of gradient boosting).
    pub members: usize,
    /// The training settings as run.
    pub learning: Learning,
    /// Cells with a predicted probability.
    pub scored_cells: u64,
    /// Cross-validation and importance.
    pub validation: LearnedValidation,
}

impl LearnSummary {
    /// One line: the sample, the model and its validation.
    pub fn describe(&self) -> String {
        format!(
            "{} of {} members on {} evidence column{} from {} occurrence{} and {} background \
             cells (seed {}); {}",
            self.learner.as_str(),
            self.members,
            self.columns.len(),
            if self.columns.len() == 1 { "" } else { "s" },
            self.positives,
            if self.positives == 1 { "" } else { "s" },
            self.negatives,
            self.learning.seed,
            self.validation.describe()
        )
    }
}

/// A fitted model with what explains it, kept for the target zones.
pub struct Learned {
    /// The model fitted on all rows.
    pub model: Ensemble,
    /// The feature columns.
    pub features: Features,
    /// The training rows.
    pub training: Training,
    /// The summary.
    pub summary: LearnSummary,
}

impl std::fmt::Debug for Learned {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Learned")
            .field("summary", &self.summary)
            .finish_non_exhaustive()
    }
}

impl Learned {
    /// The explainer of the model's scores ([`explain`]).
    pub fn explainer(&self) -> explain::Explainer<'_> {
        explain::Explainer::new(&self.model, &self.features, &self.training.negatives)
    }
}

/// Draws the training rows, fits, cross-validates and writes the probability and
/// uncertainty maps (module docs).
pub fn learn(mut req: LearnRequest, engine: &Engine) -> Result<Learned> {
    let stage = format!("{} {}", req.commodity, req.learner.as_str());
    let layers = Layers::open(std::mem::take(&mut req.layers), req.grid)?;
    let (features, training) = draw(
        layers,
        req.grid,
        req.occurrences,
        req.learning,
        req.units_per_km,
        engine,
        &stage,
    )?;
    let width = features.width();
    let mut x = training.positives.x.clone();
    x.extend_from_slice(&training.negatives.x);
    let y: Vec<bool> = (0..training.positives.len() + training.negatives.len())
        .map(|i| i < training.positives.len())
        .collect();
    let data = Dataset {
        features: width,
        x: &x,
        y: &y,
        weight: None,
    };
    let model = engine.staged(&format!("{stage}: fit"), 0, || {
        engine.install(|| fit(req.learner, &req.learning.hyper, &data, req.learning.seed))
    })?;
    let validation = cross_validate(
        &CrossValRequest {
            learner: req.learner,
            learning: req.learning,
            features: &features,
            training: &training,
            model: &model,
            block_km: req.block_km,
            units_per_km: req.units_per_km,
            stage: &stage,
        },
        engine,
    )?;
    let scored_cells = write_maps(&req, &stage, &model, &features, engine)?;
    let summary = LearnSummary {
        learner: req.learner,
        columns: features.columns.clone(),
        positives: training.positives.len(),
        negatives: training.negatives.len(),
        outside: training.outside,
        on_nodata: training.on_nodata,
        same_cell: training.same_cell,
        thinned: training.thinned,
        eligible_cells: training.eligible_cells,
        members: model.members(),
        learning: req.learning.clone(),
        scored_cells,
        validation,
    };
    Ok(Learned {
        model,
        features,
        training,
        summary,
    })
}

/// Streams the predicted probability and the members' spread over the grid; returns the
/// cells with a probability.
fn write_maps(
    req: &LearnRequest,
    stage: &str,
    model: &Ensemble,
    features: &Features,
    engine: &Engine,
) -> Result<u64> {
    let inputs: Vec<String> = features
        .layers
        .specs
        .iter()
        .map(|s| s.path.display().to_string())
        .collect();
    let how = format!(
        "{} of {} members, seed {}, columns {}",
        req.learner.as_str(),
        model.members(),
        req.learning.seed,
        features.columns.join(", ")
    );
    let meta = |description: String, item: &str| LayerMeta {
        description,
        inputs: inputs.clone(),
        items: vec![
            ("GEOPROSPECT_MODEL".into(), how.clone()),
            ("GEOPROSPECT_VALUE".into(), item.into()),
        ],
        category_names: Vec::new(),
    };
    let mut map = CogWriter::create(
        req.grid,
        req.map,
        PixelType::Float32,
        &meta(
            format!("{} prospectivity ({})", req.commodity, req.learner.as_str()),
            "mean of the members' predicted probabilities of an occurrence, balanced classes",
        ),
    )?;
    let mut spread = CogWriter::create(
        req.grid,
        req.uncertainty,
        PixelType::Float32,
        &meta(
            format!(
                "{} prospectivity uncertainty ({})",
                req.commodity,
                req.learner.as_str()
            ),
            "population standard deviation of the members' predicted probabilities",
        ),
    )?;
    let strips = aligned_blocks(req.grid, features.layers.tile_rows());
    let mut scored = 0u64;
    engine.stage(
        &format!("{stage}: map"),
        &strips,
        |b| {
            let raw = features.layers.read(b)?;
            let columns = features.columns_of(&raw);
            let slices: Vec<&[f32]> = columns.iter().map(Vec::as_slice).collect();
            let n = b.rows * req.grid.width;
            let (mut mean, mut sd) = (vec![0f32; n], vec![0f32; n]);
            model.predict_columns(&slices, &mut mean, &mut sd);
            Ok((mean, sd))
        },
        |b, (mean, sd)| {
            scored += mean.iter().filter(|v| !v.is_nan()).count() as u64;
            map.write_rows(b.row0, mean)?;
            spread.write_rows(b.row0, sd)
        },
    )?;
    map.finish(req.cog, engine)?;
    spread.finish(req.cog, engine)?;
    Ok(scored)
}

/// Writes the importance table: `evidence, auc_drop, folds`.
pub fn write_importance_csv(path: &Path, v: &LearnedValidation) -> std::io::Result<()> {
    let mut w = csv::Writer::from_path(path)?;
    w.write_record(["evidence", "auc_drop", "folds"])?;
    for i in &v.importance {
        w.write_record([
            i.evidence.clone(),
            crate::validate::csv_number(i.auc_drop),
            v.importance_folds.clone(),
        ])?;
    }
    w.flush()
}

/// Writes the cross-validation table: one row per fold of each scheme and one per scheme's
/// mean (`fold = mean`), plus the training row: `scheme, fold, held_out, trained_on,
/// negatives, auc, capture10`.
pub fn write_crossval_csv(path: &Path, v: &LearnedValidation) -> std::io::Result<()> {
    let mut w = csv::Writer::from_path(path)?;
    w.write_record([
        "scheme",
        "fold",
        "held_out",
        "trained_on",
        "negatives",
        "auc",
        "capture10",
    ])?;
    let n = crate::validate::csv_number;
    w.write_record([
        "training",
        "all",
        "",
        "",
        "",
        &n(v.training_auc),
        &n(v.training_capture10),
    ])?;
    let schemes = [
        ("random", v.random.as_ref()),
        ("spatial", v.spatial.as_ref().map(|s| &s.scheme)),
    ];
    for (name, s) in schemes {
        let Some(s) = s else { continue };
        for (i, f) in s.folds.iter().enumerate() {
            w.write_record([
                name.to_string(),
                (i + 1).to_string(),
                f.held_out.to_string(),
                f.trained_on.to_string(),
                f.negatives.to_string(),
                n(f.auc),
                n(f.capture10),
            ])?;
        }
        let held: usize = s.folds.iter().map(|f| f.held_out).sum();
        w.write_record([
            name.to_string(),
            "mean".into(),
            held.to_string(),
            String::new(),
            String::new(),
            n(s.held_out_auc),
            n(s.held_out_capture10),
        ])?;
    }
    w.flush()
}
