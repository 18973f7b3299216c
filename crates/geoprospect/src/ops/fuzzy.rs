//! `geoprospect fuzzy`: evidence layers through per-layer transform chains
//! ([`crate::evidence::chain`]: log, robust z-score, membership) and one fuzzy operator
//! ([`crate::models::fuzzy`], Bonham-Carter 1994, ch. 9) into a Float32 COG, streamed block by
//! block without holding any layer.
//!
//! The statistics the chains need (exact medians, MADs and percentiles) are gathered first, in
//! rounds of two passes over the blocks: every layer that needs a statistic is counted in the
//! same round, each pass reading the layers' blocks in parallel and merging integer histograms
//! ([`crate::evidence::quantiles`]), so the values do not depend on the thread count. A chain
//! `log,robust-z,linear:-1:3` takes two rounds (the median, then the MAD around it). The last
//! pass makes the output tile by tile ([`CogEncoder::push_f32_tiles`]): each row piece of a
//! tile is taken from the layers, put through their chains and combined straight into the
//! tile, which the encoder compresses (or not), writes and halves into the overviews while it
//! is still in the cache, tiles in parallel.
//!
//! Uncompressed striped Float32 inputs are memory-mapped and read in place ([`RawStrips`]);
//! DEFLATE tiles are decoded here ([`DeflateTiles`]); other inputs are read through GDAL
//! ([`GridLayer`]), block by block into reused buffers.
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;

use rayon::prelude::*;

use crate::engine::{Block, Engine};
use crate::error::{Error, Result};
use crate::evidence::chain::{
    abs_deviation, apply, apply_one, describe, domain, monotone, next_need, parse_chain, preimage,
    resolve, Need, Resolved, Step,
};
use crate::evidence::quantiles::{QuantileBins, QuantilePass1, QuantilePass2};
use crate::evidence::singularity::Windows;
use crate::io::area::{restrict, AreaFile};
use crate::io::atomic::AtomicFile;
use crate::io::cog::{encoder_settings, layer_tags, CogOptions, Compression, LayerMeta, PixelType};
use crate::io::cogtiles::{CogEncoder, TILE};
use crate::io::layer::{aligned_blocks, GridLayer};
use crate::io::rawstrips::{DeflateTiles, RawStrips};
use crate::models::fuzzy::{combine, FuzzyOp};
use crate::ops::singularity::{run_singularity, SingularityRequest};

/// One input layer and its transform chain.
#[derive(Debug, Clone, PartialEq)]
pub struct ChainedLayer {
    /// The raster, on the grid of the first layer.
    pub path: PathBuf,
    /// The local singularity index first (window sides in cells), when the chain starts with
    /// `singularity:1,3,5,7`: the other steps then apply to α.
    pub singularity: Option<Windows>,
    /// Its steps (empty: the layer already holds memberships).
    pub chain: Vec<Step>,
}

impl ChainedLayer {
    /// Parses `PATH:STEP,STEP,...` (`a.tif:log,robust-z,linear:-1:3`), or a bare path. The
    /// path ends at the first `:` unless the whole argument names an existing file. A chain may
    /// start with `singularity:SIDE,SIDE,...` (the window sides are the whole numbers after
    /// it): the layer's local singularity index, which the later steps take as their input.
    ///
    /// ```
    /// use geoprospect::ops::fuzzy::ChainedLayer;
    /// let l = ChainedLayer::parse("cu.tif:log,robust-z,linear:-1:3").unwrap();
    /// assert_eq!(l.path.to_str(), Some("cu.tif"));
    /// assert_eq!(l.chain.len(), 3);
    /// let s = ChainedLayer::parse("cu.tif:singularity:1,3,5,7,linear:2.1:1.8").unwrap();
    /// assert_eq!(s.singularity.unwrap().sides(), &[1, 3, 5, 7]);
    /// assert_eq!(s.chain.len(), 1);
    /// ```
    pub fn parse(arg: &str) -> Result<ChainedLayer> {
        if Path::new(arg).exists() {
            return Ok(ChainedLayer {
                path: arg.into(),
                singularity: None,
                chain: Vec::new(),
            });
        }
        let (path, chain) = arg.split_once(':').unwrap_or((arg, ""));
        let bad = |e: Error| Error::param(format!("{arg}: {e}"));
        let (singularity, rest) = split_singularity(chain).map_err(bad)?;
        let chain = parse_chain(rest).map_err(bad)?;
        Ok(ChainedLayer {
            path: path.into(),
            singularity,
            chain,
        })
    }
}

