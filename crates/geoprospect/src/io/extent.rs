//! Where an input lies in the analysis CRS: the bounding box of a raster's footprint or of
//! vector features, for telling a user which inputs miss the grid.
use std::path::Path;

use crate::error::{Error, Result};
use crate::io::crs::{Crs, Transformer};
use crate::io::dataset::{dataset_crs, open_raster};

/// Points per edge of a footprint moved into the analysis CRS (the edges of a projected
/// footprint are curves in another CRS).
const EDGE_POINTS: usize = 21;

/// `[xmin, ymin, xmax, ymax]` of a raster's footprint in `analysis`; `None` when no corner or
/// edge point can be moved there. A raster without a CRS (and no `crs` given) is an error.
pub fn raster_extent(path: &Path, crs: Option<&str>, analysis: &Crs) -> Result<Option<[f64; 4]>> {
    let ds = open_raster(path)?;
    let source = match crs {
        Some(text) => Crs::parse(text).map_err(|m| Error::input(path, format!("crs: {m}")))?,
        None => dataset_crs(&ds, path)?.ok_or_else(|| {
            Error::input(
                path,
                "the raster has no CRS: add `crs = \"EPSG:...\"` to its entry",
            )
        })?,
    };
    let gt = ds
        .geo_transform()
        .map_err(|_| Error::input(path, "the raster has no geotransform"))?;
    let (w, h) = ds.raster_size();
    let at = |c: f64, r: f64| (gt[0] + c * gt[1] + r * gt[2], gt[3] + c * gt[4] + r * gt[5]);
    let corners = [
        at(0.0, 0.0),
        at(w as f64, 0.0),
        at(w as f64, h as f64),
        at(0.0, h as f64),
    ];
    let (xs, ys): (Vec<f64>, Vec<f64>) = corners
        .iter()
        .map(|p| p.0)
        .zip(corners.iter().map(|p| p.1))
        .unzip();
    let bbox = [
        xs.iter().copied().fold(f64::INFINITY, f64::min),
        ys.iter().copied().fold(f64::INFINITY, f64::min),
        xs.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        ys.iter().copied().fold(f64::NEG_INFINITY, f64::max),
    ];
    Ok(moved(bbox, &source, analysis))
}

/// A bounding box in `from` as a bounding box in `to`, through points along its edges.
pub fn moved(bbox: [f64; 4], from: &Crs, to: &Crs) -> Option<[f64; 4]> {
    let t = Transformer::new(from, to).ok()?;
    let [x0, y0, x1, y1] = bbox;
    let mut out: Option<[f64; 4]> = None;
    for i in 0..EDGE_POINTS {
        let f = i as f64 / (EDGE_POINTS - 1) as f64;
        let (x, y) = (x0 + f * (x1 - x0), y0 + f * (y1 - y0));
        for (px, py) in [(x, y0), (x, y1), (x0, y), (x1, y)] {
            if let Some((a, b)) = t.point(px, py) {
                out = Some(grow(out, [a, b, a, b]));
            }
        }
    }
    out
}

/// The union of two bounding boxes.
pub fn grow(a: Option<[f64; 4]>, b: [f64; 4]) -> [f64; 4] {
    match a {
        None => b,
        Some(a) => [
            a[0].min(b[0]),
            a[1].min(b[1]),
            a[2].max(b[2]),
            a[3].max(b[3]),
        ],
    }
}

/// Whether two bounding boxes overlap (touching edges count).
pub fn overlaps(a: [f64; 4], b: [f64; 4]) -> bool {
    a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3]
}

/// `[xmin, ymin, xmax, ymax]` rounded to thousandths of a unit, for messages.
pub fn show(b: [f64; 4]) -> String {
    let v: Vec<String> = b
        .iter()
        .map(|v| format!("{}", (v * 1e3).round() / 1e3))
        .collect();
    format!("[{}]", v.join(", "))
}
