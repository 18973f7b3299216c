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
//! With `A = N(B∩D)`, `B = N(B̄∩D)`, `C = N(B∩D̄)`, `D = N(B̄∩D̄)` (so `W+` takes `A`, `C` and
//! `W−` takes `B`, `D`, always over the true `N(D)` and `N(D̄)`; [`Note`] says which case
//! applied):
//! - a pattern with **no deposits** has `W+ = −∞`: every weight, deviation and contrast is
//!   reported as 0, so the class adds nothing to a posterior (ArcSDM and the EIS Toolkit alike);
//! - a pattern holding **all deposits** has `W− = −∞`, and a pattern whose complement has **no
//!   deposit-free area** (`D ≤ 0`) has `W− = +∞`. ArcSDM and the EIS Toolkit then substitute
//!   0.99 in two different ways, and [`AllDepositsRule`] picks one (ArcSDM's by default):
//!   - **ArcSDM** (`Toolbox/arcsdm/calculateweights.py`, `calculate_weights`; the same traps
//!     as `MakeWts` of ArcSDM 5): a pattern with every deposit keeps its area and has 0.99
//!     deposit moved out of it, `A = N(D) − 0.99`, `B = 0.99`, `C = N(B) − N(D) + 0.99`,
//!     `D = N(B̄) − 0.99`; then, if `N(B̄) ≤ B` (no deposit-free area outside, counting the
//!     moved 0.99 deposit), the pattern shrinks to `N − B − 0.99` unit cells, which gives
//!     `C = N(D̄) − 0.99` and `D = 0.99`;
//!   - **EIS Toolkit** (`eis_toolkit/prediction/weights_of_evidence.py`,
//!     `_calculate_metrics_for_class`): if `B = 0`, `A − 0.99` and `B = 0.99` (the pattern's
//!     area shrinks with the deposit: `C`, `D` are kept); if `D ≤ 0`, `C − 0.99` and `D = 0.99`.
//!
//!   The two agree on `A`, `B` and on a complement without deposit-free area when `D = 0`
//!   exactly; on a pattern with every deposit ArcSDM's `W−` is lower by
//!   `ln[N(B̄) / (N(B̄) − 0.99)]` (about `0.99 / N(B̄)`, under 0.01 once the complement exceeds
//!   100 unit cells, and large when it is a few unit cells), and its `W+` by
//!   `ln[(C + 0.99) / C]`;
//! - a pattern covering the **whole study area** (`N(B̄) = 0`, so it holds every deposit and
//!   `D = 0`) gets, under both rules, `A = N(D) − 0.99`, `B = 0.99`, `C = N(D̄) − 0.99`,
//!   `D = 0.99`: `W− = ln[N(D̄) / N(D)]` and `W+ = ln[((N(D) − 0.99) / N(D)) / ((N(D̄) − 0.99)
//!   / N(D̄))]`, which is what both peers report for it. It is never a generalisation's cut;
//! - a pattern with **at least as many deposits as unit cells** (`C ≤ 0`, after the
//!   substitutions above; or a study area with `N(D̄) ≤ 0`) has no defined weights: all 0,
//!   with a note to choose a smaller unit cell. (ArcSDM sets the pattern's area to
//!   `N(B∩D) + 1` instead, the EIS Toolkit reports `W+ = 0` with an infinite `s(W+)`.)
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

/// How a pattern holding every deposit (or whose complement has no deposit-free area) gets
/// finite weights (formulas in the module documentation).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum AllDepositsRule {
    /// ArcSDM's (`Toolbox/arcsdm/calculateweights.py`, `calculate_weights`): 0.99 deposit is
    /// moved out of a pattern holding every deposit and the pattern keeps its area; a
    /// complement without deposit-free area is left 0.99 unit cell by shrinking the pattern to
    /// `N − N(B̄∩D) − 0.99`.
    #[default]
    ArcSdm,
    /// The EIS Toolkit's (`eis_toolkit/prediction/weights_of_evidence.py`,
    /// `_calculate_metrics_for_class`): 0.99 deposit is moved out with 0.99 unit cell of the
    /// pattern's area (`N(B∩D) − 0.99`, `N(B̄∩D) = 0.99`, the deposit-free counts kept); a
    /// complement without deposit-free area gets `N(B̄∩D̄) = 0.99` and `N(B∩D̄) − 0.99`.
    Eis,
}

