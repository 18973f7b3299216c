//! The encoder: [`CogEncoder`] takes the rows or tiles of a layer, makes and encodes its tiles
//! on its threads, sends the rows down the pyramid and puts every tile in the file or the
//! spill file.
use std::fs::File;
use std::ops::Range;

use std::path::Path;
use std::sync::atomic::AtomicU64;
use std::sync::Mutex;

use rayon::prelude::*;

use super::inplace::reserve;
use super::layout::Layout;
use super::level::Level;
use super::overviews::{pairs_into, source_window};
use super::pyramid::{feed, HalfRows};
use super::tilerow::{emit_tile, encode_tile_row, record, Encoded, Settings, SCRATCH};
use super::{Codec, Sample, Tag, TILE};

/// Rows of a tile made at a time by [`CogEncoder::push_tiles`] (even: 2 x 2 windows do not
/// straddle bands).
const BAND: usize = 16;

/// Streaming COG encoder: [`CogEncoder::create`], [`CogEncoder::push_rows`] in order, then
/// [`CogEncoder::finish`].
///
/// Compressed tiles wait in an anonymous spill file beside the target until the end (the
/// overviews precede them in the file and their sizes are known only once compressed), so
/// memory does not grow with the layer; uncompressed tiles have known sizes, so the file is
/// laid out at once and every tile, of every level, is written in place as it is made.
pub struct CogEncoder<'a> {
    settings: Settings,
    tags: Vec<Tag>,
    levels: Vec<Level>,
    /// First-overview rows made by [`CogEncoder::push_tiles`] and not yet passed to the levels
    /// below: the first `made_rows` rows of `made`, a buffer of a tile row of that level. A
    /// full tile row of them goes down the pyramid from `feeding` (the other buffer) while the
    /// next tile row is made.
    made: Vec<u32>,
    made_rows: usize,
    feeding: Vec<u32>,
    pool: &'a rayon::ThreadPool,
}

