//! The file layout: where the header, GDAL's structural metadata, the IFDs and every tile go,
//! as GDAL's COG driver lays them out, and the writing of all but the tiles written in place.
use std::fs::File;
use std::io::{BufWriter, Write};
use std::os::unix::fs::FileExt;

use super::level::Level;
use super::{type_size, Codec, Sample, Tag, TILE};

const GHOST: &str = "LAYOUT=IFDS_BEFORE_DATA\nBLOCK_ORDER=ROW_MAJOR\nBLOCK_LEADER=SIZE_AS_UINT4\n\
BLOCK_TRAILER=LAST_4_BYTES_REPEATED\nKNOWN_INCOMPATIBLE_EDITION=NO\n ";

fn tag_u(code: u16, typ: u16, values: &[u64]) -> Tag {
    let size = type_size(typ).unwrap_or(4) as usize;
    let mut data = Vec::with_capacity(values.len() * size);
    for v in values {
        data.extend_from_slice(&v.to_le_bytes()[..size]);
    }
    Tag {
        code,
        typ,
        count: values.len() as u64,
        data,
    }
}

/// The tags of one level's IFD, sorted by code.
#[allow(clippy::too_many_arguments)]
fn ifd_tags(
    level: &Level,
    overview: bool,
    sample: Sample,
    codec: Codec,
    copied: &[Tag],
    offsets: &[u64],
    counts: &[u64],
    big: bool,
) -> Vec<Tag> {
    let mut t = Vec::new();
    if overview {
        t.push(tag_u(254, 4, &[1]));
    }
    t.push(tag_u(256, 4, &[level.width as u64]));
    t.push(tag_u(257, 4, &[level.height as u64]));
    t.push(tag_u(258, 3, &[32]));
    let compression = match codec {
        Codec::None => 1,
        Codec::Deflate => 8,
        Codec::Zstd => 50000,
    };
    t.push(tag_u(259, 3, &[compression]));
    t.push(tag_u(262, 3, &[1]));
    t.push(tag_u(277, 3, &[1]));
    t.push(tag_u(284, 3, &[1]));
    if codec != Codec::None {
        let predictor = if sample == Sample::Float32 { 3 } else { 2 };
        t.push(tag_u(317, 3, &[predictor]));
    }
    t.push(tag_u(322, 3, &[TILE as u64]));
    t.push(tag_u(323, 3, &[TILE as u64]));
    t.push(tag_u(324, if big { 16 } else { 4 }, offsets));
    t.push(tag_u(325, 4, counts));
    t.push(tag_u(
        339,
        3,
        &[if sample == Sample::Float32 { 3 } else { 2 }],
    ));
    for c in copied {
        if !overview || c.code == 42113 {
            t.push(c.clone());
        }
    }
    t.sort_by_key(|t| t.code);
    t.dedup_by_key(|t| t.code);
    t
}

/// Bytes of an IFD at `pos` with its out-of-line values after it, pointing to `next`.
fn ifd_bytes(tags: &[Tag], pos: u64, next: u64, big: bool) -> Vec<u8> {
    let (count_len, entry_len, inline) = if big { (8, 20, 8) } else { (2, 12, 4) };
    let head = count_len + entry_len * tags.len() + if big { 8 } else { 4 };
    let mut out = Vec::new();
    let mut extra = Vec::new();
    if big {
        out.extend_from_slice(&(tags.len() as u64).to_le_bytes());
    } else {
        out.extend_from_slice(&(tags.len() as u16).to_le_bytes());
    }
    for t in tags {
        out.extend_from_slice(&t.code.to_le_bytes());
        out.extend_from_slice(&t.typ.to_le_bytes());
        let mut value = vec![0u8; inline];
        if t.data.len() <= inline {
            value[..t.data.len()].copy_from_slice(&t.data);
        } else {
            let at = pos + head as u64 + extra.len() as u64;
            value.copy_from_slice(&at.to_le_bytes()[..inline]);
            extra.extend_from_slice(&t.data);
            if extra.len() % 2 == 1 {
                extra.push(0);
            }
        }
        if big {
            out.extend_from_slice(&t.count.to_le_bytes());
        } else {
            out.extend_from_slice(&(t.count as u32).to_le_bytes());
        }
        out.extend_from_slice(&value);
    }
    if big {
        out.extend_from_slice(&next.to_le_bytes());
    } else {
        out.extend_from_slice(&(next as u32).to_le_bytes());
    }
    out.extend_from_slice(&extra);
    out
}

