//! A two-level inference network (Bonham-Carter 1994, ch. 9): the memberships of one cell are
//! combined within each group with a fuzzy operator, then the groups are combined with a fuzzy
//! operator or a weighted index overlay, one weight per group.
//!
//! The groups of a knowledge-driven model are the components of a mineral system (source,
//! pathway, trap or host, footprint; McCuaig, Beresford & Hronsky 2010): within a component
//! the proxies stand for one another (fuzzy OR: any proxy of the component will do), across
//! components each weighs what its presence says about a deposit.
//!
//! Missing evidence is unknown, not unfavourable: a NaN membership is skipped, a group with no
//! membership drops out (the index overlay divides by the weights of the groups present), and
//! a cell with no evidence at all is NaN. The arithmetic is in `f64` in group order, so results
//! do not depend on blocks or threads.
use crate::models::fuzzy::FuzzyOp;

/// How the groups of a cell combine.
#[derive(Debug, Clone, PartialEq)]
pub enum Across {
    /// A fuzzy operator over the group values.
    Fuzzy(FuzzyOp),
    /// A weighted index overlay `Σ W_g v_g / Σ W_g` over the groups present, one weight per
    /// group.
    Index(Vec<f64>),
}

/// Evidence indices per group, the operator within groups and the combination across them.
#[derive(Debug, Clone, PartialEq)]
pub struct Network {
    /// Indices into a cell's memberships, per group.
    pub groups: Vec<Vec<usize>>,
    /// Operator within a group.
    pub within: FuzzyOp,
    /// Combination across groups.
    pub across: Across,
}

/// Buffers [`Network::cell`] reuses from cell to cell.
#[derive(Debug, Default)]
pub struct Scratch {
    members: Vec<f64>,
    values: Vec<f64>,
    weights: Vec<f64>,
}

impl Network {
    /// The score of one cell from its memberships (one per evidence, NaN where missing).
    ///
    /// ```
    /// use geoprospect_core::models::fuzzy::FuzzyOp;
    /// use geoprospect_core::models::network::{Across, Network, Scratch};
    /// // Groups {0, 1} and {2}: OR within, weights 3 and 1 across.
    /// let net = Network {
    ///     groups: vec![vec![0, 1], vec![2]],
    ///     within: FuzzyOp::Or,
    ///     across: Across::Index(vec![3.0, 1.0]),
    /// };
    /// let mut s = Scratch::default();
    /// assert_eq!(net.cell(&[0.2, 1.0, 0.6], &mut s), 0.9); // (3 · 1 + 1 · 0.6) / 4
    /// // The second group has no data: the first alone, (3 · 0.5) / 3.
    /// assert_eq!(net.cell(&[0.2, 0.5, f64::NAN], &mut s), 0.5);
    /// assert!(net.cell(&[f64::NAN; 3], &mut s).is_nan());
    /// ```
    pub fn cell(&self, memberships: &[f64], s: &mut Scratch) -> f64 {
        s.values.clear();
        s.weights.clear();
        for (k, g) in self.groups.iter().enumerate() {
            s.members.clear();
            s.members
                .extend(g.iter().map(|&i| memberships[i]).filter(|v| !v.is_nan()));
            if !s.members.is_empty() {
                s.values.push(self.within.apply_available(&s.members));
                if let Across::Index(w) = &self.across {
                    s.weights.push(w[k]);
                }
            }
        }
        if s.values.is_empty() {
            return f64::NAN;
        }
        match &self.across {
            Across::Fuzzy(op) => op.apply_available(&s.values),
            Across::Index(_) => {
                let total: f64 = s.weights.iter().sum();
                if total > 0.0 {
                    s.values
                        .iter()
                        .zip(&s.weights)
                        .map(|(v, w)| v * w)
                        .sum::<f64>()
                        / total
                } else {
                    f64::NAN
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fuzzy_across_groups_on_hand_values() {
        let net = Network {
            groups: vec![vec![0, 2], vec![1]],
            within: FuzzyOp::And,
            across: Across::Fuzzy(FuzzyOp::Product),
        };
        let mut s = Scratch::default();
        // min(0.5, 0.8) · 0.4
        assert_eq!(net.cell(&[0.5, 0.4, 0.8], &mut s), 0.2);
        // A missing member is skipped, not taken as 0.
        assert_eq!(net.cell(&[f64::NAN, 0.4, 0.8], &mut s), 0.8 * 0.4);
    }

    #[test]
    fn index_weights_of_absent_groups_do_not_count() {
        let net = Network {
            groups: vec![vec![0], vec![1], vec![2]],
            within: FuzzyOp::Or,
            across: Across::Index(vec![0.35, 0.35, 0.3]),
        };
        let mut s = Scratch::default();
        let v = net.cell(&[1.0, f64::NAN, 0.0], &mut s);
        assert!((v - 0.35 / 0.65).abs() < 1e-12, "{v}");
        // Only zero-weight groups present: no score.
        let zero = Network {
            across: Across::Index(vec![0.0, 1.0, 1.0]),
            ..net
        };
        assert!(zero.cell(&[1.0, f64::NAN, f64::NAN], &mut s).is_nan());
    }
}
