//! Weights of evidence (Bonham-Carter 1994, *Geographic Information Systems for Geoscientists*,
//! ch. 9 and appendix; Bonham-Carter, Agterberg & Wright 1989).
//!
//! # Counting
//! Areas are counted in unit cells: a class of `k` grid cells covers
//! `k · cell area / unit cell area` unit cells, `N` is the study area (every cell with evidence
//! data) and `N(D)` the number of deposits. Deposits are points: a deposit counts for the class
//! of the grid cell that contains it, and a cell with several deposits counts each of them.
//! Deposits outside the grid or on nodata evidence are left out, and so is the nodata area, as
//! ArcSDM does.
//!
//! # Weights
//! For a binary pattern `B` (one class, or a cumulative range of classes), with
//! `N(B∩D)` deposits in it and `N(B∩D̄) = N(B) − N(B∩D)`:
//!
//! ```text
//! W+ = ln[ (N(B∩D) / N(D)) / (N(B∩D̄) / N(D̄)) ]      s²(W+) = 1/N(B∩D) + 1/N(B∩D̄)
//! W− = ln[ (N(B̄∩D) / N(D)) / (N(B̄∩D̄) / N(D̄)) ]      s²(W−) = 1/N(B̄∩D) + 1/N(B̄∩D̄)
//! C = W+ − W−,  s(C) = sqrt(s²(W+) + s²(W−)),  studentized C = C / s(C)
//! ```
//!
//! # Degenerate patterns
//! ArcSDM (`calculateweights.py`, `MakeWts`) and the EIS Toolkit
//! (`weights_of_evidence.py`, `_calculate_metrics_for_class`) agree on the main cases, and so do
//! we ([`Note`] says which applied):
//! - a pattern with **no deposits** has `W+ = −∞`: every weight, deviation and contrast is
//!   reported as 0, so the class adds nothing to a posterior;
//! - a pattern holding **all deposits** has `W− = −∞`: 0.99 deposit is moved out of the pattern
//!   (`N(B∩D)` − 0.99 and `N(B̄∩D)` = 0.99), which keeps both weights finite;
//! - a pattern whose complement has **no deposit-free area** (`N(B̄∩D̄) ≤ 0`) gets
//!   `N(B̄∩D̄) = 0.99`, the EIS Toolkit's rule (ArcSDM shrinks the pattern by 0.01 unit cell
//!   instead; the two differ only in the third decimal);
//! - a pattern covering the **whole study area**, or with **at least as many deposits as unit
//!   cells** (`N(B∩D̄) ≤ 0`: choose a smaller unit cell), has no defined weights: all 0.
//!
//! The EIS Toolkit counts deposit *pixels* (a pixel with two deposits counts once); ArcSDM and
//! geoprospect count deposits.
//!
//! [`posterior()`] and [`ci_test`] combine the weights of several layers (module `posterior`).
use std::collections::BTreeMap;

use crate::error::{Error, Result};
use crate::grid::CLASS_NODATA;

mod posterior;

pub use posterior::{
    ci_test, posterior, posterior_block, CiTest, Conditions, LayerWeights, Prior, Weight,
};

/// What is substituted for an empty count (ArcSDM and EIS Toolkit).
pub const EMPTY_COUNT: f64 = 0.99;

/// Cells and deposits of one class.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ClassCount {
    /// Grid cells of the class.
    pub cells: u64,
    /// Deposits in those cells.
    pub deposits: u64,
}

/// Cells and deposits per class, accumulated block by block.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClassCounts {
    /// Class code → counts, ascending by code.
    pub classes: BTreeMap<i32, ClassCount>,
    /// Deposits that fell on nodata cells (left out).
    pub deposits_on_nodata: u64,
}

