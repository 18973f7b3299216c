//! `samples_<c>.geojson`: the samples of a run as RFC 7946 points, with the element values a
//! commodity's model uses, their censoring flags and anomaly classes.
//!
//! Elements: those of the model's element evidence (`element = "Mo"`) that are sample columns;
//! `TREO` and derived variables are computed grids, not columns, and are left out. Every
//! sample of every sample set is written (also those outside the grid), each feature with the
//! same keys: `sample_set`, `sample_id` (the set's id column, [`ID_HEADERS`], or null), then per
//! element `<El>_ppm` (ppm after the set's censored-value substitution, null when missing),
//! `<El>_flag` (`<` below detection, `>` over range, `na` missing, empty for a measured value)
//! and `<El>_class` (`background`, `anomalous`, `strongly anomalous`, null when missing). A set
//! without the element has nulls there; a set with several columns of one element (`La`,
//! `La_INAA`) gets `<El>_<column>_ppm` and so on for each.
//!
//! Classes follow [`crate::geochem::anomaly`]: thresholds of the column's values
//! ([`thresholds`]), and the highest concentration–area breakpoint of the run's element grid
//! of that column (`geochem/<El>.tif`, [`ca_thresholds`]) for `strongly anomalous`. The grid is
//! read whole when it has at most [`CA_MAX_CELLS`] cells, otherwise averaged down (GDAL
//! `RasterIO` with average resampling) to at most that many, so memory stays bounded. A column
//! without a grid (left out by `[geochem] elements`) has no strong class.
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::area::StudyArea;
use crate::commodity::Commodity;
use crate::error::{Error, Result};
use crate::geochem::anomaly::{ca_thresholds, thresholds, Classifier, Thresholds};
use crate::geochem::censored::Assay;
use crate::geochem::elements::element_ignore_case;
use crate::io::atomic::AtomicFile;
use crate::io::crs::{Crs, Transformer};
use crate::io::dataset::read_band_decimated;
use crate::io::geojson::{number, FeatureCollectionWriter, Geometry};
use crate::modelspec::{Model, Source};
use crate::ops::anomalies::ID_HEADERS;
use crate::ops::samples::SampleSet;

/// Most cells of an element grid read for its C–A breakpoints.
pub const CA_MAX_CELLS: usize = 1 << 22;

/// Anomaly thresholds and classes of one element column of one sample set.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnClasses {
    /// Sample set.
    pub set: String,
    /// Column header.
    pub column: String,
    /// Element symbol.
    pub element: String,
    /// Distribution thresholds (ppm).
    pub thresholds: Thresholds,
    /// C–A breakpoints of the element grid, ascending (ppm).
    pub ca: Vec<f64>,
    /// The grid the breakpoints came from.
    pub grid: Option<PathBuf>,
    /// The classes.
    pub classifier: Classifier,
}

/// Classes computed once per column and shared by the commodities. The thresholds are those
/// of the samples inside the study area, when there is one.
#[derive(Debug, Default)]
pub struct ClassCache {
    columns: BTreeMap<(String, String), ColumnClasses>,
    area: Option<StudyArea>,
}

impl ClassCache {
    /// A cache whose thresholds count only the samples inside `area`.
    pub fn within(area: Option<StudyArea>) -> ClassCache {
        ClassCache {
            columns: BTreeMap::new(),
            area,
        }
    }

    /// Every column computed so far, by set and column.
    pub fn columns(&self) -> impl Iterator<Item = &ColumnClasses> {
        self.columns.values()
    }

    fn get(
        &mut self,
        set: &SampleSet,
        col: usize,
        grids: &BTreeMap<(String, String), PathBuf>,
    ) -> Result<&ColumnClasses> {
        let c = &set.elements[col];
        let key = (set.name.clone(), c.spec.column.clone());
        if !self.columns.contains_key(&key) {
            let mut values = c.substituted(&set.substitution);
            if let Some(area) = &self.area {
                for (v, &(x, y)) in values.iter_mut().zip(&set.points.xy) {
                    if !area.contains(x, y) {
                        *v = f64::NAN;
                    }
                }
            }
            let t = thresholds(&values);
            let grid = grids.get(&key).cloned();
            let ca = match &grid {
                Some(p) => ca_thresholds(&surface_cells(p)?),
                None => Vec::new(),
            };
            let classes = ColumnClasses {
                set: set.name.clone(),
                column: c.spec.column.clone(),
                element: c.spec.element.clone(),
                thresholds: t,
                classifier: Classifier::new(&t, &ca),
                ca,
                grid,
            };
            self.columns.insert(key.clone(), classes);
        }
        self.columns
            .get(&key)
            .ok_or_else(|| Error::Internal("anomaly class cache".into()))
    }
}