impl AllDepositsRule {
    /// Name for notes and messages.
    pub fn name(&self) -> &'static str {
        match self {
            AllDepositsRule::ArcSdm => "ArcSDM",
            AllDepositsRule::Eis => "EIS Toolkit",
        }
    }
}

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
    /// Every deposit in the pattern: 0.99 deposit moved out by the rule.
    AllDeposits(AllDepositsRule),
    /// Every deposit in the pattern and, once 0.99 deposit is out, no deposit-free area
    /// outside (ArcSDM: a complement of at most 0.99 unit cell): both substitutions.
    AllDepositsNoAreaOutside(AllDepositsRule),
    /// No deposit-free area outside the pattern: 0.99 unit cell substituted by the rule.
    NoAreaOutside(AllDepositsRule),
    /// The pattern is the whole study area: 0.99 deposit and 0.99 deposit-free unit cell
    /// taken as outside (the same counts under both rules).
    WholeArea(AllDepositsRule),
    /// At least as many deposits as unit cells in the pattern (or the study area): all
    /// weights 0.
    DepositsFillPattern,
}

impl Note {
    /// Short text for tables.
    pub fn text(&self) -> &'static str {
        use AllDepositsRule::{ArcSdm, Eis};
        match self {
            Note::NoDeposits => "no deposits: weights set to 0",
            Note::AllDeposits(ArcSdm) => {
                "all deposits: ArcSDM rule, 0.99 deposit moved outside, pattern area kept"
            }
            Note::AllDeposits(Eis) => {
                "all deposits: EIS Toolkit rule, 0.99 deposit moved outside with 0.99 unit cell"
            }
            Note::AllDepositsNoAreaOutside(ArcSdm) => {
                "all deposits: ArcSDM rule, 0.99 deposit moved outside, pattern shrunk to leave \
                 0.99 deposit-free unit cell outside"
            }
            Note::AllDepositsNoAreaOutside(Eis) => {
                "all deposits: EIS Toolkit rule, 0.99 deposit moved outside with 0.99 unit cell, \
                 0.99 deposit-free unit cell outside"
            }
            Note::NoAreaOutside(ArcSdm) => {
                "no deposit-free area outside: ArcSDM rule, pattern shrunk to leave 0.99 unit \
                 cell outside"
            }
            Note::NoAreaOutside(Eis) => {
                "no deposit-free area outside: EIS Toolkit rule, 0.99 unit cell moved outside"
            }
            Note::WholeArea(ArcSdm) => {
                "whole study area: ArcSDM rule, 0.99 deposit and 0.99 deposit-free unit cell \
                 taken as outside"
            }
            Note::WholeArea(Eis) => {
                "whole study area: EIS Toolkit rule, 0.99 deposit and 0.99 deposit-free unit \
                 cell taken as outside"
            }
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
            Some(Note::NoDeposits | Note::DepositsFillPattern)
        )
    }

    /// The rule that set the weights of a pattern with every deposit or without deposit-free
    /// area outside, if one did.
    pub fn rule(&self) -> Option<AllDepositsRule> {
        match self.note? {
            Note::AllDeposits(r)
            | Note::AllDepositsNoAreaOutside(r)
            | Note::NoAreaOutside(r)
            | Note::WholeArea(r) => Some(r),
            Note::NoDeposits | Note::DepositsFillPattern => None,
        }
    }
}