impl ClassCounts {
    /// Counts one block: `codes` are its class codes ([`CLASS_NODATA`] for nodata),
    /// `deposit_cells` the block-relative index of the cell of each deposit (repeated for
    /// several deposits in a cell).
    pub fn add_block(&mut self, codes: &[i32], deposit_cells: &[usize]) {
        // Runs of equal codes are common (class maps): count them without a map lookup each.
        let mut i = 0;
        while i < codes.len() {
            let code = codes[i];
            let mut j = i + 1;
            while j < codes.len() && codes[j] == code {
                j += 1;
            }
            if code != CLASS_NODATA {
                self.classes.entry(code).or_default().cells += (j - i) as u64;
            }
            i = j;
        }
        for &cell in deposit_cells {
            match codes.get(cell) {
                Some(&code) if code != CLASS_NODATA => {
                    self.classes.entry(code).or_default().deposits += 1;
                }
                _ => self.deposits_on_nodata += 1,
            }
        }
    }

    /// Adds the counts of another block.
    pub fn merge(&mut self, other: &ClassCounts) {
        for (code, c) in &other.classes {
            let e = self.classes.entry(*code).or_default();
            e.cells += c.cells;
            e.deposits += c.deposits;
        }
        self.deposits_on_nodata += other.deposits_on_nodata;
    }

    /// Cells with data.
    pub fn cells(&self) -> u64 {
        self.classes.values().map(|c| c.cells).sum()
    }

    /// Deposits on cells with data.
    pub fn deposits(&self) -> u64 {
        self.classes.values().map(|c| c.deposits).sum()
    }
}

/// Areas of grid cells and of the unit cell.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Units {
    /// Area of one grid cell in m² (kept in m² so that areas of whole-metre cells are exact).
    pub cell_m2: f64,
    /// Area of the unit cell in km².
    pub unit_km2: f64,
}

impl Units {
    /// Area of `cells` grid cells in km².
    pub fn km2(&self, cells: u64) -> f64 {
        cells as f64 * self.cell_m2 / 1e6
    }

    /// Unit cells covered by `cells` grid cells.
    pub fn unit_cells(&self, cells: u64) -> f64 {
        cells as f64 * self.cell_m2 / (self.unit_km2 * 1e6)
    }
}

/// Why weights were set or adjusted (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Note {
    /// No deposit in the pattern: all weights 0.
    NoDeposits,
    /// Every deposit in the pattern: 0.99 deposit moved out.
    AllDeposits,
    /// No deposit-free area outside the pattern: 0.99 unit cell substituted.
    NoAreaOutside,
    /// The pattern is the whole study area: all weights 0.
    WholeArea,
    /// At least as many deposits as unit cells in the pattern: all weights 0.
    DepositsFillPattern,
}

impl Note {
    /// Short text for tables.
    pub fn text(&self) -> &'static str {
        match self {
            Note::NoDeposits => "no deposits: weights set to 0",
            Note::AllDeposits => "all deposits: 0.99 deposit moved outside",
            Note::NoAreaOutside => "no deposit-free area outside: 0.99 unit cell used",
            Note::WholeArea => "whole study area: weights set to 0",
            Note::DepositsFillPattern => {
                "as many deposits as unit cells: weights set to 0 (use a smaller unit cell)"
            }
        }
    }
}

/// Weights of one binary pattern.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Weights {
    /// W+.
    pub w_plus: f64,
    /// s(W+).
    pub s_w_plus: f64,
    /// W−.
    pub w_minus: f64,
    /// s(W−).
    pub s_w_minus: f64,
    /// Contrast C = W+ − W−.
    pub contrast: f64,
    /// s(C).
    pub s_contrast: f64,
    /// C / s(C).
    pub studentized: f64,
    /// Substitution or reason for zero weights.
    pub note: Option<Note>,
}

impl Weights {
    fn zero(note: Note) -> Weights {
        Weights {
            w_plus: 0.0,
            s_w_plus: 0.0,
            w_minus: 0.0,
            s_w_minus: 0.0,
            contrast: 0.0,
            s_contrast: 0.0,
            studentized: 0.0,
            note: Some(note),
        }
    }

    /// Whether the weights were computed (possibly with a substituted count), not zeroed.
    pub fn defined(&self) -> bool {
        !matches!(
            self.note,
            Some(Note::NoDeposits | Note::WholeArea | Note::DepositsFillPattern)
        )
    }
}