/// The cells of band 1 of an element grid (NaN for nodata), averaged down to at most
/// [`CA_MAX_CELLS`].
fn surface_cells(path: &Path) -> Result<Vec<f32>> {
    let (_, _, cells) = read_band_decimated(path, |w, h| {
        let factor = if w * h <= CA_MAX_CELLS {
            1
        } else {
            ((w * h) as f64 / CA_MAX_CELLS as f64).sqrt().ceil() as usize
        };
        Ok((w.div_ceil(factor), h.div_ceil(factor)))
    })?;
    Ok(cells)
}

/// What was written for one commodity.
#[derive(Debug, Clone, PartialEq)]
pub struct SampleExport {
    /// The commodity.
    pub commodity: Commodity,
    /// Samples written.
    pub samples: usize,
    /// Element symbols written, in model order.
    pub elements: Vec<String>,
}

/// The element symbols of a model's element evidence that are chemical elements, in order.
pub fn model_elements(model: &Model) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for e in &model.evidence {
        if let Source::Element(el) = &e.source {
            if let Some(sym) = element_ignore_case(el) {
                let s = sym.symbol.to_string();
                if !out.contains(&s) {
                    out.push(s);
                }
            }
        }
    }
    out
}

/// One output key and where each set's values come from (column index per set).
struct Key {
    base: String,
    columns: Vec<Option<usize>>,
}

fn sanitize(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_alphanumeric() { c } else { '_' })
        .collect()
}

/// The keys for `elements` over `sets`, in element order then first appearance.
fn keys(elements: &[String], sets: &[SampleSet]) -> Vec<Key> {
    let mut keys: Vec<Key> = Vec::new();
    for el in elements {
        for (s, set) in sets.iter().enumerate() {
            let cols: Vec<usize> = set
                .elements
                .iter()
                .enumerate()
                .filter(|(_, c)| &c.spec.element == el)
                .map(|(i, _)| i)
                .collect();
            for &i in &cols {
                let base = if cols.len() == 1 {
                    el.clone()
                } else {
                    format!("{el}_{}", sanitize(&set.elements[i].spec.column))
                };
                match keys.iter_mut().find(|k| k.base == base) {
                    Some(k) if k.columns[s].is_none() => k.columns[s] = Some(i),
                    Some(_) => {}
                    None => {
                        let mut columns = vec![None; sets.len()];
                        columns[s] = Some(i);
                        keys.push(Key { base, columns });
                    }
                }
            }
        }
    }
    keys
}

/// The id column of a set: the first header of [`ID_HEADERS`] it has.
fn id_column(headers: &[String]) -> Option<usize> {
    let key = |h: &str| h.trim().to_lowercase().replace([' ', '-', '_'], "");
    ID_HEADERS
        .iter()
        .find_map(|want| headers.iter().position(|h| key(h) == *want))
}

