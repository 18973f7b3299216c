//! The k nearest samples of every cell of a grid, found patch by patch.
//!
//! Samples are bucketed into a uniform grid of square bins (about two samples per bin, a
//! counting sort: the bins are contiguous slices of coordinate arrays, samples in ascending
//! index within a bin). Output cells are taken in patches of [`PATCH`] x [`PATCH`]; for each patch
//! the samples of the bins overlapping the patch's box widened by a search distance `e` are
//! gathered once into contiguous candidate arrays. Within a patch, sub-patches of [`SUB`] x
//! [`SUB`] cells share a shorter list: the k-th neighbour distance moves by at most the distance
//! moved (it is 1-Lipschitz), so the k-th distance at the sub-patch's middle plus twice the
//! sub-patch's reach bounds where any of its cells' neighbours can be. Each cell then computes
//! its squared distances to the list (a vectorised loop), keeps those within a threshold given
//! by the previous cell's k-th distance plus the step between the two (branch-free), and drops
//! the few farthest beyond k.
//!
//! A cell's answer is certain when no sample outside the gathered bins could beat it: the
//! gathered bins hold every sample closer to the cell than `g`, the distance from the cell to
//! the edge of the covered rectangle, so the cell is done when its k-th distance is below `g`
//! or the search radius is. Cells that are not done are searched again with `e` doubled, until
//! the covered rectangle holds every bin. Answers never depend on the patch or block a cell
//! falls in: they are exactly the k samples nearest to the cell centre by (squared distance,
//! sample index), listed in the index's fixed order of samples, whatever the split of the grid
//! and the number of threads.
//!
//! Why not a kd-tree (kiddo, rstar): a per-cell tree query costs about 0.6 µs on this kind of
//! machine (2.8 s for 4 M cells on 2 threads), dominated by the descent and the bounded heap.
//! Neighbouring cells share almost all of their neighbours: gathering them once per patch and
//! sub-patch leaves each cell a dense scan of ~25 candidates, about 0.15 µs per cell on 2
//! threads for 12 neighbours.

/// Cells per patch side.
pub(crate) const PATCH: usize = 16;

/// Squared distance under which a sample sits on the cell centre and gives its value as is
/// (GDAL's `gdal_grid` uses the same threshold).
pub(crate) const EXACT_D2: f64 = 1e-13;

/// A neighbour of a cell: squared distance and sample index.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Neighbour {
    /// Squared distance to the cell centre.
    pub d2: f64,
    /// Index of the sample.
    pub id: u32,
}

#[cfg(test)]
fn by_distance_then_index(a: &Neighbour, b: &Neighbour) -> std::cmp::Ordering {
    a.d2.total_cmp(&b.d2).then(a.id.cmp(&b.id))
}

/// What to look for around each cell.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Query {
    /// Neighbours wanted (at least 1).
    pub k: usize,
    /// Search radius (`f64::INFINITY` for none).
    pub radius: f64,
}

/// Samples bucketed into square bins.
#[derive(Debug, Clone)]
pub(crate) struct BinIndex {
    x0: f64,
    y0: f64,
    size: f64,
    inv: f64,
    nx: usize,
    ny: usize,
    /// CSR offsets: bin `b = by * nx + bx` holds `start[b]..start[b + 1]`.
    start: Vec<u32>,
    xs: Vec<f64>,
    ys: Vec<f64>,
    ids: Vec<u32>,
    /// Samples per unit area over the bounding box (for the first search distance).
    density: f64,
}

/// Samples as coordinate and index arrays, in the index's order.
#[derive(Debug, Default)]
struct Points {
    x: Vec<f64>,
    y: Vec<f64>,
    id: Vec<u32>,
}

impl Points {
    fn clear(&mut self) {
        self.x.clear();
        self.y.clear();
        self.id.clear();
    }
}

