//! `geoprospect anomalies`: thresholds and anomaly classes of a sample file's element columns.
//!
//! 1. The points are read by [`read_points`] in WGS 84 longitude/latitude (the GeoJSON output)
//!    and moved into the analysis CRS of the C–A surfaces: the points' own CRS when it is
//!    projected, else the WGS 84 UTM zone of the samples' mean longitude and latitude
//!    (EPSG:326zz north of the equator, EPSG:327zz south; the Norway and Svalbard exceptions
//!    are not applied).
//! 2. The element columns are read by [`parse_table_assays`] in ppm (censored values become half
//!    the detection limit, [`Substitution::default`]); a list of elements keeps the columns of
//!    the given elements, in the order given (all element columns by default, in table order).
//! 3. Per column: the distribution thresholds ([`thresholds`]); an IDW surface (power 2, the 12
//!    nearest samples, no radius, linear values) on a grid over the samples' bounding box with
//!    square cells sized so that the grid has about [`CA_GRID_CELLS`] cells; its C–A breakpoints
//!    ([`ca_thresholds`]); the class of every sample ([`Classifier`]).
//! 4. `thresholds.csv` and `samples.geojson` are written into a staging folder and moved into
//!    the output folder together.
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::engine::{blocks, Engine};
use crate::error::{Error, Result};
use crate::geochem::anomaly::{ca_thresholds, thresholds, AnomalyClass, Classifier, Thresholds};
use crate::geochem::assays::{parse_table_assays, AssayOptions, ElementColumn};
use crate::geochem::censored::{Assay, Substitution};
use crate::geochem::columns::ColumnOptions;
use crate::geochem::elements::element_ignore_case;
use crate::geochem::gridding::{Gridder, Method, Samples};
use crate::grid::GridSpec;
use crate::io::area::{on_grid, read_area};
use crate::io::atomic::Staging;
use crate::io::crs::{Crs, Transformer};
use crate::io::geojson::{number, FeatureCollectionWriter, Geometry};
use crate::io::points::{is_delimited_text, read_points, PointSource, PointTable};
use crate::ops::area::area_file;
use crate::project::AreaSource;
use crate::table::TableOptions;

/// Cells of the automatic C–A grid (about; the last row and column may add a few).
pub const CA_GRID_CELLS: f64 = 250_000.0;
/// The interpolation of the C–A surfaces.
pub const CA_METHOD: Method = Method::Idw {
    power: 2.0,
    neighbors: 12,
    radius: None,
};
/// Headers taken for the sample id (compared ignoring case, spaces, `-` and `_`), in order of
/// preference.
pub const ID_HEADERS: &[&str] = &[
    "id",
    "sampleid",
    "sample",
    "sampleno",
    "samplenumber",
    "siteid",
    "site",
    "station",
    "name",
    "시료번호",
];

/// Everything `geoprospect anomalies` is asked to do.
#[derive(Debug, Clone, Default)]
pub struct AnomalyRequest {
    /// Sample file: delimited text or any OGR point format.
    pub samples: PathBuf,
    /// X (longitude/easting) column of delimited text.
    pub x: Option<String>,
    /// Y (latitude/northing) column of delimited text.
    pub y: Option<String>,
    /// CRS of the coordinates (required for delimited text; OGR files: only without their own).
    pub points_crs: Option<String>,
    /// Element symbols to keep (default: every element column).
    pub elements: Vec<String>,
    /// Text encoding of delimited text (default: detected).
    pub encoding: Option<String>,
    /// Output folder.
    pub out_dir: PathBuf,
    /// Study area: samples outside it count in no threshold and get no class, and the C–A
    /// surfaces cover only its cells.
    pub area: Option<AreaSource>,
}

