//! Compiled trees and block prediction.
//!
//! Cells are predicted in chunks of [`CHUNK`]. Each feature of a chunk is binned once (the
//! training edges, eight cells' branch-free searches in lock-step) into two byte columns: the
//! bin with missing as 255, and the bin plus one with missing as 0 (wrapping). A split then
//! sends a cell right when the byte of its column is above its threshold: the plain column and
//! the bin threshold `t` when missing values go right, the shifted column and `t + 1` when they
//! go left, with no branch on missing values. Tree after tree runs over the whole chunk, its
//! nodes in L1:
//!
//! - a tree of at most 64 leaves, every boosted tree by default (31 leaves), runs as
//!   QuickScorer (Lucchese et al. 2015): each cell keeps a bitvector of the leaves it can still
//!   reach, node after node clears the leaves of a node's left subtree for the cells that go
//!   right, and the leftmost leaf left is the exit. Over 64 (32 for 64-bit bitvectors) cells
//!   at a time that is a loop of byte loads, compares and masks without a branch, which the
//!   compiler vectorises: 8 cells per instruction with AVX2 (compiled twice, chosen at run time
//!   as `fuzzy::combine` does), 4 with SSE2 or NEON;
//! - a deeper tree (a forest's) keeps its shape, nodes breadth first with each node's
//!   children side by side, and a leaf is a node that always returns to itself: [`LANES`]
//!   cells walk down together, so their loads overlap, until none moves.
//!
//! On the 2-core AMD EPYC (Zen 4) this was tuned on, with 20 features and 5 × 100 boosted trees
//! of 31 leaves, a cell costs about 4 cycles per tree in QuickScorer with AVX2, against 10 for
//! a complete tree of depth 6 walked level by level by 8 interleaved cells (1.6 cycles a level)
//! and 25 for the same walk with AVX2 gathers; binning costs 0.2 µs a cell.
//!
//! Leaf values are added in `f64` in tree order per member; a member's output is `σ(base +
//! Σ leaves)` for boosting and its tree's leaf for a forest. The mean and the population
//! standard deviation over members are taken from the differences to the first member's
//! output, so members that agree give their value and a deviation of exactly 0. Chunks are
//! independent and run in parallel; every cell's arithmetic is fixed (integer tests, `f64`
//! sums in a fixed order, the same with and without AVX2), so the results are the same bits
//! for any thread count, chunk position and CPU.
use std::ops::Range;

use super::binning::{Binning, BIN_LANES, MISSING};
use super::tree::{Node, Tree};

/// Cells per chunk.
pub(crate) const CHUNK: usize = 256;

/// The logistic function `1 / (1 + e^−x)`: a booster's raw score as a probability.
#[inline]
pub(crate) fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}
/// Cells walking a linked tree together (16 overlap the loads of deep trees best here).
const LANES: usize = 16;

/// How a member's summed leaves become its output.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Link {
    /// `σ(base + Σ leaves)`: boosting's probability.
    Logistic,
    /// `base + Σ leaves`: a forest's tree.
    Identity,
}

/// A member as fitted: a base score and trees.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Member {
    /// Score before the first tree.
    pub base: f64,
    /// Trees, in order.
    pub trees: Vec<Tree>,
}

/// A node's test: right when the chunk's byte of `column` for the cell is above `threshold`.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Test {
    column: u32,
    threshold: i32,
}

/// The test of a split on `feature` at bin `threshold`: the plain column `2 feature` when
/// missing values go right, the shifted column `2 feature + 1` and `threshold + 1` when left.
fn test(feature: usize, threshold: u8, missing_right: bool) -> Test {
    let left = usize::from(!missing_right);
    Test {
        column: (2 * feature + left) as u32,
        threshold: i32::from(threshold) + left as i32,
    }
}