/// Per-cell buffers.
#[derive(Debug, Default)]
struct CellScratch {
    /// Squared distances to every candidate of the last search.
    d2: Vec<f64>,
    /// Candidates within the threshold (positions).
    pick: Vec<u32>,
    keys: Vec<u128>,
    spare: Vec<u32>,
    /// `buf[..len]`: the neighbours found by the last search.
    buf: Vec<Neighbour>,
    len: usize,
}

impl CellScratch {
    fn found(&self) -> &[Neighbour] {
        &self.buf[..self.len]
    }
}

/// Reusable buffers of one worker.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    /// Candidates of the patch.
    patch: Points,
    /// Candidates of a sub-patch.
    near: Points,
    cell: CellScratch,
    pending: Vec<u32>,
    next: Vec<u32>,
}

/// Cells per side of the sub-patches that share a shorter candidate list.
const SUB: usize = 4;

/// The rectangle whose points were all gathered (infinite on sides that reach the last bin).
#[derive(Debug, Clone, Copy)]
struct Covered {
    left: f64,
    right: f64,
    bottom: f64,
    top: f64,
    everything: bool,
}

impl Covered {
    /// Distance from `(x, y)` to the nearest edge.
    fn clearance(&self, x: f64, y: f64) -> f64 {
        (x - self.left)
            .min(self.right - x)
            .min(y - self.bottom)
            .min(self.top - y)
    }
}