/// The thresholds of one element column.
#[derive(Debug, Clone, PartialEq)]
pub struct ElementRow {
    /// The `element` column text: the symbol, with the column in brackets when the header is not
    /// the bare symbol (`La`, `La (La_INAA)`, `Mo (Mo_ppm)`).
    pub element: String,
    /// The table column.
    pub column: String,
    /// Values below detection.
    pub n_censored: usize,
    /// Missing values.
    pub n_missing: usize,
    /// Distribution thresholds (`n` = values that are numbers after substitution).
    pub thresholds: Thresholds,
    /// C–A breakpoints, ascending, ppm.
    pub ca: Vec<f64>,
}

/// What `geoprospect anomalies` produced.
#[derive(Debug, Clone)]
pub struct AnomalyReport {
    /// One row per element column.
    pub rows: Vec<ElementRow>,
    /// Samples read.
    pub samples: usize,
    /// The analysis CRS of the C–A surfaces.
    pub crs: String,
    /// The C–A grid.
    pub grid: GridSpec,
    /// Files written, in their final place.
    pub outputs: Vec<PathBuf>,
}

/// Runs `geoprospect anomalies` (module docs).
pub fn run_anomalies(req: &AnomalyRequest, engine: &Engine) -> Result<AnomalyReport> {
    let path = req.samples.as_path();
    let wanted = wanted_elements(&req.elements)?;
    if !path.exists() {
        return Err(Error::input(path, "file not found"));
    }
    let delimited = is_delimited_text(path);
    if delimited && (req.x.is_none() || req.y.is_none()) {
        return Err(Error::param(
            "the coordinate columns of a delimited text file must be named (x and y)",
        ));
    }
    if delimited && req.points_crs.is_none() {
        return Err(Error::param(
            "the CRS of the coordinates of a delimited text file must be given, e.g. EPSG:4326",
        ));
    }
    let wgs84 = Crs::parse("EPSG:4326").map_err(|e| Error::Internal(e.to_string()))?;
    let source = PointSource {
        x: req.x.as_deref(),
        y: req.y.as_deref(),
        crs: req.points_crs.as_deref(),
        layer: None,
        table: TableOptions {
            encoding: req.encoding.clone(),
            ..Default::default()
        },
    };
    let points = read_points(path, &source, &wgs84)?;
    let exclude = [req.x.clone(), req.y.clone()]
        .into_iter()
        .flatten()
        .collect();
    let options = AssayOptions {
        columns: ColumnOptions {
            exclude,
            ..Default::default()
        },
        ..Default::default()
    };
    let columns = parse_table_assays(&points.table, &options)
        .map_err(|e| Error::input(path, e.to_string()))?;
    let columns = select_columns(path, columns, &wanted, &points.table.headers)?;

    let analysis = analysis_crs(&points, req.points_crs.as_deref())?;
    let to_analysis = Transformer::new(&wgs84, &analysis).map_err(|m| Error::input(path, m))?;
    let mut xy = Vec::with_capacity(points.xy.len());
    for &(lon, lat) in &points.xy {
        let p = to_analysis.point(lon, lat).ok_or_else(|| {
            Error::input(
                path,
                format!("({lon}, {lat}) cannot be moved into {}", analysis.label()),
            )
        })?;
        xy.push(p);
    }
    let grid = ca_grid(&xy, analysis.wkt()?)?;
    let (grid, inside) = match &req.area {
        Some(a) => {
            let file = area_file(a);
            let area = read_area(&file, &analysis)?;
            let inside: Vec<bool> = xy.iter().map(|&(x, y)| area.contains(x, y)).collect();
            if !inside.contains(&true) {
                return Err(Error::input(
                    &a.path,
                    format!(
                        "none of the {} samples lies inside the study area",
                        xy.len()
                    ),
                ));
            }
            (on_grid(&area, &grid, &a.path)?, inside)
        }
        None => (grid, vec![true; xy.len()]),
    };

    let sub = Substitution::default();
    let (rows, classes) = engine.staged("anomalies: C-A surfaces", columns.len() as u64, || {
        let mut rows = Vec::with_capacity(columns.len());
        let mut classes: Vec<Vec<Option<AnomalyClass>>> = Vec::with_capacity(columns.len());
        for col in &columns {
            let mut values = col.substituted(&sub);
            for (v, _) in values.iter_mut().zip(&inside).filter(|(_, &i)| !i) {
                *v = f64::NAN;
            }
            let t = thresholds(&values);
            let ca = ca_surface(&xy, &values, &grid, engine)
                .map_err(|m| Error::input(path, format!("column {:?}: {m}", col.spec.column)))?;
            let classifier = Classifier::new(&t, &ca);
            classes.push(values.iter().map(|&v| classifier.classify(v)).collect());
            rows.push(ElementRow {
                element: element_label(col),
                column: col.spec.column.clone(),
                n_censored: col.n_censored,
                n_missing: col.n_missing,
                thresholds: t,
                ca,
            });
            engine.progress().advance(1);
        }
        Ok((rows, classes))
    })?;

    let staging = Staging::new(&req.out_dir)?;
    write_thresholds_csv(&rows, &staging.path("thresholds.csv")?)?;
    write_samples_geojson(
        &points,
        &columns,
        &classes,
        &sub,
        &staging.path("samples.geojson")?,
    )?;
    let outputs = staging.commit()?;
    Ok(AnomalyReport {
        rows,
        samples: points.xy.len(),
        crs: analysis.label(),
        grid,
        outputs,
    })
}