/// Weights of a pattern of `pattern_area` unit cells holding `pattern_deposits` deposits, in a
/// study area of `area` unit cells with `deposits` deposits.
///
/// ```
/// use geoprospect_core::models::wofe::weights;
/// // 20 of 100 unit cells, 3 of 4 deposits.
/// let w = weights(20.0, 3.0, 100.0, 4.0);
/// let expected = ((3.0 / 4.0) / (17.0 / 96.0f64)).ln();
/// assert!((w.w_plus - expected).abs() < 1e-12);
/// ```
pub fn weights(pattern_area: f64, pattern_deposits: f64, area: f64, deposits: f64) -> Weights {
    let n_d = deposits;
    let n_nd = area - deposits;
    if area - pattern_area <= 0.0 {
        return Weights::zero(Note::WholeArea);
    }
    if pattern_deposits <= 0.0 {
        return Weights::zero(Note::NoDeposits);
    }
    // The four counts: A = N(B∩D), B = N(B̄∩D), C = N(B∩D̄), D = N(B̄∩D̄).
    let mut a = pattern_deposits;
    let mut b = deposits - pattern_deposits;
    let mut c = pattern_area - pattern_deposits;
    let mut d = (area - pattern_area) - b;
    if c <= 0.0 {
        return Weights::zero(Note::DepositsFillPattern);
    }
    let mut note = None;
    if b <= 0.0 {
        a -= EMPTY_COUNT;
        b = EMPTY_COUNT;
        note = Some(Note::AllDeposits);
    }
    if d <= 0.0 {
        c -= EMPTY_COUNT;
        d = EMPTY_COUNT;
        note = note.or(Some(Note::NoAreaOutside));
        if c <= 0.0 {
            return Weights::zero(Note::DepositsFillPattern);
        }
    }
    let w_plus = ((a / n_d) / (c / n_nd)).ln();
    let w_minus = ((b / n_d) / (d / n_nd)).ln();
    let v_plus = 1.0 / a + 1.0 / c;
    let v_minus = 1.0 / b + 1.0 / d;
    let contrast = w_plus - w_minus;
    let s_contrast = (v_plus + v_minus).sqrt();
    Weights {
        w_plus,
        s_w_plus: v_plus.sqrt(),
        w_minus,
        s_w_minus: v_minus.sqrt(),
        contrast,
        s_contrast,
        studentized: contrast / s_contrast,
        note,
    }
}

/// How classes make patterns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableKind {
    /// Each class against the rest (binary and categorical evidence).
    Unique,
    /// Row `c` is the pattern of classes `<= c` (small values favourable: distances).
    Ascending,
    /// Row `c` is the pattern of classes `>= c` (large values favourable: concentrations).
    Descending,
}

/// One row of a weights table.
#[derive(Debug, Clone, PartialEq)]
pub struct WeightsRow {
    /// Class code.
    pub class: i32,
    /// Grid cells of the pattern (cumulative for cumulative tables).
    pub cells: u64,
    /// Area of the pattern in km².
    pub area_km2: f64,
    /// Area of the pattern in unit cells.
    pub area_units: f64,
    /// Deposits in the pattern.
    pub deposits: u64,
    /// The weights.
    pub weights: Weights,
}

/// The weights table of a layer (rows in class order; descending tables from the largest
/// class). Errors when no deposit falls on the layer's data.
pub fn table(counts: &ClassCounts, units: Units, kind: TableKind) -> Result<Vec<WeightsRow>> {
    let n_cells = counts.cells();
    let n_dep = counts.deposits();
    if n_dep == 0 {
        return Err(Error::param(
            "no deposit falls on a cell with evidence data: weights need at least one",
        ));
    }
    let area = units.unit_cells(n_cells);
    let mut ordered: Vec<(i32, ClassCount)> =
        counts.classes.iter().map(|(&k, &c)| (k, c)).collect();
    if kind == TableKind::Descending {
        ordered.reverse();
    }
    let mut cum = ClassCount::default();
    Ok(ordered
        .into_iter()
        .map(|(class, c)| {
            let pattern = match kind {
                TableKind::Unique => c,
                TableKind::Ascending | TableKind::Descending => {
                    cum.cells += c.cells;
                    cum.deposits += c.deposits;
                    cum
                }
            };
            let area_units = units.unit_cells(pattern.cells);
            WeightsRow {
                class,
                cells: pattern.cells,
                area_km2: units.km2(pattern.cells),
                area_units,
                deposits: pattern.deposits,
                weights: weights(area_units, pattern.deposits as f64, area, n_dep as f64),
            }
        })
        .collect())
}