impl BinIndex {
    /// Buckets the samples `(x[i], y[i])`; coordinates must be finite, and there must be at
    /// least one and fewer than 2^32 samples.
    pub fn new(x: &[f64], y: &[f64]) -> BinIndex {
        let n = x.len();
        let fold = |v: &[f64]| {
            v.iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &a| {
                    (lo.min(a), hi.max(a))
                })
        };
        let (xmin, xmax) = fold(x);
        let (ymin, ymax) = fold(y);
        let (w, h) = (xmax - xmin, ymax - ymin);
        let longest = w.max(h);
        // About two samples per bin; samples along a line get bins along it.
        let mut size = (2.0 * w * h / n.max(1) as f64).sqrt();
        if !(size.is_finite() && size > longest * 2.0 / (4 * n.max(1)) as f64) {
            size = longest * 2.0 / n.max(1) as f64;
        }
        if !(size.is_finite() && size > 0.0) {
            size = 1.0;
        }
        let inv = 1.0 / size;
        let nx = ((w * inv).floor() as usize).saturating_add(1);
        let ny = ((h * inv).floor() as usize).saturating_add(1);
        let mut index = BinIndex {
            x0: xmin,
            y0: ymin,
            size,
            inv,
            nx,
            ny,
            start: vec![0; nx * ny + 1],
            xs: vec![0.0; n],
            ys: vec![0.0; n],
            ids: vec![0; n],
            density: n as f64 / (w.max(size) * h.max(size)),
        };
        let bins: Vec<usize> = (0..n)
            .map(|i| index.bin_y(y[i]) * nx + index.bin_x(x[i]))
            .collect();
        for &b in &bins {
            index.start[b + 1] += 1;
        }
        for b in 0..nx * ny {
            index.start[b + 1] += index.start[b];
        }
        // Stable counting sort: within a bin, samples keep ascending index.
        let mut fill: Vec<u32> = index.start[..nx * ny].to_vec();
        for (i, &b) in bins.iter().enumerate() {
            let slot = fill[b] as usize;
            fill[b] += 1;
            index.xs[slot] = x[i];
            index.ys[slot] = y[i];
            index.ids[slot] = i as u32;
        }
        index
    }

    fn bin_x(&self, x: f64) -> usize {
        clamp_bin((x - self.x0) * self.inv, self.nx)
    }

    fn bin_y(&self, y: f64) -> usize {
        clamp_bin((y - self.y0) * self.inv, self.ny)
    }

    /// The distance within which about `k` samples lie around a point of average density.
    pub fn typical_distance(&self, k: usize) -> f64 {
        (k as f64 / (std::f64::consts::PI * self.density)).sqrt()
    }

    /// Gathers the samples of every bin overlapping `[qx0, qx1] x [qy0, qy1]`.
    fn gather(&self, qx0: f64, qx1: f64, qy0: f64, qy1: f64, s: &mut Scratch) -> Covered {
        let (bx0, bx1) = (self.bin_x(qx0), self.bin_x(qx1));
        let (by0, by1) = (self.bin_y(qy0), self.bin_y(qy1));
        let t = &mut s.patch;
        t.clear();
        for by in by0..=by1 {
            let a = self.start[by * self.nx + bx0] as usize;
            let b = self.start[by * self.nx + bx1 + 1] as usize;
            t.x.extend_from_slice(&self.xs[a..b]);
            t.y.extend_from_slice(&self.ys[a..b]);
            t.id.extend_from_slice(&self.ids[a..b]);
        }
        // Bin edges computed here and bins assigned by `floor` may disagree by rounding: keep a
        // small margin inside the gathered bins.
        let margin = self.size * 1e-9;
        let edge = |origin: f64, b: usize| origin + b as f64 * self.size;
        let left = if bx0 == 0 {
            f64::NEG_INFINITY
        } else {
            edge(self.x0, bx0) + margin
        };
        let right = if bx1 + 1 == self.nx {
            f64::INFINITY
        } else {
            edge(self.x0, bx1 + 1) - margin
        };
        let bottom = if by0 == 0 {
            f64::NEG_INFINITY
        } else {
            edge(self.y0, by0) + margin
        };
        let top = if by1 + 1 == self.ny {
            f64::INFINITY
        } else {
            edge(self.y0, by1 + 1) - margin
        };
        Covered {
            left,
            right,
            bottom,
            top,
            everything: bx0 == 0 && by0 == 0 && bx1 + 1 == self.nx && by1 + 1 == self.ny,
        }
    }

    /// Visits every cell of a patch with its neighbours: `xs` are the centres of the patch's
    /// columns, `ys` of its rows. `visit(row, col, neighbours)` receives the (at most `k`)
    /// nearest samples within the radius, nearest meaning smallest (squared distance, sample
    /// index). They come in the index's own order of samples, which is the same for every
    /// cell and patch, so sums over them are the same bits wherever the cell is computed; use
    /// [`nearest_of`] for the nearest one. `e` is the first search distance; the return value
    /// is a good first search distance for a neighbouring patch.
    pub fn patch(
        &self,
        xs: &[f64],
        ys: &[f64],
        q: &Query,
        e: f64,
        s: &mut Scratch,
        visit: &mut impl FnMut(usize, usize, &[Neighbour]),
    ) -> f64 {
        let (cols, rows) = (xs.len(), ys.len());
        if cols == 0 || rows == 0 {
            return e;
        }
        let q = Query {
            k: q.k.max(1),
            radius: q.radius,
        };
        let (xlo, xhi) = (xs[0].min(xs[cols - 1]), xs[0].max(xs[cols - 1]));
        let (ylo, yhi) = (ys[0].min(ys[rows - 1]), ys[0].max(ys[rows - 1]));
        // A search distance past the radius finds nothing more: stop just beyond it.
        let cap = q.radius * (1.0 + 1e-9) + self.size * 1e-6;
        let mut e = e.min(cap).max(self.size * 1e-6);
        let mut longest_kth: f64 = 0.0;
        let mut first_round = true;
        loop {
            let covered = self.gather(xlo - e, xhi + e, ylo - e, yhi + e, s);
            s.next.clear();
            let mut round = Round {
                q: &q,
                covered,
                previous: None,
                longest_kth: &mut longest_kth,
            };
            if first_round {
                // Sub-patches: the middle of the sub-patch is searched among all the patch's
                // candidates; its k-th distance bounds every cell's (the k-th distance moves
                // by at most the distance moved), so the cells search only the candidates
                // within that bound plus twice the sub-patch's reach.
                for r0 in (0..rows).step_by(SUB) {
                    for c0 in (0..cols).step_by(SUB) {
                        let (r1, c1) = ((r0 + SUB).min(rows), (c0 + SUB).min(cols));
                        let mx = 0.5 * (xs[c0] + xs[c1 - 1]);
                        let my = 0.5 * (ys[r0] + ys[r1 - 1]);
                        let kth = round.cell(&s.patch, mx, my, &mut s.cell);
                        let reach = [(r0, c0), (r0, c1 - 1), (r1 - 1, c0), (r1 - 1, c1 - 1)]
                            .iter()
                            .map(|&(r, c)| {
                                ((xs[c] - mx) * (xs[c] - mx) + (ys[r] - my) * (ys[r] - my)).sqrt()
                            })
                            .fold(0.0f64, f64::max);
                        let shortlist = s.cell.len == q.k && kth.is_finite();
                        if shortlist {
                            let bound = kth.sqrt() + 2.0 * reach;
                            let bound2 = bound * bound * (1.0 + 1e-9);
                            s.near.clear();
                            let n = s.patch.x.len();
                            for (j, &d2) in s.cell.d2[..n].iter().enumerate() {
                                if d2 <= bound2 {
                                    s.near.x.push(s.patch.x[j]);
                                    s.near.y.push(s.patch.y[j]);
                                    s.near.id.push(s.patch.id[j]);
                                }
                            }
                            round.previous = Some((mx, my, kth.sqrt()));
                        }
                        // Snake order: each cell next to the previous one.
                        for (r, &y) in ys.iter().enumerate().take(r1).skip(r0) {
                            for i in 0..c1 - c0 {
                                let c = if (r - r0) % 2 == 0 {
                                    c0 + i
                                } else {
                                    c1 - 1 - i
                                };
                                let x = xs[c];
                                let from = if shortlist { &s.near } else { &s.patch };
                                let kth = round.cell(from, x, y, &mut s.cell);
                                if round.finish(r, c, x, y, kth, &s.cell, visit) {
                                    s.next.push((r * cols + c) as u32);
                                }
                            }
                        }
                    }
                }
                first_round = false;
            } else {
                for &cell in &s.pending {
                    let (r, c) = (cell as usize / cols, cell as usize % cols);
                    let (x, y) = (xs[c], ys[r]);
                    let kth = round.cell(&s.patch, x, y, &mut s.cell);
                    if round.finish(r, c, x, y, kth, &s.cell, visit) {
                        s.next.push(cell);
                    }
                }
            }
            if s.next.is_empty() || covered.everything || e >= cap {
                break;
            }
            std::mem::swap(&mut s.pending, &mut s.next);
            e = (e * 2.0).min(cap);
        }
        if longest_kth > 0.0 {
            longest_kth * 1.05
        } else {
            e
        }
    }
}

