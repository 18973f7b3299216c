//! The assay CSV parser: bytes as a lab might deliver them -> text table -> element columns.
//!
//! The first byte picks the options (encoding label, delimiter, decimal separator) so that the
//! explicit-option paths are fuzzed as well as detection. Any input must give a table or an
//! error, never a panic; a table must be rectangular with one line number per row, and the
//! element columns must have one assay per row with consistent counts.
#![no_main]

use geoprospect_core::geochem::assays::{parse_table_assays, AssayOptions};
use geoprospect_core::geochem::censored::Assay;
use geoprospect_core::table::{parse_table, TableOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    let opts = TableOptions {
        encoding: match selector & 0b11 {
            0 => None,
            1 => Some("utf-8".into()),
            2 => Some("cp949".into()),
            _ => Some("windows-1251".into()),
        },
        delimiter: match (selector >> 2) & 0b111 {
            0 | 1 | 2 => None,
            3 => Some(b','),
            4 => Some(b';'),
            5 => Some(b'\t'),
            6 => Some(b'|'),
            _ => Some(selector), // any byte, including invalid ones
        },
        decimal_comma: match selector >> 5 {
            0 | 1 | 2 | 3 => None,
            4 | 5 => Some(false),
            _ => Some(true),
        },
    };
    let Ok(table) = parse_table(bytes, &opts) else {
        return;
    };
    assert!(!table.rows.is_empty());
    assert_eq!(table.rows.len(), table.lines.len());
    assert!(table.rows.iter().all(|r| r.len() == table.headers.len()));
    assert!(
        table.lines.windows(2).all(|w| w[0] < w[1]),
        "{:?}",
        table.lines
    );
    let Ok(columns) = parse_table_assays(&table, &AssayOptions::default()) else {
        return;
    };
    for c in &columns {
        assert_eq!(c.values.len(), table.rows.len());
        assert!(c.n_censored + c.n_missing + c.n_above <= c.values.len());
        for a in &c.values {
            match *a {
                Assay::Value(v) => assert!(v.is_finite() && v >= 0.0, "{a:?}"),
                Assay::Censored { limit } | Assay::Above { limit } => {
                    assert!(limit.is_finite() && limit > 0.0, "{a:?}")
                }
                Assay::Missing => {}
            }
        }
    }
});
