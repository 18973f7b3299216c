//! Validation of a score map against known occurrences: the success-rate curve, its area (the
//! ROC AUC of occurrences against all cells), the share of occurrences captured in the
//! highest-scoring 5, 10 and 20 % of the area, and the prediction-area (P-A) plot (Yousefi &
//! Carranza 2015) with its intersection.
//!
//! Everything is exact and computed in one pass over the score blocks: with the occurrences'
//! scores sorted, each cell is counted into the interval between two occurrence scores it falls
//! in, which gives, for every occurrence, how much area scores higher and how much the same.
use crate::error::{Error, Result};

/// Cell counts between sorted occurrence scores.
#[derive(Debug, Clone, PartialEq)]
pub struct AreaCounts {
    /// Occurrence scores, ascending (occurrences on nodata left out).
    pub scores: Vec<f64>,
    /// `between[k]`: cells scoring strictly between `scores[k-1]` and `scores[k]` (below the
    /// lowest for k = 0, above the highest for k = n).
    between: Vec<u64>,
    /// `equal[k]`: cells scoring exactly `scores[k]`.
    equal: Vec<u64>,
    /// Valid cells.
    pub cells: u64,
}

impl AreaCounts {
    /// Empty counts for occurrences with these scores (NaN scores are left out).
    pub fn new(occurrence_scores: &[f64]) -> AreaCounts {
        let mut scores: Vec<f64> = occurrence_scores
            .iter()
            .copied()
            .filter(|v| !v.is_nan())
            .collect();
        scores.sort_by(f64::total_cmp);
        scores.dedup();
        let n = scores.len();
        AreaCounts {
            scores,
            between: vec![0; n + 1],
            equal: vec![0; n],
            cells: 0,
        }
    }

    /// Counts one block of scores.
    pub fn add(&mut self, block: &[f32]) {
        for &v in block {
            if v.is_nan() {
                continue;
            }
            let v = v as f64;
            self.cells += 1;
            match self.scores.binary_search_by(|s| s.total_cmp(&v)) {
                Ok(k) => self.equal[k] += 1,
                Err(k) => self.between[k] += 1,
            }
        }
    }

    /// Adds another block's counts (same occurrence scores).
    pub fn merge(&mut self, other: &AreaCounts) {
        for (a, b) in self.between.iter_mut().zip(&other.between) {
            *a += b;
        }
        for (a, b) in self.equal.iter_mut().zip(&other.equal) {
            *a += b;
        }
        self.cells += other.cells;
    }

    /// Cells scoring strictly above `scores[k]`.
    fn cells_above(&self, k: usize) -> u64 {
        self.between[k + 1..].iter().sum::<u64>() + self.equal[k + 1..].iter().sum::<u64>()
    }
}

/// A success-rate curve and the figures read from it.
#[derive(Debug, Clone, PartialEq)]
pub struct Validation {
    /// Occurrences scored (on valid cells).
    pub occurrences: usize,
    /// Valid cells of the score map: the area the fractions refer to.
    pub cells: u64,
    /// Points `(area fraction, occurrence fraction)` from (0, 0) to (1, 1), highest scores first.
    pub curve: Vec<(f64, f64)>,
    /// Area under the success-rate curve = P(score at an occurrence > score of a random cell),
    /// ties counted half.
    pub auc: f64,
    /// Share of occurrences in the highest-scoring 5, 10 and 20 % of the area.
    pub capture: [(f64, f64); 3],
    /// P-A intersection: (score threshold, occurrence share = 1 - area share).
    pub pa_intersection: Option<(f64, f64)>,
}