/// One search round over a patch's candidates.
struct Round<'a> {
    q: &'a Query,
    covered: Covered,
    /// A cell done before (x, y, k-th distance): it bounds the next one's k-th distance.
    previous: Option<(f64, f64, f64)>,
    longest_kth: &'a mut f64,
}

impl Round<'_> {
    /// Finds the (at most k) nearest of `from` to `(x, y)` within the radius into
    /// `s.found()`, in the order of `from`; returns the largest squared distance among them
    /// (0 for none). `s.d2` keeps the squared distance to every candidate.
    fn cell(&self, from: &Points, x: f64, y: f64, s: &mut CellScratch) -> f64 {
        let (k, r2) = (self.q.k, self.q.radius * self.q.radius);
        let n = from.x.len();
        if s.d2.len() < n {
            s.d2.resize(n, 0.0);
            s.pick.resize(n, 0);
            s.buf.resize(n, Neighbour { d2: 0.0, id: 0 });
        }
        // The previous cell's k-th distance, moved by the distance between the cells, bounds
        // this one's from above and below.
        let (mut threshold, mut sure) = (r2, 0.0);
        if let Some((px, py, kth)) = self.previous {
            // |dx| + |dy| >= the distance (equal for the usual one-cell steps), without a sqrt.
            let step = (px - x).abs() + (py - y).abs();
            let above = kth + step;
            let below = (kth - step).max(0.0);
            threshold = threshold.min(above * above * (1.0 + 1e-9));
            sure = below * below * (1.0 - 1e-9);
        }
        // Equal-length slices, so that the loops index without bounds checks and the first
        // one is vectorised.
        let (cx, cy, cid) = (&from.x[..n], &from.y[..n], &from.id[..n]);
        let d2 = &mut s.d2[..n];
        for j in 0..n {
            let dx = cx[j] - x;
            let dy = cy[j] - y;
            d2[j] = dx * dx + dy * dy;
        }
        // Branch-free compaction of the candidates within the threshold (after j candidates
        // m <= j, so every write is within the n slots).
        let pick = &mut s.pick[..n];
        let mut m = 0;
        for (j, &d) in d2.iter().enumerate() {
            pick[m] = j as u32;
            m += (d <= threshold) as usize;
        }
        if m < k && threshold < r2 {
            m = 0;
            for (j, &d) in d2.iter().enumerate() {
                pick[m] = j as u32;
                m += (d <= r2) as usize;
            }
        }
        let len = keep_nearest(&mut pick[..m], d2, cid, k, sure, &mut s.keys, &mut s.spare);
        let mut kth = 0.0f64;
        for (b, &j) in s.buf.iter_mut().zip(&pick[..len]) {
            let d = d2[j as usize];
            *b = Neighbour {
                d2: d,
                id: cid[j as usize],
            };
            kth = if d > kth { d } else { kth };
        }
        s.len = len;
        kth
    }

    /// Visits the cell when its answer is certain and returns `false`; `true` when it must be
    /// searched again with more candidates.
    #[allow(clippy::too_many_arguments)]
    fn finish(
        &mut self,
        r: usize,
        c: usize,
        x: f64,
        y: f64,
        kth: f64,
        s: &CellScratch,
        visit: &mut impl FnMut(usize, usize, &[Neighbour]),
    ) -> bool {
        let k = self.q.k;
        let g = self.covered.clearance(x, y);
        let g2 = g * g;
        let r2 = self.q.radius * self.q.radius;
        let done = self.covered.everything || r2 < g2 || (s.len == k && kth < g2);
        if !done {
            return true;
        }
        visit(r, c, s.found());
        if s.len == k {
            let kth = kth.sqrt();
            *self.longest_kth = self.longest_kth.max(kth);
            self.previous = Some((x, y, kth));
        }
        false
    }
}

