//! `geoprospect proximity`: the distance from each cell centre to the nearest feature of a vector
//! file ([`crate::evidence::proximity`]: exact distances to the true geometry), written block by
//! block as a Float32 COG.
use std::path::{Path, PathBuf};

use crate::engine::{blocks, Block, Engine};
use crate::error::{Error, Result};
use crate::evidence::proximity::Features;
use crate::grid::GridSpec;
use crate::io::atomic::AtomicFile;
use crate::io::cog::{CogOptions, CogWriter, LayerMeta, PixelType};

/// Writes the distance from every cell centre of `grid` to the nearest of `features` as a
/// Float32 COG at `target`, block by block on `engine` as its progress stage `stage`; returns
/// the largest distance.
pub fn write_distance(
    features: &Features,
    grid: &GridSpec,
    engine: &Engine,
    stage: &str,
    target: &Path,
    meta: &LayerMeta,
    cog: &CogOptions,
) -> Result<f32> {
    let mut writer = CogWriter::create(grid, target, PixelType::Float32, meta)?;
    let mut max = 0f32;
    let distances = |block: &Block| {
        let mut out = vec![0f32; block.rows * grid.width];
        features.distance_block(grid, block, &mut out);
        Ok(out)
    };
    writer.write_blocks(engine, stage, &blocks(grid), distances, |_, strip| {
        max = strip.iter().fold(max, |m, &v| m.max(v));
    })?;
    writer.finish(cog, engine)?;
    Ok(max)
}

/// What `geoprospect proximity` is asked to do.
#[derive(Debug, Clone)]
pub struct ProximityRequest<'a> {
    /// Vector file (any OGR format and CRS).
    pub vector: &'a Path,
    /// Raster whose grid the output takes.
    pub like: &'a Path,
    /// Output COG.
    pub out: &'a Path,
    /// OGR layer (default: the first).
    pub layer: Option<&'a str>,
    /// OGR SQL attribute filter.
    pub filter: Option<&'a str>,
    /// CRS of a vector file that has none.
    pub crs: Option<&'a str>,
    /// COG settings.
    pub cog: CogOptions,
}

/// What `geoprospect proximity` wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct ProximitySummary {
    /// The output COG.
    pub out: PathBuf,
    /// Features with a geometry the distances are to.
    pub features: usize,
    /// Segments of their outlines (points count as one each).
    pub segments: usize,
    /// Grid width in cells.
    pub width: usize,
    /// Grid height in cells.
    pub height: usize,
    /// The largest distance, in the grid's CRS units.
    pub max: f32,
}

/// `geoprospect proximity`: distance to the nearest feature on the grid of `like`, written as
/// a Float32 COG; returns what it wrote.
pub fn run_proximity(req: &ProximityRequest, engine: &Engine) -> Result<ProximitySummary> {
    let (grid, crs) = crate::io::layer::grid_of(req.like)?;
    if crs.is_geographic() {
        return Err(Error::input(
            req.like,
            format!(
                "the grid's CRS ({}) is geographic: distances need a projected CRS",
                crs.label()
            ),
        ));
    }
    let data = crate::io::vector::read_vector(req.vector, req.layer, req.filter, req.crs, &crs)?;
    let geometries = data
        .geometries
        .iter()
        .enumerate()
        .map(|(i, g)| {
            g.to_geo().map_err(|e| {
                Error::input(
                    req.vector,
                    format!(
                        "feature {i}: geometry {} not supported: {e}",
                        g.geometry_name()
                    ),
                )
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let features = Features::new(&geometries);
    if features.is_empty() {
        return Err(Error::input(
            req.vector,
            match req.filter {
                Some(f) => format!("no features with a geometry match `where` {f:?}"),
                None => "no features with a geometry".to_string(),
            },
        ));
    }
    let meta = LayerMeta {
        description: format!(
            "distance to {}",
            req.vector.file_stem().unwrap_or_default().to_string_lossy()
        ),
        inputs: vec![req.vector.display().to_string()],
        items: vec![(
            "GEOPROSPECT_PROXIMITY".into(),
            format!(
                "distance in CRS units from cell centres to the nearest feature{}",
                req.filter
                    .map(|f| format!(" where {f}"))
                    .unwrap_or_default()
            ),
        )],
        category_names: Vec::new(),
    };
    let max = AtomicFile::write(req.out, |tmp| {
        write_distance(&features, &grid, engine, "proximity", tmp, &meta, &req.cog)
    })?;
    Ok(ProximitySummary {
        out: req.out.to_path_buf(),
        features: features.features(),
        segments: features.segments(),
        width: grid.width,
        height: grid.height,
        max,
    })
}
