//! `geoprospect singularity`: the local singularity index of a layer
//! ([`crate::evidence::singularity`], Cheng 2007), streamed block by block: each block is read
//! with the rows its largest window reaches above and below it, so every cell is the same
//! function of its neighbourhood whatever the blocks and the thread count.
use std::path::{Path, PathBuf};

use crate::engine::{Block, Engine};
use crate::error::Result;
use crate::evidence::singularity::{singularity, Windows};
use crate::io::atomic::AtomicFile;
use crate::io::cog::{CogOptions, CogWriter, LayerMeta, PixelType};
use crate::io::layer::{aligned_blocks, GridLayer};

/// What `geoprospect singularity` is asked to do.
#[derive(Debug, Clone)]
pub struct SingularityRequest<'a> {
    /// Input layer (on an analysis grid).
    pub input: &'a Path,
    /// Window sizes in cells.
    pub windows: Windows,
    /// Output COG.
    pub out: &'a Path,
    /// COG settings.
    pub cog: CogOptions,
}

/// What `geoprospect singularity` wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct SingularitySummary {
    /// The output COG.
    pub out: PathBuf,
    /// Window sizes in cells.
    pub windows: Windows,
    /// Cells with an index.
    pub valid: u64,
    /// Smallest and largest index (NaN when no cell has one).
    pub range: (f64, f64),
    /// Cells with an index below 2 (enrichment).
    pub enriched: u64,
}

/// `geoprospect singularity`: writes the singularity index of a layer; returns what it wrote.
pub fn run_singularity(req: &SingularityRequest, engine: &Engine) -> Result<SingularitySummary> {
    let (layer, grid, _) = GridLayer::open_as_grid(req.input)?;
    let grid_blocks = aligned_blocks(&grid, layer.tile_rows());
    let halo = req.windows.halo();
    let sides: Vec<String> = req.windows.sides().iter().map(|s| s.to_string()).collect();
    let meta = LayerMeta {
        description: format!(
            "singularity index of {}",
            req.input.file_stem().unwrap_or_default().to_string_lossy()
        ),
        inputs: vec![req.input.display().to_string()],
        items: vec![(
            "GEOPROSPECT_SINGULARITY".into(),
            format!(
                "local singularity index (Cheng 2007): 2 + slope of ln(window mean) on ln(side), \
                 square windows of {} cells; < 2 enrichment",
                sides.join(", ")
            ),
        )],
        category_names: Vec::new(),
    };
    let mut summary = SingularitySummary {
        out: req.out.to_path_buf(),
        windows: req.windows.clone(),
        valid: 0,
        range: (f64::NAN, f64::NAN),
        enriched: 0,
    };
    AtomicFile::write(req.out, |tmp| {
        let mut writer = CogWriter::create(&grid, tmp, PixelType::Float32, &meta)?;
        let index = |b: &Block| {
            let r0 = b.row0.saturating_sub(halo);
            let r1 = (b.row0 + b.rows + halo).min(grid.height);
            let strip = layer.read_rows(r0, r1 - r0)?;
            let out = b.row0 - r0..b.row0 - r0 + b.rows;
            Ok(singularity(&strip, grid.width, out, &req.windows))
        };
        writer.write_blocks(engine, "singularity", &grid_blocks, index, |_, a| {
            for &v in a.iter().filter(|v| !v.is_nan()) {
                summary.valid += 1;
                summary.enriched += u64::from(v < 2.0);
                summary.range.0 = summary.range.0.min(v as f64);
                summary.range.1 = summary.range.1.max(v as f64);
            }
        })?;
        writer.finish(&req.cog, engine)
    })?;
    Ok(summary)
}