/// Splits a leading `singularity:1,3,5,7` step (its sides: the whole numbers that follow) from
/// the rest of a chain.
fn split_singularity(chain: &str) -> Result<(Option<Windows>, &str)> {
    let Some(after) = chain.trim_start().strip_prefix("singularity:") else {
        return Ok((None, chain));
    };
    let mut end = after.len();
    let mut sides = Vec::new();
    let mut at = 0;
    for token in after.split(',') {
        match token.trim().parse::<usize>() {
            Ok(side) => sides.push(side),
            Err(_) if !sides.is_empty() => {
                end = at;
                break;
            }
            Err(_) => {
                return Err(Error::param(format!(
                    "singularity:{token}: window sides are whole numbers of cells, e.g. \
                     singularity:1,3,5,7"
                )))
            }
        }
        at += token.len() + 1;
    }
    let windows = Windows::new(sides)?;
    Ok((Some(windows), after.get(end..).unwrap_or("")))
}

/// A layer of a fuzzy overlay with its chain resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedLayer {
    /// The raster.
    pub path: PathBuf,
    /// The window sides of its singularity index, when the chain starts with one.
    pub singularity: Option<Windows>,
    /// Its steps with their statistics resolved (empty: the layer holds memberships as given).
    pub steps: Vec<Resolved>,
}

impl ResolvedLayer {
    /// Its chain as text: `singularity index (1, 3, 5, 7 cells), linear 2.1..1.8`.
    pub fn describe(&self) -> String {
        let steps = (!self.steps.is_empty()).then(|| describe(&self.steps));
        match (&self.singularity, steps) {
            (None, None) => "memberships as given".to_string(),
            (None, Some(steps)) => steps,
            (Some(w), steps) => {
                let sides: Vec<String> = w.sides().iter().map(|s| s.to_string()).collect();
                let first = format!("singularity index ({} cells)", sides.join(", "));
                match steps {
                    Some(steps) => format!("{first}, {steps}"),
                    None => first,
                }
            }
        }
    }
}

/// What `geoprospect fuzzy` wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct FuzzySummary {
    /// The output COG.
    pub out: PathBuf,
    /// How the memberships were combined.
    pub op: FuzzyOp,
    /// The layers in order, with their resolved chains.
    pub layers: Vec<ResolvedLayer>,
    /// Grid width in cells.
    pub width: usize,
    /// Grid height in cells.
    pub height: usize,
    /// Cells with a value (every layer has data there).
    pub valid: u64,
    /// Rounds of two passes over the layers that the chains' statistics took (0: none).
    pub rounds: usize,
}

/// What `geoprospect fuzzy` is asked to do.
#[derive(Debug, Clone)]
pub struct FuzzyRequest<'a> {
    /// The layers with their chains.
    pub layers: &'a [ChainedLayer],
    /// How memberships are combined.
    pub op: FuzzyOp,
    /// Output COG.
    pub out: &'a Path,
    /// Study area: cells outside it are nodata and count in no statistic.
    pub area: Option<AreaFile<'a>>,
    /// COG settings.
    pub cog: CogOptions,
}

/// A layer's reader: direct strips when possible, else GDAL.
struct Source {
    layer: GridLayer,
    raw: Option<RawStrips>,
    tiles: Option<DeflateTiles>,
    width: usize,
}

impl Source {
    /// The block's values straight from a memory-mapped file, when they need no copy.
    fn mapped(&self, block: &Block) -> Result<Option<&[f32]>> {
        match &self.raw {
            Some(raw) => raw.rows(block.row0, block.rows),
            None => Ok(None),
        }
    }

