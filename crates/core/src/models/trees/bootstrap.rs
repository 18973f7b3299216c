//! The stratified bootstrap: each class resampled with replacement within itself (Efron 1979),
//! so every sample keeps its number of positives and negatives, however few the occurrences
//! (a plain bootstrap of 10 positives misses all of one in 4.5e4 samples and leaves a third of
//! them out of a typical one).
use crate::rng::SplitMix64;

/// How many times each row is drawn: the positives' draws first (as many as there are
/// positives, each `rng.below(positives)` into them in row order), then the negatives'.
pub(crate) fn counts(y: &[bool], rng: &mut SplitMix64) -> Vec<u32> {
    let mut counts = vec![0u32; y.len()];
    for class in [true, false] {
        let rows: Vec<usize> = (0..y.len()).filter(|&i| y[i] == class).collect();
        for _ in 0..rows.len() {
            counts[rows[rng.below(rows.len() as u64) as usize]] += 1;
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each class keeps its size, and the draws depend only on the seed.
    #[test]
    fn classes_keep_their_size() {
        let y: Vec<bool> = (0..1000).map(|i| i % 50 == 0).collect();
        let c = counts(&y, &mut SplitMix64::new(9));
        let of =
            |class: bool| -> u32 { (0..y.len()).filter(|&i| y[i] == class).map(|i| c[i]).sum() };
        assert_eq!((of(true), of(false)), (20, 980));
        assert_eq!(c, counts(&y, &mut SplitMix64::new(9)));
        // About 1 - 1/e of the rows are drawn at least once.
        let drawn = c.iter().filter(|&&k| k > 0).count();
        assert!((580..=680).contains(&drawn), "{drawn}");
    }
}
