//! `geoprospect membership`: a fuzzy membership function ([`crate::evidence::membership`]) applied
//! to a layer, thresholds given as values or as exact percentiles of the layer.
use std::path::{Path, PathBuf};

use crate::engine::{Block, Engine};
use crate::error::Result;
use crate::evidence::membership::{Membership, MembershipSpec, Threshold};
use crate::io::area::{restrict, AreaFile};
use crate::io::atomic::AtomicFile;
use crate::io::cog::{CogOptions, CogWriter, LayerMeta, PixelType};
use crate::io::layer::{aligned_blocks, GridLayer};
use crate::ops::percentiles::resolve_on_layer;

/// What `geoprospect membership` is asked to do.
#[derive(Debug, Clone)]
pub struct MembershipRequest<'a> {
    /// Input layer (on an analysis grid).
    pub input: &'a Path,
    /// Output COG.
    pub out: &'a Path,
    /// The function.
    pub spec: MembershipSpec,
    /// Study area: cells outside it are nodata and count in no statistic.
    pub area: Option<AreaFile<'a>>,
    /// COG settings.
    pub cog: CogOptions,
}

/// What `geoprospect membership` wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct MembershipSummary {
    /// The output COG.
    pub out: PathBuf,
    /// The function with its thresholds resolved to values of the layer.
    pub membership: Membership,
    /// The thresholds as given (values or percentiles), in order (`low, high` or `midpoint`).
    pub given: Vec<Threshold>,
}

/// `geoprospect membership`: applies a membership function to a layer; returns what it wrote.
pub fn run_membership(req: &MembershipRequest, engine: &Engine) -> Result<MembershipSummary> {
    let (layer, grid, crs) = GridLayer::open_as_grid(req.input)?;
    let grid = restrict(grid, &crs, req.area.as_ref())?;
    let layer = layer.within(&grid);
    let grid_blocks = aligned_blocks(&grid, layer.tile_rows());
    let m = resolve_on_layer(&req.spec, &layer, &grid_blocks, engine)?;
    let given = req.spec.thresholds();
    let given_text: Vec<String> = given.iter().map(|t| t.to_string()).collect();
    let meta = LayerMeta {
        description: format!(
            "{} membership of {}",
            m.describe().split(' ').next().unwrap_or_default(),
            req.input.file_stem().unwrap_or_default().to_string_lossy()
        ),
        inputs: vec![req.input.display().to_string()],
        items: vec![(
            "GEOPROSPECT_MEMBERSHIP".into(),
            format!("{} (given: {})", m.describe(), given_text.join(", ")),
        )],
        category_names: Vec::new(),
    };
    AtomicFile::write(req.out, |tmp| {
        let mut writer = CogWriter::create(&grid, tmp, PixelType::Float32, &meta)?;
        let apply = |b: &Block| {
            let mut data = layer.read_block(b)?;
            m.apply(&mut data);
            Ok(data)
        };
        writer.write_blocks(engine, "membership", &grid_blocks, apply, |_, _| ())?;
        writer.finish(&req.cog, engine)
    })?;
    Ok(MembershipSummary {
        out: req.out.to_path_buf(),
        membership: m,
        given,
    })
}