    fn read(&self, block: &Block, buf: &mut Vec<f32>) -> Result<()> {
        match (&self.raw, &self.tiles) {
            (Some(raw), _) => {
                buf.resize(block.rows * self.width, 0.0);
                raw.read_into(block.row0, buf)
            }
            (None, Some(tiles)) => {
                buf.resize(block.rows * self.width, 0.0);
                tiles.read_into(block.row0, buf)
            }
            (None, None) => {
                *buf = self.layer.read_block(block)?;
                Ok(())
            }
        }
    }
}

/// Buffers handed back and forth between blocks: touching fresh memory costs more than the
/// arithmetic of a pass (see PERFORMANCE.md).
#[derive(Default)]
struct Buffers(Mutex<Vec<Vec<f32>>>);

impl Buffers {
    fn take(&self) -> Vec<f32> {
        self.0
            .lock()
            .map(|mut v| v.pop())
            .ok()
            .flatten()
            .unwrap_or_default()
    }
    fn give(&self, b: Vec<f32>) {
        if let Ok(mut v) = self.0.lock() {
            v.push(b);
        }
    }
}

/// Values of one layer after its resolved steps and, for a MAD, the deviations. Percentiles
/// after non-decreasing steps (a logarithm, say) are counted on the input values themselves
/// (masked to the steps' domain) and mapped afterwards: see [`QuantileBins::finish_mapped`].
fn prepared(
    source: &Source,
    steps: &[Resolved],
    need: &Need,
    block: &Block,
    buf: &mut Vec<f32>,
) -> Result<()> {
    source.read(block, buf)?;
    match need {
        Need::Percentiles(_) if monotone(steps) => domain(steps, buf),
        Need::Percentiles(_) => apply(steps, buf),
        Need::AbsDeviation { centre } => {
            apply(steps, buf);
            abs_deviation(*centre, buf);
        }
    }
    Ok(())
}

/// The values inside any of the closed intervals `windows`, tested 16 at a time with a loop
/// that vectorises (hits are rare: about 1 % of the values).
fn candidates(values: &[f32], windows: &[(f32, f32)]) -> Vec<f32> {
    let mut out = Vec::new();
    for chunk in values.chunks(16) {
        let hit = windows.iter().fold(false, |hit, &(a, b)| {
            hit | chunk.iter().fold(false, |h, &v| h | ((v >= a) & (v <= b)))
        });
        if hit {
            out.extend(
                chunk
                    .iter()
                    .filter(|&&v| windows.iter().any(|&(a, b)| v >= a && v <= b)),
            );
        }
    }
    out
}