/// A leaf bitvector of the QuickScorer layout, one bit per leaf (u32 or u64).
trait Bits:
    Copy + std::fmt::Debug + PartialEq + std::ops::BitAnd<Output = Self> + std::ops::Not<Output = Self>
{
    /// Leaves it holds.
    const LEAVES: usize;
    /// Every bit.
    const ALL: Self;
    /// Every bit if `b`, none otherwise.
    fn all_if(b: bool) -> Self;
    /// Bits `range` set.
    fn range(range: Range<usize>) -> Self;
    /// The lowest set bit (`LEAVES` if none).
    fn lowest(self) -> usize;
}

macro_rules! bits {
    ($t:ty) => {
        impl Bits for $t {
            const LEAVES: usize = <$t>::BITS as usize;
            const ALL: Self = <$t>::MAX;
            #[inline(always)]
            fn all_if(b: bool) -> Self {
                <$t>::from(b).wrapping_neg()
            }
            fn range(range: Range<usize>) -> Self {
                (range.start..range.end).fold(0, |m, i| m | (1 << i))
            }
            #[inline(always)]
            fn lowest(self) -> usize {
                self.trailing_zeros() as usize
            }
        }
    };
}
bits!(u32);
bits!(u64);

/// A node of the QuickScorer layout: its test, and the leaves of its left subtree, which a
/// cell going right cannot reach.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Quick<M> {
    test: Test,
    left: M,
}

/// A node of the linked layout: a cell goes to `first` or, when its byte of `column` is above
/// `threshold`, to `first + 1`. A leaf is its own `first` with threshold 255, so a cell stays.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Linked {
    column: u16,
    threshold: u16,
    first: u32,
}

/// A compiled tree.
#[derive(Debug, Clone, PartialEq)]
enum Layout {
    /// QuickScorer with up to 32 leaves: the nodes in any order, the leaves left to right
    /// (one more, 0, for the unreachable empty bitvector).
    Quick32 {
        nodes: Vec<Quick<u32>>,
        leaves: Vec<f64>,
    },
    /// The same with up to 64 leaves.
    Quick64 {
        nodes: Vec<Quick<u64>>,
        leaves: Vec<f64>,
    },
    /// Any shape, `depth` deep; `values[i]` is node `i`'s value if it is a leaf.
    Linked {
        depth: usize,
        nodes: Vec<Linked>,
        values: Vec<f64>,
    },
}

/// An ensemble's members compiled for prediction.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Compiled {
    link: Link,
    /// Each member's base and its trees' positions in `trees`.
    members: Vec<(f64, Range<usize>)>,
    trees: Vec<Layout>,
    features: usize,
}

/// One chunk's cells as bytes: two columns per feature.
type Code = [[u8; CHUNK]];

impl Layout {
    fn new(tree: &Tree) -> Layout {
        let leaves = tree
            .nodes
            .iter()
            .filter(|n| matches!(n, Node::Leaf { .. }))
            .count();
        if leaves <= u32::LEAVES {
            let (nodes, leaves) = quick::<u32>(tree);
            Layout::Quick32 { nodes, leaves }
        } else if leaves <= u64::LEAVES {
            let (nodes, leaves) = quick::<u64>(tree);
            Layout::Quick64 { nodes, leaves }
        } else {
            linked(tree)
        }
    }

    /// Adds the tree's leaf value for every cell of the chunk to `acc`.
    #[inline(always)]
    fn add(&self, code: &Code, acc: &mut [f64; CHUNK]) {
        match self {
            // As many cells as eight vector registers of bitvectors hold.
            Layout::Quick32 { nodes, leaves } => add_quick::<u32, 64>(nodes, leaves, code, acc),
            Layout::Quick64 { nodes, leaves } => add_quick::<u64, 32>(nodes, leaves, code, acc),
            Layout::Linked {
                depth,
                nodes,
                values,
            } => {
                for at in (0..CHUNK).step_by(LANES) {
                    let mut k = [0usize; LANES];
                    for _ in 0..*depth {
                        let mut moved = false;
                        for (lane, k) in k.iter_mut().enumerate() {
                            let n = nodes[*k];
                            let byte = code[n.column as usize][at + lane];
                            let next =
                                n.first as usize + usize::from(u16::from(byte) > n.threshold);
                            moved |= next != *k;
                            *k = next;
                        }
                        if !moved {
                            break;
                        }
                    }
                    for (a, k) in acc[at..at + LANES].iter_mut().zip(k) {
                        *a += values[k];
                    }
                }
            }
        }
    }
}

