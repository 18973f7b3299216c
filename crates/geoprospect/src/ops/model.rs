//! `geoprospect model`: a random forest or gradient boosting of known deposits against
//! evidence layers made elsewhere ([`super::learn`]). Writes, into the output folder and only
//! when everything succeeded, `prospectivity_<c>.tif` (the predicted probability),
//! `prospectivity_<c>_uncertainty.tif` (the spread of the ensemble), `importance_<c>.csv` and
//! `crossval_<c>.csv`.
use std::path::{Path, PathBuf};

use crate::commodity::Commodity;
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::io::area::{restrict, AreaFile};
use crate::io::atomic::Staging;
use crate::io::cog::CogOptions;
use crate::io::layer::GridLayer;
use crate::models::trees::Learner;
use crate::modelspec::Learning;
use crate::ops::deposits::read_deposits;
use crate::ops::learn::features::FeatureLayer;
use crate::ops::learn::sample::units_per_km;
use crate::ops::learn::{
    learn, write_crossval_csv, write_importance_csv, LearnRequest, LearnSummary,
};
use crate::ops::logistic::term_names;
use crate::project::DepositSource;

/// What `geoprospect model` is asked to do.
#[derive(Debug, Clone)]
pub struct ModelRequest<'a> {
    /// Evidence layers on one grid, in order.
    pub evidence: &'a [PathBuf],
    /// Layers (by file stem or path as given) taken as classes, one-hot encoded; layers with
    /// GDAL category names are classes anyway.
    pub classes: &'a [String],
    /// Layers (by file stem or path as given) whose values are taken as their log10.
    pub log10: &'a [String],
    /// The deposits file.
    pub deposits: DepositSource,
    /// Commodity whose deposits are the positives.
    pub commodity: Commodity,
    /// Random forest or gradient boosting.
    pub learner: Learner,
    /// Training settings.
    pub learning: Learning,
    /// Spatial cross-validation block side, km (`None`: from the deposits' spacing).
    pub block_km: Option<f64>,
    /// Output folder.
    pub out: &'a Path,
    /// Study area: cells outside it are nodata.
    pub area: Option<AreaFile<'a>>,
    /// COG settings.
    pub cog: CogOptions,
}

/// What `geoprospect model` wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelSummary {
    /// The commodity.
    pub commodity: Commodity,
    /// Evidence names, in order, and whether each is a class layer.
    pub evidence: Vec<(String, bool)>,
    /// The model, its sample and validation.
    pub learned: LearnSummary,
    /// Files written, in their final place.
    pub outputs: Vec<PathBuf>,
}

/// Whether `name` (a file stem or a path as given) names layer `i`.
fn names(selector: &[String], stem: &str, path: &Path) -> bool {
    selector.iter().any(|s| s == stem || Path::new(s) == path)
}

/// `geoprospect model` (module docs).
pub fn run_model(req: &ModelRequest, engine: &Engine) -> Result<ModelSummary> {
    let first = req
        .evidence
        .first()
        .ok_or_else(|| Error::param("a model needs at least one evidence layer"))?;
    let (_, grid, crs) = GridLayer::open_as_grid(first)?;
    let grid = restrict(grid, &crs, req.area.as_ref())?;
    let stems = term_names(req.evidence);
    for s in req.classes.iter().chain(req.log10) {
        if !req
            .evidence
            .iter()
            .zip(&stems)
            .any(|(p, stem)| names(std::slice::from_ref(s), stem, p))
        {
            return Err(Error::param(format!(
                "{s:?} names no evidence layer (they are {})",
                stems.join(", ")
            )));
        }
    }
    let mut layers = Vec::with_capacity(req.evidence.len());
    for (path, stem) in req.evidence.iter().zip(&stems) {
        let open = GridLayer::open(path, &grid)?;
        let classes =
            names(req.classes, stem, path) || open.category_names().iter().any(|n| !n.is_empty());
        let log10 = names(req.log10, stem, path);
        if classes && log10 {
            return Err(Error::input(
                path,
                "a class layer cannot be taken as log10 values",
            ));
        }
        layers.push(FeatureLayer {
            name: stem.clone(),
            path: path.clone(),
            classes,
            log10,
        });
    }
    let occurrences: Vec<(f64, f64)> = read_deposits(&req.deposits, &crs)?
        .into_iter()
        .filter(|d| d.commodities.contains(&req.commodity))
        .map(|d| (d.x, d.y))
        .collect();
    if occurrences.is_empty() {
        return Err(Error::input(
            &req.deposits.path,
            format!(
                "no deposit names {} (attribute {:?})",
                req.commodity, req.deposits.commodity
            ),
        ));
    }
    let c = req.commodity.id();
    let targets = [
        format!("prospectivity_{c}.tif"),
        format!("prospectivity_{c}_uncertainty.tif"),
        format!("importance_{c}.csv"),
        format!("crossval_{c}.csv"),
    ];
    for t in &targets {
        let target = req.out.join(t);
        if let Some(p) = req.evidence.iter().find(|p| same_file(p, &target)) {
            return Err(Error::input(
                p,
                format!("is an input and an output ({t} in {})", req.out.display()),
            ));
        }
    }
    let staging = Staging::new(req.out)?;
    let evidence: Vec<(String, bool)> =
        layers.iter().map(|l| (l.name.clone(), l.classes)).collect();
    let learned = learn(
        LearnRequest {
            commodity: req.commodity,
            learner: req.learner,
            learning: &req.learning,
            layers,
            grid: &grid,
            units_per_km: units_per_km(crs.is_geographic(), crs.metres_per_unit()),
            occurrences: &occurrences,
            block_km: req.block_km,
            map: &staging.path(&targets[0])?,
            uncertainty: &staging.path(&targets[1])?,
            cog: &req.cog,
        },
        engine,
    )
    .map_err(|e| match e {
        Error::Param(m) => Error::input(&req.deposits.path, m),
        e => e,
    })?;
    let v = &learned.summary.validation;
    for (t, write) in [
        (
            &targets[2],
            write_importance_csv as fn(&Path, _) -> std::io::Result<()>,
        ),
        (&targets[3], write_crossval_csv),
    ] {
        let path = staging.path(t)?;
        write(&path, v).map_err(|e| Error::output(req.out.join(t), e.to_string()))?;
    }
    let outputs = staging.commit()?;
    Ok(ModelSummary {
        commodity: req.commodity,
        evidence,
        learned: learned.summary,
        outputs,
    })
}

/// Whether two paths name one file (the second may not exist yet).
fn same_file(a: &Path, b: &Path) -> bool {
    match (
        a.canonicalize(),
        b.parent().and_then(|p| p.canonicalize().ok()),
    ) {
        (Ok(a), Some(dir)) => b.file_name().is_some_and(|n| a == dir.join(n)),
        _ => false,
    }
}