/// The element symbols of the list, in canonical case; an error names one that is not an
/// element.
fn wanted_elements(list: &[String]) -> Result<Vec<&'static str>> {
    let mut out: Vec<&'static str> = Vec::new();
    for text in list.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        let el = element_ignore_case(text)
            .ok_or_else(|| Error::param(format!("{text:?} is not an element symbol")))?;
        if !out.contains(&el.symbol) {
            out.push(el.symbol);
        }
    }
    Ok(out)
}

/// The columns of the wanted elements, in the order asked (every column without a list).
fn select_columns(
    path: &Path,
    columns: Vec<ElementColumn>,
    wanted: &[&str],
    headers: &[String],
) -> Result<Vec<ElementColumn>> {
    if columns.is_empty() {
        return Err(Error::input(
            path,
            format!("no element columns recognised among {headers:?}"),
        ));
    }
    if wanted.is_empty() {
        return Ok(columns);
    }
    let mut out = Vec::new();
    for el in wanted {
        let found: Vec<&ElementColumn> = columns.iter().filter(|c| c.spec.element == *el).collect();
        if found.is_empty() {
            let have: Vec<&str> = columns.iter().map(|c| c.spec.column.as_str()).collect();
            return Err(Error::input(
                path,
                format!(
                    "no column for element {el}; element columns are {}",
                    have.join(", ")
                ),
            ));
        }
        out.extend(found.into_iter().cloned());
    }
    Ok(out)
}

/// `La` for a column named `La`, `La (La_INAA)` otherwise.
fn element_label(col: &ElementColumn) -> String {
    if col.spec.column == col.spec.element {
        col.spec.element.clone()
    } else {
        format!("{} ({})", col.spec.element, col.spec.column)
    }
}

/// The points' CRS when projected, else the UTM zone of their mean longitude/latitude.
fn analysis_crs(points: &PointTable, points_crs: Option<&str>) -> Result<Crs> {
    // OGR files without a given points CRS carry their own; its label is an authority code when
    // the file's CRS has one. A CRS that cannot be read back is treated as geographic (UTM).
    let text = points_crs.map_or_else(|| points.source_crs.clone(), str::to_string);
    if let Ok(crs) = Crs::parse(&text) {
        if !crs.is_geographic() {
            return Ok(crs);
        }
    }
    let n = points.xy.len() as f64;
    let lon = points.xy.iter().map(|p| p.0).sum::<f64>() / n;
    let lat = points.xy.iter().map(|p| p.1).sum::<f64>() / n;
    let code = utm_epsg(lon, lat);
    Crs::parse(&format!("EPSG:{code}")).map_err(|e| Error::Internal(e.to_string()))
}