/// `(squared distance, index)` as one integer: squared distances are finite and >= +0, so
/// their bit patterns order as the numbers do.
#[inline]
fn key_of(d2: f64, id: u32) -> u128 {
    ((d2.to_bits() as u128) << 32) | id as u128
}

#[inline]
fn key(n: &Neighbour) -> u128 {
    key_of(n.d2, n.id)
}

/// Moves the `k` nearest of the candidates `pick` (positions into `d2` and `id`) to its
/// front, in their order; returns how many that is. Candidates nearer than `sure` (squared)
/// are known to be among them. `keys` and `spare` are scratch space.
fn keep_nearest(
    pick: &mut [u32],
    d2: &[f64],
    id: &[u32],
    k: usize,
    sure: f64,
    keys: &mut Vec<u128>,
    spare: &mut Vec<u32>,
) -> usize {
    let len = pick.len();
    let extra = len.saturating_sub(k);
    if extra == 0 {
        return len;
    }
    // (distance, index) keys are unique: exactly `extra` candidates must go, all of them at
    // `sure` or farther.
    if extra <= 8 {
        // The `extra` largest squared distances, ascending, in one pass: for up to 4, a
        // branch-free insertion into four running maxima (most cells drop 1 to 4).
        let mut top = [0f64; 8];
        let mut t = 0;
        if extra <= 4 {
            let mut m = [f64::NEG_INFINITY; 4];
            for &j in pick.iter() {
                let mut x = d2[j as usize];
                for slot in m.iter_mut().rev() {
                    // Plain comparisons (no NaN here) compile to maxsd/minsd.
                    let s = *slot;
                    *slot = if x > s { x } else { s };
                    x = if x > s { s } else { x };
                }
            }
            top[..extra].copy_from_slice(&m[4 - extra..]);
            t = extra;
        } else {
            for &j in pick.iter() {
                let d = d2[j as usize];
                if d < sure {
                    continue;
                }
                let mut i = if t < extra {
                    t += 1;
                    t - 1
                } else if d > top[0] {
                    top.copy_within(1..t, 0);
                    t - 1
                } else {
                    continue;
                };
                while i > 0 && top[i - 1] > d {
                    top[i] = top[i - 1];
                    i -= 1;
                }
                top[i] = d;
            }
        }
        if t == extra {
            // Those at `top[0]` or more go: exactly `extra` of them unless there is a tie at
            // the cut, when the lowest indices among the tied stay.
            let cut = top[0];
            if spare.len() < len {
                spare.resize(len, 0);
            }
            let (mut w, mut u) = (0, 0);
            for i in 0..len {
                let j = pick[i];
                let keep = d2[j as usize] < cut;
                pick[w] = j;
                spare[u] = j;
                w += keep as usize;
                u += !keep as usize;
            }
            if w < k {
                spare.truncate(u);
                spare.retain(|&j| d2[j as usize] == cut);
                spare.sort_unstable_by_key(|&j| id[j as usize]);
                spare.truncate(k - w);
                pick[w..k].copy_from_slice(spare);
                pick[..k].sort_unstable();
                return k;
            }
            return w;
        }
    }
    // General case: the k-th smallest key.
    keys.clear();
    keys.extend(pick.iter().map(|&j| key_of(d2[j as usize], id[j as usize])));
    let kth = {
        let mut sorted = keys.clone();
        let (_, &mut kth, _) = sorted.select_nth_unstable(k - 1);
        kth
    };
    let mut w = 0;
    for i in 0..len {
        let j = pick[i];
        pick[w] = j;
        w += (keys[i] <= kth) as usize;
    }
    w
}