/// Writes `samples_<c>.geojson` (module docs). `grids` maps (set name, column) to the run's
/// element grid of that column; `crs` is the CRS of the sets' coordinates.
pub fn write_samples_geojson(
    commodity: Commodity,
    elements: &[String],
    sets: &[SampleSet],
    grids: &BTreeMap<(String, String), PathBuf>,
    crs: &Crs,
    cache: &mut ClassCache,
    path: &Path,
) -> Result<SampleExport> {
    let keys = keys(elements, sets);
    let to_lonlat = Transformer::to_wgs84(crs)?;
    let file = AtomicFile::new(path)?;
    let mut w = FeatureCollectionWriter::create(file.path())?;
    let mut samples = 0;
    for (s, set) in sets.iter().enumerate() {
        let id = id_column(&set.points.table.headers);
        let mut classifiers = Vec::with_capacity(keys.len());
        for k in &keys {
            classifiers.push(match k.columns[s] {
                Some(i) => Some(cache.get(set, i, grids)?.classifier),
                None => None,
            });
        }
        for (row, &(x, y)) in set.points.xy.iter().enumerate() {
            let (lon, lat) = to_lonlat.point(x, y).ok_or_else(|| {
                Error::input(
                    &set.path,
                    format!("sample {}: ({x}, {y}) cannot be moved to WGS 84", row + 1),
                )
            })?;
            let mut props: Vec<(String, Value)> = Vec::with_capacity(2 + 3 * keys.len());
            props.push(("sample_set".into(), Value::from(set.name.as_str())));
            props.push((
                "sample_id".into(),
                id.and_then(|c| set.points.table.rows[row].get(c))
                    .map_or(Value::Null, |t| Value::from(t.trim())),
            ));
            for (k, classifier) in keys.iter().zip(&classifiers) {
                let (value, flag, class) = match (k.columns[s], classifier) {
                    (Some(i), Some(cl)) => {
                        let a = set.elements[i].values[row];
                        let v = set.substitution.substitute(a);
                        let flag = match a {
                            Assay::Value(_) => "",
                            Assay::Censored { .. } => "<",
                            Assay::Above { .. } => ">",
                            Assay::Missing => "na",
                        };
                        let class = v
                            .and_then(|v| cl.classify(v))
                            .map_or(Value::Null, |c| Value::from(c.as_str()));
                        (v.map_or(Value::Null, number), Value::from(flag), class)
                    }
                    _ => (Value::Null, Value::Null, Value::Null),
                };
                props.push((format!("{}_ppm", k.base), value));
                props.push((format!("{}_flag", k.base), flag));
                props.push((format!("{}_class", k.base), class));
            }
            w.write(Some(&Geometry::Point([lon, lat])), &props)
                .map_err(|e| Error::output(path, e.to_string()))?;
            samples += 1;
        }
    }
    w.finish()?;
    file.commit()?;
    Ok(SampleExport {
        commodity,
        samples,
        elements: keys.iter().map(|k| k.base.clone()).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_merge_sets_and_split_duplicate_columns() {
        use crate::io::crs::Crs;
        use crate::ops::samples::read_samples;
        use crate::project::SampleSource;
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.csv");
        std::fs::write(
            &a,
            "ID,x,y,Mo_ppm,La,La_INAA\nA1,500000,4000000,<0.5,3,4\nA2,500100,4000100,2.5,,5\n",
        )
        .unwrap();
        let b = dir.path().join("b.csv");
        std::fs::write(&b, "x,y,Mo (ppm)\n500200,4000200,7\n").unwrap();
        let crs = Crs::parse("EPSG:32648").unwrap();
        let src = |p: &Path| SampleSource {
            path: p.to_path_buf(),
            name: None,
            x: Some("x".into()),
            y: Some("y".into()),
            crs: Some("EPSG:32648".into()),
            layer: None,
            encoding: None,
            delimiter: None,
            decimal: None,
            columns: Default::default(),
            units: None,
            censored: None,
            detection_limits: None,
            medium: None,
        };
        let sets = vec![
            read_samples(&src(&a), &crs).unwrap(),
            read_samples(&src(&b), &crs).unwrap(),
        ];
        let k = keys(&["Mo".into(), "La".into(), "Sn".into()], &sets);
        let bases: Vec<&str> = k.iter().map(|k| k.base.as_str()).collect();
        assert_eq!(bases, ["Mo", "La_La", "La_La_INAA"]);
        assert_eq!(k[0].columns, vec![Some(0), Some(0)]);
        assert_eq!(k[1].columns[1], None);

        let out = dir.path().join("s.geojson");
        let mut cache = ClassCache::default();
        let e = write_samples_geojson(
            Commodity::MO,
            &["Mo".into()],
            &sets,
            &BTreeMap::new(),
            &crs,
            &mut cache,
            &out,
        )
        .unwrap();
        assert_eq!((e.samples, e.elements.clone()), (3, vec!["Mo".to_string()]));
        let v: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
        let p = |i: usize| v["features"][i]["properties"].clone();
        assert_eq!(p(0)["sample_id"], "A1");
        assert_eq!(p(0)["Mo_ppm"], 0.25);
        assert_eq!(p(0)["Mo_flag"], "<");
        assert_eq!(p(1)["Mo_flag"], "");
        assert_eq!(p(2)["sample_set"], "b");
        assert_eq!(p(2)["sample_id"], Value::Null);
        assert_eq!(p(2)["Mo_ppm"], 7.0);
        assert!(p(2)["Mo_class"].is_string());
        assert_eq!(cache.columns().count(), 2);
    }
}