/// Validates occurrence scores (one per occurrence, NaN if on nodata) against the counts.
pub fn validate(occurrence_scores: &[f64], counts: &AreaCounts) -> Result<Validation> {
    let mut scores: Vec<f64> = occurrence_scores
        .iter()
        .copied()
        .filter(|v| !v.is_nan())
        .collect();
    if scores.is_empty() {
        return Err(Error::param(
            "no occurrence falls on a scored cell: nothing to validate against",
        ));
    }
    if counts.cells == 0 {
        return Err(Error::param("the score map has no valid cells"));
    }
    scores.sort_by(|a, b| b.total_cmp(a));
    let n = scores.len() as f64;
    let total = counts.cells as f64;
    let index = |s: f64| {
        counts
            .scores
            .binary_search_by(|v| v.total_cmp(&s))
            .unwrap_or(0)
    };
    // AUC: for each occurrence, cells strictly below plus half the ties.
    let mut auc = 0.0;
    for &s in &scores {
        let k = index(s);
        let above = counts.cells_above(k) as f64;
        let equal = counts.equal[k] as f64;
        auc += (total - above - equal + 0.5 * equal) / total;
    }
    auc /= n;
    // The curve: after all cells scoring >= s, the occurrences scoring >= s are found.
    let mut curve = vec![(0.0, 0.0)];
    let mut seen = 0usize;
    let mut i = 0;
    while i < scores.len() {
        let s = scores[i];
        while i < scores.len() && scores[i] == s {
            i += 1;
            seen += 1;
        }
        let k = index(s);
        let area = (counts.cells_above(k) + counts.equal[k]) as f64 / total;
        curve.push((area, seen as f64 / n));
    }
    if curve.last() != Some(&(1.0, 1.0)) {
        curve.push((1.0, 1.0));
    }
    let capture = [0.05, 0.10, 0.20].map(|a| (a, captured(&curve, a)));
    let pa_intersection = pa_intersection(&scores, &curve);
    Ok(Validation {
        occurrences: scores.len(),
        cells: counts.cells,
        curve,
        auc,
        capture,
        pa_intersection,
    })
}

/// The share of occurrences found within the highest-scoring fraction `a` of the area: the
/// curve's last point at or before `a` (a step, not an interpolation: an occurrence counts only
/// once the whole area scoring as high as it is inside the fraction).
fn captured(curve: &[(f64, f64)], a: f64) -> f64 {
    curve
        .iter()
        .take_while(|(x, _)| *x <= a + 1e-12)
        .last()
        .map_or(0.0, |&(_, y)| y)
}

/// Where the prediction rate (occurrence share above a threshold) equals the area share
/// below it (1 - area share above), interpolated between the occurrence-score thresholds.
fn pa_intersection(descending: &[f64], curve: &[(f64, f64)]) -> Option<(f64, f64)> {
    // curve[j] (j >= 1) is at threshold = the j-th distinct score in descending order.
    let mut distinct: Vec<f64> = descending.to_vec();
    distinct.dedup();
    let points: Vec<(f64, f64, f64)> = distinct
        .iter()
        .zip(&curve[1..])
        .map(|(&t, &(area, rate))| (t, rate, 1.0 - area))
        .collect();
    for w in points.windows(2) {
        let ((t0, p0, a0), (t1, p1, a1)) = (w[0], w[1]);
        let (d0, d1) = (p0 - a0, p1 - a1);
        if d0 == 0.0 {
            return Some((t0, p0));
        }
        if d0.signum() != d1.signum() {
            let f = d0 / (d0 - d1);
            return Some((t0 + f * (t1 - t0), p0 + f * (p1 - p0)));
        }
    }
    points
        .first()
        .filter(|(_, p, a)| p == a)
        .map(|&(t, p, _)| (t, p))
}

/// One row of a success-rate curve: after the cells scoring at least `threshold` (`None` for
/// the start, before any cell, and for a closing (1, 1) point below the lowest deposit score),
/// `area_fraction` of the area holds `deposit_fraction` of the deposits.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CurveRow {
    /// Fraction of the scored area with a score `>= threshold`.
    pub area_fraction: f64,
    /// Fraction of the deposits on those cells.
    pub deposit_fraction: f64,
    /// The score level.
    pub threshold: Option<f64>,
}

/// The curve of `v` with the score level of each point; `occurrence_scores` are the scores
/// `v` was computed from (NaN for deposits on nodata).
pub fn curve_rows(v: &Validation, occurrence_scores: &[f64]) -> Vec<CurveRow> {
    let mut distinct: Vec<f64> = occurrence_scores
        .iter()
        .copied()
        .filter(|s| !s.is_nan())
        .collect();
    distinct.sort_by(|a, b| b.total_cmp(a));
    distinct.dedup();
    v.curve
        .iter()
        .enumerate()
        .map(|(j, &(a, d))| CurveRow {
            area_fraction: a,
            deposit_fraction: d,
            threshold: j.checked_sub(1).and_then(|k| distinct.get(k).copied()),
        })
        .collect()
}

/// One row of a prediction-area (P-A) plot (Yousefi & Carranza 2015): at a score level, the
/// prediction rate (fraction of deposits scoring `>=` it) against the fraction of the area
/// scoring `>=` it; the P-A plot draws the rate and `1 - area_fraction` against the level, and
/// they cross where `rate = 1 - area_fraction`. `normalized_density` = rate / area fraction.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PaRow {
    /// The score level.
    pub threshold: f64,
    /// Fraction of deposits scoring `>=` the level.
    pub prediction_rate: f64,
    /// Fraction of the area scoring `>=` the level.
    pub area_fraction: f64,
    /// `1 - area_fraction`.
    pub area_complement: f64,
    /// `prediction_rate / area_fraction`.
    pub normalized_density: f64,
}

