//! The ingest stage: every raster and vector input onto the analysis grid as a COG layer.
use std::path::Path;

use crate::engine::Engine;
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};

use crate::grid::{RasterKind, Resampling};
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
    /// them for the rest of the run); returns what was done.
    pub(super) fn ingest(
        &self,
        plan: &Plan,
        engine: &Engine,
        target: &Path,
        cog: &CogOptions,
        vectors: &mut VectorCache,
    ) -> Result<LayerReport> {
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
                Ok(LayerReport::Raster {
                    name: r.name.clone(),
                    kind: r.kind,
                    passthrough: rep.passthrough,
                    source_crs: rep.source_crs,
                    resampling: rep.resampling,
                    valid_cells: rep.valid_cells,
                })
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
                Ok(LayerReport::Vector {
                    name: v.name.clone(),
                    role: v.role,
                    features: data.geometries.len(),
                    source_crs: data.source_crs.clone(),
                    classes: (!rep.classes.is_empty()).then(|| rep.classes.len() - 1),
                    covered_cells: rep.covered_cells,
                })
            }
        }
    }
}

/// What ingest did with one input layer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum LayerReport {
    /// A raster warped (or copied) onto the grid.
    Raster {
        /// Layer name.
        name: String,
        /// Continuous or categorical.
        kind: RasterKind,
        /// Already on the grid: copied without resampling.
        passthrough: bool,
        /// Label of the source CRS.
        source_crs: String,
        /// Resampling used when warped.
        resampling: Resampling,
        /// Cells with data on the grid.
        valid_cells: u64,
    },
    /// A vector burnt onto the grid.
    Vector {
        /// Layer name.
        name: String,
        /// Geological role.
        role: VectorRole,
        /// Features read.
        features: usize,
        /// Label of the source CRS.
        source_crs: String,
        /// Classes burnt (`None`: presence only).
        classes: Option<usize>,
        /// Cells covered by a feature.
        covered_cells: u64,
    },
}

impl LayerReport {
    /// The layer's name.
    pub fn name(&self) -> &str {
        match self {
            LayerReport::Raster { name, .. } | LayerReport::Vector { name, .. } => name,
        }
    }
}
