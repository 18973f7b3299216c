//! A table's element columns as ppm.
//!
//! [`parse_assays`] finds the element columns of a table ([`detect_columns`]), reads every cell
//! with [`parse_assay`] and converts values *and limits* to element ppm with the column's
//! [`ColumnSpec::to_ppm`] (unit and oxide factor). Censored values stay censored; a caller turns
//! them into numbers with [`ElementColumn::substituted`] and the project's [`Substitution`].
//!
//! # Detection limits and zeros
//! Some tables code values below detection as `0` and give the limits in a separate table (the
//! Kola `dl_zeros` files). When [`AssayOptions::detection_limits`] has a limit for a column, in the
//! unit of that column's values, a `0` in that column is `Censored { limit }`. Without a limit, a
//! `0` is a real zero. Limits for columns that are not element columns (`LOI`, `pH`) are accepted
//! and unused; a limit for a column the table does not have is an error, as is a limit that is not
//! a positive number.
//!
//! [`read_detection_limits`] reads such a limits table: one column naming the data column
//! (`variable`, `column`, `element`, `name`) and one giving its limit (`detection_limit`, `dl`,
//! `limit`, `lod`), matched ignoring case, spaces and dashes. Other columns are ignored, and so are
//! rows whose limit cell is empty.
//!
//! # Errors
//! A cell that cannot be read names the column, the 1-based data row and the text:
//! `column "Mo_ppm", row 17: "abc" is not a number`. [`parse_table_assays`] adds the file line
//! (`row 17 (line 18)`), which differs from `row + 1` when the file has blank lines or quoted line
//! breaks.
use std::collections::BTreeMap;

use super::censored::{parse_assay, Assay, AssayError, Substitution};
use super::columns::{detect_columns, ColumnError, ColumnOptions, ColumnSpec};
use crate::table::{Row, TextTable};

/// Settings for [`parse_assays`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AssayOptions {
    /// Which columns are which elements.
    pub columns: ColumnOptions,
    /// The project's rule for censored values, for callers of [`ElementColumn::substituted`].
    pub substitution: Substitution,
    /// Column → detection limit in the column's unit; a `0` in that column is censored.
    pub detection_limits: BTreeMap<String, f64>,
}

/// One element column, values in element ppm.
#[derive(Debug, Clone, PartialEq)]
pub struct ElementColumn {
    /// The column and its conversion.
    pub spec: ColumnSpec,
    /// One assay per data row, in ppm (limits too).
    pub values: Vec<Assay>,
    /// Number of censored values (below detection).
    pub n_censored: usize,
    /// Number of missing values.
    pub n_missing: usize,
    /// Number of over-range values.
    pub n_above: usize,
}

impl ElementColumn {
    /// The values with censored ones replaced by `s`; NaN where missing.
    pub fn substituted(&self, s: &Substitution) -> Vec<f64> {
        self.values
            .iter()
            .map(|&a| s.substitute(a).unwrap_or(f64::NAN))
            .collect()
    }
}

/// Why a table's element columns could not be read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AssayTableError {
    /// The column settings do not fit the table.
    #[error(transparent)]
    Columns(#[from] ColumnError),
    /// A cell that is not an assay value.
    #[error("column \"{column}\", row {row}{}: {error}", line_note(*.line))]
    Value {
        column: String,
        row: usize,
        line: Option<u64>,
        error: AssayError,
    },
    /// A row shorter than the header.
    #[error("row {row}{} has {found} fields, expected {expected}", line_note(*.line))]
    ShortRow {
        row: usize,
        line: Option<u64>,
        found: usize,
        expected: usize,
    },
    /// A detection limit for a column the table does not have.
    #[error("detection limit given for column \"{column}\", which is not in the table")]
    UnknownLimitColumn { column: String },
    /// A detection limit that is not a positive number.
    #[error("detection limit {limit} for column \"{column}\" is not a positive number")]
    BadLimit { column: String, limit: f64 },
}

fn line_note(line: Option<u64>) -> String {
    line.map(|l| format!(" (line {l})")).unwrap_or_default()
}

impl AssayTableError {
    /// The error with file line numbers taken from `lines` (the line of each 0-based row).
    pub fn with_lines(mut self, lines: &[u64]) -> Self {
        if let AssayTableError::Value { row, line, .. }
        | AssayTableError::ShortRow { row, line, .. } = &mut self
        {
            *line = row.checked_sub(1).and_then(|r| lines.get(r)).copied();
        }
        self
    }
}

