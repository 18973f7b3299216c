//! The histogram tree learner shared by both learners: second-order (Newton) splits on binned
//! features, as XGBoost (Chen & Guestrin 2016) and LightGBM (Ke et al. 2017) grow them.
//!
//! Each row brings a gradient `g` and a hessian `h` (already times its weight). A node sums
//! them per bin of each feature it considers; a split sends bins `<= t` left (and the missing
//! bin left or right, whichever gains more), and gains
//!
//! ```text
//! gain = G_L² / (H_L + λ) + G_R² / (H_R + λ) − G² / (H + λ)
//! ```
//!
//! (Chen & Guestrin 2016, eq. 7, without γ). A leaf's value is `−G / (H + λ)`, times the
//! shrinkage. With `g = −w y`, `h = w` and `λ = 0` (a forest's probability trees) the gain is the
//! reduction of the weighted squared error and the leaf value the weighted mean of `y`, so the
//! same code grows CART regression trees (Breiman et al. 1984).
//!
//! A split needs at least `min_samples_leaf` distinct rows and a hessian sum of
//! [`MIN_HESSIAN`] on each side (scikit-learn's `min_hessian_to_split`), a depth below
//! `max_depth`, and a gain above `1e-12` of the three terms' sum (rounding on a pure node is
//! not a gain). Where a node had no missing value, missing values go to the side with more rows
//! (scikit-learn's rule). Ties between splits go to the first found: features in increasing
//! order, thresholds upward, missing right before missing left.
//!
//! Growth is best first (the open leaf of highest gain is split next, ties to the older node)
//! when leaves are limited, depth first otherwise. With all features considered, a node's
//! smaller child has its histograms summed and the larger gets the parent's minus the smaller's
//! (LightGBM's subtraction); with a random subset per node (a forest), each child draws its
//! `max_features` features (a partial Fisher-Yates shuffle by the tree's generator, in the
//! order nodes are opened) and sums them. Only the bins a node's rows occupy are visited, so a
//! small node costs its rows, not 256 bins. Rows are partitioned stably, so every sum runs over
//! rows in increasing order and the tree depends only on its inputs.
use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::ops::Range;

use super::binning::{Binned, MISSING};
use crate::rng::SplitMix64;

/// Smallest hessian sum on either side of a split.
pub(crate) const MIN_HESSIAN: f64 = 1e-3;

/// A split must gain more than this share of `G_L²/(H_L+λ) + G_R²/(H_R+λ) + G²/(H+λ)`.
const GAIN_TOLERANCE: f64 = 1e-12;

/// Bins per feature histogram: 255 value bins and the missing bin.
const SLOTS: usize = 256;

/// A row's gradient and hessian, weighted.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct GradHess {
    /// Gradient of the loss at the row's current score.
    pub g: f64,
    /// Hessian (second derivative) there.
    pub h: f64,
}

/// A fitted tree: `nodes[0]` is the root.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Tree {
    /// Splits and leaves; children come after their parent.
    pub nodes: Vec<Node>,
}

/// A node of a fitted tree.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    /// Rows with `bin <= threshold` go to `left`, others to `right`; the missing bin goes right
    /// when `missing_right`.
    Split {
        feature: usize,
        threshold: u8,
        missing_right: bool,
        left: usize,
        right: usize,
    },
    /// A leaf and its value.
    Leaf { value: f64 },
}

impl Tree {
    /// The deepest leaf's depth (0 for a lone root).
    pub(crate) fn depth(&self) -> usize {
        fn of(t: &Tree, i: usize) -> usize {
            match t.nodes[i] {
                Node::Leaf { .. } => 0,
                Node::Split { left, right, .. } => 1 + of(t, left).max(of(t, right)),
            }
        }
        of(self, 0)
    }