/// The nearest of some neighbours (smallest squared distance, then index).
#[inline]
pub(crate) fn nearest_of(neighbours: &[Neighbour]) -> Option<&Neighbour> {
    neighbours.iter().min_by_key(|n| key(n))
}

fn clamp_bin(t: f64, count: usize) -> usize {
    if t.is_nan() || t <= 0.0 {
        0
    } else {
        (t.floor() as usize).min(count - 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn brute(x: &[f64], y: &[f64], cx: f64, cy: f64, q: &Query) -> Vec<Neighbour> {
        let mut all: Vec<Neighbour> = (0..x.len())
            .map(|i| Neighbour {
                d2: (x[i] - cx) * (x[i] - cx) + (y[i] - cy) * (y[i] - cy),
                id: i as u32,
            })
            .filter(|n| n.d2 <= q.radius * q.radius)
            .collect();
        all.sort_by(by_distance_then_index);
        all.truncate(q.k);
        all
    }

    fn lcg(seed: &mut u64) -> f64 {
        *seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (*seed >> 11) as f64 / (1u64 << 53) as f64
    }

    fn check(x: &[f64], y: &[f64], q: Query, e: f64) {
        let index = BinIndex::new(x, y);
        let xs: Vec<f64> = (0..PATCH).map(|c| -5.0 + c as f64 * 7.5).collect();
        let ys: Vec<f64> = (0..PATCH).map(|r| 110.0 - r as f64 * 7.5).collect();
        let mut seen = vec![false; PATCH * PATCH];
        let mut s = Scratch::default();
        index.patch(&xs, &ys, &q, e, &mut s, &mut |r, c, nb| {
            assert!(!seen[r * PATCH + c]);
            seen[r * PATCH + c] = true;
            let mut nb = nb.to_vec();
            nb.sort_by(by_distance_then_index);
            assert_eq!(nb, brute(x, y, xs[c], ys[r], &q), "cell {r},{c}");
        });
        assert!(seen.iter().all(|&v| v));
    }

    #[test]
    fn patches_find_exactly_the_brute_force_neighbours() {
        let mut seed = 7;
        let n = 500;
        let x: Vec<f64> = (0..n).map(|_| lcg(&mut seed) * 100.0).collect();
        let y: Vec<f64> = (0..n).map(|_| lcg(&mut seed) * 100.0).collect();
        for (k, radius) in [
            (1, f64::INFINITY),
            (12, f64::INFINITY),
            (12, 6.0),
            (40, 15.0),
        ] {
            for e in [0.01, 3.0, 1000.0] {
                check(&x, &y, Query { k, radius }, e);
            }
        }
    }

    #[test]
    fn lattice_samples_with_many_equal_distances() {
        // Samples on a 5-unit lattice, some repeated: cells see many samples at equal
        // distances, so the cut between the k-th and the next is often a tie.
        let mut x = Vec::new();
        let mut y = Vec::new();
        for i in 0..30 {
            for j in 0..30 {
                x.push(-20.0 + 5.0 * i as f64);
                y.push(-10.0 + 5.0 * j as f64);
                if (i * 7 + j) % 11 == 0 {
                    x.push(-20.0 + 5.0 * i as f64);
                    y.push(-10.0 + 5.0 * j as f64);
                }
            }
        }
        for (k, radius) in [
            (1, f64::INFINITY),
            (4, f64::INFINITY),
            (7, 12.0),
            (13, f64::INFINITY),
            (25, 30.0),
        ] {
            check(&x, &y, Query { k, radius }, 2.0);
        }
    }

    #[test]
    fn ties_and_duplicates_break_by_index() {
        // Four samples at the same distance from (0, 0), two of them at the same place.
        let x = [1.0, -1.0, 0.0, 0.0, 1.0];
        let y = [0.0, 0.0, 1.0, -1.0, 0.0];
        let index = BinIndex::new(&x, &y);
        let mut s = Scratch::default();
        let q = Query {
            k: 3,
            radius: f64::INFINITY,
        };
        let mut got = Vec::new();
        index.patch(&[0.0], &[0.0], &q, 0.1, &mut s, &mut |_, _, nb| {
            got = nb.iter().map(|n| n.id).collect();
            assert_eq!(nearest_of(nb).map(|n| n.id), Some(0));
        });
        got.sort();
        assert_eq!(got, [0, 1, 2]);
    }

    #[test]
    fn clustered_and_collinear_samples() {
        let mut seed = 3;
        // A tight cluster far from the patch and a line of samples.
        let mut x: Vec<f64> = (0..200).map(|_| 500.0 + lcg(&mut seed)).collect();
        let mut y: Vec<f64> = (0..200).map(|_| 500.0 + lcg(&mut seed)).collect();
        x.extend((0..50).map(|i| i as f64 * 3.0));
        y.extend((0..50).map(|_| 40.0));
        check(
            &x,
            &y,
            Query {
                k: 5,
                radius: f64::INFINITY,
            },
            1.0,
        );
        check(&x, &y, Query { k: 5, radius: 20.0 }, 1.0);
        let one = BinIndex::new(&[3.0], &[4.0]);
        let mut s = Scratch::default();
        let mut got = Vec::new();
        one.patch(
            &[0.0],
            &[0.0],
            &Query {
                k: 4,
                radius: f64::INFINITY,
            },
            0.5,
            &mut s,
            &mut |_, _, nb| got = nb.to_vec(),
        );
        assert_eq!(got, [Neighbour { d2: 25.0, id: 0 }]);
    }
}
