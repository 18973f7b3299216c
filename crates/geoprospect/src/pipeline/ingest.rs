//! The ingest stage: every raster and vector input onto the analysis grid as a COG layer.
use std::path::Path;

use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::grid::RasterKind;
use crate::io::cog::{CogOptions, LayerMeta};
use crate::io::raster::{ingest_raster, RasterInput};
use crate::io::vector::{burn_layer, Burn};
use crate::modelspec::VectorRole;
use crate::project::Project;

use super::prospectivity::VectorCache;
use super::Plan;

/// One raster or vector input to put on the grid.
pub(super) enum LayerTask<'a> {
    Raster(&'a crate::project::RasterSource),
    Vector(&'a crate::project::VectorSource),
}

pub(super) fn layer_tasks(project: &Project) -> Vec<LayerTask<'_>> {
    project
        .rasters
        .iter()
        .map(LayerTask::Raster)
        .chain(project.vectors.iter().map(LayerTask::Vector))
        .collect()
}

impl LayerTask<'_> {
    pub(super) fn name(&self) -> &str {
        match self {
            LayerTask::Raster(r) => &r.name,
            LayerTask::Vector(v) => &v.name,
        }
    }

    /// Ingests the layer to `target` (a vector's features read through `vectors`, which keeps
    /// them for the rest of the run); returns a one-line summary.
    pub(super) fn ingest(
        &self,
        plan: &Plan,
        engine: &Engine,
        target: &Path,
        cog: &CogOptions,
        vectors: &mut VectorCache,
    ) -> Result<String> {
        let (grid, crs) = (&plan.grid, &plan.crs);
        match self {
            LayerTask::Raster(r) => {
                let input = RasterInput {
                    path: &r.path,
                    name: &r.name,
                    band: r.band,
                    crs: r.crs.as_deref(),
                    nodata: r.nodata,
                    resampling: r.resampling,
                    kind: r.kind,
                };
                let rep = ingest_raster(&input, grid, crs, engine, target, cog)?;
                let how = if rep.passthrough {
                    "already on the grid: copied unchanged".to_string()
                } else {
                    format!(
                        "warped from {} ({})",
                        rep.source_crs,
                        format!("{:?}", rep.resampling).to_lowercase()
                    )
                };
                let kind = match r.kind {
                    RasterKind::Continuous => "continuous",
                    RasterKind::Categorical => "categorical",
                };
                Ok(format!(
                    "{}: raster, {kind}, {how}, {} cells with data",
                    r.name, rep.valid_cells
                ))
            }
            LayerTask::Vector(v) => {
                let data = vectors.get(v, crs)?;
                let attribute = v.attribute.as_deref();
                if v.role == VectorRole::Geology && attribute.is_none() {
                    return Err(Error::input(
                        &v.path,
                        "a geology layer needs `attribute` (the lithology field)",
                    ));
                }
                let burn = attribute.map_or(Burn::Presence, Burn::Classes);
                let meta = LayerMeta {
                    description: v.name.clone(),
                    inputs: vec![v.path.display().to_string()],
                    items: vec![("GEOPROSPECT_ROLE".into(), v.role.as_str().into())],
                    category_names: Vec::new(),
                };
                let rep = burn_layer(data, &burn, grid, engine, meta, target, cog)?;
                let what = if rep.classes.is_empty() {
                    "presence".to_string()
                } else {
                    format!("{} classes", rep.classes.len() - 1)
                };
                Ok(format!(
                    "{}: vector ({}), {} features from {}, {what}, {} cells covered",
                    v.name,
                    v.role.as_str(),
                    data.geometries.len(),
                    data.source_crs,
                    rep.covered_cells
                ))
            }
        }
    }
}