/// Reads the element columns of a table as ppm (rules in the module docs).
///
/// ```
/// use geoprospect_core::geochem::assays::{parse_assays, AssayOptions};
/// use geoprospect_core::geochem::censored::Assay;
/// use geoprospect_core::table::Row;
/// let headers = vec!["ID".to_string(), "Au_ppb".to_string(), "Fe2O3".to_string()];
/// let rows = vec![Row::new(["A", "<5", "10"]).unwrap()];
/// let cols = parse_assays(&headers, &rows, false, &AssayOptions::default()).unwrap();
/// assert_eq!(cols[0].values, [Assay::Censored { limit: 0.005 }]);
/// assert_eq!(cols[0].n_censored, 1);
/// let fe = cols[1].values[0];
/// assert!(matches!(fe, Assay::Value(v) if (v - 69_943.1).abs() < 0.1));
/// ```
pub fn parse_assays(
    headers: &[String],
    rows: &[Row],
    decimal_comma: bool,
    opts: &AssayOptions,
) -> Result<Vec<ElementColumn>, AssayTableError> {
    for (column, &limit) in &opts.detection_limits {
        if !headers.contains(column) {
            return Err(AssayTableError::UnknownLimitColumn {
                column: column.clone(),
            });
        }
        if !(limit.is_finite() && limit > 0.0) {
            return Err(AssayTableError::BadLimit {
                column: column.clone(),
                limit,
            });
        }
    }
    let expected = headers.len();
    if let Some((i, r)) = rows.iter().enumerate().find(|(_, r)| r.len() < expected) {
        let (row, found) = (i + 1, r.len());
        return Err(AssayTableError::ShortRow {
            row,
            line: None,
            found,
            expected,
        });
    }
    let specs = detect_columns(headers, &opts.columns)?;
    let mut columns = Vec::with_capacity(specs.len());
    for spec in specs {
        let Some(index) = headers.iter().position(|h| *h == spec.column) else {
            continue;
        };
        let zero_limit = opts.detection_limits.get(&spec.column).copied();
        let mut values = Vec::with_capacity(rows.len());
        let (mut n_censored, mut n_missing, mut n_above) = (0, 0, 0);
        for (i, row) in rows.iter().enumerate() {
            let text = &row[index];
            let assay = match (parse_assay(text, decimal_comma), zero_limit) {
                (Ok(Assay::Value(0.0)), Some(limit)) => Assay::Censored { limit },
                (Ok(a), _) => a,
                (Err(error), _) => {
                    let column = spec.column.clone();
                    return Err(AssayTableError::Value {
                        column,
                        row: i + 1,
                        line: None,
                        error,
                    });
                }
            };
            match assay {
                Assay::Censored { .. } => n_censored += 1,
                Assay::Above { .. } => n_above += 1,
                Assay::Missing => n_missing += 1,
                Assay::Value(_) => {}
            }
            values.push(assay.scaled(spec.to_ppm));
        }
        columns.push(ElementColumn {
            spec,
            values,
            n_censored,
            n_missing,
            n_above,
        });
    }
    Ok(columns)
}

/// [`parse_assays`] on a [`TextTable`], with file lines in error messages.
pub fn parse_table_assays(
    table: &TextTable,
    opts: &AssayOptions,
) -> Result<Vec<ElementColumn>, AssayTableError> {
    parse_assays(&table.headers, &table.rows, table.decimal_comma, opts)
        .map_err(|e| e.with_lines(&table.lines))
}

/// Why a detection-limit table could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DetectionLimitError {
    /// No column with one of the accepted names.
    #[error("no {wanted} column (expected one of {expected}; found {found})")]
    MissingColumn {
        wanted: &'static str,
        expected: String,
        found: String,
    },
    /// A limit that is not a positive number.
    #[error("row {row} (line {line}): detection limit \"{text}\" for \"{variable}\" is not a positive number")]
    BadValue {
        row: usize,
        line: u64,
        variable: String,
        text: String,
    },
    /// A row without a column name.
    #[error("row {row} (line {line}) has no variable name")]
    NoName { row: usize, line: u64 },
    /// The same column listed twice.
    #[error("detection limit for \"{variable}\" given twice, at rows {first} and {second}")]
    Duplicate {
        variable: String,
        first: usize,
        second: usize,
    },
}

const NAME_HEADERS: &[&str] = &["variable", "column", "element", "name"];
const LIMIT_HEADERS: &[&str] = &["detection_limit", "dl", "limit", "lod", "detectionlimit"];

