//! Geochemistry: assay columns, units, censored values.
//!
//! Pure functions over text cells and numbers: nothing here opens a file. The way from a lab's
//! table to numbers a model can use is
//!
//! 1. [`crate::table::parse_table`] reads a file's bytes into text cells (encoding, delimiter,
//!    decimal comma);
//! 2. [`columns::detect_columns`] decides which headers are elements, in which [`units::Unit`],
//!    and how to convert them to element ppm (oxide factors from [`elements`]);
//! 3. [`assays::parse_assays`] reads every cell with [`censored::parse_assay`] into an
//!    [`censored::Assay`] (value, below detection, over range, missing), converted to ppm;
//! 4. [`assays::ElementColumn::substituted`] replaces censored values by a number chosen by a
//!    [`censored::Substitution`] (half the detection limit unless the project says otherwise).
//!
//! ```
//! use geoprospect_core::geochem::assays::{parse_table_assays, AssayOptions};
//! use geoprospect_core::geochem::censored::Substitution;
//! use geoprospect_core::table::{parse_table, TableOptions};
//! let text = "Sample;Mo (ppm);Fe2O3 (wt%)\nS1;<0,5;2,0\nS2;12;n.d.\n";
//! let table = parse_table(text.as_bytes(), &TableOptions::default()).unwrap();
//! let cols = parse_table_assays(&table, &AssayOptions::default()).unwrap();
//! assert_eq!(cols[0].substituted(&Substitution::default()), [0.25, 12.0]);
//! let fe = cols[1].substituted(&Substitution::default());
//! assert!((fe[0] - 13_988.6).abs() < 0.1 && fe[1].is_nan()); // 2 wt% Fe2O3 = 1.3989 wt% Fe
//! ```
pub mod anomaly;
pub mod assays;
pub mod censored;
pub mod columns;
pub mod derived;
pub mod elements;
pub mod fractal;
pub mod gridding;
pub mod stats;
pub mod transforms;
pub mod units;
