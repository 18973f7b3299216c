//! Target zones as RFC 7946 GeoJSON: `targets_<c>.geojson`, one feature per zone of
//! [`crate::ops::targets`], by rank, with its measures as properties.
use std::path::Path;

use serde_json::Value;

use crate::error::{Error, Result};
use crate::io::atomic::AtomicFile;
use crate::io::crs::{Crs, Transformer};
use crate::io::geojson::{lonlat_geometry, number, FeatureCollectionWriter};
use crate::ops::targets::TargetSet;

use super::round_to;

/// Writes `targets_<c>.geojson` (RFC 7946): one feature per zone, by rank, its outline (in
/// `crs`, along the edges of cells of side `cell`) densified to one vertex per cell side and
/// moved to WGS 84 longitude/latitude by PROJ, so that edges stay within centimetres of the
/// cell boundaries.
pub fn write_targets_geojson(set: &TargetSet, crs: &Crs, cell: f64, path: &Path) -> Result<()> {
    let to_lonlat = Transformer::to_wgs84(crs)?;
    let file = AtomicFile::new(path)?;
    let mut w = FeatureCollectionWriter::create(file.path())?;
    for t in &set.targets {
        let geometry = lonlat_geometry(&t.outline, &to_lonlat, cell, path)?;
        let (top, top_m) = match &t.top_evidence {
            Some((n, m)) => (Value::from(n.as_str()), number(round_to(*m, 4))),
            None => (Value::Null, Value::Null),
        };
        let props = vec![
            ("rank".to_string(), Value::from(t.rank)),
            ("commodity".into(), Value::from(set.commodity.to_string())),
            ("area_km2".into(), number(round_to(t.area_km2, 4))),
            ("cells".into(), Value::from(t.cells)),
            ("max_score".into(), number(round_to(t.max_score, 6))),
            ("mean_score".into(), number(round_to(t.mean_score, 6))),
            ("centroid_lon".into(), number(round_to(t.centroid.0, 7))),
            ("centroid_lat".into(), number(round_to(t.centroid.1, 7))),
            ("top_evidence".into(), top),
            ("top_evidence_membership".into(), top_m),
            ("n_occurrences".into(), Value::from(t.occurrences.len())),
            ("occurrences".into(), Value::from(t.occurrences.join(";"))),
        ];
        w.write(Some(&geometry), &props)
            .map_err(|e| Error::output(path, e.to_string()))?;
    }
    w.finish()?;
    file.commit()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commodity::Commodity;
    use crate::ops::targets::Target;

    #[test]
    fn outlines_are_densified_and_moved_to_wgs84() {
        let crs = Crs::parse("EPSG:32648").unwrap();
        // A 2 x 1 cell rectangle of 100 m cells, counter-clockwise.
        let (x0, y0) = (500_000.0, 4_000_000.0);
        let ring = vec![
            (x0, y0),
            (x0 + 200.0, y0),
            (x0 + 200.0, y0 + 100.0),
            (x0, y0 + 100.0),
            (x0, y0),
        ];
        let target = Target {
            rank: 1,
            cells: 2,
            area_km2: 0.02,
            max_score: 0.9,
            mean_score: 0.85,
            centroid: (105.0, 36.1),
            evidence_means: vec![("Sn".into(), 0.7)],
            top_evidence: Some(("Sn".into(), 0.7)),
            occurrences: vec!["A".into(), "#2".into()],
            outline: vec![vec![ring.clone()]],
        };
        let set = TargetSet {
            commodity: Commodity::MO,
            rule: "score >= 0.8".into(),
            threshold: 0.8,
            scored_cells: 10,
            selected_cells: 2,
            dropped_zones: 0,
            targets: vec![target],
        };
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("t.geojson");
        write_targets_geojson(&set, &crs, 100.0, &out).unwrap();
        let v: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
        let feature = &v["features"][0];
        assert_eq!(feature["geometry"]["type"], "Polygon");
        let coords = feature["geometry"]["coordinates"][0].as_array().unwrap();
        // One vertex per cell side: 2 + 1 + 2 + 1 sides, closed.
        assert_eq!(coords.len(), 7);
        assert_eq!(coords.first(), coords.last());
        let to_lonlat = Transformer::to_wgs84(&crs).unwrap();
        let (lon, lat) = to_lonlat.point(x0 + 100.0, y0).unwrap();
        // Rounded to the GeoJSON writer's 7 decimals.
        assert!((coords[1][0].as_f64().unwrap() - lon).abs() <= 0.5e-7);
        assert!((coords[1][1].as_f64().unwrap() - lat).abs() <= 0.5e-7);
        let p = &feature["properties"];
        assert_eq!(
            (p["rank"].as_u64(), p["commodity"].as_str()),
            (Some(1), Some("Mo"))
        );
        assert_eq!(p["top_evidence"], "Sn");
        assert_eq!(
            (p["n_occurrences"].as_u64(), p["occurrences"].as_str()),
            (Some(2), Some("A;#2"))
        );
    }
}