/// How a cumulative table becomes a binary pattern.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Generalise {
    /// The row of maximum contrast.
    MaxContrast,
    /// The row of maximum studentized contrast.
    MaxStudentized,
    /// The row of this class.
    Cut(i32),
}

impl std::str::FromStr for Generalise {
    type Err = Error;
    fn from_str(s: &str) -> Result<Generalise> {
        match s.trim() {
            "max-contrast" => Ok(Generalise::MaxContrast),
            "max-studentized" => Ok(Generalise::MaxStudentized),
            other => match other.strip_prefix("cut=") {
                Some(v) => v.trim().parse().map(Generalise::Cut).map_err(|_| {
                    Error::param(format!("cut={v}: the cut must be an integer class code"))
                }),
                None => Err(Error::param(format!(
                    "{other:?}: use max-contrast, max-studentized or cut=CLASS"
                ))),
            },
        }
    }
}

/// A cumulative table generalised to two classes: the pattern (rows up to the cut,
/// generalised class 2) with W+, the rest (class 1) with W−.
#[derive(Debug, Clone, PartialEq)]
pub struct Generalised {
    /// Index of the cut row in the table.
    pub row: usize,
    /// Its class.
    pub class: i32,
    /// The pattern's weights (W+, W− of the cut row).
    pub weights: Weights,
}

impl Generalised {
    /// Generalised class of table row `i`: 2 in the pattern, 1 outside.
    pub fn class_of_row(&self, i: usize) -> u8 {
        if i <= self.row {
            2
        } else {
            1
        }
    }
}

