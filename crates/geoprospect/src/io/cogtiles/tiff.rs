//! The TIFF reader: the tags of a TIFF's first IFD and where its blocks are, for the tags a COG
//! copies from a GDAL-written TIFF and for reading GDAL's blocks directly.
use std::fs::File;
use std::os::unix::fs::FileExt;
use std::path::Path;

use super::{type_size, Tag};

/// Tags copied from a GDAL-written TIFF into the full image's IFD: software, GeoTIFF pixel
/// scale, tie point, transformation, GeoKeys and their parameters, GDAL metadata and nodata.
const COPIED: [u16; 9] = [305, 33550, 33922, 34264, 34735, 34736, 34737, 42112, 42113];

/// A little-endian TIFF's first IFD: its tags and the layout of its image data.
#[derive(Debug, Clone)]
pub struct TiffInfo {
    /// Image width and height.
    pub size: (u64, u64),
    /// Block width and height (a strip is as wide as the image).
    pub block: (u64, u64),
    /// Whether blocks are tiles (else strips).
    pub tiled: bool,
    /// TIFF compression code (1: none).
    pub compression: u16,
    /// Bits per sample, samples per pixel, sample format (1 uint, 2 int, 3 float).
    pub sample: (u16, u16, u16),
    /// Byte offset and size of every block, row-major.
    pub blocks: Vec<(u64, u64)>,
    /// Every tag of the IFD.
    pub tags: Vec<Tag>,
}

impl TiffInfo {
    /// The tags a COG of the same layer copies (see [`COPIED`]).
    pub fn copied_tags(&self) -> Vec<Tag> {
        self.tags
            .iter()
            .filter(|t| COPIED.contains(&t.code))
            .cloned()
            .collect()
    }
}

fn read_at(file: &File, offset: u64, len: u64) -> std::io::Result<Vec<u8>> {
    let mut buf = vec![0u8; len as usize];
    file.read_exact_at(&mut buf, offset)?;
    Ok(buf)
}

fn le_u(bytes: &[u8]) -> u64 {
    let mut v = [0u8; 8];
    v[..bytes.len()].copy_from_slice(bytes);
    u64::from_le_bytes(v)
}

impl Tag {
    /// The values as unsigned integers (SHORT, LONG, LONG8).
    fn uints(&self) -> Vec<u64> {
        let size = type_size(self.typ).unwrap_or(1) as usize;
        self.data.chunks(size).map(le_u).collect()
    }
}

/// Reads the first IFD of a little-endian TIFF or BigTIFF. Errors say what is unsupported.
pub fn read_tiff(path: &Path) -> std::io::Result<TiffInfo> {
    let file = File::open(path)?;
    let head = read_at(&file, 0, 16)?;
    if &head[..2] != b"II" {
        return Err(std::io::Error::other("not a little-endian TIFF"));
    }
    let big = match le_u(&head[2..4]) {
        42 => false,
        43 => true,
        v => return Err(std::io::Error::other(format!("TIFF version {v}"))),
    };
    let ifd = if big {
        le_u(&head[8..16])
    } else {
        le_u(&head[4..8])
    };
    let (count_len, entry_len, inline) = if big { (8, 20, 8) } else { (2, 12, 4) };
    let n = le_u(&read_at(&file, ifd, count_len)?);
    if n > 4096 {
        return Err(std::io::Error::other(format!("IFD of {n} entries")));
    }
    let entries = read_at(&file, ifd + count_len, n * entry_len)?;
    let mut tags = Vec::with_capacity(n as usize);
    for e in entries.chunks(entry_len as usize) {
        let code = le_u(&e[0..2]) as u16;
        let typ = le_u(&e[2..4]) as u16;
        let Some(size) = type_size(typ) else {
            continue;
        };
        let (count, value) = if big {
            (le_u(&e[4..12]), &e[12..20])
        } else {
            (le_u(&e[4..8]), &e[8..12])
        };
        let len = count
            .checked_mul(size)
            .filter(|l| *l < 1 << 32)
            .ok_or_else(|| std::io::Error::other("tag too large"))?;
        let data = if len <= inline {
            value[..len as usize].to_vec()
        } else {
            read_at(&file, le_u(value), len)?
        };
        tags.push(Tag {
            code,
            typ,
            count,
            data,
        });
    }
    let get = |code: u16| tags.iter().find(|t| t.code == code).map(|t| t.uints());
    let one = |code: u16, default: u64| {
        get(code)
            .and_then(|v| v.first().copied())
            .unwrap_or(default)
    };
    let size = (one(256, 0), one(257, 0));
    let tiled = get(322).is_some();
    let block = if tiled {
        (one(322, 0), one(323, 0))
    } else {
        (size.0, one(278, size.1).min(size.1))
    };
    let (offsets, counts) = if tiled {
        (get(324), get(325))
    } else {
        (get(273), get(279))
    };
    let (Some(offsets), Some(counts)) = (offsets, counts) else {
        return Err(std::io::Error::other("no block offsets"));
    };
    if offsets.len() != counts.len() {
        return Err(std::io::Error::other(
            "block offsets and sizes differ in number",
        ));
    }
    Ok(TiffInfo {
        size,
        block,
        tiled,
        compression: one(259, 1) as u16,
        sample: (one(258, 1) as u16, one(277, 1) as u16, one(339, 1) as u16),
        blocks: offsets.into_iter().zip(counts).collect(),
        tags,
    })
}