/// Weights of a pattern of `pattern_area` unit cells holding `pattern_deposits` deposits, in a
/// study area of `area` unit cells with `deposits` deposits; `rule` settles a pattern with
/// every deposit or without deposit-free area outside (module documentation).
///
/// ```
/// use geoprospect_core::models::wofe::{weights, AllDepositsRule};
/// // 20 of 100 unit cells, 3 of 4 deposits.
/// let w = weights(20.0, 3.0, 100.0, 4.0, AllDepositsRule::ArcSdm);
/// let expected = ((3.0 / 4.0) / (17.0 / 96.0f64)).ln();
/// assert!((w.w_plus - expected).abs() < 1e-12);
/// ```
pub fn weights(
    pattern_area: f64,
    pattern_deposits: f64,
    area: f64,
    deposits: f64,
    rule: AllDepositsRule,
) -> Weights {
    let n_d = deposits;
    let n_nd = area - deposits;
    if pattern_deposits <= 0.0 {
        return Weights::zero(Note::NoDeposits);
    }
    if n_nd <= 0.0 {
        return Weights::zero(Note::DepositsFillPattern);
    }
    let outside = area - pattern_area;
    // The four counts: A = N(B∩D), B = N(B̄∩D), C = N(B∩D̄), D = N(B̄∩D̄).
    let mut a = pattern_deposits;
    let mut b = deposits - pattern_deposits;
    let mut c = pattern_area - pattern_deposits;
    let mut d = outside - b;
    let all = b <= 0.0;
    if all {
        // ArcSDM: `pattern_tp_count -= 0.99` (the pattern's area is kept, so the moved deposit
        // leaves 0.99 deposit-free unit cell in it); EIS: `p_A_nominator -= 0.99`,
        // `B_adjusted = 0.99` (C and D kept).
        a -= EMPTY_COUNT;
        b = EMPTY_COUNT;
        if rule == AllDepositsRule::ArcSdm {
            c += EMPTY_COUNT;
            d -= EMPTY_COUNT;
        }
    }
    if c <= 0.0 {
        return Weights::zero(Note::DepositsFillPattern);
    }
    let empty_outside = d <= 0.0;
    if empty_outside {
        c = match rule {
            // `pattern_cell_count = total_cell_count + pattern_tp_count - tp_count - 0.99`.
            AllDepositsRule::ArcSdm => n_nd - EMPTY_COUNT,
            // `p_C_nominator -= 0.99`.
            AllDepositsRule::Eis => c - EMPTY_COUNT,
        };
        d = EMPTY_COUNT;
        if c <= 0.0 {
            return Weights::zero(Note::DepositsFillPattern);
        }
    }
    let note = match (all, empty_outside) {
        _ if outside <= 0.0 => Some(Note::WholeArea(rule)),
        (true, true) => Some(Note::AllDepositsNoAreaOutside(rule)),
        (true, false) => Some(Note::AllDeposits(rule)),
        (false, true) => Some(Note::NoAreaOutside(rule)),
        (false, false) => None,
    };
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
/// class), `rule` settling patterns with every deposit. Errors when no deposit falls on the
/// layer's data.
pub fn table(
    counts: &ClassCounts,
    units: Units,
    kind: TableKind,
    rule: AllDepositsRule,
) -> Result<Vec<WeightsRow>> {
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
                weights: weights(
                    area_units,
                    pattern.deposits as f64,
                    area,
                    n_dep as f64,
                    rule,
                ),
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
/// whole area) are never picked by the maxima, and a cut at the whole area is refused; ties go
/// to the first row.
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
            if matches!(rows[i].weights.note, Some(Note::WholeArea(_))) {
                return Err(Error::param(format!(
                    "cut={class}: that pattern is the whole study area, with no class left \
                     outside it"
                )));
            }
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

        let rows = table(&counts, units(), TableKind::Unique, AllDepositsRule::ArcSdm).unwrap();
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
        let rows = table(&counts, half, TableKind::Unique, AllDepositsRule::ArcSdm).unwrap();
        let expected = ((3.0 / 4.0) / (37.0 / 196.0f64)).ln();
        assert!((rows[0].weights.w_plus - expected).abs() < 1e-12);
        assert_eq!(rows[0].area_units, 40.0);
    }

    /// The closed-form weights of the four counts `A = N(B∩D)`, `B = N(B̄∩D)`, `C = N(B∩D̄)`,
    /// `D = N(B̄∩D̄)` over `N(D)` deposits and `N(D̄)` deposit-free unit cells
    /// (`calculate_weights_bonham_carter` in ArcSDM's `calculateweights.py`, after
    /// Bonham-Carter 1994, appendix II): `W+ = ln[(A/N(D)) / (C/N(D̄))]`,
    /// `W− = ln[(B/N(D)) / (D/N(D̄))]`, `s²(W+) = 1/A + 1/C`, `s²(W−) = 1/B + 1/D`.
    fn closed_form(a: f64, b: f64, c: f64, d: f64, n_d: f64, n_nd: f64) -> [f64; 4] {
        [
            ((a / n_d) / (c / n_nd)).ln(),
            (1.0 / a + 1.0 / c).sqrt(),
            ((b / n_d) / (d / n_nd)).ln(),
            (1.0 / b + 1.0 / d).sqrt(),
        ]
    }

    fn assert_weights(w: &Weights, expected: [f64; 4]) {
        let got = [w.w_plus, w.s_w_plus, w.w_minus, w.s_w_minus];
        for (g, e) in got.iter().zip(expected) {
            assert!((g - e).abs() < 1e-12, "{got:?} vs {expected:?}");
        }
        assert!((w.contrast - (w.w_plus - w.w_minus)).abs() < 1e-15);
        let s_c = (w.s_w_plus.powi(2) + w.s_w_minus.powi(2)).sqrt();
        assert!((w.s_contrast - s_c).abs() < 1e-12);
        assert!((w.studentized - w.contrast / w.s_contrast).abs() < 1e-12);
    }

    use AllDepositsRule::{ArcSdm, Eis};

    #[test]
    fn no_deposits_and_overfull_patterns_are_zero() {
        for rule in [ArcSdm, Eis] {
            let w = weights(20.0, 0.0, 100.0, 4.0, rule);
            assert_eq!(w.note, Some(Note::NoDeposits));
            assert_eq!(
                (w.w_plus, w.w_minus, w.contrast, w.s_contrast),
                (0.0, 0.0, 0.0, 0.0)
            );
            // Two deposits in two unit cells, two more outside: C = 0.
            let w = weights(2.0, 2.0, 100.0, 4.0, rule);
            assert_eq!(w.note, Some(Note::DepositsFillPattern));
            assert!(!w.defined());
            // A study area with as many deposits as unit cells.
            let w = weights(2.0, 1.0, 4.0, 4.0, rule);
            assert_eq!(w.note, Some(Note::DepositsFillPattern));
        }
        // Every deposit in 3.5 unit cells with 4 deposits: EIS C = 3.5 − 4 < 0 (zero), ArcSDM
        // keeps the area, C = 3.5 − 4 + 0.99 = 0.49.
        assert_eq!(
            weights(3.5, 4.0, 100.0, 4.0, Eis).note,
            Some(Note::DepositsFillPattern)
        );
        let w = weights(3.5, 4.0, 100.0, 4.0, ArcSdm);
        assert_weights(&w, closed_form(3.01, 0.99, 0.49, 95.51, 4.0, 96.0));
    }

    #[test]
    fn all_deposits_with_a_large_complement() {
        // A cumulative pattern of 300 of N = 1000 unit cells holding all N(D) = 4 deposits:
        // N(D̄) = 996, N(B̄) = 700.
        // ArcSDM (`calculate_weights`: `pattern_tp_count -= 0.99`, the area kept):
        //   A = 3.01, B = 0.99, C = 300 − 4 + 0.99 = 296.99, D = 700 − 0.99 = 699.01;
        //   W+ = ln[(3.01/4)/(296.99/996)] = 0.925695, W− = ln[(0.99/4)/(699.01/996)] = −1.042262
        let w = weights(300.0, 4.0, 1000.0, 4.0, ArcSdm);
        assert_eq!(w.note, Some(Note::AllDeposits(ArcSdm)));
        assert_weights(&w, closed_form(3.01, 0.99, 296.99, 699.01, 4.0, 996.0));
        assert!((w.w_plus - 0.925695).abs() < 5e-7 && (w.w_minus + 1.042262).abs() < 5e-7);
        // EIS (`_calculate_metrics_for_class`: `p_A_nominator -= 0.99`, `B_adjusted = 0.99`):
        //   A = 3.01, B = 0.99, C = 296, D = 700;
        //   W+ = ln[(3.01/4)/(296/996)] = 0.929034, W− = ln[(0.99/4)/(700/996)] = −1.043678
        let e = weights(300.0, 4.0, 1000.0, 4.0, Eis);
        assert_eq!(e.note, Some(Note::AllDeposits(Eis)));
        assert_weights(&e, closed_form(3.01, 0.99, 296.0, 700.0, 4.0, 996.0));
        assert!((e.w_plus - 0.929034).abs() < 5e-7 && (e.w_minus + 1.043678).abs() < 5e-7);
        // W− differs by ln[N(B̄) / (N(B̄) − 0.99)] = ln(700/699.01), under 1e-2.
        let dw = e.w_minus - w.w_minus;
        assert!((dw + (700.0f64 / 699.01).ln()).abs() < 1e-12, "{dw}");
        assert!(dw.abs() < 1e-2);
    }

    #[test]
    fn all_deposits_with_a_tiny_complement() {
        // N = 100, N(D) = 4 (N(D̄) = 96), every deposit in the pattern.
        // Complement of 1.5 unit cells (> 0.99): ArcSDM keeps the pattern's area,
        //   A = 3.01, B = 0.99, C = 98.5 − 4 + 0.99 = 95.49, D = 1.5 − 0.99 = 0.51:
        //   W− = ln[(0.99/4)/(0.51/96)] = 3.841348;
        // EIS: A = 3.01, B = 0.99, C = 94.5, D = 1.5: W− = ln[(0.99/4)/(1.5/96)] = 2.762538.
        let w = weights(98.5, 4.0, 100.0, 4.0, ArcSdm);
        assert_eq!(w.note, Some(Note::AllDeposits(ArcSdm)));
        assert_weights(&w, closed_form(3.01, 0.99, 95.49, 0.51, 4.0, 96.0));
        assert!((w.w_minus - 3.841348).abs() < 5e-7);
        let e = weights(98.5, 4.0, 100.0, 4.0, Eis);
        assert_eq!(e.note, Some(Note::AllDeposits(Eis)));
        assert_weights(&e, closed_form(3.01, 0.99, 94.5, 1.5, 4.0, 96.0));
        assert!((e.w_minus - 2.762538).abs() < 5e-7);
        // Complement of 0.5 unit cell (≤ B = 0.99): ArcSDM also shrinks the pattern to
        // `N + (N(D) − 0.99) − N(D) − 0.99` = 98.02 unit cells, so C = N(D̄) − 0.99 = 95.01,
        // D = 0.99: W− = ln[(0.99/4)/(0.99/96)] = ln 24 = 3.178054;
        // EIS: C = 95.5, D = 0.5: W− = ln[(0.99/4)/(0.5/96)] = 3.861151.
        let w = weights(99.5, 4.0, 100.0, 4.0, ArcSdm);
        assert_eq!(w.note, Some(Note::AllDepositsNoAreaOutside(ArcSdm)));
        assert_weights(&w, closed_form(3.01, 0.99, 95.01, 0.99, 4.0, 96.0));
        assert!((w.w_minus - 24.0f64.ln()).abs() < 1e-12);
        let e = weights(99.5, 4.0, 100.0, 4.0, Eis);
        assert_eq!(e.note, Some(Note::AllDeposits(Eis)));
        assert_weights(&e, closed_form(3.01, 0.99, 95.5, 0.5, 4.0, 96.0));
        assert!((e.w_minus - 3.861151).abs() < 5e-7);
    }

    #[test]
    fn the_whole_area_gets_the_peers_weights() {
        // N(B) = N = 100 with all N(D) = 4 deposits. ArcSDM: A = 3.01, B = 0.99, then
        // N(B̄) = 0 ≤ 0.99 shrinks the pattern to 98.02 unit cells: C = 95.01, D = 0.99.
        // EIS: B = 0 and D = 0 give the same A, B, C − 0.99 = 95.01, D = 0.99.
        //   W+ = ln[(3.01/4)/(95.01/96)] = −0.273988,  W− = ln(96/4) = 3.178054,
        //   s(W+) = sqrt(1/3.01 + 1/95.01) = 0.585450,  s(W−) = sqrt(2/0.99) = 1.421338.
        for rule in [ArcSdm, Eis] {
            let w = weights(100.0, 4.0, 100.0, 4.0, rule);
            assert_eq!(w.note, Some(Note::WholeArea(rule)));
            assert!(w.defined());
            assert_eq!(w.rule(), Some(rule));
            assert_weights(&w, closed_form(3.01, 0.99, 95.01, 0.99, 4.0, 96.0));
            assert!((w.w_plus + 0.273988).abs() < 5e-7);
            assert!((w.w_minus - 24.0f64.ln()).abs() < 1e-12);
            assert!((w.s_w_minus - (2.0 / 0.99f64).sqrt()).abs() < 1e-12);
        }
    }

    #[test]
    fn no_deposit_free_area_outside() {
        // N = 100, N(D) = 5: 97 unit cells with 2 deposits, the 3 outside hold 3 deposits
        // (D = 0). Both rules: C = 95 − 0.99 = 94.01, D = 0.99.
        for rule in [ArcSdm, Eis] {
            let w = weights(97.0, 2.0, 100.0, 5.0, rule);
            assert_eq!(w.note, Some(Note::NoAreaOutside(rule)));
            assert_weights(&w, closed_form(2.0, 3.0, 94.01, 0.99, 5.0, 95.0));
        }
        // N = 100, N(D) = 6: 98 unit cells with 2 deposits, 4 deposits in the 2 outside
        // (D = −2). ArcSDM shrinks the pattern to N − 4 − 0.99: C = N(D̄) − 0.99 = 93.01;
        // EIS: C = 96 − 0.99 = 95.01. D = 0.99 for both.
        let w = weights(98.0, 2.0, 100.0, 6.0, ArcSdm);
        assert_eq!(w.note, Some(Note::NoAreaOutside(ArcSdm)));
        assert_weights(&w, closed_form(2.0, 4.0, 93.01, 0.99, 6.0, 94.0));
        let e = weights(98.0, 2.0, 100.0, 6.0, Eis);
        assert_eq!(e.note, Some(Note::NoAreaOutside(Eis)));
        assert_weights(&e, closed_form(2.0, 4.0, 95.01, 0.99, 6.0, 94.0));
    }

    #[test]
    fn notes_name_the_rule() {
        for (rule, name) in [(ArcSdm, "ArcSDM rule"), (Eis, "EIS Toolkit rule")] {
            for note in [
                Note::AllDeposits(rule),
                Note::AllDepositsNoAreaOutside(rule),
                Note::NoAreaOutside(rule),
                Note::WholeArea(rule),
            ] {
                assert!(note.text().contains(name), "{}", note.text());
            }
        }
        assert!(Note::AllDeposits(ArcSdm)
            .text()
            .starts_with("all deposits: "));
        assert_eq!(AllDepositsRule::default(), ArcSdm);
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
        let asc = table(
            &counts,
            units(),
            TableKind::Ascending,
            AllDepositsRule::ArcSdm,
        )
        .unwrap();
        assert_eq!(
            asc.iter().map(|r| r.cells).collect::<Vec<_>>(),
            [25, 50, 75, 100]
        );
        assert_eq!(
            asc.iter().map(|r| r.deposits).collect::<Vec<_>>(),
            [3, 4, 4, 4]
        );
        assert_eq!(asc[1].weights.note, Some(Note::AllDeposits(ArcSdm)));
        assert_eq!(asc[3].weights.note, Some(Note::WholeArea(ArcSdm)));
        // Row 1 holds every deposit in 50 of 100 unit cells: ArcSDM's A = 3.01, B = 0.99,
        // C = 46.99, D = 49.01; the EIS Toolkit's C = 46, D = 50.
        assert_weights(
            &asc[1].weights,
            closed_form(3.01, 0.99, 46.99, 49.01, 4.0, 96.0),
        );
        let eis = table(&counts, units(), TableKind::Ascending, Eis).unwrap();
        assert_eq!(eis[1].weights.note, Some(Note::AllDeposits(Eis)));
        assert_weights(
            &eis[1].weights,
            closed_form(3.01, 0.99, 46.0, 50.0, 4.0, 96.0),
        );
        assert_eq!(eis[0], asc[0]);
        assert_eq!(eis[3].weights.w_minus, asc[3].weights.w_minus);
        let desc = table(
            &counts,
            units(),
            TableKind::Descending,
            AllDepositsRule::ArcSdm,
        )
        .unwrap();
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
        let e = generalise(&asc, Generalise::Cut(4))
            .unwrap_err()
            .to_string();
        assert!(e.contains("whole study area"), "{e}");
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
        assert!(table(&counts, units(), TableKind::Unique, AllDepositsRule::ArcSdm).is_err());
    }
}
