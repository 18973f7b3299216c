//! Coordinate reference systems: parsing what users write and moving points between CRSs.
//!
//! A CRS may be given as an authority code (`EPSG:32648`), WKT (1 or 2), a PROJ string or
//! PROJJSON: GDAL's `OSRSetFromUserInput` reads it. Point transformations go through PROJ's
//! `proj_create_crs_to_crs`, the same operation selection `cs2cs` makes, with axes normalised to
//! easting/northing (longitude/latitude for geographic CRSs) whatever the authority's axis order.
use gdal::spatial_ref::SpatialRef;

use crate::error::{Error, Result};

/// A CRS that GDAL and PROJ both understand.
#[derive(Debug)]
pub struct Crs {
    srs: SpatialRef,
    /// What the user wrote (or the file carried).
    source: String,
}

impl Clone for Crs {
    fn clone(&self) -> Self {
        Crs {
            srs: self.srs.clone(),
            source: self.source.clone(),
        }
    }
}

impl Crs {
    /// Parses a user-supplied CRS definition.
    pub fn parse(definition: &str) -> Result<Crs> {
        let text = definition.trim();
        if text.is_empty() {
            return Err(Error::param("empty CRS"));
        }
        let srs = SpatialRef::from_definition(text)
            .map_err(|_| Error::param(format!("unknown CRS {text:?}: PROJ cannot build it")))?;
        let crs = Crs {
            srs,
            source: text.to_string(),
        };
        // PROJ must be able to build it too (a WKT GDAL accepts may still be unusable).
        crs.projjson()?;
        Ok(crs)
    }

    /// Wraps a CRS read from a file.
    pub fn from_srs(srs: SpatialRef) -> Result<Crs> {
        let source = srs
            .to_wkt()
            .map_err(|e| Error::param(format!("unusable CRS: {e}")))?;
        let crs = Crs { srs, source };
        crs.projjson()?;
        Ok(crs)
    }

    /// The GDAL spatial reference.
    pub fn srs(&self) -> &SpatialRef {
        &self.srs
    }

    /// WKT for GDAL datasets.
    pub fn wkt(&self) -> Result<String> {
        self.srs
            .to_wkt()
            .map_err(|e| Error::Internal(format!("cannot export CRS as WKT: {e}")))
    }

    /// A short label: `EPSG:32648` when the CRS has an authority code, else its name.
    pub fn label(&self) -> String {
        let mut srs = self.srs.clone();
        if srs.auth_name().is_none() {
            // Files often carry WKT1 without an authority node; ask PROJ to identify it.
            let _ = srs.auto_identify_epsg();
        }
        match (srs.auth_name(), srs.auth_code()) {
            (Some(a), Ok(c)) => format!("{a}:{c}"),
            _ => srs.name().unwrap_or_else(|| self.source.clone()),
        }
    }

    /// Whether two CRSs are the same (GDAL's `OSRIsSameEx`, ignoring how a file maps its data
    /// axes: a GeoTIFF in EPSG:5186 stores easting first although the EPSG axis order is
    /// northing first, and is still the same CRS).
    pub fn same_as(&self, other: &Crs) -> bool {
        let options: gdal::cpl::CslStringList = [
            "IGNORE_DATA_AXIS_TO_SRS_AXIS_MAPPING=YES",
            "CRITERION=EQUIVALENT_EXCEPT_AXIS_ORDER_GEOGCRS",
        ]
        .into_iter()
        .collect();
        // Safety: both handles are valid for the lifetime of `self` and `other`; GDAL only reads.
        unsafe {
            gdal_sys::OSRIsSameEx(
                self.srs.to_c_hsrs(),
                other.srs.to_c_hsrs(),
                options.as_ptr() as *const *const std::ffi::c_char,
            ) == 1
        }
    }

    /// Whether coordinates are angles (longitude/latitude).
    pub fn is_geographic(&self) -> bool {
        self.srs.is_geographic()
    }

    /// Metres per unit of a projected CRS's axes (1 for metres, 0.3048 for feet); 1 when the
    /// CRS states no usable linear unit.
    pub fn metres_per_unit(&self) -> f64 {
        let f = self.srs().linear_units();
        if f.is_finite() && f > 0.0 {
            f
        } else {
            1.0
        }
    }