/// The EPSG code of the WGS 84 UTM zone holding `(lon, lat)`: 326zz north, 327zz south.
pub fn utm_epsg(lon: f64, lat: f64) -> u32 {
    let zone = (((lon + 180.0) / 6.0).floor() as i64).clamp(0, 59) as u32 + 1;
    if lat >= 0.0 {
        32600 + zone
    } else {
        32700 + zone
    }
}

/// The automatic C–A grid over the bounding box of `xy` (about [`CA_GRID_CELLS`] square cells;
/// a box that is a line or a point is widened to one cell).
pub fn ca_grid(xy: &[(f64, f64)], crs_wkt: String) -> Result<GridSpec> {
    let Some(&(x, y)) = xy.first() else {
        return Err(Error::Internal("no points to grid".into()));
    };
    let [xmin, ymin, xmax, ymax] = xy.iter().fold([x, y, x, y], |b, &(x, y)| {
        [b[0].min(x), b[1].min(y), b[2].max(x), b[3].max(y)]
    });
    let (w, h) = (xmax - xmin, ymax - ymin);
    let res = if w > 0.0 && h > 0.0 {
        (w * h / CA_GRID_CELLS).sqrt()
    } else if w.max(h) > 0.0 {
        w.max(h) / CA_GRID_CELLS.sqrt()
    } else {
        1.0
    };
    let extent = [xmin, ymin, xmax.max(xmin + res), ymax.max(ymin + res)];
    GridSpec::from_extent(crs_wkt, extent, res)
}

/// The C–A breakpoints of one column's IDW surface on `grid` (the [`ca_grid`] of the samples),
/// as `thresholds.csv` gives them; no breakpoints without values.
pub fn ca_surface(
    xy: &[(f64, f64)],
    values: &[f64],
    grid: &GridSpec,
    engine: &Engine,
) -> std::result::Result<Vec<f64>, String> {
    let samples = Samples::new(
        xy.iter().map(|p| p.0).collect(),
        xy.iter().map(|p| p.1).collect(),
        values.to_vec(),
    )
    .map_err(|e| e.to_string())?;
    if samples.is_empty() {
        return Ok(Vec::new());
    }
    let gridder = Gridder::new(samples, CA_METHOD, false).map_err(|e| e.to_string())?;
    // `rows` on the whole grid: each cell is the same bits whatever the split into blocks.
    let parts = engine
        .map_blocks(&blocks(grid), |b| {
            let mut values = gridder.rows(grid, b.row0, b.rows).values;
            grid.mask_rows(b.row0, &mut values, f32::NAN);
            Ok(values)
        })
        .map_err(|e| e.to_string())?;
    Ok(ca_thresholds(&parts.concat()))
}

/// A number for CSV: shortest round-trip text, empty for NaN.
fn csv_number(v: f64) -> String {
    if v.is_finite() {
        format!("{v}")
    } else {
        String::new()
    }
}

/// The columns of `thresholds.csv` (and of the table `geoprospect anomalies` prints).
pub const THRESHOLD_COLUMNS: [&str; 10] = [
    "element",
    "unit",
    "n",
    "n_censored",
    "n_missing",
    "median",
    "median_2mad",
    "tukey_upper",
    "p95",
    "ca_thresholds",
];

fn write_thresholds_csv(rows: &[ElementRow], path: &Path) -> Result<()> {
    let err = |e: csv::Error| Error::output(path, format!("cannot write: {e}"));
    let mut w = csv::Writer::from_path(path).map_err(err)?;
    w.write_record(THRESHOLD_COLUMNS).map_err(err)?;
    for r in rows {
        let t = &r.thresholds;
        let ca: Vec<String> = r.ca.iter().map(|&v| csv_number(v)).collect();
        w.write_record([
            r.element.clone(),
            "ppm".into(),
            t.n.to_string(),
            r.n_censored.to_string(),
            r.n_missing.to_string(),
            csv_number(t.median),
            csv_number(t.median_2mad),
            csv_number(t.tukey_upper),
            csv_number(t.p95),
            ca.join(";"),
        ])
        .map_err(err)?;
    }
    w.flush()
        .map_err(|e| Error::output(path, format!("cannot write: {e}")))
}