    /// The value of the leaf a row with bins `bin(feature)` reaches, node by node: the
    /// reference the compiled layouts are tested against.
    #[cfg(test)]
    pub(crate) fn value(&self, bin: impl Fn(usize) -> u8) -> f64 {
        let mut i = 0;
        loop {
            match self.nodes[i] {
                Node::Leaf { value } => return value,
                Node::Split {
                    feature,
                    threshold,
                    missing_right,
                    left,
                    right,
                } => {
                    i = if goes_right(bin(feature), threshold, missing_right) {
                        right
                    } else {
                        left
                    }
                }
            }
        }
    }
}

/// Whether bin `b` goes right of a split at `threshold`.
#[inline]
pub(crate) fn goes_right(b: u8, threshold: u8, missing_right: bool) -> bool {
    if b == MISSING {
        missing_right
    } else {
        b > threshold
    }
}

/// How a tree grows.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Rules {
    /// Deepest split (`usize::MAX`: none).
    pub max_depth: usize,
    /// Leaves at most; `None`: no limit (depth-first growth).
    pub max_leaves: Option<usize>,
    /// Fewest distinct rows in a leaf.
    pub min_samples_leaf: usize,
    /// λ.
    pub l2: f64,
    /// Factor of every leaf value (the learning rate).
    pub shrinkage: f64,
    /// Features considered at each node (all: histograms by subtraction).
    pub max_features: usize,
}

/// A leaf of a grown tree: its rows (a range of the row list `grow` partitioned) and value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Leaf {
    /// Positions in the row list.
    pub rows: Range<usize>,
    /// The leaf's value.
    pub value: f64,
}

/// Grows a tree on the rows listed in `rows` (increasing; reordered so each leaf's rows are
/// contiguous), with `gh[i]` the gradient and hessian of row `i`.
pub(crate) fn grow(
    binned: &Binned,
    gh: &[GradHess],
    rows: &mut [u32],
    rules: &Rules,
    rng: &mut SplitMix64,
) -> (Tree, Vec<Leaf>) {
    let features = binned.nbins.len();
    let mut g = Grower {
        binned,
        gh,
        rules,
        rng,
        subtract: rules.max_features >= features,
        tree: Tree { nodes: Vec::new() },
        leaves: Vec::new(),
        ordered: Vec::new(),
        scratch: Vec::new(),
        spare: Vec::new(),
    };
    g.run(rows);
    (g.tree, g.leaves)
}

/// Gradient, hessian and row sums.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Sums {
    g: f64,
    h: f64,
    n: u32,
}

impl Sums {
    fn plus(self, o: Sums) -> Sums {
        Sums {
            g: self.g + o.g,
            h: self.h + o.h,
            n: self.n + o.n,
        }
    }
    fn minus(self, o: Sums) -> Sums {
        Sums {
            g: self.g - o.g,
            h: self.h - o.h,
            n: self.n - o.n,
        }
    }
}

/// One feature's histogram and which of its bins are occupied.
#[derive(Debug, Clone)]
struct FeatureHist {
    sums: [Sums; SLOTS],
    present: [u64; SLOTS / 64],
}

impl FeatureHist {
    fn new() -> Box<FeatureHist> {
        Box::new(FeatureHist {
            sums: [Sums::default(); SLOTS],
            present: [0; SLOTS / 64],
        })
    }

    /// Zeroes the occupied bins.
    fn clear(&mut self) {
        for (w, word) in self.present.iter_mut().enumerate() {
            while *word != 0 {
                let b = w * 64 + word.trailing_zeros() as usize;
                self.sums[b] = Sums::default();
                *word &= *word - 1;
            }
        }
    }

    /// The occupied bins in increasing order, the missing bin left out.
    fn occupied(&self) -> impl Iterator<Item = usize> + '_ {
        self.present.iter().enumerate().flat_map(|(w, &word)| {
            let mut word = if w == SLOTS / 64 - 1 {
                word & !(1 << 63)
            } else {
                word
            };
            std::iter::from_fn(move || {
                (word != 0).then(|| {
                    let b = w * 64 + word.trailing_zeros() as usize;
                    word &= word - 1;
                    b
                })
            })
        })
    }
}

