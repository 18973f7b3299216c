//! RFC 7946 GeoJSON output: a streaming `FeatureCollection` writer.
//!
//! What RFC 7946 asks and this writer does:
//! - coordinates are WGS 84 longitude, latitude in decimal degrees (the caller transforms them;
//!   [`FeatureCollectionWriter::write`] refuses longitudes outside ±180 and latitudes outside ±90),
//!   and there is no `crs` member (§4);
//! - coordinates are rounded to [`PRECISION`] = 7 decimals (about 1 cm, §11.2);
//! - polygon rings are closed and wound counter-clockwise for exteriors, clockwise for holes
//!   (§3.1.6), whatever order the caller gives;
//! - properties keep the order they are given in (a JSON object, any JSON values; NaN and
//!   infinities become `null`).
//!
//! ```
//! use geoprospect::io::geojson::{FeatureCollectionWriter, Geometry};
//! use serde_json::json;
//! let mut w = FeatureCollectionWriter::new(Vec::new(), "memory").unwrap();
//! let props = vec![("id".to_string(), json!("S1")), ("Mo".to_string(), json!(f64::NAN))];
//! w.write(Some(&Geometry::Point([126.123456789, 37.5])), &props).unwrap();
//! let text = String::from_utf8(w.finish().unwrap()).unwrap();
//! assert_eq!(
//!     text,
//!     "{\"type\":\"FeatureCollection\",\"features\":[\n\
//!      {\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[126.1234568,37.5]},\
//!      \"properties\":{\"id\":\"S1\",\"Mo\":null}}\n]}\n"
//! );
//! ```
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::error::{Error, Result};
use crate::io::crs::Transformer;

/// Decimals kept in coordinates.
pub const PRECISION: i32 = 7;

/// A longitude, latitude pair in degrees.
pub type Position = [f64; 2];

/// A GeoJSON geometry in WGS 84 longitude/latitude.
#[derive(Debug, Clone, PartialEq)]
pub enum Geometry {
    /// One position.
    Point(Position),
    /// Several positions.
    MultiPoint(Vec<Position>),
    /// A line.
    LineString(Vec<Position>),
    /// Several lines.
    MultiLineString(Vec<Vec<Position>>),
    /// Exterior ring then holes.
    Polygon(Vec<Vec<Position>>),
    /// Several polygons.
    MultiPolygon(Vec<Vec<Vec<Position>>>),
}

impl Geometry {
    fn type_name(&self) -> &'static str {
        match self {
            Geometry::Point(_) => "Point",
            Geometry::MultiPoint(_) => "MultiPoint",
            Geometry::LineString(_) => "LineString",
            Geometry::MultiLineString(_) => "MultiLineString",
            Geometry::Polygon(_) => "Polygon",
            Geometry::MultiPolygon(_) => "MultiPolygon",
        }
    }

    /// The `coordinates` member, rounded, rings closed and wound as RFC 7946 asks.
    fn coordinates(&self) -> std::result::Result<Value, String> {
        match self {
            Geometry::Point(p) => position(p),
            Geometry::MultiPoint(ps) | Geometry::LineString(ps) => positions(ps),
            Geometry::MultiLineString(ls) => ls.iter().map(|l| positions(l)).collect(),
            Geometry::Polygon(rings) => polygon(rings),
            Geometry::MultiPolygon(polys) => polys.iter().map(|p| polygon(p)).collect(),
        }
    }
}

fn round(v: f64) -> f64 {
    let scale = 10f64.powi(PRECISION);
    // `+ 0.0` turns -0 into 0.
    (v * scale).round() / scale + 0.0
}

fn position(p: &Position) -> std::result::Result<Value, String> {
    let [lon, lat] = *p;
    if !(lon.is_finite() && lat.is_finite() && lon.abs() <= 180.0 && lat.abs() <= 90.0) {
        return Err(format!("({lon}, {lat}) is not a WGS 84 longitude/latitude"));
    }
    Ok(Value::Array(vec![round(lon).into(), round(lat).into()]))
}

fn positions(ps: &[Position]) -> std::result::Result<Value, String> {
    ps.iter().map(position).collect()
}

/// Twice the signed area of a ring (positive when counter-clockwise).
fn signed_area2(ring: &[Position]) -> f64 {
    ring.iter()
        .zip(ring.iter().cycle().skip(1))
        .map(|(a, b)| a[0] * b[1] - b[0] * a[1])
        .sum()
}