/// The exact statistics each layer needs (`None` for layers that need none), in two passes.
fn gather(
    engine: &Engine,
    blocks: &[Block],
    sources: &[Source],
    resolved: &[Vec<Resolved>],
    needs: &[Option<Need>],
    buffers: &Buffers,
) -> Result<Vec<Option<Vec<f64>>>> {
    let n = sources.len();
    let empty1 = || -> Vec<Option<QuantilePass1>> {
        needs
            .iter()
            .map(|nd| nd.as_ref().map(|_| QuantilePass1::default()))
            .collect()
    };
    let pass1 = engine.install(|| {
        blocks
            .par_iter()
            .try_fold(empty1, |mut hists, block| -> Result<_> {
                let mut buf = buffers.take();
                for k in 0..n {
                    if let (Some(need), Some(h)) = (&needs[k], hists[k].as_mut()) {
                        prepared(&sources[k], &resolved[k], need, block, &mut buf)?;
                        h.add(&buf);
                    }
                }
                buffers.give(buf);
                Ok(hists)
            })
            .try_reduce(empty1, |mut a, b| {
                for (x, y) in a.iter_mut().zip(&b) {
                    if let (Some(x), Some(y)) = (x.as_mut(), y.as_ref()) {
                        x.merge(y);
                    }
                }
                Ok(a)
            })
    })?;
    let mut plans: Vec<Option<QuantileBins>> = Vec::with_capacity(n);
    for k in 0..n {
        plans.push(match (&needs[k], &pass1[k]) {
            (Some(need), Some(h)) => {
                let ps = match need {
                    Need::Percentiles(ps) => ps.clone(),
                    Need::AbsDeviation { .. } => vec![50.0],
                };
                Some(
                    h.plan(&ps)
                        .map_err(|e| Error::input(sources[k].layer.path(), e.to_string()))?,
                )
            }
            _ => None,
        });
    }
    // For a MAD after monotone steps: the input intervals whose deviations land in the bins
    // pass 2 refines (|f(x) - m| in [lo, hi] <=> f(x) in [m - hi, m - lo] or [m + lo, m + hi]).
    let windows: Vec<Option<Vec<(f32, f32)>>> = (0..n)
        .map(|k| match (&needs[k], &plans[k]) {
            (Some(Need::AbsDeviation { centre }), Some(plan)) if monotone(&resolved[k]) => {
                let mut w = Vec::new();
                for (lo, hi) in plan.ranges() {
                    let (lo, hi) = (lo as f64, hi as f64);
                    for (a, b) in [(centre - hi, centre - lo), (centre + lo, centre + hi)] {
                        let (a, b) = preimage(&resolved[k], a, b);
                        w.push((a as f32, b as f32));
                    }
                }
                Some(w)
            }
            _ => None,
        })
        .collect();
    let empty2 = || -> Vec<Option<QuantilePass2>> {
        plans
            .iter()
            .map(|p| p.as_ref().map(|p| p.pass2()))
            .collect()
    };
    let pass2 = engine.install(|| {
        blocks
            .par_iter()
            .try_fold(empty2, |mut hists, block| -> Result<_> {
                let mut buf = buffers.take();
                for k in 0..n {
                    if let (Some(need), Some(plan), Some(h)) =
                        (&needs[k], &plans[k], hists[k].as_mut())
                    {
                        match (need, &windows[k]) {
                            // Only the values whose deviation can fall in the refined bins:
                            // the logarithm of the others is not needed.
                            (Need::AbsDeviation { centre }, Some(win)) => {
                                sources[k].read(block, &mut buf)?;
                                let mut cand = candidates(&buf, win);
                                apply(&resolved[k], &mut cand);
                                abs_deviation(*centre, &mut cand);
                                plan.add(h, &cand);
                            }
                            _ => {
                                prepared(&sources[k], &resolved[k], need, block, &mut buf)?;
                                plan.add(h, &buf);
                            }
                        }
                    }
                }
                buffers.give(buf);
                Ok(hists)
            })
            .try_reduce(empty2, |mut a, b| {
                for (x, y) in a.iter_mut().zip(&b) {
                    if let (Some(x), Some(y)) = (x.as_mut(), y.as_ref()) {
                        x.merge(y);
                    }
                }
                Ok(a)
            })
    })?;
    let mut out = Vec::with_capacity(n);
    for k in 0..n {
        out.push(match (&needs[k], &plans[k], &pass2[k]) {
            (Some(Need::Percentiles(_)), Some(p), Some(h)) if monotone(&resolved[k]) => {
                Some(p.finish_mapped(h, |x| apply_one(&resolved[k], x)))
            }
            (Some(_), Some(p), Some(h)) => Some(p.finish(h)),
            _ => None,
        });
    }
    Ok(out)
}

/// Rows a tile's pieces are fetched ahead of their use: a piece of a row is a short run
/// (2 KiB) far from the previous row's, which the hardware prefetcher does not foresee.
const AHEAD: usize = 2;

/// Asks the CPU to bring `values` into its cache (a hint: no effect on results).
#[inline]
fn prefetch(values: &[f32]) {
    #[cfg(target_arch = "x86_64")]
    for line in values.chunks(16) {
        // Safety: a prefetch reads nothing architecturally; the address is in bounds.
        unsafe {
            std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(
                line.as_ptr().cast(),
            )
        };
    }
}

