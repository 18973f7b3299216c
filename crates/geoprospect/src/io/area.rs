//! Study-area polygons read from any OGR vector file, in the analysis CRS, and put on a grid.
use std::path::Path;

use crate::area::StudyArea;
use crate::error::{Error, Result};
use crate::grid::GridSpec;
use crate::io::crs::Crs;
use crate::io::vector::read_vector;

/// Where a study area comes from: a polygon file, with optional layer, OGR SQL filter and CRS
/// (for files without one).
#[derive(Debug, Clone, Copy)]
pub struct AreaFile<'a> {
    /// Polygons in any OGR format.
    pub path: &'a Path,
    /// OGR layer name.
    pub layer: Option<&'a str>,
    /// OGR SQL attribute filter.
    pub filter: Option<&'a str>,
    /// CRS of the file when it carries none.
    pub crs: Option<&'a str>,
}

/// Reads the polygons of `file` into `analysis`. Lines or points, or no polygon at all, are
/// errors naming the file.
pub fn read_area(file: &AreaFile, analysis: &Crs) -> Result<StudyArea> {
    let data = read_vector(file.path, file.layer, file.filter, file.crs, analysis)?;
    let mut polygons = Vec::new();
    for (i, g) in data.geometries.iter().enumerate() {
        let geometry = g.to_geo().map_err(|e| {
            Error::input(
                file.path,
                format!(
                    "feature {i}: geometry {} not supported: {e}",
                    g.geometry_name()
                ),
            )
        })?;
        match geometry {
            geo::Geometry::Polygon(p) => polygons.push(p),
            geo::Geometry::MultiPolygon(m) => polygons.extend(m.0),
            other => {
                return Err(Error::input(
                    file.path,
                    format!(
                        "feature {i} is a {}: a study area is made of polygons",
                        kind(&other)
                    ),
                ))
            }
        }
    }
    if polygons.is_empty() {
        let filter = file
            .filter
            .map(|f| format!(" matching {f:?}"))
            .unwrap_or_default();
        return Err(Error::input(
            file.path,
            format!("no polygon{filter}: a study area needs at least one"),
        ));
    }
    Ok(StudyArea::new(polygons))
}

/// `grid` restricted to `area`; an area that covers no cell centre of the grid is an error
/// naming both extents.
pub fn on_grid(area: &StudyArea, grid: &GridSpec, path: &Path) -> Result<GridSpec> {
    let mask = area.mask(grid);
    if mask.cells() == 0 {
        let b = area.bounds().unwrap_or([f64::NAN; 4]);
        let e = grid.extent();
        return Err(Error::input(
            path,
            format!(
                "the study area [{}, {}, {}, {}] covers no cell of the grid [{}, {}, {}, {}] \
                 (analysis CRS)",
                b[0], b[1], b[2], b[3], e[0], e[1], e[2], e[3]
            ),
        ));
    }
    Ok(grid.with_area(mask))
}

fn kind(g: &geo::Geometry<f64>) -> &'static str {
    match g {
        geo::Geometry::Point(_) | geo::Geometry::MultiPoint(_) => "point",
        geo::Geometry::Line(_)
        | geo::Geometry::LineString(_)
        | geo::Geometry::MultiLineString(_) => "line",
        _ => "geometry other than a polygon",
    }
}

/// `grid` restricted to the study area of `file` (read into `crs`, the grid's), or `grid`
/// as it is without one.
pub fn restrict(grid: GridSpec, crs: &Crs, file: Option<&AreaFile>) -> Result<GridSpec> {
    match file {
        Some(f) => on_grid(&read_area(f, crs)?, &grid, f.path),
        None => Ok(grid),
    }
}