fn polygon(rings: &[Vec<Position>]) -> std::result::Result<Value, String> {
    rings
        .iter()
        .enumerate()
        .map(|(i, ring)| {
            let mut r = ring.clone();
            if r.len() < 3 {
                return Err(format!("a polygon ring has {} positions", r.len()));
            }
            if r.first() != r.last() {
                r.push(r[0]);
            }
            let ccw = signed_area2(&r) > 0.0;
            // Exterior (ring 0) counter-clockwise, holes clockwise.
            if ccw != (i == 0) {
                r.reverse();
            }
            positions(&r)
        })
        .collect()
}

/// Densifies polygon rings (in `t`'s source CRS) to one vertex per `step` and moves them to
/// WGS 84 longitude/latitude: one polygon gives a `Polygon`, several a `MultiPolygon`; `target`
/// names the output in errors.
pub fn lonlat_geometry(
    polygons: &[Vec<Vec<(f64, f64)>>],
    t: &Transformer,
    step: f64,
    target: &Path,
) -> Result<Geometry> {
    let mut out: Vec<Vec<Vec<Position>>> = Vec::with_capacity(polygons.len());
    for rings in polygons {
        let mut poly = Vec::with_capacity(rings.len());
        for ring in rings {
            let mut pts: Vec<Position> = Vec::with_capacity(ring.len());
            for (k, &(x, y)) in ring.iter().enumerate() {
                let mut push = |x: f64, y: f64| -> Result<()> {
                    let (lon, lat) = t.point(x, y).ok_or_else(|| {
                        Error::output(target, format!("({x}, {y}) cannot be moved to WGS 84"))
                    })?;
                    pts.push([lon, lat]);
                    Ok(())
                };
                if k > 0 {
                    let (px, py) = ring[k - 1];
                    let n = ((x - px).hypot(y - py) / step).ceil() as usize;
                    for s in 1..n {
                        let f = s as f64 / n as f64;
                        push(px + f * (x - px), py + f * (y - py))?;
                    }
                }
                push(x, y)?;
            }
            poly.push(pts);
        }
        out.push(poly);
    }
    Ok(if out.len() == 1 {
        Geometry::Polygon(out.remove(0))
    } else {
        Geometry::MultiPolygon(out)
    })
}

/// Writes a `FeatureCollection` one feature at a time.
pub struct FeatureCollectionWriter<W: Write> {
    out: W,
    label: PathBuf,
    count: usize,
}

impl FeatureCollectionWriter<BufWriter<File>> {
    /// Creates (or replaces) the file `path` and writes the collection's header.
    pub fn create(path: &Path) -> Result<Self> {
        let file =
            File::create(path).map_err(|e| Error::output(path, format!("cannot create: {e}")))?;
        FeatureCollectionWriter::new(BufWriter::new(file), path)
    }
}

impl<W: Write> FeatureCollectionWriter<W> {
    /// Starts a collection on `out`; `label` names it in error messages (the file path).
    pub fn new(mut out: W, label: impl AsRef<Path>) -> Result<Self> {
        let label = label.as_ref().to_path_buf();
        out.write_all(b"{\"type\":\"FeatureCollection\",\"features\":[\n")
            .map_err(|e| Error::output(&label, format!("cannot write: {e}")))?;
        Ok(FeatureCollectionWriter {
            out,
            label,
            count: 0,
        })
    }

    /// Features written so far.
    pub fn count(&self) -> usize {
        self.count
    }

    /// Writes one feature: a geometry (`None`: `"geometry": null`) and its properties in order.
    pub fn write(
        &mut self,
        geometry: Option<&Geometry>,
        properties: &[(String, Value)],
    ) -> Result<()> {
        let fail = |m: String| Error::output(&self.label, m);
        let mut text = String::from("{\"type\":\"Feature\",\"geometry\":");
        match geometry {
            None => text.push_str("null"),
            Some(g) => {
                let coordinates = g
                    .coordinates()
                    .map_err(|m| fail(format!("feature {}: {m}", self.count + 1)))?;
                // `type` first, as people expect to read it.
                text.push_str(&format!(
                    "{{\"type\":\"{}\",\"coordinates\":{coordinates}}}",
                    g.type_name()
                ));
            }
        }
        text.push_str(",\"properties\":{");
        for (i, (key, value)) in properties.iter().enumerate() {
            if i > 0 {
                text.push(',');
            }
            // Keys and strings escaped by serde_json; NaN and infinities are `null`.
            text.push_str(&Value::from(key.as_str()).to_string());
            text.push(':');
            text.push_str(&value.to_string());
        }
        text.push_str("}}");
        let sep: &[u8] = if self.count == 0 { b"" } else { b",\n" };
        self.out
            .write_all(sep)
            .and_then(|()| self.out.write_all(text.as_bytes()))
            .map_err(|e| fail(format!("cannot write: {e}")))?;
        self.count += 1;
        Ok(())
    }