/// Where everything goes in the file.
pub(super) struct Layout {
    big: bool,
    ghost: String,
    ifd_pos: Vec<u64>,
    /// Per level, the offset of each tile's data (after its 4-byte leader).
    pub(super) offsets: Vec<Vec<u64>>,
    ifds: Vec<Vec<u8>>,
    data_start: u64,
}

impl Layout {
    pub(super) fn new(
        levels: &[Level],
        sizes: &[Vec<u64>],
        sample: Sample,
        codec: Codec,
        copied: &[Tag],
    ) -> Layout {
        let data: u64 = sizes.iter().flatten().map(|s| s + 8).sum();
        let big = data > 4_000_000_000;
        let header = if big { 16u64 } else { 8 };
        let ghost = format!(
            "GDAL_STRUCTURAL_METADATA_SIZE={:06} bytes\n{GHOST}",
            GHOST.len()
        );
        let first_ifd = (header + ghost.len() as u64).next_multiple_of(2);
        // IFD sizes do not depend on the offsets in them: lay them out with zeros first.
        let mut ifd_pos = Vec::with_capacity(levels.len());
        let mut pos = first_ifd;
        for (i, l) in levels.iter().enumerate() {
            ifd_pos.push(pos);
            let zeros = vec![0u64; sizes[i].len()];
            let tags = ifd_tags(l, i > 0, sample, codec, copied, &zeros, &sizes[i], big);
            pos += ifd_bytes(&tags, pos, 0, big).len() as u64;
            pos = pos.next_multiple_of(2);
        }
        let data_start = pos;
        // Tile data: smallest overview first, the full image last; 4-byte leader before each.
        let mut offsets: Vec<Vec<u64>> = vec![Vec::new(); levels.len()];
        for (i, s) in sizes.iter().enumerate().rev() {
            for t in s {
                offsets[i].push(pos + 4);
                pos += t + 8;
            }
        }
        let ifds = levels
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let next = ifd_pos.get(i + 1).copied().unwrap_or(0);
                let tags = ifd_tags(l, i > 0, sample, codec, copied, &offsets[i], &sizes[i], big);
                ifd_bytes(&tags, ifd_pos[i], next, big)
            })
            .collect();
        Layout {
            big,
            ghost,
            ifd_pos,
            offsets,
            ifds,
            data_start,
        }
    }

    /// Writes the header, the IFDs and the spilled tiles (uncompressed tiles are already in
    /// place).
    pub(super) fn write(
        &self,
        file: &File,
        levels: &[Level],
        spill: Option<&File>,
    ) -> std::io::Result<()> {
        let mut head = Vec::with_capacity(self.data_start as usize);
        if self.big {
            head.extend_from_slice(b"II\x2b\x00\x08\x00\x00\x00");
            head.extend_from_slice(&self.ifd_pos[0].to_le_bytes());
        } else {
            head.extend_from_slice(b"II\x2a\x00");
            head.extend_from_slice(&(self.ifd_pos[0] as u32).to_le_bytes());
        }
        head.extend_from_slice(self.ghost.as_bytes());
        for (pos, ifd) in self.ifd_pos.iter().zip(&self.ifds) {
            head.resize(*pos as usize, 0);
            head.extend_from_slice(ifd);
        }
        head.resize(self.data_start as usize, 0);
        let mut out = BufWriter::with_capacity(1 << 20, file);
        out.write_all(&head)?;
        for l in levels.iter().rev() {
            let mut put = |t: &[u8]| -> std::io::Result<()> {
                out.write_all(&(t.len() as u32).to_le_bytes())?;
                out.write_all(t)?;
                let mut trailer = [0u8; 4];
                let k = t.len().min(4);
                trailer[4 - k..].copy_from_slice(&t[t.len() - k..]);
                out.write_all(&trailer)
            };
            let mut buf = Vec::new();
            for &(at, len) in &l.spilled {
                buf.resize(len, 0);
                spill
                    .ok_or_else(|| std::io::Error::other("spilled tiles without a spill file"))?
                    .read_exact_at(&mut buf, at)?;
                put(&buf)?;
            }
        }
        out.flush()
    }
}