impl<'a> CogEncoder<'a> {
    /// An encoder of a `width` x `height` layer into a new file at `path`, on the workers of
    /// `pool`. `tags` are the georeferencing and metadata tags (see
    /// [`TiffInfo::copied_tags`](super::TiffInfo::copied_tags)); `nodata` the bits of the value
    /// that pads edge tiles (NaN, or the class nodata code).
    #[allow(clippy::too_many_arguments)]
    pub fn create(
        path: &Path,
        width: usize,
        height: usize,
        sample: Sample,
        nodata: u32,
        codec: Codec,
        tags: Vec<Tag>,
        pool: &'a rayon::ThreadPool,
    ) -> std::io::Result<CogEncoder<'a>> {
        let mut levels = vec![Level::new(0, width, height)];
        let (mut w, mut h) = (width, height);
        while w > TILE || h > TILE {
            let below = levels.len() - 1;
            w = w.div_ceil(2);
            h = h.div_ceil(2);
            levels[below].down = (0..w)
                .map(|j| source_window(j, levels[below].width, w))
                .collect();
            levels.push(Level::new(below + 1, w, h));
        }
        let file = File::create(path)?;
        let offsets = if codec == Codec::None {
            let tile = (TILE * TILE * 4) as u64;
            let sizes: Vec<Vec<u64>> = levels.iter().map(|l| vec![tile; l.tiles()]).collect();
            let offsets = Layout::new(&levels, &sizes, sample, codec, &tags).offsets;
            let end = offsets.iter().flatten().max().map_or(0, |o| o + tile + 4);
            reserve(&file, end)?;
            Some(offsets)
        } else {
            None
        };
        let spill = if codec == Codec::None {
            None
        } else {
            let dir = path
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            let f = tempfile::tempfile_in(dir).map_err(|e| {
                std::io::Error::other(format!(
                    "cannot create a spill file in {}: {e}",
                    dir.display()
                ))
            })?;
            Some((f, AtomicU64::new(0)))
        };
        Ok(CogEncoder {
            settings: Settings {
                sample,
                codec,
                nodata,
                file,
                offsets,
                writing: Mutex::new(()),
                spill,
            },
            tags,
            levels,
            made: Vec::new(),
            made_rows: 0,
            feeding: Vec::new(),
            pool,
        })
    }

    /// Number of overview levels.
    pub fn overviews(&self) -> usize {
        self.levels.len() - 1
    }

    /// Appends full-width rows (as bit patterns: `f32::to_bits` or `i32 as u32`).
    pub fn push_rows(&mut self, rows: &[u32]) -> std::io::Result<()> {
        self.flush_made()?;
        let w = self.levels[0].width;
        if rows.len() % w.max(1) != 0
            || self.levels[0].rows_in + rows.len() / w > self.levels[0].height
        {
            return Err(std::io::Error::other(format!(
                "{} values do not make rows of {w} within {} rows",
                rows.len(),
                self.levels[0].height
            )));
        }
        let settings = &self.settings;
        let levels = &mut self.levels;
        self.pool.install(|| feed(levels, 0, rows, settings))
    }

    /// Appends full-width rows of a Float32 layer.
    pub fn push_f32_rows(&mut self, rows: &[f32]) -> std::io::Result<()> {
        // Safety: f32 and u32 have the same size and alignment, and every bit pattern is valid.
        let bits = unsafe { std::slice::from_raw_parts(rows.as_ptr().cast::<u32>(), rows.len()) };
        self.push_rows(bits)
    }

    /// Appends the next `rows` rows of the full-resolution image (a tile row: [`TILE`] rows,
    /// fewer only for the last), made tile by tile, in bands of rows: `fill(c0, cw, band,
    /// cells)` writes the cells of columns `c0 .. c0 + cw` of rows `band` (counted from the
    /// tile's top) into `cells`, row `band.start + i` at `i * TILE` (as bit patterns, as for
    /// [`CogEncoder::push_rows`]; cells beyond `cw` are nodata already). Tiles are made in
    /// parallel on the encoder's threads; each band is halved into the first overview (written
    /// in place in a tile row of that level) while it is in the first-level cache, and each
    /// tile encoded and written while it is in the second, with no full-width rows in between;
    /// once a tile row of the first overview is complete (two tile rows of the image), it goes
    /// down the pyramid while the next tile row is made. The file is the same, bit for bit, as from
    /// `push_rows` of the same rows. (Where the image has an odd width or height, a 2 x 2
    /// overview window may straddle two tiles: the rows are then assembled from the tiles and
    /// pushed as rows.)
    pub fn push_tiles<F>(&mut self, rows: usize, fill: F) -> std::io::Result<()>
    where
        F: Fn(usize, usize, Range<usize>, &mut [u32]) -> std::io::Result<()> + Sync,
    {
        let (w, h) = (self.levels[0].width, self.levels[0].height);
        let got = self.levels[0].rows_in;
        if rows == 0 || rows > TILE || got + rows > h || (rows < TILE && got + rows != h) {
            return Err(std::io::Error::other(format!(
                "{rows} rows at row {got} of {h} are not a tile row of whole tiles"
            )));
        }
        let tiles_x = w.div_ceil(TILE);
        let nodata = self.settings.nodata;
        let halves = self.levels.len() == 1 || (w % 2 == 0 && h % 2 == 0);
        if got % TILE != 0 || !self.levels[0].pending.is_empty() || !halves {
            let tiles = self.pool.install(|| {
                (0..tiles_x)
                    .into_par_iter()
                    .map(|tx| {
                        let mut tile = vec![nodata; TILE * TILE];
                        let cells = &mut tile[..rows * TILE];
                        fill(tx * TILE, TILE.min(w - tx * TILE), 0..rows, cells)?;
                        Ok(tile)
                    })
                    .collect::<std::io::Result<Vec<_>>>()
            })?;
            let mut block = Vec::with_capacity(rows * w);
            for r in 0..rows {
                for (tx, tile) in tiles.iter().enumerate() {
                    let cw = TILE.min(w - tx * TILE);
                    block.extend_from_slice(&tile[r * TILE..r * TILE + cw]);
                }
            }
            return self.push_rows(&block);
        }
        let overviews = self.levels.len() > 1;
        let hw = w / 2;
        let room = TILE * hw;
        if overviews && self.made.len() != room {
            self.made = vec![0; room];
            self.feeding = vec![0; room];
        }
        // A full tile row of first-overview rows goes down the pyramid meanwhile.
        let mut feed_rows = 0;
        if overviews && self.made_rows + rows / 2 > TILE {
            std::mem::swap(&mut self.made, &mut self.feeding);
            feed_rows = std::mem::take(&mut self.made_rows);
        }
        let settings = &self.settings;
        let (top, below) = self.levels.split_at_mut(1);
        let level = &mut top[0];
        let first = level.sizes.len();
        let direct = settings.direct().map(|(file, o)| (file, &o[0][first..]));
        let feeding = &self.feeding[..feed_rows * hw];
        let half = overviews.then(|| HalfRows::new(&mut self.made[self.made_rows * hw..], hw));
        let (made, fed) = self.pool.install(|| {
            rayon::join(
                || -> Vec<std::io::Result<Encoded>> {
                    (0..tiles_x)
                        .into_par_iter()
                        .map(|tx| {
                            let at = direct.map(|(file, offsets)| (file, offsets[tx]));
                            tile_and_half(tx * TILE, (w, rows), &fill, half.as_ref(), settings, at)
                        })
                        .collect()
                },
                || match feeding.is_empty() {
                    true => Ok(()),
                    false => feed(below, 0, feeding, settings),
                },
            )
        });
        fed?;
        record(level, made, settings)?;
        level.rows_in += rows;
        if overviews {
            level.made += rows / 2;
            level.kept.clear();
            level.kept_row0 = level.rows_in;
            self.made_rows += rows / 2;
        }
        Ok(())
    }

    /// [`CogEncoder::push_tiles`] of a Float32 layer.
    pub fn push_f32_tiles<F>(&mut self, rows: usize, fill: F) -> std::io::Result<()>
    where
        F: Fn(usize, usize, Range<usize>, &mut [f32]) -> std::io::Result<()> + Sync,
    {
        self.push_tiles(rows, |c0, cw, band, cells| {
            // Safety: as in `push_f32_rows`.
            let cells = unsafe {
                std::slice::from_raw_parts_mut(cells.as_mut_ptr().cast::<f32>(), cells.len())
            };
            fill(c0, cw, band, cells)
        })
    }

    /// Passes the first-overview rows made by [`CogEncoder::push_tiles`] to the levels below.
    fn flush_made(&mut self) -> std::io::Result<()> {
        if self.made_rows == 0 {
            return Ok(());
        }
        let settings = &self.settings;
        let width = self.levels[1].width;
        let levels = &mut self.levels[1..];
        let rows = &self.made[..self.made_rows * width];
        self.pool.install(|| feed(levels, 0, rows, settings))?;
        self.made_rows = 0;
        Ok(())
    }

    /// Flushes the last rows and writes the rest of the file.
    pub fn finish(mut self) -> std::io::Result<()> {
        self.flush_made()?;
        let got = self.levels[0].rows_in;
        if got != self.levels[0].height {
            return Err(std::io::Error::other(format!(
                "{got} rows written of {}",
                self.levels[0].height
            )));
        }
        let settings = &self.settings;
        let levels = &mut self.levels;
        self.pool.install(|| -> std::io::Result<()> {
            for level in levels.iter_mut() {
                if level.rows_in != level.height {
                    return Err(std::io::Error::other(format!(
                        "overview of {} x {} cells got {} rows",
                        level.width, level.height, level.rows_in
                    )));
                }
                let pending = std::mem::take(&mut level.pending);
                if !pending.is_empty() {
                    encode_tile_row(level, [&pending, &[]], settings)?;
                }
            }
            Ok(())
        })?;
        let sizes: Vec<Vec<u64>> = self.levels.iter().map(|l| l.sizes.clone()).collect();
        let settings = &self.settings;
        let layout = Layout::new(
            &self.levels,
            &sizes,
            settings.sample,
            settings.codec,
            &self.tags,
        );
        if let Some(planned) = &settings.offsets {
            if planned != &layout.offsets {
                return Err(std::io::Error::other(
                    "uncompressed tiles moved in the layout",
                ));
            }
        }
        layout.write(
            &settings.file,
            &self.levels,
            settings.spill().map(|(f, _)| f),
        )
    }
}