    fn projjson(&self) -> Result<String> {
        let json = self
            .srs
            .to_projjson()
            .map_err(|_| Error::param(format!("CRS {:?} cannot be used by PROJ", self.source)))?;
        // PROJ writes PROJJSON for any CRS it can parse, even one whose projection method it
        // does not implement (a WKT with `PROJECTION["Some_Unknown_Method"]`); such a CRS only
        // fails when points are transformed, and GDAL's warper then skips every block and leaves
        // zeros. A projection PROJ implements always has a PROJ string: ask for one.
        if self.srs.is_projected() && self.srs.to_proj4().is_err() {
            let method = match self.srs.get_attr_value("PROJECTION", 0) {
                Ok(Some(m)) => format!(" {m:?}"),
                _ => String::new(),
            };
            return Err(Error::param(format!(
                "CRS {:?} cannot be used by PROJ: PROJ does not implement its projection method{method}",
                short(&self.source),
            )));
        }
        Ok(json)
    }
}

/// A CRS definition shortened for messages (a WKT is hundreds of characters).
fn short(text: &str) -> String {
    let t = crate::io::one_line(text);
    match t.char_indices().nth(80) {
        Some((i, _)) => format!("{}...", &t[..i]),
        None => t,
    }
}

/// Moves points from one CRS to another through PROJ.
pub struct Transformer {
    proj: Option<proj::Proj>,
}

impl Transformer {
    /// A transformation from `crs` to WGS 84 longitude/latitude (EPSG:4326, longitude first),
    /// for RFC 7946 outputs.
    pub fn to_wgs84(crs: &Crs) -> Result<Transformer> {
        let wgs84 = Crs::parse("EPSG:4326").map_err(|e| Error::Internal(e.to_string()))?;
        Transformer::new(crs, &wgs84).map_err(Error::param)
    }

    /// A transformation from `from` to `to`; the identity when they are the same CRS.
    pub fn new(from: &Crs, to: &Crs) -> Result<Transformer> {
        if from.same_as(to) {
            return Ok(Transformer { proj: None });
        }
        let (a, b) = (from.projjson()?, to.projjson()?);
        let proj = proj::Proj::new_known_crs(&a, &b, None).map_err(|e| {
            Error::param(format!(
                "PROJ has no transformation from {} to {}: {e}",
                from.label(),
                to.label()
            ))
        })?;
        Ok(Transformer { proj: Some(proj) })
    }

    /// Transforms one point; `None` when PROJ cannot (e.g. outside the projection's domain).
    pub fn point(&self, x: f64, y: f64) -> Option<(f64, f64)> {
        match &self.proj {
            None => Some((x, y)),
            Some(p) => p
                .convert((x, y))
                .ok()
                .filter(|(a, b): &(f64, f64)| a.is_finite() && b.is_finite()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epsg_codes_parse_and_label() {
        let c = Crs::parse("EPSG:32648").unwrap();
        assert_eq!(c.label(), "EPSG:32648");
        assert!(!c.is_geographic());
        assert!(Crs::parse("EPSG:4326").unwrap().is_geographic());
    }

    #[test]
    fn unknown_crs_is_an_error() {
        assert!(Crs::parse("EPSG:999999").is_err());
        assert!(Crs::parse("not a crs").is_err());
        assert!(Crs::parse("").is_err());
    }

    #[test]
    fn proj_string_and_code_are_the_same() {
        let a = Crs::parse("EPSG:32648").unwrap();
        let b = Crs::parse("+proj=utm +zone=48 +datum=WGS84 +units=m +no_defs").unwrap();
        assert!(a.same_as(&b));
    }

    /// Reference: PROJ's own `cs2cs` on this machine,
    /// `echo 43.1 107.2 | cs2cs -f %.4f EPSG:4326 EPSG:32648` -> `679030.2883 4774268.8277`
    /// (the value was copied from cs2cs output).
    #[test]
    fn lonlat_to_utm48_matches_cs2cs() {
        let t = Transformer::new(
            &Crs::parse("EPSG:4326").unwrap(),
            &Crs::parse("EPSG:32648").unwrap(),
        )
        .unwrap();
        let (x, y) = t.point(107.2, 43.1).unwrap();
        assert!((x - 679030.2883).abs() < 1e-3, "{x}");
        assert!((y - 4774268.8277).abs() < 1e-3, "{y}");
    }

    #[test]
    fn identity_for_same_crs() {
        let c = Crs::parse("EPSG:5186").unwrap();
        let t = Transformer::new(&c, &c.clone()).unwrap();
        assert_eq!(t.point(1.5, 2.5), Some((1.5, 2.5)));
    }
}