/// Combines one block into the output, one tile row of the encoder at a time, tile by tile
/// ([`CogEncoder::push_f32_tiles`]): each row piece of a tile is taken from the layers (in
/// place from their maps, through the layer's chain where it has one, or from the block's
/// buffer `data[k]`) and combined straight into the tile, so that a block's values go from the
/// inputs to the file while in cache. Returns the number of cells with a value; errors name
/// the first input value outside [0, 1] (only layers without a chain can hold one: chains end
/// with a membership function).
fn combined_tiles(
    encoder: &mut CogEncoder,
    op: FuzzyOp,
    sources: &[Source],
    resolved: &[Vec<Resolved>],
    block: &Block,
    data: &[Option<Vec<f32>>],
    out_err: impl Fn(std::io::Error) -> Error,
) -> Result<u64> {
    let w = sources[0].width;
    let rows: Vec<&[f32]> = sources
        .iter()
        .zip(data)
        .map(|(source, d)| match d {
            Some(d) => Ok(d.as_slice()),
            None => source
                .mapped(block)?
                .ok_or_else(|| Error::Internal("a layer is neither mapped nor read".into())),
        })
        .collect::<Result<_>>()?;
    // Layers put through their chains here: read in place, with steps still to apply.
    let chained: Vec<bool> = data
        .iter()
        .zip(resolved)
        .map(|(d, steps)| d.is_none() && !steps.is_empty())
        .collect();
    let valid = AtomicU64::new(0);
    let outside = AtomicBool::new(false);
    for t0 in (0..block.rows).step_by(TILE) {
        let n = TILE.min(block.rows - t0);
        encoder
            .push_f32_tiles(n, |c0, cw, band, cells| {
                let mut scratch = vec![0f32; chained.iter().filter(|&&c| c).count() * cw];
                let (mut count, mut out_of_range) = (0u64, false);
                for (i, r) in band.enumerate() {
                    let at = (t0 + r) * w + c0;
                    if r + AHEAD < n {
                        for layer in &rows {
                            prefetch(&layer[at + AHEAD * w..at + AHEAD * w + cw]);
                        }
                    }
                    let mut pieces = scratch.chunks_mut(cw.max(1));
                    let mut done: Vec<&[f32]> = Vec::with_capacity(rows.len());
                    for (k, layer) in rows.iter().enumerate() {
                        let piece = &layer[at..at + cw];
                        if chained[k] {
                            let mine = pieces.next().unwrap_or_default();
                            mine.copy_from_slice(piece);
                            apply(&resolved[k], mine);
                            done.push(mine);
                        } else {
                            done.push(piece);
                        }
                    }
                    let seen = combine(op, &done, &mut cells[i * TILE..i * TILE + cw]);
                    count += seen.valid;
                    out_of_range |= seen.outside;
                }
                valid.fetch_add(count, Ordering::Relaxed);
                if out_of_range {
                    outside.store(true, Ordering::Relaxed);
                }
                Ok(())
            })
            .map_err(&out_err)?;
    }
    if outside.into_inner() {
        // Name the layer and the cell.
        for ((source, values), &chain) in sources.iter().zip(&rows).zip(&chained) {
            if !chain {
                check_unit_interval(source.layer.path(), values, block.row0, w)?;
            }
        }
        return Err(Error::Internal(
            "a value outside [0, 1] was not found".into(),
        ));
    }
    Ok(valid.into_inner())
}