/// Makes the tile of columns `c0 ..` of a tile row of `rows` rows of an image `w` wide (see
/// [`CogEncoder::push_tiles`]), band by band, halving each band into the first overview's
/// cells under the tile (`half`) while it is in the first-level cache (the width and height
/// are even, so every 2 x 2 window lies in one band, and NEAREST takes its top left cell),
/// then encodes and writes (`at`) or returns the tile.
fn tile_and_half<F>(
    c0: usize,
    (w, rows): (usize, usize),
    fill: &F,
    half: Option<&HalfRows>,
    settings: &Settings,
    at: Option<(&File, u64)>,
) -> std::io::Result<Encoded>
where
    F: Fn(usize, usize, Range<usize>, &mut [u32]) -> std::io::Result<()>,
{
    let cw = TILE.min(w - c0);
    SCRATCH.with(|cell| {
        let mut scratch = cell.borrow_mut();
        let (tile, bytes, out) = &mut *scratch;
        if tile.len() != TILE * TILE || cw < TILE || rows < TILE {
            tile.clear();
            tile.resize(TILE * TILE, settings.nodata);
        }
        for r0 in (0..rows).step_by(BAND) {
            let band = r0..(r0 + BAND).min(rows);
            fill(c0, cw, band.clone(), &mut tile[r0 * TILE..band.end * TILE])?;
            let Some(half) = half else {
                continue;
            };
            for r in band.step_by(2) {
                let (a, b) = tile[r * TILE..].split_at(TILE);
                // Safety: this tile's columns of the overview; each tile has its own.
                let piece = unsafe { half.piece(r / 2, c0 / 2, cw / 2) };
                match settings.sample {
                    Sample::Float32 => pairs_into(&a[..cw], &b[..cw], piece),
                    Sample::Int32 => {
                        for (p, &v) in piece.iter_mut().zip(a.iter().step_by(2)) {
                            *p = v;
                        }
                    }
                }
            }
        }
        emit_tile(tile, bytes, out, settings, at)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::cogtiles::tests::layer;
    use crate::io::cogtiles::tests::pool;

    /// Tiles pushed with `push_tiles` make the same file, byte for byte, as the same rows
    /// pushed with `push_rows`: even sizes (overviews from the tiles), odd sizes (rows
    /// assembled), a single level, uncompressed and compressed, floats and classes.
    #[test]
    fn tiles_make_the_same_file_as_rows() {
        let cases = [
            (1300, 1028, Sample::Float32, Codec::None),
            (1300, 1028, Sample::Float32, Codec::Zstd),
            (1301, 1027, Sample::Float32, Codec::None),
            (1024, 1030, Sample::Int32, Codec::Deflate),
            (300, 200, Sample::Float32, Codec::Deflate),
            // A full first-overview tile row passed down before a last tile row of two rows;
            // an image two rows high.
            (1030, 1026, Sample::Float32, Codec::None),
            (1100, 2, Sample::Float32, Codec::Zstd),
        ];
        for (w, h, sample, codec) in cases {
            let bits: Vec<u32> = layer(w, h)
                .iter()
                .map(|v| match sample {
                    Sample::Float32 => v.to_bits(),
                    Sample::Int32 if v.is_nan() => -9999i32 as u32,
                    Sample::Int32 => *v as i32 as u32,
                })
                .collect();
            let nodata = match sample {
                Sample::Float32 => f32::NAN.to_bits(),
                Sample::Int32 => -9999i32 as u32,
            };
            let dir = tempfile::tempdir().unwrap();
            let encode = |name: &str, by_tiles: bool| {
                let path = dir.path().join(name);
                let mut enc =
                    CogEncoder::create(&path, w, h, sample, nodata, codec, Vec::new(), pool(3))
                        .unwrap();
                for (t, rows) in bits.chunks(w * TILE).enumerate() {
                    if !by_tiles {
                        enc.push_rows(rows).unwrap();
                        continue;
                    }
                    let n = rows.len() / w;
                    enc.push_tiles(n, |c0, cw, band, cells| {
                        assert_eq!(c0 % TILE, 0);
                        for (i, r) in band.enumerate() {
                            cells[i * TILE..i * TILE + cw]
                                .copy_from_slice(&rows[r * w + c0..r * w + c0 + cw]);
                        }
                        Ok(())
                    })
                    .unwrap_or_else(|e| panic!("{w} x {h}, tile row {t}: {e}"));
                }
                enc.finish().unwrap();
                std::fs::read(path).unwrap()
            };
            let (rows, tiles) = (encode("rows.tif", false), encode("tiles.tif", true));
            assert!(
                rows == tiles,
                "{w} x {h} {sample:?} {codec:?}: files differ"
            );
        }
    }

    /// An uncompressed layer's file is allocated whole when the encoder is made (so a full
    /// disk shows before any tile is written): it has its final length, in allocated blocks,
    /// from the start.
    #[test]
    fn uncompressed_files_are_allocated_at_once() {
        use std::os::unix::fs::MetadataExt;
        let (w, h) = (1100, 700);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.tif");
        let nan = f32::NAN.to_bits();
        let mut enc = CogEncoder::create(
            &path,
            w,
            h,
            Sample::Float32,
            nan,
            Codec::None,
            Vec::new(),
            pool(2),
        )
        .unwrap();
        let made = std::fs::metadata(&path).unwrap();
        let bits: Vec<u32> = layer(w, h).iter().map(|v| v.to_bits()).collect();
        enc.push_rows(&bits).unwrap();
        enc.finish().unwrap();
        let done = std::fs::metadata(&path).unwrap();
        let probe = File::create(dir.path().join("probe")).unwrap();
        if reserve(&probe, 4096).is_ok() && probe.metadata().unwrap().len() == 0 {
            eprintln!("skipping: this filesystem does not allocate ahead (no fallocate)");
            return;
        }
        assert_eq!(made.len(), done.len());
        assert!(
            made.blocks() * 512 >= made.len(),
            "{} blocks",
            made.blocks()
        );
    }
}
