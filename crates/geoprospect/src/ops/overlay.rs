//! `geoprospect overlay`: layers on one grid combined by a fuzzy operator or a weighted index
//! overlay ([`crate::models::fuzzy`], Bonham-Carter 1994, ch. 9) into a Float32 COG.
use std::path::{Path, PathBuf};

use crate::engine::{Block, Engine};
use crate::error::{Error, Result};
use crate::io::area::{restrict, AreaFile};
use crate::io::atomic::AtomicFile;
use crate::io::cog::{CogOptions, CogWriter, LayerMeta, PixelType};
use crate::io::layer::{aligned_blocks, GridLayer};
use crate::models::fuzzy::{check_weights, index_overlay, FuzzyOp};
use crate::ops::fuzzy::{run_fuzzy, ChainedLayer, FuzzyRequest, FuzzySummary};

/// How `geoprospect overlay` combines its inputs.
#[derive(Debug, Clone, PartialEq)]
pub enum Overlay {
    /// A fuzzy operator.
    Fuzzy(FuzzyOp),
    /// Weighted index overlay with one weight per input.
    Index(Vec<f64>),
}

/// What `geoprospect overlay` is asked to do.
#[derive(Debug, Clone)]
pub struct OverlayRequest<'a> {
    /// Input layers, all on the grid of the first.
    pub inputs: &'a [PathBuf],
    /// Output COG.
    pub out: &'a Path,
    /// The combination.
    pub overlay: Overlay,
    /// Study area: cells outside it are nodata and count in no statistic.
    pub area: Option<AreaFile<'a>>,
    /// COG settings.
    pub cog: CogOptions,
}

/// What `geoprospect overlay` wrote.
#[derive(Debug, Clone, PartialEq)]
pub enum OverlaySummary {
    /// A fuzzy operator, by the streaming path of `geoprospect fuzzy`.
    Fuzzy(FuzzySummary),
    /// The weighted index overlay.
    Index(IndexSummary),
}

/// What a weighted index overlay wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexSummary {
    /// The output COG.
    pub out: PathBuf,
    /// The weights, one per input in order.
    pub weights: Vec<f64>,
    /// Input layers.
    pub layers: usize,
    /// Grid width in cells.
    pub width: usize,
    /// Grid height in cells.
    pub height: usize,
    /// Cells with a value (every input has data there).
    pub valid: u64,
}

/// `geoprospect overlay`: combines layers on one grid into a Float32 COG; returns what it
/// wrote.
///
/// Fuzzy operators go through [`run_fuzzy`] (layers without transform steps), which refuses
/// values outside [0, 1], naming the file and cell; the index overlay is computed here, on
/// blocks of whole tile rows of the inputs read in parallel (each worker opens its own dataset
/// handles) and combined without per-cell allocation.
pub fn run_overlay(req: &OverlayRequest, engine: &Engine) -> Result<OverlaySummary> {
    let first = req
        .inputs
        .first()
        .ok_or_else(|| Error::param("overlay needs at least one input layer"))?;
    let weights = match &req.overlay {
        Overlay::Fuzzy(op) => {
            op.check()?;
            // The streaming path of `geoprospect fuzzy` with no transform steps: direct reads
            // of uncompressed inputs, tiles encoded in parallel, no scratch file.
            let layers: Vec<ChainedLayer> = req
                .inputs
                .iter()
                .map(|p| ChainedLayer {
                    path: p.clone(),
                    singularity: None,
                    chain: Vec::new(),
                })
                .collect();
            let request = FuzzyRequest {
                layers: &layers,
                op: *op,
                out: req.out,
                area: req.area,
                cog: req.cog,
            };
            return run_fuzzy(&request, engine).map(OverlaySummary::Fuzzy);
        }
        Overlay::Index(w) => w,
    };
    check_weights(weights, req.inputs.len())?;
    let (_, grid, crs) = GridLayer::open_as_grid(first)?;
    let grid = restrict(grid, &crs, req.area.as_ref())?;
    let layers = req
        .inputs
        .iter()
        .map(|p| GridLayer::open(p, &grid))
        .collect::<Result<Vec<_>>>()?;
    let how = format!(
        "index overlay, weights {}",
        weights
            .iter()
            .map(|w| w.to_string())
            .collect::<Vec<_>>()
            .join(",")
    );
    let meta = LayerMeta {
        description: how.clone(),
        inputs: req.inputs.iter().map(|p| p.display().to_string()).collect(),
        items: vec![("GEOPROSPECT_OVERLAY".into(), how)],
        category_names: Vec::new(),
    };
    let tile_rows = layers.iter().map(|l| l.tile_rows()).max().unwrap_or(1);
    let mut valid = 0u64;
    let grid_blocks = aligned_blocks(&grid, tile_rows);
    let combine = |block: &Block| {
        let data = layers
            .iter()
            .map(|l| l.read_block(block))
            .collect::<Result<Vec<_>>>()?;
        let views: Vec<&[f32]> = data.iter().map(|d| d.as_slice()).collect();
        let mut out = vec![0f32; block.rows * grid.width];
        index_overlay(weights, &views, &mut out);
        Ok(out)
    };
    AtomicFile::write(req.out, |tmp| {
        let mut writer = CogWriter::create(&grid, tmp, PixelType::Float32, &meta)?;
        writer.write_blocks(engine, "overlay", &grid_blocks, combine, |_, out| {
            valid += out.iter().filter(|v| !v.is_nan()).count() as u64;
        })?;
        writer.finish(&req.cog, engine)
    })?;
    Ok(OverlaySummary::Index(IndexSummary {
        out: req.out.to_path_buf(),
        weights: weights.clone(),
        layers: layers.len(),
        width: grid.width,
        height: grid.height,
        valid,
    }))
}