    /// Closes the collection and flushes; returns the writer.
    pub fn finish(mut self) -> Result<W> {
        let end: &[u8] = if self.count == 0 { b"]}\n" } else { b"\n]}\n" };
        self.out
            .write_all(end)
            .and_then(|()| self.out.flush())
            .map_err(|e| Error::output(&self.label, format!("cannot write: {e}")))?;
        Ok(self.out)
    }
}

/// A number property: `null` when NaN or infinite.
pub fn number(v: f64) -> Value {
    if v.is_finite() {
        Value::from(v)
    } else {
        Value::Null
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    type Feature = (Option<Geometry>, Vec<(String, Value)>);

    fn collect(features: &[Feature]) -> Value {
        let mut w = FeatureCollectionWriter::new(Vec::new(), "mem").unwrap();
        for (g, p) in features {
            w.write(g.as_ref(), p).unwrap();
        }
        assert_eq!(w.count(), features.len());
        serde_json::from_slice(&w.finish().unwrap()).unwrap()
    }

    #[test]
    fn empty_collection_is_valid_json() {
        let v = collect(&[]);
        assert_eq!(v, json!({"type": "FeatureCollection", "features": []}));
    }

    #[test]
    fn properties_keep_order_and_escape() {
        let mut w = FeatureCollectionWriter::new(Vec::new(), "mem").unwrap();
        let props = vec![
            ("z \"q\"".to_string(), json!("a\nb")),
            ("a".to_string(), json!(1.5)),
            ("시료".to_string(), number(f64::INFINITY)),
        ];
        w.write(None, &props).unwrap();
        let text = String::from_utf8(w.finish().unwrap()).unwrap();
        assert!(
            text.contains(r#""properties":{"z \"q\"":"a\nb","a":1.5,"시료":null}"#),
            "{text}"
        );
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["features"][0]["geometry"], Value::Null);
    }

    #[test]
    fn polygons_are_closed_and_wound_per_rfc7946() {
        // Exterior given clockwise and open, hole given counter-clockwise.
        let ext = vec![[0.0, 0.0], [0.0, 1.0], [1.0, 1.0], [1.0, 0.0]];
        let hole = vec![[0.2, 0.2], [0.4, 0.2], [0.4, 0.4], [0.2, 0.4], [0.2, 0.2]];
        let v = collect(&[(Some(Geometry::Polygon(vec![ext, hole])), vec![])]);
        let rings = &v["features"][0]["geometry"]["coordinates"];
        let ring = |i: usize| -> Vec<Position> {
            rings[i]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| [p[0].as_f64().unwrap(), p[1].as_f64().unwrap()])
                .collect()
        };
        let (e, h) = (ring(0), ring(1));
        assert_eq!(e.len(), 5);
        assert_eq!(e.first(), e.last());
        assert!(
            signed_area2(&e) > 0.0,
            "exterior must be counter-clockwise: {e:?}"
        );
        assert!(signed_area2(&h) < 0.0, "hole must be clockwise: {h:?}");
    }

    #[test]
    fn coordinates_are_checked_and_rounded() {
        let mut w = FeatureCollectionWriter::new(Vec::new(), "out.geojson").unwrap();
        let e = w
            .write(Some(&Geometry::Point([500000.0, 4e6])), &[])
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "out.geojson: feature 1: (500000, 4000000) is not a WGS 84 longitude/latitude"
        );
        let v = collect(&[(
            Some(Geometry::LineString(vec![
                [-179.99999996, 89.123456749],
                [0.1, -0.00000004],
            ])),
            vec![],
        )]);
        assert_eq!(
            v["features"][0]["geometry"]["coordinates"],
            json!([[-180.0, 89.1234567], [0.1, 0.0]])
        );
    }
}