/// A node's histograms over the features it considers (increasing).
#[derive(Debug)]
struct Hist {
    features: Vec<usize>,
    per: Vec<Box<FeatureHist>>,
}

/// The best split found for a node.
#[derive(Debug, Clone, Copy)]
struct Split {
    gain: f64,
    feature: usize,
    threshold: u8,
    missing_right: bool,
}

/// A leaf that can be split.
#[derive(Debug)]
struct Open {
    node: usize,
    rows: Range<usize>,
    depth: usize,
    totals: Sums,
    hist: Hist,
    split: Split,
}

// Best first: the highest gain, then the lowest node index.
impl Ord for Open {
    fn cmp(&self, o: &Self) -> Ordering {
        self.split
            .gain
            .total_cmp(&o.split.gain)
            .then(o.node.cmp(&self.node))
    }
}
impl PartialOrd for Open {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl PartialEq for Open {
    fn eq(&self, o: &Self) -> bool {
        self.cmp(o) == Ordering::Equal
    }
}
impl Eq for Open {}

/// Open leaves: a heap (best first) or a stack (depth first).
enum Frontier {
    Best(BinaryHeap<Open>),
    Deep(Vec<Open>),
}

impl Frontier {
    fn push(&mut self, o: Open) {
        match self {
            Frontier::Best(h) => h.push(o),
            Frontier::Deep(s) => s.push(o),
        }
    }
    fn pop(&mut self) -> Option<Open> {
        match self {
            Frontier::Best(h) => h.pop(),
            Frontier::Deep(s) => s.pop(),
        }
    }
}

struct Grower<'a> {
    binned: &'a Binned,
    gh: &'a [GradHess],
    rules: &'a Rules,
    rng: &'a mut SplitMix64,
    /// All features at every node: histograms by subtraction.
    subtract: bool,
    tree: Tree,
    leaves: Vec<Leaf>,
    /// The gradients of a node's rows, in row order.
    ordered: Vec<GradHess>,
    /// Rows going right, while partitioning.
    scratch: Vec<u32>,
    /// Cleared histograms for reuse.
    spare: Vec<Box<FeatureHist>>,
}

