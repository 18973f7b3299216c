//! The ROC AUC as the Mann-Whitney statistic (Hanley & McNeil 1982, "The meaning and use of
//! the area under a receiver operating characteristic (ROC) curve", *Radiology* 143): the
//! chance that a random positive scores above a random negative, ties counted half,
//! `AUC = (R_pos − n_pos (n_pos + 1) / 2) / (n_pos n_neg)` with `R_pos` the positives' rank
//! sum, tied scores sharing their mean rank.

/// The ROC AUC of `scores` against the labels `y` (true = positive); rows with a NaN score are
/// left out. `None` without both a positive and a negative.
///
/// ```
/// use geoprospect_core::models::trees::roc_auc;
/// // Positives 0.9 and 0.5, negatives 0.5 and 0.1: of the 4 pairs 3 are ordered and 1 is
/// // tied, (3 + 0.5) / 4.
/// assert_eq!(roc_auc(&[0.9, 0.5, 0.5, 0.1], &[true, true, false, false]), Some(0.875));
/// assert_eq!(roc_auc(&[0.3, 0.7], &[true, true]), None);
/// ```
///
/// Panics unless `scores` and `y` have the same length.
pub fn roc_auc(scores: &[f32], y: &[bool]) -> Option<f64> {
    assert_eq!(scores.len(), y.len(), "one label per score");
    let mut order: Vec<(f32, bool)> = scores
        .iter()
        .zip(y)
        .filter(|(s, _)| !s.is_nan())
        .map(|(&s, &y)| (s, y))
        .collect();
    order.sort_by(|a, b| a.0.total_cmp(&b.0));
    let positives = order.iter().filter(|(_, y)| *y).count() as f64;
    let negatives = order.len() as f64 - positives;
    if positives == 0.0 || negatives == 0.0 {
        return None;
    }
    // Ranks from 1; a run of ties [i, j) shares the mean rank (i + 1 + j) / 2.
    let mut rank_sum = 0.0;
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        let mut pos = 0usize;
        while j < order.len() && order[j].0 == order[i].0 {
            pos += usize::from(order[j].1);
            j += 1;
        }
        rank_sum += pos as f64 * (i + 1 + j) as f64 / 2.0;
        i = j;
    }
    Some((rank_sum - positives * (positives + 1.0) / 2.0) / (positives * negatives))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// By hand: positives 3, 2, 2; negatives 2, 1. Pairs (pos > neg): 3 beats both (2), each
    /// 2 ties the 2 (0.5) and beats the 1 (1): 2 + 2 · 1.5 = 5 of 6.
    #[test]
    fn hand_computed_with_ties() {
        let s = [3.0, 2.0, 2.0, 2.0, 1.0, f32::NAN];
        let y = [true, true, true, false, false, true];
        assert_eq!(roc_auc(&s, &y), Some(5.0 / 6.0));
        assert_eq!(roc_auc(&[1.0, 1.0], &[true, false]), Some(0.5));
        assert_eq!(roc_auc(&[], &[]), None);
    }

    proptest! {
        /// The rank formula equals counting the pairs one by one.
        #[test]
        fn equals_pair_counting(v in proptest::collection::vec((0u8..6, any::<bool>()), 2..60)) {
            let s: Vec<f32> = v.iter().map(|&(s, _)| s as f32).collect();
            let y: Vec<bool> = v.iter().map(|&(_, y)| y).collect();
            let mut pairs = (0.0, 0.0);
            for (a, &ya) in s.iter().zip(&y) {
                for (b, &yb) in s.iter().zip(&y) {
                    if ya && !yb {
                        pairs.0 += if a > b { 1.0 } else if a == b { 0.5 } else { 0.0 };
                        pairs.1 += 1.0;
                    }
                }
            }
            let expect = (pairs.1 > 0.0).then(|| pairs.0 / pairs.1);
            match (roc_auc(&s, &y), expect) {
                (Some(a), Some(b)) => prop_assert!((a - b).abs() < 1e-12),
                (a, b) => prop_assert_eq!(a, b),
            }
        }
    }
}