/// The linked layout of a tree: nodes renumbered breadth first, so the children of a node are
/// neighbours after it and the top of the tree is compact; a walk stops once the cells walking
/// together have all reached leaves (none moved).
fn linked(tree: &Tree) -> Layout {
    let mut order = vec![0usize];
    let mut nodes = Vec::with_capacity(tree.nodes.len());
    let mut values = Vec::with_capacity(tree.nodes.len());
    let mut i = 0;
    while i < order.len() {
        match tree.nodes[order[i]] {
            Node::Split {
                feature,
                threshold,
                missing_right,
                left,
                right,
            } => {
                let t = test(feature, threshold, missing_right);
                nodes.push(Linked {
                    column: t.column as u16,
                    threshold: t.threshold as u16,
                    first: order.len() as u32,
                });
                values.push(0.0);
                order.extend([left, right]);
            }
            Node::Leaf { value } => {
                nodes.push(Linked {
                    column: 0,
                    threshold: 255,
                    first: i as u32,
                });
                values.push(value);
            }
        }
        i += 1;
    }
    Layout::Linked {
        depth: tree.depth(),
        nodes,
        values,
    }
}

/// The QuickScorer layout of a tree (Lucchese et al. 2015, "QuickScorer: a fast algorithm to
/// rank documents with additive ensembles of regression trees", SIGIR): a cell starts with
/// every leaf possible, clears the left subtree's leaves of each node it goes right at, and
/// exits at the leftmost leaf left (every other leaf has a node on its path the cell leaves).
fn quick<M: Bits>(tree: &Tree) -> (Vec<Quick<M>>, Vec<f64>) {
    fn walk<M: Bits>(
        t: &Tree,
        i: usize,
        nodes: &mut Vec<Quick<M>>,
        leaves: &mut Vec<f64>,
    ) -> Range<usize> {
        match t.nodes[i] {
            Node::Leaf { value } => {
                leaves.push(value);
                leaves.len() - 1..leaves.len()
            }
            Node::Split {
                feature,
                threshold,
                missing_right,
                left,
                right,
            } => {
                let l = walk(t, left, nodes, leaves);
                let r = walk(t, right, nodes, leaves);
                nodes.push(Quick {
                    test: test(feature, threshold, missing_right),
                    left: M::range(l.clone()),
                });
                l.start..r.end
            }
        }
    }
    let (mut nodes, mut leaves) = (Vec::new(), Vec::new());
    walk(tree, 0, &mut nodes, &mut leaves);
    leaves.resize(M::LEAVES + 1, 0.0);
    (nodes, leaves)
}

/// Adds a QuickScorer tree's leaves: node by node over `G` cells at a time, a loop of byte
/// loads, compares and masks that compilers turn into vector instructions.
#[inline(always)]
fn add_quick<M: Bits, const G: usize>(
    nodes: &[Quick<M>],
    leaves: &[f64],
    code: &Code,
    acc: &mut [f64; CHUNK],
) {
    let leaves = &leaves[..=M::LEAVES];
    for at in (0..CHUNK).step_by(G) {
        let mut live = [M::ALL; G];
        for n in nodes {
            let bytes = &code[n.test.column as usize][at..at + G];
            for (l, &b) in live.iter_mut().zip(bytes) {
                *l = *l & !(M::all_if(i32::from(b) > n.test.threshold) & n.left);
            }
        }
        for (a, l) in acc[at..at + G].iter_mut().zip(live) {
            *a += leaves[l.lowest()];
        }
    }
}

