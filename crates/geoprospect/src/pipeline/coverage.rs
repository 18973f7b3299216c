//! Whether a run's inputs reach its grid: a run where no sample, raster footprint or vector
//! feature lies on the grid (or in its study area) is refused before any layer is made, with
//! the grid's extent and each input's; an input that misses while others land is named in a
//! warning.
use crate::error::{Error, Result};
use crate::io::extent::{grow, overlaps, raster_extent, show};
use crate::project::Project;

use super::prospectivity::VectorCache;
use super::Plan;

/// One input and where it lies in the analysis CRS.
struct Reach {
    what: String,
    extent: Option<[f64; 4]>,
    lands: bool,
}

/// Checks that something lands (module docs); warns of each input that does not.
pub(super) fn check_coverage(
    project: &Project,
    plan: &Plan,
    vectors: &mut VectorCache,
) -> Result<()> {
    let grid = plan.grid.extent();
    // The part of the analysis CRS that counts: the grid, or the area's box within it.
    let target = match plan.area.as_ref().and_then(|a| a.bounds()) {
        Some(a) => [
            grid[0].max(a[0]),
            grid[1].max(a[1]),
            grid[2].min(a[2]),
            grid[3].min(a[3]),
        ],
        None => grid,
    };
    let mut inputs = Vec::new();
    for set in &plan.samples {
        let extent = set
            .points
            .xy
            .iter()
            .fold(None, |b, &(x, y)| Some(grow(b, [x, y, x, y])));
        let inside = set
            .points
            .xy
            .iter()
            .filter(|&&(x, y)| plan.in_area(x, y))
            .count();
        inputs.push(Reach {
            what: format!("samples {} ({} points)", set.name, set.points.xy.len()),
            extent,
            lands: inside > 0,
        });
    }
    for r in &project.rasters {
        let extent = raster_extent(&r.path, r.crs.as_deref(), &plan.crs)?;
        inputs.push(Reach {
            what: format!("raster {}", r.name),
            extent,
            lands: extent.is_some_and(|e| overlaps(e, target)),
        });
    }
    for v in &project.vectors {
        let data = vectors.get(v, &plan.crs)?;
        let extent = data.geometries.iter().fold(None, |b, g| {
            let e = g.envelope();
            Some(grow(b, [e.MinX, e.MinY, e.MaxX, e.MaxY]))
        });
        inputs.push(Reach {
            what: format!("vector {} ({} features)", v.name, data.geometries.len()),
            extent,
            lands: extent.is_some_and(|e| overlaps(e, target)),
        });
    }
    if inputs.is_empty() {
        return Ok(());
    }
    let described = |r: &Reach| match r.extent {
        Some(e) => format!("{} at {}", r.what, show(e)),
        None => format!("{} (nothing to locate)", r.what),
    };
    if !inputs.iter().any(|r| r.lands) {
        let list: Vec<String> = inputs.iter().map(described).collect();
        return Err(Error::input(
            &project.file,
            format!(
                "no input lies on the analysis grid {}{} ({}): {}; check project.extent, the \
                 inputs' CRSs and coordinate columns",
                show(grid),
                if plan.area.is_some() {
                    " within the study area"
                } else {
                    ""
                },
                plan.crs.label(),
                list.join("; ")
            ),
        ));
    }
    for r in inputs.iter().filter(|r| !r.lands) {
        tracing::warn!(
            "{} has nothing on the analysis grid {}{}",
            described(r),
            show(grid),
            if plan.area.is_some() {
                " within the study area"
            } else {
                ""
            }
        );
    }
    Ok(())
}
