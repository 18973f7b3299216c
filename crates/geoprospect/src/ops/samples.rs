//! Geochemical sample files: points located in the analysis CRS with their assays in ppm.
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::geochem::assays::{
    parse_table_assays, read_detection_limits, AssayOptions, ElementColumn,
};
use crate::geochem::censored::Substitution;
use crate::geochem::columns::ColumnOptions;
use crate::geochem::units::Unit;
use crate::io::crs::Crs;
use crate::io::points::{read_points, PointSource, PointTable};
use crate::io::table::read_table;
use crate::project::{CensoredSetting, Medium, SampleSource, UnitsSetting};
use crate::table::TableOptions;

/// One sample file, read and located.
#[derive(Debug, Clone)]
pub struct SampleSet {
    /// Name of the set (project `name` or the file stem).
    pub name: String,
    /// The file read.
    pub path: PathBuf,
    /// Points and attribute table.
    pub points: PointTable,
    /// Element columns, values in ppm.
    pub elements: Vec<ElementColumn>,
    /// The substitution rule for values below detection.
    pub substitution: Substitution,
    /// The sampled medium, when the project states it.
    pub medium: Option<Medium>,
}

/// Table options from a `[[samples]]` entry.
pub fn table_options(src: &SampleSource) -> Result<TableOptions> {
    let delimiter = match src.delimiter.as_deref() {
        None => None,
        Some("\\t") | Some("tab") => Some(b'\t'),
        Some(d) if d.len() == 1 && d.is_ascii() => Some(d.as_bytes()[0]),
        Some(d) => {
            return Err(Error::param(format!(
                "delimiter must be one ASCII character or \"tab\", got {d:?}"
            )))
        }
    };
    let decimal_comma = match src.decimal.as_deref() {
        None => None,
        Some(".") => Some(false),
        Some(",") => Some(true),
        Some(d) => {
            return Err(Error::param(format!(
                "decimal must be \".\" or \",\", got {d:?}"
            )))
        }
    };
    Ok(TableOptions {
        encoding: src.encoding.clone(),
        delimiter,
        decimal_comma,
    })
}

/// Assay options from a `[[samples]]` entry (reads the detection-limit table if named).
fn assay_options(src: &SampleSource, exclude: Vec<String>) -> Result<AssayOptions> {
    let path = src.path.as_path();
    let bad = |m: String| Error::input(path, m);
    let mut columns = ColumnOptions {
        explicit: src.columns.clone(),
        exclude,
        ..Default::default()
    };
    match &src.units {
        None => {}
        Some(UnitsSetting::Default(u)) => {
            columns.default_unit =
                Some(Unit::parse(u).ok_or_else(|| bad(format!("units: unknown unit {u:?}")))?)
        }
        Some(UnitsSetting::PerColumn(map)) => {
            let mut units = BTreeMap::new();
            for (col, u) in map {
                let unit = Unit::parse(u)
                    .ok_or_else(|| bad(format!("units: unknown unit {u:?} for column {col:?}")))?;
                units.insert(col.clone(), unit);
            }
            columns.column_units = units;
        }
    }
    let substitution = match &src.censored {
        None => Substitution::default(),
        Some(CensoredSetting::Rule(r)) => {
            Substitution::parse(r).map_err(|e| bad(format!("censored: {e}")))?
        }
        Some(CensoredSetting::Fraction(f)) => {
            Substitution::parse(&f.to_string()).map_err(|e| bad(format!("censored: {e}")))?
        }
    };
    let detection_limits = match &src.detection_limits {
        None => BTreeMap::new(),
        Some(dl) => {
            let table = read_table(dl, &TableOptions::default())?;
            read_detection_limits(&table).map_err(|e| Error::input(dl, e.to_string()))?
        }
    };
    Ok(AssayOptions {
        columns,
        substitution,
        detection_limits,
    })
}

/// Reads a `[[samples]]` entry and locates its points in `analysis`.
pub fn read_samples(src: &SampleSource, analysis: &Crs) -> Result<SampleSet> {
    let path = src.path.as_path();
    let table = table_options(src).map_err(|m| Error::input(path, m))?;
    let points = read_points(
        path,
        &PointSource {
            x: src.x.as_deref(),
            y: src.y.as_deref(),
            crs: src.crs.as_deref(),
            layer: src.layer.as_deref(),
            table,
        },
        analysis,
    )?;
    let exclude = [src.x.clone(), src.y.clone()]
        .into_iter()
        .flatten()
        .collect();
    let options = assay_options(src, exclude)?;
    let t = &points.table;
    let elements =
        parse_table_assays(t, &options).map_err(|e| Error::input(path, e.to_string()))?;
    if elements.is_empty() {
        return Err(Error::input(
            path,
            format!("no element columns recognised among {:?}: name them with `columns = {{ Mo = \"...\" }}`", t.headers),
        ));
    }
    let name = src.name.clone().unwrap_or_else(|| stem(path));
    Ok(SampleSet {
        name,
        path: path.to_path_buf(),
        points,
        elements,
        substitution: options.substitution,
        medium: src.medium,
    })
}

/// A file's stem as a layer name.
pub fn stem(path: &Path) -> String {
    path.file_stem()
        .map_or_else(|| "samples".into(), |s| s.to_string_lossy().into_owned())
}