impl Compiled {
    pub(crate) fn new(members: &[Member], link: Link, features: usize) -> Compiled {
        let mut trees = Vec::new();
        let mut ranges = Vec::new();
        for m in members {
            let start = trees.len();
            trees.extend(m.trees.iter().map(Layout::new));
            ranges.push((m.base, start..trees.len()));
        }
        Compiled {
            link,
            members: ranges,
            trees,
            features,
        }
    }

    pub(crate) fn members(&self) -> usize {
        self.members.len()
    }

    /// Predicts one chunk of `mean.len()` cells (at most [`CHUNK`]), `value(f, i)` giving
    /// feature `f` of cell `i`; `code` holds two columns per feature. With AVX2 where the CPU
    /// has it (the same arithmetic, so the same bits).
    pub(crate) fn chunk(
        &self,
        binning: &Binning,
        value: impl Fn(usize, usize) -> f32,
        code: &mut Code,
        mean: &mut [f32],
        sd: &mut [f32],
    ) {
        #[cfg(target_arch = "x86_64")]
        if is_x86_feature_detected!("avx2") {
            // Safety: the CPU has AVX2.
            return unsafe { self.chunk_avx2(binning, value, code, mean, sd) };
        }
        self.chunk_with(binning, value, code, mean, sd)
    }