/// Picks the cut of a cumulative table. Rows with undefined weights and the last row (the
/// whole area) are never picked by the maxima; ties go to the first row.
pub fn generalise(rows: &[WeightsRow], how: Generalise) -> Result<Generalised> {
    let pick = |key: fn(&Weights) -> f64| {
        rows.iter()
            .enumerate()
            .take(rows.len().saturating_sub(1))
            .filter(|(_, r)| r.weights.defined())
            .fold(None, |best: Option<(usize, f64)>, (i, r)| {
                let v = key(&r.weights);
                match best {
                    Some((_, b)) if b >= v => best,
                    _ => Some((i, v)),
                }
            })
            .map(|(i, _)| i)
    };
    let row = match how {
        Generalise::MaxContrast => pick(|w| w.contrast),
        Generalise::MaxStudentized => pick(|w| w.studentized),
        Generalise::Cut(class) => {
            let i = rows.iter().position(|r| r.class == class).ok_or_else(|| {
                let classes: Vec<String> = rows.iter().map(|r| r.class.to_string()).collect();
                Error::param(format!(
                    "cut={class}: no such class; classes are {}",
                    classes.join(", ")
                ))
            })?;
            if !rows[i].weights.defined() {
                return Err(Error::param(format!(
                    "cut={class}: the weights of that pattern are undefined ({})",
                    rows[i].weights.note.map_or("", |n| n.text())
                )));
            }
            Some(i)
        }
    }
    .ok_or_else(|| {
        Error::param("no row of the cumulative table has defined weights to generalise")
    })?;
    Ok(Generalised {
        row,
        class: rows[row].class,
        weights: rows[row].weights,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A 10 x 10 grid of 1 km² cells (unit cell 1 km²): class 1 is the left 2 columns
    /// (20 cells), class 2 the rest (80 cells); 4 deposits, 3 of them in class 1 (two in the
    /// same cell), 1 in class 2.
    pub(crate) fn hand_grid() -> (Vec<i32>, Vec<usize>) {
        let codes: Vec<i32> = (0..100).map(|i| if i % 10 < 2 { 1 } else { 2 }).collect();
        let deposits = vec![0, 0, 51, 77]; // (0,0) twice, (5,1), (7,7)
        (codes, deposits)
    }

    pub(crate) fn units() -> Units {
        Units {
            cell_m2: 1e6,
            unit_km2: 1.0,
        }
    }

    #[test]
    fn hand_computed_weights_on_a_small_grid() {
        let (codes, deposits) = hand_grid();
        let mut counts = ClassCounts::default();
        // Two blocks of 5 rows, merged.
        counts.add_block(&codes[..50], &[0, 0]);
        let mut second = ClassCounts::default();
        second.add_block(&codes[50..], &[1, 27]);
        counts.merge(&second);
        let mut whole = ClassCounts::default();
        whole.add_block(&codes, &deposits);
        assert_eq!(counts, whole);
        assert_eq!(
            counts.classes[&1],
            ClassCount {
                cells: 20,
                deposits: 3
            }
        );
        assert_eq!(
            counts.classes[&2],
            ClassCount {
                cells: 80,
                deposits: 1
            }
        );

        let rows = table(&counts, units(), TableKind::Unique).unwrap();
        let w = rows[0].weights;
        // Class 1: N = 100, N(D) = 4, N(D̄) = 96, N(B∩D) = 3, N(B∩D̄) = 17, N(B̄∩D) = 1,
        // N(B̄∩D̄) = 79.
        // W+ = ln[(3/4) / (17/96)] = ln(4.235294) = 1.443452
        // W− = ln[(1/4) / (79/96)] = ln(0.303797) = −1.191394
        // s²(W+) = 1/3 + 1/17 = 0.392157;  s²(W−) = 1/1 + 1/79 = 1.012658
        // C = 2.634846;  s(C) = sqrt(1.404815) = 1.185249;  C / s(C) = 2.223033
        let close = |a: f64, b: f64| (a - b).abs() < 5e-6;
        assert!(close(w.w_plus, 1.443452), "{}", w.w_plus);
        assert!(close(w.w_minus, -1.191394), "{}", w.w_minus);
        assert!(close(w.s_w_plus, 0.392157f64.sqrt()));
        assert!(close(w.s_w_minus, 1.012658f64.sqrt()));
        assert!(close(w.contrast, 2.634846));
        assert!(close(w.s_contrast, 1.185249));
        assert!(close(w.studentized, 2.223033), "{}", w.studentized);
        assert_eq!(w.note, None);
        // Class 2 is the complement: its W+ is class 1's W−.
        assert!(close(rows[1].weights.w_plus, w.w_minus));
        assert!(close(rows[1].weights.w_minus, w.w_plus));
        // Unit cells of 0.5 km² double every count: N(B∩D̄) = 40 − 3 = 37, N(D̄) = 196.
        let half = Units {
            cell_m2: 1e6,
            unit_km2: 0.5,
        };
        let rows = table(&counts, half, TableKind::Unique).unwrap();
        let expected = ((3.0 / 4.0) / (37.0 / 196.0f64)).ln();
        assert!((rows[0].weights.w_plus - expected).abs() < 1e-12);
        assert_eq!(rows[0].area_units, 40.0);
    }

    #[test]
    fn no_deposits_and_all_deposits_follow_arcsdm_and_eis() {
        // No deposit in the pattern: all zero.
        let w = weights(20.0, 0.0, 100.0, 4.0);
        assert_eq!(w.note, Some(Note::NoDeposits));
        assert_eq!(
            (w.w_plus, w.w_minus, w.contrast, w.s_contrast),
            (0.0, 0.0, 0.0, 0.0)
        );
        // All 4 deposits in 20 of 100 cells: A = 4 − 0.99 = 3.01, B = 0.99, C = 16, D = 80.
        let w = weights(20.0, 4.0, 100.0, 4.0);
        assert_eq!(w.note, Some(Note::AllDeposits));
        let wp = ((3.01 / 4.0) / (16.0 / 96.0f64)).ln();
        let wm = ((0.99 / 4.0) / (80.0 / 96.0f64)).ln();
        assert!((w.w_plus - wp).abs() < 1e-12 && (w.w_minus - wm).abs() < 1e-12);
        assert!((w.s_w_minus - (1.0 / 0.99 + 1.0 / 80.0f64).sqrt()).abs() < 1e-12);
        // The complement holds deposits but no deposit-free area: D = 0.99, C − 0.99.
        let w = weights(97.0, 2.0, 100.0, 5.0);
        assert_eq!(w.note, Some(Note::NoAreaOutside));
        let wm = ((3.0 / 5.0) / (0.99 / 95.0f64)).ln();
        assert!((w.w_minus - wm).abs() < 1e-12);
        // Whole area and overfull patterns.
        assert_eq!(weights(100.0, 4.0, 100.0, 4.0).note, Some(Note::WholeArea));
        assert_eq!(
            weights(2.0, 2.0, 100.0, 4.0).note,
            Some(Note::DepositsFillPattern)
        );
        assert!(!weights(2.0, 2.0, 100.0, 4.0).defined());
    }

    #[test]
    fn cumulative_tables_and_generalisation() {
        // Distance classes 1..4 (near to far) of 25 cells each; deposits 3, 1, 0, 0.
        let mut counts = ClassCounts::default();
        for (k, dep) in [(1, 3), (2, 1), (3, 0), (4, 0)] {
            counts.classes.insert(
                k,
                ClassCount {
                    cells: 25,
                    deposits: dep,
                },
            );
        }
        let asc = table(&counts, units(), TableKind::Ascending).unwrap();
        assert_eq!(
            asc.iter().map(|r| r.cells).collect::<Vec<_>>(),
            [25, 50, 75, 100]
        );
        assert_eq!(
            asc.iter().map(|r| r.deposits).collect::<Vec<_>>(),
            [3, 4, 4, 4]
        );
        assert_eq!(asc[1].weights.note, Some(Note::AllDeposits));
        assert_eq!(asc[3].weights.note, Some(Note::WholeArea));
        let desc = table(&counts, units(), TableKind::Descending).unwrap();
        assert_eq!(
            desc.iter().map(|r| r.class).collect::<Vec<_>>(),
            [4, 3, 2, 1]
        );
        assert_eq!(desc[0].weights.note, Some(Note::NoDeposits));
        // Row 0: C = ln[(3/4)/(22/96)] − ln[(1/4)/(74/96)] = 1.185624 + 1.126011
        let g = generalise(&asc, Generalise::MaxContrast).unwrap();
        let c0 = asc[0].weights.contrast;
        let c1 = asc[1].weights.contrast;
        assert!((c0 - 2.311635).abs() < 1e-5, "{c0}");
        assert_eq!(g.row, if c1 > c0 { 1 } else { 0 });
        let g = generalise(&asc, Generalise::Cut(2)).unwrap();
        assert_eq!(
            (g.row, g.class, g.class_of_row(1), g.class_of_row(2)),
            (1, 2, 2, 1)
        );
        assert!(generalise(&asc, Generalise::Cut(9)).is_err());
        assert!(generalise(&asc, Generalise::Cut(4)).is_err());
        let lw = LayerWeights::generalised(&asc, &g);
        assert_eq!(lw.weight(1).w, g.weights.w_plus);
        assert_eq!(lw.weight(3).w, g.weights.w_minus);
        assert_eq!(lw.weight(CLASS_NODATA), Weight::default());
        assert_eq!("cut=3".parse::<Generalise>().unwrap(), Generalise::Cut(3));
        assert!("cut=x".parse::<Generalise>().is_err());
    }

    #[test]
    fn no_deposit_on_data_is_an_error() {
        let mut counts = ClassCounts::default();
        counts.add_block(&[1, 1, CLASS_NODATA], &[2]);
        assert_eq!(counts.deposits_on_nodata, 1);
        assert!(table(&counts, units(), TableKind::Unique).is_err());
    }
}