/// The P-A table: one row per curve point with a score level, highest level first.
pub fn pa_rows(curve: &[CurveRow]) -> Vec<PaRow> {
    curve
        .iter()
        .filter_map(|r| {
            r.threshold.map(|t| PaRow {
                threshold: t,
                prediction_rate: r.deposit_fraction,
                area_fraction: r.area_fraction,
                area_complement: 1.0 - r.area_fraction,
                normalized_density: if r.area_fraction > 0.0 {
                    r.deposit_fraction / r.area_fraction
                } else {
                    f64::NAN
                },
            })
        })
        .collect()
}

/// A number for CSV: shortest round-trip text, empty for NaN.
pub fn csv_number(v: f64) -> String {
    if v.is_finite() {
        format!("{v}")
    } else {
        String::new()
    }
}

/// Writes the curve as CSV: `area_fraction,deposit_fraction,score_threshold` (empty threshold
/// for the start and a closing point).
pub fn write_curve_csv<W: std::io::Write>(rows: &[CurveRow], out: W) -> csv::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(["area_fraction", "deposit_fraction", "score_threshold"])?;
    for r in rows {
        w.write_record([
            csv_number(r.area_fraction),
            csv_number(r.deposit_fraction),
            r.threshold.map_or(String::new(), csv_number),
        ])?;
    }
    w.flush()?;
    Ok(())
}

/// Writes the P-A table as CSV: `score_threshold,prediction_rate,area_fraction,
/// one_minus_area_fraction,normalized_density`.
pub fn write_pa_csv<W: std::io::Write>(rows: &[PaRow], out: W) -> csv::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "score_threshold",
        "prediction_rate",
        "area_fraction",
        "one_minus_area_fraction",
        "normalized_density",
    ])?;
    for r in rows {
        w.write_record([
            csv_number(r.threshold),
            csv_number(r.prediction_rate),
            csv_number(r.area_fraction),
            csv_number(r.area_complement),
            csv_number(r.normalized_density),
        ])?;
    }
    w.flush()?;
    Ok(())
}

/// The figures of a validation as `metric,value` rows: `deposits`, `auc`, `capture_5`,
/// `capture_10`, `capture_20` (fractions of deposits in the top 5/10/20 % of the area),
/// `pa_threshold`, `pa_prediction_rate` (the P-A intersection; empty when the curves do not
/// cross).
pub fn summary_rows(v: &Validation) -> Vec<(String, String)> {
    let mut rows = vec![
        ("deposits".to_string(), v.occurrences.to_string()),
        ("auc".into(), csv_number(v.auc)),
    ];
    for (a, c) in v.capture {
        rows.push((format!("capture_{}", (a * 100.0).round()), csv_number(c)));
    }
    let (t, p) = v.pa_intersection.unwrap_or((f64::NAN, f64::NAN));
    rows.push(("pa_threshold".into(), csv_number(t)));
    rows.push(("pa_prediction_rate".into(), csv_number(p)));
    rows
}