    /// [`Compiled::chunk_with`] compiled for AVX2.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn chunk_avx2(
        &self,
        binning: &Binning,
        value: impl Fn(usize, usize) -> f32,
        code: &mut Code,
        mean: &mut [f32],
        sd: &mut [f32],
    ) {
        self.chunk_with(binning, value, code, mean, sd)
    }

    #[inline(always)]
    fn chunk_with(
        &self,
        binning: &Binning,
        value: impl Fn(usize, usize) -> f32,
        code: &mut Code,
        mean: &mut [f32],
        sd: &mut [f32],
    ) {
        let n = mean.len();
        let mut missing = [0usize; CHUNK];
        for f in 0..self.features {
            let (plain, shifted) = code[2 * f..2 * f + 2].split_at_mut(1);
            for at in (0..n).step_by(BIN_LANES) {
                let mut v = [f32::NAN; BIN_LANES];
                for (k, v) in v.iter_mut().enumerate().take(n - at) {
                    *v = value(f, at + k);
                }
                let bins = binning.bin_lanes(f, v);
                for (k, &b) in bins.iter().enumerate().take(n - at) {
                    plain[0][at + k] = b;
                    shifted[0][at + k] = b.wrapping_add(1);
                    missing[at + k] += usize::from(b == MISSING);
                }
            }
        }
        let mut acc = [0f64; CHUNK];
        let mut first = [0f64; CHUNK];
        let mut s1 = [0f64; CHUNK];
        let mut s2 = [0f64; CHUNK];
        for (m, (base, trees)) in self.members.iter().enumerate() {
            acc.fill(*base);
            for t in &self.trees[trees.clone()] {
                t.add(code, &mut acc);
            }
            for i in 0..n {
                let x = match self.link {
                    Link::Logistic => sigmoid(acc[i]),
                    Link::Identity => acc[i],
                };
                if m == 0 {
                    first[i] = x;
                } else {
                    let d = x - first[i];
                    s1[i] += d;
                    s2[i] += d * d;
                }
            }
        }
        let k = self.members.len() as f64;
        for i in 0..n {
            if missing[i] == self.features {
                mean[i] = f32::NAN;
                sd[i] = f32::NAN;
            } else {
                let d = s1[i] / k;
                mean[i] = (first[i] + d) as f32;
                sd[i] = (s2[i] / k - d * d).max(0.0).sqrt() as f32;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::trees::binning::Binned;
    use crate::models::trees::tree::{grow, GradHess, Rules};
    use crate::rng::SplitMix64;

    /// The AVX2 build of a chunk gives the portable build's bits (both learners, missing
    /// values, a partial chunk); nothing to compare on a CPU without AVX2.
    #[test]
    fn avx2_gives_the_portable_bits() {
        #[cfg(target_arch = "x86_64")]
        if is_x86_feature_detected!("avx2") {
            use crate::models::trees::{fit, Dataset, Hyper, Learner};
            let mut rng = SplitMix64::new(8);
            let x: Vec<f32> = (0..4000)
                .map(|i| {
                    if i % 13 == 0 {
                        f32::NAN
                    } else {
                        rng.uniform() as f32
                    }
                })
                .collect();
            let y: Vec<bool> = x.chunks(4).map(|r| r[0] > 0.5 || r[1].is_nan()).collect();
            let data = Dataset {
                features: 4,
                x: &x,
                y: &y,
                weight: None,
            };
            for learner in [Learner::GradientBoosting, Learner::RandomForest] {
                let hyper = Hyper {
                    trees: Some(10),
                    ..Hyper::default()
                };
                let model = fit(learner, &hyper, &data, 3).unwrap();
                let n = 200;
                let value = |f: usize, i: usize| x[i * 4 + f];
                let mut code = vec![[0u8; CHUNK]; 8];
                let (mut m1, mut s1) = (vec![0f32; n], vec![0f32; n]);
                let (mut m2, mut s2) = (vec![0f32; n], vec![0f32; n]);
                let c = &model.compiled;
                c.chunk_with(&model.binning, value, &mut code, &mut m1, &mut s1);
                // Safety: the CPU has AVX2.
                unsafe { c.chunk_avx2(&model.binning, value, &mut code, &mut m2, &mut s2) };
                let bits = |v: &[f32]| v.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
                assert_eq!(
                    (bits(&m1), bits(&s1)),
                    (bits(&m2), bits(&s2)),
                    "{learner:?}"
                );
            }
        }
    }

    /// Every layout gives, cell by cell, the value of the leaf the tree reaches node by node:
    /// trees of 1, up to 32, up to 64 and more leaves, with missing values both ways.
    #[test]
    fn layouts_follow_the_tree() {
        let mut rng = SplitMix64::new(5);
        let (n, p) = (3000, 3);
        let bins: Vec<u8> = (0..n * p)
            .map(|_| match rng.below(20) as u8 {
                19 => MISSING,
                b => b,
            })
            .collect();
        let binned = Binned {
            rows: n,
            bins: bins.clone(),
            nbins: vec![19; p],
        };
        let gh: Vec<GradHess> = (0..n)
            .map(|_| GradHess {
                g: rng.uniform() - 0.5,
                h: 1.0,
            })
            .collect();
        let mut kinds = Vec::new();
        for max_leaves in [1usize, 5, 32, 64, 500] {
            let rules = Rules {
                max_depth: usize::MAX,
                max_leaves: Some(max_leaves.max(2)),
                min_samples_leaf: if max_leaves == 1 { n } else { 2 },
                l2: 0.0,
                shrinkage: 1.0,
                max_features: 2,
            };
            let mut rows: Vec<u32> = (0..n as u32).collect();
            let (tree, _) = grow(&binned, &gh, &mut rows, &rules, &mut SplitMix64::new(1));
            let layout = Layout::new(&tree);
            kinds.push(match layout {
                Layout::Quick32 { .. } => 32,
                Layout::Quick64 { .. } => 64,
                Layout::Linked { .. } => 0,
            });
            let mut code = vec![[0u8; CHUNK]; 2 * p];
            for start in (0..n).step_by(CHUNK) {
                let len = CHUNK.min(n - start);
                for f in 0..p {
                    for i in 0..len {
                        let b = bins[f * n + start + i];
                        code[2 * f][i] = b;
                        code[2 * f + 1][i] = b.wrapping_add(1);
                    }
                }
                let mut acc = [0.0; CHUNK];
                layout.add(&code, &mut acc);
                for (i, &a) in acc.iter().enumerate().take(len) {
                    let expect = tree.value(|f| bins[f * n + start + i]);
                    assert_eq!(a, expect, "{max_leaves} leaves, cell {}", start + i);
                }
            }
        }
        assert_eq!(kinds, [32, 32, 32, 64, 0]);
    }
}