/// `geoprospect fuzzy`: writes the combined memberships as a Float32 COG; returns what it
/// wrote (each layer with its resolved chain).
pub fn run_fuzzy(req: &FuzzyRequest, engine: &Engine) -> Result<FuzzySummary> {
    let first = req
        .layers
        .first()
        .ok_or_else(|| Error::param("a fuzzy overlay needs at least one layer"))?;
    req.op.check()?;
    let (_, grid, crs) = GridLayer::open_as_grid(&first.path)?;
    let grid = restrict(grid, &crs, req.area.as_ref())?;
    let scratch = singularity_layers(req, engine)?;
    let mut sources = Vec::with_capacity(req.layers.len());
    for (k, l) in req.layers.iter().enumerate() {
        let path = scratch.input(k).unwrap_or(&l.path);
        let layer = GridLayer::open(path, &grid)?;
        // Reads in place skip the study area's mask: GDAL's reads apply it.
        let (raw, tiles) = if layer.is_integer() || grid.area.is_some() {
            (None, None)
        } else {
            match RawStrips::open(path)? {
                Some(raw) => (Some(raw), None),
                None => (None, DeflateTiles::open(path)?),
            }
        };
        sources.push(Source {
            layer,
            raw,
            tiles,
            width: grid.width,
        });
    }
    // Blocks of whole tile rows of the inputs and of the output (so the encoder cuts tiles
    // straight from the blocks, without gathering rows first).
    let tile_rows = sources
        .iter()
        .filter(|s| s.raw.is_none())
        .map(|s| s.layer.tile_rows())
        .fold(TILE, usize::max);
    let blocks = aligned_blocks(&grid, tile_rows);
    let buffers = Buffers::default();

    // Resolve the chains, gathering statistics in rounds.
    let n = req.layers.len();
    let mut resolved: Vec<Vec<Resolved>> = vec![Vec::new(); n];
    let mut stats: Vec<Vec<f64>> = vec![Vec::new(); n];
    let mut rounds = 0usize;
    loop {
        let mut needs: Vec<Option<Need>> = vec![None; n];
        for k in 0..n {
            let chain = &req.layers[k].chain;
            while resolved[k].len() < chain.len() {
                let step = &chain[resolved[k].len()];
                if let Some(need) = next_need(step, &stats[k]) {
                    needs[k] = Some(need);
                    break;
                }
                let r = resolve(step, &stats[k]).map_err(|e| match e {
                    Error::Param(m) => Error::input(&req.layers[k].path, m),
                    e => e,
                })?;
                resolved[k].push(r);
                stats[k].clear();
            }
        }
        if needs.iter().all(Option::is_none) {
            break;
        }
        rounds += 1;
        let got = gather(engine, &blocks, &sources, &resolved, &needs, &buffers)?;
        for (k, values) in got.into_iter().enumerate() {
            if let Some(v) = values {
                stats[k].extend(v);
            }
        }
    }

    let layers: Vec<ResolvedLayer> = req
        .layers
        .iter()
        .zip(&resolved)
        .map(|(l, steps)| ResolvedLayer {
            path: l.path.clone(),
            singularity: l.singularity.clone(),
            steps: steps.clone(),
        })
        .collect();
    let names: Vec<String> = layers
        .iter()
        .map(|l| format!("{}: {}", l.path.display(), l.describe()))
        .collect();
    let mut items = vec![(
        "GEOPROSPECT_OVERLAY".to_string(),
        format!("fuzzy {}", req.op.name()),
    )];
    if layers
        .iter()
        .any(|l| !l.steps.is_empty() || l.singularity.is_some())
    {
        items.push(("GEOPROSPECT_CHAINS".into(), names.join("; ")));
    }
    let meta = LayerMeta {
        description: format!("fuzzy {}", req.op.name()),
        inputs: req
            .layers
            .iter()
            .map(|l| l.path.display().to_string())
            .collect(),
        items,
        category_names: Vec::new(),
    };
    let file = AtomicFile::new(req.out)?;
    let dir = req
        .out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let tags = layer_tags(&grid, PixelType::Float32, &meta, dir)?;
    let (sample, nodata, codec) = encoder_settings(PixelType::Float32, req.cog.compression);
    let out_err = |e: std::io::Error| Error::output(req.out, format!("cannot write COG: {e}"));
    let mut encoder = CogEncoder::create(
        file.path(),
        grid.width,
        grid.height,
        sample,
        nodata,
        codec,
        tags,
        engine.pool(),
    )
    .map_err(out_err)?;
    // Layers that cannot be read in place from a map are read (and put through their chains)
    // into buffers, blocks in parallel; a writer thread, fed through a bounded channel in block
    // order, then makes the output tile by tile ([`combined_tiles`]), so that reading the next
    // blocks overlaps with combining, encoding and writing this one.
    let wave = 2 * engine.threads();
    let (tx, rx) = std::sync::mpsc::sync_channel::<(Block, Vec<Option<Vec<f32>>>)>(wave);
    let (sources, resolved, buffers, blocks) = (&sources, &resolved, &buffers, &blocks);
    let (computed, written) = std::thread::scope(|scope| {
        // Mapped rows are paged in a block ahead of the writer and out of the resident set
        // once written, on a thread of their own: off the writer's path, and at most two
        // blocks resident.
        let (pager, pages) = std::sync::mpsc::channel::<(Block, bool)>();
        scope.spawn(move || {
            for (block, page_in) in pages {
                for source in sources.iter() {
                    if let (Some(strips), Ok(Some(_))) = (&source.raw, source.mapped(&block)) {
                        match page_in {
                            true => strips.populate(block.row0, block.rows),
                            false => strips.release(block.row0, block.rows),
                        }
                    }
                }
            }
        });
        let writer = scope.spawn(move || -> Result<(CogEncoder, u64)> {
            let mut valid = 0u64;
            for (block, data) in rx {
                if let Some(next) = blocks.get(block.index + 1) {
                    let _ = pager.send((*next, true));
                }
                valid += combined_tiles(
                    &mut encoder,
                    req.op,
                    sources,
                    resolved,
                    &block,
                    &data,
                    out_err,
                )?;
                let _ = pager.send((block, false));
                for buf in data.into_iter().flatten() {
                    buffers.give(buf);
                }
            }
            Ok((encoder, valid))
        });
        let computed = engine.stage(
            "fuzzy",
            blocks,
            |block| {
                let mut data: Vec<Option<Vec<f32>>> = vec![None; n];
                for (k, source) in sources.iter().enumerate() {
                    if source.mapped(block)?.is_none() {
                        let mut buf = buffers.take();
                        source.read(block, &mut buf)?;
                        apply(&resolved[k], &mut buf);
                        data[k] = Some(buf);
                    }
                }
                Ok((*block, data))
            },
            // A send fails only when the writer has stopped on an error, reported below.
            |_, result| {
                let _ = tx.send(result);
                Ok(())
            },
        );
        drop(tx);
        let written = writer
            .join()
            .unwrap_or_else(|_| Err(Error::Internal("the COG writer thread panicked".into())));
        (computed, written)
    });
    computed?;
    let (encoder, valid) = written?;
    encoder.finish().map_err(out_err)?;
    file.commit()?;
    Ok(FuzzySummary {
        out: req.out.to_path_buf(),
        op: req.op,
        layers,
        width: grid.width,
        height: grid.height,
        valid,
        rounds,
    })
}