impl Grower<'_> {
    fn run(&mut self, rows: &mut [u32]) {
        let mut frontier = if self.rules.max_leaves.is_some() {
            Frontier::Best(BinaryHeap::new())
        } else {
            Frontier::Deep(Vec::new())
        };
        self.tree.nodes.push(Node::Leaf { value: 0.0 });
        let totals = self.totals(rows);
        let hist = self.splittable(totals, 0, 1).then(|| {
            let f = self.draw();
            self.histogram(rows, f)
        });
        self.open(0, 0..rows.len(), 0, totals, hist, &mut frontier);
        let mut leaves = 1;
        while let Some(o) = frontier.pop() {
            if self.rules.max_leaves.is_some_and(|m| leaves >= m) {
                self.finish(o.node, o.rows, o.totals, Some(o.hist));
                continue;
            }
            leaves += 1;
            let Split {
                feature,
                threshold,
                missing_right,
                ..
            } = o.split;
            let mid = self.partition(rows, o.rows.clone(), feature, threshold, missing_right);
            let (lr, rr) = (o.rows.start..mid, mid..o.rows.end);
            let (lt, rt) = (
                self.totals(&rows[lr.clone()]),
                self.totals(&rows[rr.clone()]),
            );
            let (left, right) = (self.tree.nodes.len(), self.tree.nodes.len() + 1);
            self.tree.nodes[o.node] = Node::Split {
                feature,
                threshold,
                missing_right,
                left,
                right,
            };
            self.tree.nodes.push(Node::Leaf { value: 0.0 });
            self.tree.nodes.push(Node::Leaf { value: 0.0 });
            let depth = o.depth + 1;
            let can = [
                self.splittable(lt, depth, leaves),
                self.splittable(rt, depth, leaves),
            ];
            let (lh, rh) = if self.subtract {
                if can[0] || can[1] {
                    let left_smaller = lt.n <= rt.n;
                    let small = self.histogram(
                        &rows[if left_smaller { lr.clone() } else { rr.clone() }],
                        o.hist.features.clone(),
                    );
                    let mut large = o.hist;
                    for (l, s) in large.per.iter_mut().zip(&small.per) {
                        for (a, b) in l.sums.iter_mut().zip(&s.sums) {
                            *a = a.minus(*b);
                        }
                    }
                    if left_smaller {
                        (Some(small), Some(large))
                    } else {
                        (Some(large), Some(small))
                    }
                } else {
                    self.recycle(o.hist);
                    (None, None)
                }
            } else {
                self.recycle(o.hist);
                let lh = can[0].then(|| {
                    let f = self.draw();
                    self.histogram(&rows[lr.clone()], f)
                });
                let rh = can[1].then(|| {
                    let f = self.draw();
                    self.histogram(&rows[rr.clone()], f)
                });
                (lh, rh)
            };
            let (lh, rh) = (self.keep(lh, can[0]), self.keep(rh, can[1]));
            // Depth first takes the last pushed first: push right, then left.
            self.open(right, rr, depth, rt, rh, &mut frontier);
            self.open(left, lr, depth, lt, lh, &mut frontier);
        }
    }

    /// Whether a node with these sums at this depth may split, with `leaves` leaves grown.
    fn splittable(&self, t: Sums, depth: usize, leaves: usize) -> bool {
        let r = self.rules;
        depth < r.max_depth
            && r.max_leaves.map_or(true, |m| leaves < m)
            && t.n as usize >= 2 * r.min_samples_leaf
            && t.h >= 2.0 * MIN_HESSIAN
    }

    /// Opens a node that has histograms and a split; otherwise makes it a leaf.
    fn open(
        &mut self,
        node: usize,
        rows: Range<usize>,
        depth: usize,
        totals: Sums,
        hist: Option<Hist>,
        frontier: &mut Frontier,
    ) {
        match hist.map(|h| (self.best(&h, totals), h)) {
            Some((Some(split), hist)) => frontier.push(Open {
                node,
                rows,
                depth,
                totals,
                hist,
                split,
            }),
            Some((None, hist)) => self.finish(node, rows, totals, Some(hist)),
            None => self.finish(node, rows, totals, None),
        }
    }

    /// Makes node a leaf of value `−G / (H + λ)` times the shrinkage (0 for a root without
    /// weight, possible only when rows of weight 0 are all a bootstrap drew).
    fn finish(&mut self, node: usize, rows: Range<usize>, t: Sums, hist: Option<Hist>) {
        let denominator = t.h + self.rules.l2;
        let value = if denominator > 0.0 {
            -t.g / denominator * self.rules.shrinkage
        } else {
            0.0
        };
        self.tree.nodes[node] = Node::Leaf { value };
        self.leaves.push(Leaf { rows, value });
        if let Some(h) = hist {
            self.recycle(h);
        }
    }

    /// The histograms of a child that may split; those of one that may not are recycled.
    fn keep(&mut self, h: Option<Hist>, can: bool) -> Option<Hist> {
        match h {
            Some(h) if !can => {
                self.recycle(h);
                None
            }
            h => h,
        }
    }

    fn recycle(&mut self, h: Hist) {
        for mut f in h.per {
            f.clear();
            self.spare.push(f);
        }
    }

    /// The features a node considers: all, or a random `max_features` of them, increasing.
    fn draw(&mut self) -> Vec<usize> {
        let p = self.binned.nbins.len();
        let mut f: Vec<usize> = (0..p).collect();
        if !self.subtract {
            let k = self.rules.max_features;
            for i in 0..k {
                let j = i + self.rng.below((p - i) as u64) as usize;
                f.swap(i, j);
            }
            f.truncate(k);
            f.sort_unstable();
        }
        f
    }

    /// Sums of the rows, in order.
    fn totals(&self, rows: &[u32]) -> Sums {
        let mut t = Sums::default();
        for &r in rows {
            let gh = self.gh[r as usize];
            t.g += gh.g;
            t.h += gh.h;
        }
        t.n = rows.len() as u32;
        t
    }

    /// Histograms of the rows over `features`.
    fn histogram(&mut self, rows: &[u32], features: Vec<usize>) -> Hist {
        self.ordered.clear();
        self.ordered
            .extend(rows.iter().map(|&r| self.gh[r as usize]));
        let mut per = Vec::with_capacity(features.len());
        for &f in &features {
            let mut fh = self.spare.pop().unwrap_or_else(FeatureHist::new);
            let col = self.binned.column(f);
            for (&r, gh) in rows.iter().zip(&self.ordered) {
                let b = col[r as usize];
                let s = &mut fh.sums[b as usize];
                s.g += gh.g;
                s.h += gh.h;
                s.n += 1;
                fh.present[(b >> 6) as usize] |= 1 << (b & 63);
            }
            per.push(fh);
        }
        Hist { features, per }
    }

    /// The best split of a node, if any passes the rules.
    fn best(&self, hist: &Hist, t: Sums) -> Option<Split> {
        let (msl, l2) = (self.rules.min_samples_leaf as u32, self.rules.l2);
        let parent = t.g * t.g / (t.h + l2);
        let mut best: Option<(Split, f64)> = None;
        let mut try_split = |l: Sums, feature: usize, threshold: u8, missing_right: bool| {
            let r = t.minus(l);
            if l.n < msl || r.n < msl || l.h < MIN_HESSIAN || r.h < MIN_HESSIAN {
                return;
            }
            let (sl, sr) = (l.g * l.g / (l.h + l2), r.g * r.g / (r.h + l2));
            let gain = sl + sr - parent;
            if best.map_or(true, |(b, _)| gain > b.gain) {
                let split = Split {
                    gain,
                    feature,
                    threshold,
                    missing_right,
                };
                best = Some((split, sl + sr + parent));
            }
        };
        for (&f, fh) in hist.features.iter().zip(&hist.per) {
            let miss = fh.sums[MISSING as usize];
            let mut left = Sums::default();
            for b in fh.occupied() {
                let s = fh.sums[b];
                if s.n == 0 {
                    continue;
                }
                left = left.plus(s);
                if miss.n == 0 {
                    let right_larger = t.n - left.n > left.n;
                    try_split(left, f, b as u8, right_larger);
                } else {
                    try_split(left, f, b as u8, true);
                    try_split(left.plus(miss), f, b as u8, false);
                }
            }
        }
        best.filter(|(s, scale)| s.gain > GAIN_TOLERANCE * scale)
            .map(|(s, _)| s)
    }

    /// Partitions `rows[range]` stably into those going left, then right; returns the first
    /// position of the right part.
    fn partition(
        &mut self,
        rows: &mut [u32],
        range: Range<usize>,
        feature: usize,
        threshold: u8,
        missing_right: bool,
    ) -> usize {
        let col = self.binned.column(feature);
        self.scratch.clear();
        let mut l = range.start;
        for k in range.clone() {
            let r = rows[k];
            if goes_right(col[r as usize], threshold, missing_right) {
                self.scratch.push(r);
            } else {
                rows[l] = r;
                l += 1;
            }
        }
        rows[l..range.end].copy_from_slice(&self.scratch);
        l
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn binned(columns: &[&[u8]], nbins: &[usize]) -> Binned {
        Binned {
            rows: columns[0].len(),
            bins: columns.concat(),
            nbins: nbins.to_vec(),
        }
    }

    fn rules(max_depth: usize) -> Rules {
        Rules {
            max_depth,
            max_leaves: None,
            min_samples_leaf: 1,
            l2: 1.0,
            shrinkage: 0.1,
            max_features: 1,
        }
    }

    /// A stump on one feature, by hand: bins 0 0 1 1 2 2 with gradients −1 −1 −1 +1 +1 +1 and
    /// hessians 1, λ = 1. Splits: after bin 0, G_L = −2, H_L = 2, G_R = 2, H_R = 4:
    /// 4/3 + 4/5 − 0 = 2.133; after bin 1, G_L = −2, H_L = 4, G_R = 2, H_R = 2: the same
    /// 2.133, so the first (threshold 0) wins. Leaves: −(−2)/(2 + 1) · 0.1 and −2/(4 + 1) · 0.1.
    #[test]
    fn stump_matches_hand_computation() {
        let b = binned(&[&[0, 0, 1, 1, 2, 2]], &[3]);
        let gh: Vec<GradHess> = [-1.0, -1.0, -1.0, 1.0, 1.0, 1.0]
            .iter()
            .map(|&g| GradHess { g, h: 1.0 })
            .collect();
        let mut rows: Vec<u32> = (0..6).collect();
        let (tree, leaves) = grow(&b, &gh, &mut rows, &rules(1), &mut SplitMix64::new(0));
        assert_eq!(
            tree.nodes[0],
            Node::Split {
                feature: 0,
                threshold: 0,
                missing_right: true,
                left: 1,
                right: 2
            }
        );
        assert_eq!(
            tree.nodes[1],
            Node::Leaf {
                value: 2.0 / 3.0 * 0.1
            }
        );
        assert_eq!(
            tree.nodes[2],
            Node::Leaf {
                value: -2.0 / 5.0 * 0.1
            }
        );
        assert_eq!(leaves.len(), 2);
        assert_eq!(
            leaves[1].rows,
            0..2,
            "depth first: the left leaf finishes last"
        );
        // A stronger split in bin 1: gradients −1 −1 −1 −1 +1 +1 put it after bin 1
        // (G_L = −4, H_L = 4: 16/5 + 4/3 = 4.53 against 4/3 + 4/5 after bin 0).
        let gh: Vec<GradHess> = [-1.0, -1.0, -1.0, -1.0, 1.0, 1.0]
            .iter()
            .map(|&g| GradHess { g, h: 1.0 })
            .collect();
        let mut rows: Vec<u32> = (0..6).collect();
        let (tree, _) = grow(&b, &gh, &mut rows, &rules(1), &mut SplitMix64::new(0));
        assert!(matches!(tree.nodes[0], Node::Split { threshold: 1, .. }));
    }

    /// Missing values: rows in the missing bin that pull the other way from their neighbours
    /// are sent to the side they agree with.
    #[test]
    fn missing_bin_goes_where_it_gains() {
        // Bins 0 0 1 1 M M; gradients −1 −1 +1 +1 −1 −1: best is threshold 0 with the
        // missing rows left (a pure split, G_L = −4).
        let b = binned(&[&[0, 0, 1, 1, MISSING, MISSING]], &[2]);
        let gh: Vec<GradHess> = [-1.0, -1.0, 1.0, 1.0, -1.0, -1.0]
            .iter()
            .map(|&g| GradHess { g, h: 1.0 })
            .collect();
        let mut rows: Vec<u32> = (0..6).collect();
        let (tree, _) = grow(&b, &gh, &mut rows, &rules(1), &mut SplitMix64::new(0));
        assert!(matches!(
            tree.nodes[0],
            Node::Split {
                threshold: 0,
                missing_right: false,
                ..
            }
        ));
        assert_eq!(tree.value(|_| MISSING), tree.value(|_| 0));
        // Without missing rows in training, a missing value takes the larger side.
        let b = binned(&[&[0, 0, 1, 1, 1, 1]], &[2]);
        let mut rows: Vec<u32> = (0..6).collect();
        let (tree, _) = grow(&b, &gh, &mut rows, &rules(1), &mut SplitMix64::new(0));
        assert!(matches!(
            tree.nodes[0],
            Node::Split {
                threshold: 0,
                missing_right: true,
                ..
            }
        ));
    }

    /// A pure node is not split, and min_samples_leaf and max_leaves bound the tree.
    #[test]
    fn rules_bound_the_tree() {
        let b = binned(&[&[0, 1, 2, 3, 4, 5, 6, 7]], &[8]);
        let gh = vec![GradHess { g: -1.0, h: 1.0 }; 8];
        let mut rows: Vec<u32> = (0..8).collect();
        let (tree, _) = grow(&b, &gh, &mut rows, &rules(9), &mut SplitMix64::new(0));
        assert_eq!(tree.nodes.len(), 1, "pure: no split");
        let gh: Vec<GradHess> = (0..8)
            .map(|i| GradHess {
                g: if i % 2 == 0 { -1.0 } else { 1.0 },
                h: 1.0,
            })
            .collect();
        let mut r = rules(usize::MAX);
        r.min_samples_leaf = 3;
        let mut rows: Vec<u32> = (0..8).collect();
        let (_, leaves) = grow(&b, &gh, &mut rows, &r, &mut SplitMix64::new(0));
        assert!(leaves.iter().all(|l| l.rows.len() >= 3));
        r.min_samples_leaf = 1;
        r.max_leaves = Some(3);
        let mut rows: Vec<u32> = (0..8).collect();
        let (tree, leaves) = grow(&b, &gh, &mut rows, &r, &mut SplitMix64::new(0));
        assert_eq!(leaves.len(), 3);
        assert_eq!(tree.nodes.len(), 5);
        let mut covered: Vec<u32> = leaves
            .iter()
            .flat_map(|l| rows[l.rows.clone()].to_vec())
            .collect();
        covered.sort_unstable();
        assert_eq!(covered, (0..8).collect::<Vec<u32>>());
    }

    /// Subtraction (all features) and direct sums (a subset drawn per node, here all of them
    /// by drawing p of p) grow the same tree up to rounding of the larger child's bins.
    #[test]
    fn subtraction_and_direct_histograms_agree() {
        let mut rng = SplitMix64::new(3);
        let n = 400;
        let cols: Vec<Vec<u8>> = (0..3)
            .map(|_| (0..n).map(|_| rng.below(16) as u8).collect())
            .collect();
        let gh: Vec<GradHess> = (0..n)
            .map(|i| GradHess {
                g: (cols[0][i] as f64 - 7.5) * 0.1 + (cols[1][i] % 3) as f64 - 1.0,
                h: 0.25 + 0.01 * (i % 7) as f64,
            })
            .collect();
        let b = binned(&[&cols[0], &cols[1], &cols[2]], &[16, 16, 16]);
        let mut r = rules(4);
        r.max_features = 3;
        let mut rows: Vec<u32> = (0..n as u32).collect();
        let (a, _) = grow(&b, &gh, &mut rows, &r, &mut SplitMix64::new(0));
        let mut rows: Vec<u32> = (0..n as u32).collect();
        let mut g = Grower {
            binned: &b,
            gh: &gh,
            rules: &r,
            rng: &mut SplitMix64::new(0),
            subtract: false,
            tree: Tree { nodes: Vec::new() },
            leaves: Vec::new(),
            ordered: Vec::new(),
            scratch: Vec::new(),
            spare: Vec::new(),
        };
        g.run(&mut rows);
        assert_eq!(a.nodes.len(), g.tree.nodes.len());
        for (x, y) in a.nodes.iter().zip(&g.tree.nodes) {
            match (x, y) {
                (Node::Leaf { value: u }, Node::Leaf { value: v }) => {
                    assert!((u - v).abs() < 1e-12)
                }
                _ => assert_eq!(x, y),
            }
        }
        assert!(a.depth() <= 4 && a.depth() >= 2);
    }
}
