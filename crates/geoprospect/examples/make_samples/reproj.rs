//! Reprojection of points and lines between EPSG CRSs.
use anyhow::Result;
use gdal::spatial_ref::{AxisMappingStrategy, CoordTransform, SpatialRef};
use geo::LineString;

/// Moves points between two EPSG CRSs in easting/northing (longitude/latitude) order.
pub struct Reproj(CoordTransform);

impl Reproj {
    pub fn new(from: u32, to: u32) -> Result<Reproj> {
        let mut a = SpatialRef::from_epsg(from)?;
        let mut b = SpatialRef::from_epsg(to)?;
        a.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
        b.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
        Ok(Reproj(CoordTransform::new(&a, &b)?))
    }
    pub fn points(&self, pts: &[(f64, f64)]) -> Result<Vec<(f64, f64)>> {
        let mut xs: Vec<f64> = pts.iter().map(|p| p.0).collect();
        let mut ys: Vec<f64> = pts.iter().map(|p| p.1).collect();
        self.0.transform_coords(&mut xs, &mut ys, &mut [])?;
        Ok(xs.into_iter().zip(ys).collect())
    }
    pub fn line(&self, l: &LineString<f64>) -> Result<Vec<(f64, f64)>> {
        self.points(&l.0.iter().map(|c| (c.x, c.y)).collect::<Vec<_>>())
    }
}