/// Reads a detection-limit table into column → limit (rules in the module docs).
pub fn read_detection_limits(
    table: &TextTable,
) -> Result<BTreeMap<String, f64>, DetectionLimitError> {
    let find = |wanted: &'static str, names: &[&str]| {
        let key = |h: &str| h.trim().to_lowercase().replace([' ', '-'], "_");
        table
            .headers
            .iter()
            .position(|h| names.contains(&key(h).as_str()))
            .ok_or_else(|| DetectionLimitError::MissingColumn {
                wanted,
                expected: names.join(", "),
                found: table.headers.join(", "),
            })
    };
    let name_col = find("variable", NAME_HEADERS)?;
    let limit_col = find("detection limit", LIMIT_HEADERS)?;
    let mut limits = BTreeMap::new();
    let mut first_row: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, row) in table.rows.iter().enumerate() {
        let (row_no, line) = (i + 1, table.lines.get(i).copied().unwrap_or(0));
        let cell = |c: usize| row.get(c).unwrap_or_default();
        let (variable, text) = (cell(name_col), cell(limit_col));
        if text.is_empty() {
            continue;
        }
        if variable.is_empty() {
            return Err(DetectionLimitError::NoName { row: row_no, line });
        }
        let limit = table.number(text).filter(|v| *v > 0.0).ok_or_else(|| {
            let (variable, text) = (variable.to_string(), text.to_string());
            DetectionLimitError::BadValue {
                row: row_no,
                line,
                variable,
                text,
            }
        })?;
        if let Some(first) = first_row.insert(variable, row_no) {
            let variable = variable.to_string();
            return Err(DetectionLimitError::Duplicate {
                variable,
                first,
                second: row_no,
            });
        }
        limits.insert(variable.to_string(), limit);
    }
    Ok(limits)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geochem::units::Unit;
    use crate::table::{parse_table, TableOptions};

    fn table(text: &str) -> TextTable {
        parse_table(text.as_bytes(), &TableOptions::default()).unwrap()
    }

    #[test]
    fn values_are_converted_to_ppm_and_counted() {
        let t = table("ID;Au_ppb;Sn_%;Mo\n1;<5;0,5;2\n2;12;>1;\n3;-10;n.d.;0\n");
        assert!(t.decimal_comma);
        let cols = parse_table_assays(&t, &AssayOptions::default()).unwrap();
        let au = &cols[0];
        assert_eq!(au.spec.unit, Unit::Ppb);
        let expected = [
            Assay::Censored { limit: 0.005 },
            Assay::Value(0.012),
            Assay::Censored { limit: 0.01 },
        ];
        assert_eq!(au.values, expected);
        assert_eq!((au.n_censored, au.n_missing, au.n_above), (2, 0, 0));
        let sn = &cols[1];
        let expected = [
            Assay::Value(5000.0),
            Assay::Above { limit: 10_000.0 },
            Assay::Missing,
        ];
        assert_eq!(sn.values, expected);
        assert_eq!((sn.n_censored, sn.n_missing, sn.n_above), (0, 1, 1));
        // Without a detection limit a zero is a real zero.
        assert_eq!(
            cols[2].values,
            [Assay::Value(2.0), Assay::Missing, Assay::Value(0.0)]
        );
        let half = au.substituted(&Substitution::default());
        assert_eq!(half, [0.0025, 0.012, 0.005]);
        let sn_values = sn.substituted(&Substitution::Limit);
        assert_eq!(&sn_values[..2], [5000.0, 10_000.0]);
        assert!(sn_values[2].is_nan());
    }

    #[test]
    fn zeros_with_a_limit_are_censored() {
        let t = table("ID,Mo,Al2O3\n1,0,0\n2,1.5,12\n");
        let mut opts = AssayOptions::default();
        opts.detection_limits.insert("Mo".into(), 0.2);
        opts.detection_limits.insert("Al2O3".into(), 0.01);
        opts.detection_limits.insert("ID".into(), 1.0); // not an element column: unused
        let cols = parse_table_assays(&t, &opts).unwrap();
        assert_eq!(
            cols[0].values,
            [Assay::Censored { limit: 0.2 }, Assay::Value(1.5)]
        );
        // 0.01 wt% Al2O3 = 100 ppm × 0.529261 = 52.9261 ppm Al.
        let Assay::Censored { limit } = cols[1].values[0] else {
            panic!("{:?}", cols[1].values)
        };
        assert!((limit - 52.9261).abs() < 1e-3, "{limit}");
        assert_eq!(cols[1].n_censored, 1);

        opts.detection_limits.insert("Zn".into(), 1.0);
        let e = parse_table_assays(&t, &opts).unwrap_err();
        assert_eq!(
            e.to_string(),
            "detection limit given for column \"Zn\", which is not in the table"
        );
        opts.detection_limits.remove("Zn");
        opts.detection_limits.insert("Mo".into(), 0.0);
        let e = parse_table_assays(&t, &opts).unwrap_err();
        assert_eq!(
            e.to_string(),
            "detection limit 0 for column \"Mo\" is not a positive number"
        );
    }

    #[test]
    fn bad_cells_name_column_row_and_line() {
        let t = table("ID,Mo_ppm\n1,2\n\n2,abc\n");
        let e = parse_table_assays(&t, &AssayOptions::default()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "column \"Mo_ppm\", row 2 (line 4): \"abc\" is not a number"
        );
        let e = parse_assays(&t.headers, &t.rows, false, &AssayOptions::default()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "column \"Mo_ppm\", row 2: \"abc\" is not a number"
        );
        let rows = vec![Row::new(["1"]).unwrap()];
        let e = parse_assays(&t.headers, &rows, false, &AssayOptions::default()).unwrap_err();
        assert_eq!(e.to_string(), "row 1 has 1 fields, expected 2");
        let mut opts = AssayOptions::default();
        opts.columns.explicit.insert("Mo".into(), "Mo".into());
        let e = parse_table_assays(&t, &opts).unwrap_err();
        assert_eq!(
            e.to_string(),
            "explicit names column \"Mo\", which is not in the table"
        );
    }

    #[test]
    fn detection_limit_tables() {
        let t = table("Element;LOD;unit\nMo;0,2;ppm\nAu;;ppb\nW;1;ppm\n");
        let limits = read_detection_limits(&t).unwrap();
        assert_eq!(
            limits,
            BTreeMap::from([("Mo".to_string(), 0.2), ("W".to_string(), 1.0)])
        );
        let e = read_detection_limits(&table("name,value\nMo,1\n")).unwrap_err();
        assert!(
            e.to_string().starts_with("no detection limit column"),
            "{e}"
        );
        let e = read_detection_limits(&table("variable,dl\nMo,-1\n")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "row 1 (line 2): detection limit \"-1\" for \"Mo\" is not a positive number"
        );
        let e = read_detection_limits(&table("variable,dl\nMo,1\nMo,2\n")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "detection limit for \"Mo\" given twice, at rows 1 and 2"
        );
    }

    #[test]
    fn kola_dl_zeros_with_limits() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/");
        let data = std::path::PathBuf::from(dir).join("kola_chorizon_dl_zeros.csv");
        let limits = std::path::PathBuf::from(dir).join("kola_chorizon_dl_limits.csv");
        if !data.exists() || !limits.exists() {
            eprintln!("skipping: Kola files not found in {dir}");
            return;
        }
        let lim_table =
            parse_table(&std::fs::read(&limits).unwrap(), &TableOptions::default()).unwrap();
        let opts = AssayOptions {
            detection_limits: read_detection_limits(&lim_table).unwrap(),
            ..Default::default()
        };
        let t = parse_table(&std::fs::read(&data).unwrap(), &TableOptions::default()).unwrap();
        let cols = parse_table_assays(&t, &opts).unwrap();
        // Every column's censored count equals the limits table's `n_below_DL_coded_0`.
        let name = lim_table.column("variable").unwrap();
        let count = lim_table.column("n_below_DL_coded_0").unwrap();
        let mut checked = 0;
        for row in &lim_table.rows {
            let Some(col) = cols.iter().find(|c| c.spec.column == row[name]) else {
                continue;
            };
            assert_eq!(col.n_censored.to_string(), &row[count], "{}", &row[name]);
            checked += 1;
        }
        assert_eq!(checked, 52); // 54 limits, minus LOI and pH
        let n = |c: &str| {
            cols.iter()
                .find(|e| e.spec.column == c)
                .map(|e| e.n_censored)
        };
        assert_eq!((n("As"), n("Bi")), (Some(10), Some(15)));
        let bi = cols.iter().find(|e| e.spec.column == "Bi").unwrap();
        assert!(bi.values.contains(&Assay::Censored { limit: 0.005 }));
    }
}