/// The figures of a validation in one line: AUC, captures and the P-A intersection.
pub fn describe(v: &Validation) -> String {
    let mut s = format!(
        "AUC {:.3} on {} deposits; captured in the top 5/10/20 % of the area: {:.0} / {:.0} / {:.0} %",
        v.auc,
        v.occurrences,
        100.0 * v.capture[0].1,
        100.0 * v.capture[1].1,
        100.0 * v.capture[2].1
    );
    match v.pa_intersection {
        Some((t, p)) => s.push_str(&format!(
            "; P-A intersection at score {t:.4}: {:.0} % of the deposits in {:.0} % of the area",
            100.0 * p,
            100.0 * (1.0 - p)
        )),
        None => s.push_str("; the P-A curves do not cross"),
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(cells: &[f32], occ: &[f64]) -> AreaCounts {
        let mut c = AreaCounts::new(occ);
        c.add(cells);
        c
    }

    #[test]
    fn perfect_and_random_maps() {
        // 10 cells scored 0.1 .. 1.0; one occurrence on the best cell.
        let cells: Vec<f32> = (1..=10).map(|i| i as f32 / 10.0).collect();
        let v = validate(&[1.0], &counts(&cells, &[1.0])).unwrap();
        // 9 cells below, the occurrence's own cell counts half: (9 + 0.5) / 10.
        assert!((v.auc - 0.95).abs() < 1e-12, "{}", v.auc);
        assert_eq!(v.curve, vec![(0.0, 0.0), (0.1, 1.0), (1.0, 1.0)]);
        // A flat map: every cell ties, AUC = 0.5.
        let flat = vec![0.5f32; 10];
        let v = validate(&[0.5, 0.5], &counts(&flat, &[0.5, 0.5])).unwrap();
        assert!((v.auc - 0.5).abs() < 1e-12);
    }

    #[test]
    fn auc_equals_pairwise_probability() {
        let cells: Vec<f32> = vec![0.1, 0.2, 0.2, 0.4, 0.5, 0.7, 0.9, 0.9];
        let occ = [0.2f64, 0.7, 0.9];
        let v = validate(&occ, &counts(&cells, &occ)).unwrap();
        // Brute force: P(occ > cell) + 0.5 P(occ = cell).
        let mut p = 0.0;
        for &o in &occ {
            for &c in &cells {
                let c = c as f64;
                p += if o > c {
                    1.0
                } else if o == c {
                    0.5
                } else {
                    0.0
                };
            }
        }
        p /= (occ.len() * cells.len()) as f64;
        assert!((v.auc - p).abs() < 1e-12, "{} vs {p}", v.auc);
    }

    #[test]
    fn capture_reads_the_curve() {
        let cells: Vec<f32> = (1..=100).map(|i| i as f32).collect();
        let occ = [100.0, 99.0, 50.0, 10.0];
        let v = validate(&occ, &counts(&cells, &occ)).unwrap();
        // Top 5 % of the area holds cells 96..100: two occurrences of four.
        assert!((v.capture[0].1 - 0.5).abs() < 1e-12, "{:?}", v.capture);
        let (t, share) = v.pa_intersection.unwrap();
        assert!(
            t > 10.0 && t < 99.0 && share > 0.0 && share < 1.0,
            "{t} {share}"
        );
    }

    #[test]
    fn curve_and_pa_tables_carry_the_score_levels() {
        // 10 cells 0.1 .. 1.0; deposits on 1.0, 0.8 and 0.8, and one on nodata.
        let cells: Vec<f32> = (1..=10).map(|i| i as f32 / 10.0).collect();
        let occ = [1.0f32 as f64, 0.8f32 as f64, 0.8f32 as f64, f64::NAN];
        let v = validate(&occ, &counts(&cells, &occ)).unwrap();
        let rows = curve_rows(&v, &occ);
        // (0, 0); 1 cell >= 1.0 holds 1 of 3; 3 cells >= 0.8 hold 3 of 3; (1, 1).
        assert_eq!(rows.len(), 4);
        assert_eq!(rows[0].threshold, None);
        assert_eq!(rows[1].threshold, Some(1.0));
        assert!((rows[1].area_fraction - 0.1).abs() < 1e-12);
        assert!((rows[1].deposit_fraction - 1.0 / 3.0).abs() < 1e-12);
        assert_eq!(rows[2].threshold, Some(0.8f32 as f64));
        assert!((rows[2].area_fraction - 0.3).abs() < 1e-12);
        assert_eq!((rows[3].area_fraction, rows[3].threshold), (1.0, None));
        let pa = pa_rows(&rows);
        assert_eq!(pa.len(), 2);
        assert!((pa[1].normalized_density - 1.0 / 0.3).abs() < 1e-12);
        let mut text = Vec::new();
        write_curve_csv(&rows, &mut text).unwrap();
        let text = String::from_utf8(text).unwrap();
        assert!(text.starts_with("area_fraction,deposit_fraction,score_threshold\n0,0,\n"));
        assert!(text.ends_with("1,1,\n"), "{text}");
        let s = summary_rows(&v);
        assert_eq!(s[0], ("deposits".to_string(), "3".to_string()));
        assert_eq!(s[3].0, "capture_10");
        assert!(describe(&v).starts_with("AUC "));
    }

    #[test]
    fn occurrences_on_nodata_are_left_out() {
        let cells = [0.1f32, f32::NAN, 0.9];
        let v = validate(&[f64::NAN, 0.9], &counts(&cells, &[f64::NAN, 0.9])).unwrap();
        assert_eq!(v.occurrences, 1);
        assert!(validate(&[f64::NAN], &counts(&cells, &[f64::NAN])).is_err());
    }
}