/// The singularity indices of the layers whose chains start with one, as scratch layers in a
/// hidden folder beside the output (removed when this is dropped).
struct Scratch {
    _dir: Option<tempfile::TempDir>,
    inputs: Vec<Option<PathBuf>>,
}

impl Scratch {
    /// The file layer `k` is read from instead of its own, if any.
    fn input(&self, k: usize) -> Option<&Path> {
        self.inputs.get(k)?.as_deref()
    }
}

/// Writes the singularity index of every layer whose chain starts with `singularity:` (over the
/// whole layer: a study area masks the index afterwards, as it masks the layer's values).
fn singularity_layers(req: &FuzzyRequest, engine: &Engine) -> Result<Scratch> {
    if req.layers.iter().all(|l| l.singularity.is_none()) {
        return Ok(Scratch {
            _dir: None,
            inputs: Vec::new(),
        });
    }
    let parent = req
        .out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let dir = tempfile::Builder::new()
        .prefix(".geoprospect-singularity-")
        .tempdir_in(parent)
        .map_err(|e| Error::output(parent, format!("cannot make a scratch folder: {e}")))?;
    let mut inputs = Vec::with_capacity(req.layers.len());
    for (k, l) in req.layers.iter().enumerate() {
        inputs.push(match &l.singularity {
            Some(windows) => {
                let out = dir.path().join(format!("{k}.tif"));
                run_singularity(
                    &SingularityRequest {
                        input: &l.path,
                        windows: windows.clone(),
                        out: &out,
                        cog: CogOptions {
                            compression: Compression::None,
                        },
                    },
                    engine,
                )?;
                Some(out)
            }
            None => None,
        });
    }
    Ok(Scratch {
        _dir: Some(dir),
        inputs,
    })
}

/// Errors on the first value outside [0, 1] (NaN is nodata and allowed).
fn check_unit_interval(path: &Path, values: &[f32], row0: usize, width: usize) -> Result<()> {
    match values
        .iter()
        .position(|v| !v.is_nan() && !(0.0..=1.0).contains(v))
    {
        None => Ok(()),
        Some(i) => Err(Error::input(
            path,
            format!(
                "value {} at row {}, column {} is outside [0, 1]: fuzzy operators combine \
                 memberships (make it a membership layer first, or combine it by a weighted \
                 index overlay)",
                values[i],
                row0 + i / width,
                i % width
            ),
        )),
    }
}