/// The id column: the first header of [`ID_HEADERS`] the table has.
fn id_column(headers: &[String]) -> Option<usize> {
    let key = |h: &str| h.trim().to_lowercase().replace([' ', '-', '_'], "");
    ID_HEADERS
        .iter()
        .find_map(|want| headers.iter().position(|h| key(h) == *want))
}

fn write_samples_geojson(
    points: &PointTable,
    columns: &[ElementColumn],
    classes: &[Vec<Option<AnomalyClass>>],
    sub: &Substitution,
    path: &Path,
) -> Result<()> {
    let id = id_column(&points.table.headers);
    let mut w = FeatureCollectionWriter::create(path)?;
    for (i, &(lon, lat)) in points.xy.iter().enumerate() {
        let mut props: Vec<(String, Value)> = Vec::with_capacity(1 + 3 * columns.len());
        if let Some(c) = id {
            let text = points.table.rows[i].get(c).map_or("", |s| s.trim());
            props.push((points.table.headers[c].clone(), Value::from(text)));
        }
        for (col, cls) in columns.iter().zip(classes) {
            let name = &col.spec.column;
            let a = col.values[i];
            let value = sub.substitute(a).map_or(Value::Null, number);
            let flag = match a {
                Assay::Value(_) => "",
                Assay::Censored { .. } => "<",
                Assay::Above { .. } => ">",
                Assay::Missing => "na",
            };
            let class = cls[i].map_or(Value::Null, |c| Value::from(c.as_str()));
            props.push((name.clone(), value));
            props.push((format!("{name}_flag"), Value::from(flag)));
            props.push((format!("{name}_class"), class));
        }
        w.write(Some(&Geometry::Point([lon, lat])), &props)?;
    }
    w.finish()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utm_zones() {
        assert_eq!(utm_epsg(28.2, 69.3), 32635); // Kola, zone 35
        assert_eq!(utm_epsg(107.2, 43.1), 32648); // Mongolia
        assert_eq!(utm_epsg(127.5, 37.5), 32652); // Korea
        assert_eq!(utm_epsg(-70.6, -33.4), 32719); // Santiago
        assert_eq!(utm_epsg(180.0, 0.0), 32660);
        assert_eq!(utm_epsg(-180.0, -1.0), 32701);
    }

    #[test]
    fn grid_has_about_250k_cells() {
        let g = ca_grid(&[(0.0, 0.0), (4000.0, 1000.0)], String::new()).unwrap();
        // res = √(4e6 / 250 000) = 4: 1000 x 250 cells.
        assert_eq!((g.res, g.width, g.height), (4.0, 1000, 250));
        let g = ca_grid(&[(0.0, 5.0), (1000.0, 5.0)], String::new()).unwrap();
        assert_eq!((g.res, g.width, g.height), (2.0, 500, 1));
        let g = ca_grid(&[(3.0, 5.0)], String::new()).unwrap();
        assert_eq!((g.width, g.height), (1, 1));
    }

    #[test]
    fn element_list_is_checked() {
        let list = |s: &[&str]| s.iter().map(|v| v.to_string()).collect::<Vec<_>>();
        assert_eq!(
            wanted_elements(&list(&["mo", "Sn", " La", "MO"])).unwrap(),
            ["Mo", "Sn", "La"]
        );
        assert_eq!(
            wanted_elements(&list(&["La", "REE"]))
                .unwrap_err()
                .to_string(),
            "\"REE\" is not an element symbol"
        );
    }

    #[test]
    fn id_headers() {
        let h = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(id_column(&h(&["lon", "Sample_ID", "ID"])), Some(2));
        assert_eq!(id_column(&h(&["lon", "Sample No"])), Some(1));
        assert_eq!(id_column(&h(&["lon", "Mo"])), None);
    }
}
