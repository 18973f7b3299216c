//! A score map as a PNG picture: the prospectivity score under a perceptual colour ramp
//! (viridis, Smith & van der Walt 2015), target outlines with their ranks, known occurrences,
//! faults, a colour bar, a scale bar, a north arrow, map-edge coordinates and a title.
//!
//! The score is read once, downsampled by GDAL to the picture's size (average resampling, from
//! the COG's overviews when the grid is large), so a map of any grid costs about the same. It is
//! drawn on [`crate::report::canvas`] (supersampled, embedded font), so the bytes written
//! depend on nothing installed on the machine: the same inputs give the same file.
use std::path::Path;

use geo::{LineString, Polygon};

use crate::error::{Error, Result};
use crate::grid::GridSpec;
use crate::io::crs::Crs;
use crate::io::dataset::read_band_decimated;
use crate::report::canvas::{downsample, fit, register_fonts, rgba, write_png, Align, Painter, SS};

/// What a score map shows. Coordinates are in the analysis CRS of `grid`.
#[derive(Debug, Clone, Copy)]
pub struct MapInput<'a> {
    /// Title, e.g. `Khanbogd block: REE prospectivity`.
    pub title: &'a str,
    /// One line under the title, e.g. the model and its AUC.
    pub subtitle: &'a str,
    /// The analysis grid the score is on.
    pub grid: &'a GridSpec,
    /// Label of the analysis CRS, printed under the map.
    pub crs_label: &'a str,
    /// The score: a single-band Float32 raster on `grid`, NaN (or its nodata value) where
    /// unscored, values in [0, 1].
    pub score: &'a Path,
    /// Target outlines.
    pub targets: &'a [Polygon<f64>],
    /// The rank of each target (1 = best), printed beside it; missing ranks print nothing.
    pub target_ranks: &'a [u32],
    /// Known occurrences: `(x, y, name)`.
    pub occurrences: &'a [(f64, f64, String)],
    /// Fault traces; may be empty.
    pub faults: &'a [LineString<f64>],
    /// The study area's polygons; empty without one.
    pub area: &'a [Polygon<f64>],
    /// How the raster's values are coloured and explained.
    pub legend: Legend<'a>,
}

/// How a map colours its raster.
#[derive(Clone, Copy)]
pub enum Legend<'a> {
    /// A prospectivity score in [0, 1] under [`RAMP`], with a colour bar.
    Score,
    /// Classes: `colour` of a cell's value (`None`: no class), and the legend's swatches.
    Classes {
        /// The legend's heading.
        title: &'a str,
        /// The class of a value, as a colour.
        colour: &'a dyn Fn(f64) -> Option<[u8; 3]>,
        /// Label and colour of each class, in legend order.
        swatches: &'a [(&'a str, [u8; 3])],
        /// What a cell without a class means.
        none: &'a str,
    },
}

impl std::fmt::Debug for Legend<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Legend::Score => f.write_str("Score"),
            Legend::Classes { title, .. } => write!(f, "Classes({title:?})"),
        }
    }
}

impl Legend<'_> {
    fn colour(&self, v: f64) -> [u8; 3] {
        match self {
            Legend::Score => ramp_colour(v),
            Legend::Classes { colour, .. } => colour(v).unwrap_or(NODATA_COLOUR),
        }
    }
}

/// Stops of the colour ramp: viridis (matplotlib's values) every 0.1, linear in between.
/// [`crate::report::qml`] writes the same stops so QGIS shows what the PNG shows.
pub const RAMP: [(f64, [u8; 3]); 11] = [
    (0.0, [0x44, 0x01, 0x54]),
    (0.1, [0x48, 0x24, 0x75]),
    (0.2, [0x41, 0x44, 0x87]),
    (0.3, [0x35, 0x5f, 0x8d]),
    (0.4, [0x2a, 0x78, 0x8e]),
    (0.5, [0x21, 0x91, 0x8c]),
    (0.6, [0x22, 0xa8, 0x84]),
    (0.7, [0x44, 0xbf, 0x70]),
    (0.8, [0x7a, 0xd1, 0x51]),
    (0.9, [0xbd, 0xdf, 0x26]),
    (1.0, [0xfd, 0xe7, 0x25]),
];

/// Colour of cells without a score.
pub const NODATA_COLOUR: [u8; 3] = [0xe4, 0xe4, 0xe4];

/// The ramp's colour for a score: values are clamped to [0, 1], NaN gives [`NODATA_COLOUR`].
///
/// ```
/// use geoprospect::report::map::ramp_colour;
/// assert_eq!(ramp_colour(0.0), [0x44, 0x01, 0x54]);
/// assert_eq!(ramp_colour(2.0), [0xfd, 0xe7, 0x25]);
/// assert_eq!(ramp_colour(f64::NAN), [0xe4, 0xe4, 0xe4]);
/// ```
pub fn ramp_colour(v: f64) -> [u8; 3] {
    if v.is_nan() {
        return NODATA_COLOUR;
    }
    let v = v.clamp(0.0, 1.0);
    let last = RAMP.len() - 1;
    let i = ((v * last as f64).floor() as usize).min(last - 1);
    let (a, ca) = RAMP[i];
    let (b, cb) = RAMP[i + 1];
    let t = (v - a) / (b - a);
    let mix = |k: usize| (ca[k] as f64 + t * (cb[k] as f64 - ca[k] as f64)).round() as u8;
    [mix(0), mix(1), mix(2)]
}

/// The largest "nice" length (1, 2 or 5 times a power of ten) not above `max`; 0 for a
/// non-positive or non-finite `max`. Scale bars and coordinate ticks use it.
///
/// ```
/// use geoprospect::report::map::nice_length;
/// assert_eq!(nice_length(4300.0), 2000.0);
/// assert_eq!(nice_length(9999.0), 5000.0);
/// assert_eq!(nice_length(10000.0), 10000.0);
/// assert_eq!(nice_length(0.3), 0.2);
/// ```
pub fn nice_length(max: f64) -> f64 {
    if !(max.is_finite() && max > 0.0) {
        return 0.0;
    }
    let p = 10f64.powf(max.log10().floor());
    // Guard the power of ten against rounding (log10(1000) may give 2.9999...).
    let p = if p * 10.0 <= max * (1.0 + 1e-12) {
        p * 10.0
    } else {
        p
    };
    [5.0, 2.0, 1.0]
        .into_iter()
        .map(|m| m * p)
        .find(|&v| v <= max * (1.0 + 1e-12))
        .unwrap_or(p)
}

/// A length in metres as a scale-bar label: `500 m`, `2 km`, `2.5 km`.
///
/// ```
/// use geoprospect::report::map::length_label;
/// assert_eq!(length_label(500.0), "500 m");
/// assert_eq!(length_label(2000.0), "2 km");
/// assert_eq!(length_label(2500.0), "2.5 km");
/// ```
pub fn length_label(metres: f64) -> String {
    if metres >= 1000.0 {
        format!("{} km", trim_number(metres / 1000.0))
    } else {
        format!("{} m", trim_number(metres))
    }
}

/// A number with at most 3 decimals and no trailing zeros.
fn trim_number(v: f64) -> String {
    let s = format!("{v:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_string()
    } else {
        s.to_string()
    }
}

/// Width of the picture in pixels.
pub const MAP_WIDTH: u32 = 1200;

/// Where things go on the picture, in picture pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Layout {
    width: f64,
    height: f64,
    map_x: f64,
    map_y: f64,
    map_w: f64,
    map_h: f64,
    panel_x: f64,
}

const LEFT: f64 = 84.0;
const TOP: f64 = 78.0;
const BOTTOM: f64 = 92.0;
const PANEL: f64 = 190.0;
const GAP: f64 = 30.0;
const MAX_MAP_H: f64 = 900.0;
/// Height the right-hand panel (colour bar, legend, north arrow) needs.
const PANEL_H: f64 = 520.0;

impl Layout {
    fn new(grid: &GridSpec) -> Layout {
        let width = MAP_WIDTH as f64;
        let mut map_w = width - LEFT - GAP - PANEL - 12.0;
        let aspect = grid.height.max(1) as f64 / grid.width.max(1) as f64;
        let mut map_h = map_w * aspect;
        if map_h > MAX_MAP_H {
            map_h = MAX_MAP_H;
            map_w = map_h / aspect;
        }
        let (map_w, map_h) = (map_w.round(), map_h.round().max(1.0));
        let height = (TOP + map_h.max(PANEL_H) + BOTTOM).round();
        Layout {
            width,
            height,
            map_x: LEFT,
            map_y: TOP,
            map_w,
            map_h,
            panel_x: LEFT + map_w + GAP,
        }
    }
}

/// World to picture coordinates for the map frame.
struct Frame {
    extent: [f64; 4],
    layout: Layout,
}

impl Frame {
    fn to_px(&self, x: f64, y: f64) -> (f64, f64) {
        let [xmin, ymin, xmax, ymax] = self.extent;
        let l = &self.layout;
        (
            l.map_x + (x - xmin) / (xmax - xmin) * l.map_w,
            l.map_y + (ymax - y) / (ymax - ymin) * l.map_h,
        )
    }

    fn contains(&self, (x, y): (f64, f64)) -> bool {
        let l = &self.layout;
        x >= l.map_x && x <= l.map_x + l.map_w && y >= l.map_y && y <= l.map_y + l.map_h
    }

    /// A world polyline in picture coordinates, cut to the map frame (pieces inside).
    fn clip(&self, line: &LineString<f64>) -> Vec<Vec<(f64, f64)>> {
        let l = &self.layout;
        let bounds = [l.map_x, l.map_y, l.map_x + l.map_w, l.map_y + l.map_h];
        let mut pieces: Vec<Vec<(f64, f64)>> = Vec::new();
        let mut current: Vec<(f64, f64)> = Vec::new();
        for seg in line.0.windows(2) {
            let a = self.to_px(seg[0].x, seg[0].y);
            let b = self.to_px(seg[1].x, seg[1].y);
            match clip_segment(a, b, bounds) {
                Some((p, q)) => {
                    if current.last() != Some(&p) {
                        if current.len() >= 2 {
                            pieces.push(std::mem::take(&mut current));
                        }
                        current.clear();
                        current.push(p);
                    }
                    current.push(q);
                }
                None => {
                    if current.len() >= 2 {
                        pieces.push(std::mem::take(&mut current));
                    }
                    current.clear();
                }
            }
        }
        if current.len() >= 2 {
            pieces.push(current);
        }
        pieces
    }
}

/// Liang–Barsky: the part of segment `a`–`b` inside `[xmin, ymin, xmax, ymax]`.
fn clip_segment(
    a: (f64, f64),
    b: (f64, f64),
    [xmin, ymin, xmax, ymax]: [f64; 4],
) -> Option<((f64, f64), (f64, f64))> {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    for (p, q) in [
        (-dx, a.0 - xmin),
        (dx, xmax - a.0),
        (-dy, a.1 - ymin),
        (dy, ymax - a.1),
    ] {
        if p == 0.0 {
            if q < 0.0 {
                return None;
            }
        } else {
            let t = q / p;
            if p < 0.0 {
                t0 = t0.max(t);
            } else {
                t1 = t1.min(t);
            }
        }
    }
    (t0 <= t1).then(|| {
        let at = |t: f64| (a.0 + t * dx, a.1 + t * dy);
        (if t0 > 0.0 { at(t0) } else { a }, at(t1))
    })
}

/// Metres per CRS unit along x at the grid's centre (1 for metric projected CRSs; the length of
/// a degree of longitude there for geographic ones).
fn metres_per_unit(grid: &GridSpec) -> f64 {
    let Ok(crs) = Crs::parse(&grid.crs_wkt) else {
        return 1.0;
    };
    if crs.is_geographic() {
        let [_, ymin, _, ymax] = grid.extent();
        let lat = (0.5 * (ymin + ymax)).to_radians();
        return 111_320.0 * lat.cos().max(1e-6);
    }
    crs.metres_per_unit()
}

const BLACK_: [u8; 3] = [0x1a, 0x1a, 0x1a];
const WHITE_: [u8; 3] = [0xff, 0xff, 0xff];
const GREY: [u8; 3] = [0x55, 0x55, 0x55];
const OCCURRENCE: [u8; 3] = [0xff, 0x3b, 0x30];
const FAULT: [u8; 3] = [0x14, 0x14, 0x14];
const AREA: [u8; 3] = [0xc2, 0x18, 0x5b];

/// Occurrence labels are drawn only when there are at most this many occurrences on the map.
const MAX_OCCURRENCE_LABELS: usize = 30;

/// Renders the score map of `input` to a PNG at `out` ([`MAP_WIDTH`] pixels wide, height from
/// the grid's aspect). Errors name the score file when it cannot be read or is not on the grid.
pub fn render_map(input: &MapInput, out: &Path) -> Result<()> {
    register_fonts()?;
    let layout = Layout::new(input.grid);
    let (w, h) = (layout.width as u32, layout.height as u32);
    let (bw, bh) = ((w * SS) as usize, (h * SS) as usize);
    let mut big = vec![0xffu8; bw * bh * 3];
    let frame = Frame {
        extent: input.grid.extent(),
        layout,
    };
    let has_nodata = paint_score(input, &layout, &mut big, bw)?;
    {
        let p = Painter::new(&mut big, w, h);
        draw_overlays(&p, input, &frame)?;
        draw_frame(&p, input, &frame)?;
        draw_panel(&p, input, &layout, has_nodata)?;
        draw_titles(&p, input, &layout)?;
        p.finish()?;
    }
    let small = downsample(&big, w as usize, h as usize, SS as usize);
    write_png(out, &small, w, h)
}

/// The score under the colour ramp, written straight into the supersampled buffer.
/// Returns whether any cell shown has no score.
fn paint_score(input: &MapInput, l: &Layout, big: &mut [u8], stride: usize) -> Result<bool> {
    let ss = SS as f64;
    let (x0, y0) = ((l.map_x * ss) as usize, (l.map_y * ss) as usize);
    let (mw, mh) = ((l.map_w * ss) as usize, (l.map_h * ss) as usize);
    let grid = input.grid;
    // The score downsampled to at most the map's pixels (never upsampled).
    let (sw, sh, score) = read_band_decimated(input.score, |gw, gh| {
        if (gw, gh) != (grid.width, grid.height) {
            return Err(Error::input(
                input.score,
                format!(
                    "not on the analysis grid: {gw} x {gh} cells, the grid has {} x {}",
                    grid.width, grid.height
                ),
            ));
        }
        Ok((gw.min(mw).max(1), gh.min(mh).max(1)))
    })?;
    let has_nodata = score.iter().any(|v| v.is_nan());
    for py in 0..mh {
        let sy = ((py as f64 + 0.5) * sh as f64 / mh as f64) as usize;
        let sy = sy.min(sh - 1);
        for pxl in 0..mw {
            let sx = (((pxl as f64 + 0.5) * sw as f64 / mw as f64) as usize).min(sw - 1);
            let c = input.legend.colour(score[sy * sw + sx] as f64);
            let i = ((y0 + py) * stride + x0 + pxl) * 3;
            big[i..i + 3].copy_from_slice(&c);
        }
    }
    Ok(has_nodata)
}

/// The study area's outline, faults, targets and occurrences, clipped to the map.
fn draw_overlays(p: &Painter, input: &MapInput, frame: &Frame) -> Result<()> {
    for poly in input.area {
        for ring in std::iter::once(poly.exterior()).chain(poly.interiors()) {
            for piece in frame.clip(ring) {
                p.line(&piece, rgba(AREA, 0.9), 1.8)?;
            }
        }
    }
    for fault in input.faults {
        for piece in frame.clip(fault) {
            p.line(&piece, rgba(FAULT, 0.85), 1.6)?;
        }
    }
    // Outlines: a dark halo under a white line, visible on every colour of the ramp.
    let rings = |poly: &Polygon<f64>| -> Vec<Vec<(f64, f64)>> {
        std::iter::once(poly.exterior())
            .chain(poly.interiors())
            .flat_map(|ring| frame.clip(ring))
            .collect()
    };
    for poly in input.targets {
        for piece in rings(poly) {
            p.line(&piece, rgba(BLACK_, 0.9), 3.6)?;
        }
    }
    for poly in input.targets {
        for piece in rings(poly) {
            p.line(&piece, rgba(WHITE_, 1.0), 1.6)?;
        }
    }
    // Rank labels above the highest vertex of each rank's outlines (a target in several parts
    // is labelled once).
    let mut tops: Vec<(u32, (f64, f64))> = Vec::new();
    for (poly, &rank) in input.targets.iter().zip(input.target_ranks) {
        let top = poly
            .exterior()
            .0
            .iter()
            .map(|c| frame.to_px(c.x, c.y))
            .filter(|&q| frame.contains(q))
            .min_by(|a, b| a.1.total_cmp(&b.1).then(a.0.total_cmp(&b.0)));
        let Some(top) = top else { continue };
        match tops.iter_mut().find(|(r, _)| *r == rank) {
            Some((_, t)) if (top.1, top.0) < (t.1, t.0) => *t = top,
            Some(_) => {}
            None => tops.push((rank, top)),
        }
    }
    for (rank, (x, y)) in tops {
        let label = rank.to_string();
        let r = 7.5 + 3.0 * (label.len().saturating_sub(1)) as f64;
        let c = (x, (y - r - 2.0).max(frame.layout.map_y + r + 1.0));
        p.circle(
            c,
            r,
            Some(rgba(WHITE_, 1.0)),
            Some((rgba(BLACK_, 1.0), 1.2)),
        )?;
        p.text(
            &label,
            (c.0, c.1 + 4.0),
            11.0,
            true,
            rgba(BLACK_, 1.0),
            Align::Centre,
            None,
        )?;
    }
    let visible: Vec<((f64, f64), &str)> = input
        .occurrences
        .iter()
        .map(|(x, y, name)| (frame.to_px(*x, *y), name.as_str()))
        .filter(|(q, _)| frame.contains(*q))
        .collect();
    for &(q, _) in &visible {
        occurrence_marker(p, q)?;
    }
    if visible.len() <= MAX_OCCURRENCE_LABELS {
        for &((x, y), name) in &visible {
            p.text(
                name,
                (x + 9.0, y + 4.0),
                10.5,
                false,
                rgba(BLACK_, 1.0),
                Align::Left,
                Some(rgba(WHITE_, 0.72)),
            )?;
        }
    }
    Ok(())
}

/// An occurrence: a red triangle with a white edge.
fn occurrence_marker(p: &Painter, (x, y): (f64, f64)) -> Result<()> {
    let tri = |s: f64| {
        vec![
            (x, y - s),
            (x + 0.87 * s, y + 0.5 * s),
            (x - 0.87 * s, y + 0.5 * s),
        ]
    };
    p.fill(&tri(7.5), rgba(WHITE_, 1.0))?;
    p.fill(&tri(5.2), rgba(OCCURRENCE, 1.0))
}

/// The neatline with coordinate ticks, the scale bar and the CRS line under the map.
fn draw_frame(p: &Painter, input: &MapInput, frame: &Frame) -> Result<()> {
    let l = &frame.layout;
    let [xmin, ymin, xmax, ymax] = frame.extent;
    let (right, bottom) = (l.map_x + l.map_w, l.map_y + l.map_h);
    p.rect(
        (l.map_x, l.map_y),
        (right, bottom),
        None,
        Some((rgba(BLACK_, 1.0), 1.0)),
    )?;
    // Coordinate ticks: 3 to 8 per side at nice multiples.
    let ticks = |lo: f64, hi: f64| -> Vec<f64> {
        let step = nice_length((hi - lo) / 3.0);
        if step <= 0.0 {
            return Vec::new();
        }
        let mut v = (lo / step).ceil() * step;
        let mut out = Vec::new();
        while v <= hi + 1e-9 * step && out.len() < 12 {
            out.push(v);
            v += step;
        }
        out
    };
    let tick = rgba(BLACK_, 1.0);
    for x in ticks(xmin, xmax) {
        let (tx, _) = frame.to_px(x, ymin);
        p.line(&[(tx, bottom), (tx, bottom + 5.0)], tick, 1.0)?;
        p.text(
            &trim_number(x),
            (tx, bottom + 18.0),
            10.5,
            false,
            rgba(GREY, 1.0),
            Align::Centre,
            None,
        )?;
    }
    for y in ticks(ymin, ymax) {
        let (_, ty) = frame.to_px(xmin, y);
        p.line(&[(l.map_x - 5.0, ty), (l.map_x, ty)], tick, 1.0)?;
        p.text(
            &trim_number(y),
            (l.map_x - 8.0, ty + 4.0),
            10.5,
            false,
            rgba(GREY, 1.0),
            Align::Right,
            None,
        )?;
    }
    // Scale bar: a nice length near a quarter of the map's width, in four alternating parts.
    let m_per_unit = metres_per_unit(input.grid);
    let map_metres = (xmax - xmin) * m_per_unit;
    let length = nice_length(map_metres / 4.0);
    if length > 0.0 {
        let bar_w = length / map_metres * l.map_w;
        let (x0, y0) = (l.map_x, bottom + 36.0);
        for k in 0..4 {
            let a = x0 + bar_w * k as f64 / 4.0;
            let b = x0 + bar_w * (k + 1) as f64 / 4.0;
            let fill = if k % 2 == 0 { BLACK_ } else { WHITE_ };
            p.rect((a, y0), (b, y0 + 7.0), Some(rgba(fill, 1.0)), None)?;
        }
        p.rect(
            (x0, y0),
            (x0 + bar_w, y0 + 7.0),
            None,
            Some((rgba(BLACK_, 1.0), 1.0)),
        )?;
        let labels = [
            (0.0, "0".to_string()),
            (0.5, trim_number(length / 2.0 / unit_of(length))),
            (1.0, length_label(length)),
        ];
        for (f, label) in labels {
            let x = x0 + bar_w * f;
            let align = if f == 1.0 { Align::Left } else { Align::Centre };
            let x = if f == 1.0 {
                x - p.text_width(&trim_number(length / unit_of(length)), 11.0, false) / 2.0
            } else {
                x
            };
            p.text(
                &label,
                (x, y0 + 22.0),
                11.0,
                false,
                rgba(BLACK_, 1.0),
                align,
                None,
            )?;
        }
    }
    let units = if m_per_unit == 1.0 {
        "metres"
    } else {
        "CRS units"
    };
    let crs_line = format!(
        "{} · cells of {} · coordinates in {units}",
        input.crs_label,
        length_label(input.grid.res * m_per_unit)
    );
    p.text(
        &crs_line,
        (right, bottom + 58.0),
        10.5,
        false,
        rgba(GREY, 1.0),
        Align::Right,
        None,
    )
}

/// 1000 for lengths labelled in km, 1 for metres.
fn unit_of(metres: f64) -> f64 {
    if metres >= 1000.0 {
        1000.0
    } else {
        1.0
    }
}

/// Colour bar, legend and north arrow right of the map.
fn draw_panel(p: &Painter, input: &MapInput, l: &Layout, has_nodata: bool) -> Result<()> {
    let x = l.panel_x;
    let (y, none) = match input.legend {
        Legend::Score => (score_bar(p, x, l.map_y)?, "no score (no evidence)"),
        Legend::Classes {
            title,
            swatches,
            none,
            ..
        } => (class_swatches(p, x, l.map_y, title, swatches)?, none),
    };
    legend_rest(p, input, x, y, has_nodata, none)
}

/// The legend of [`Legend::Classes`]: the heading, then a swatch per class; returns where
/// the rest of the legend starts.
fn class_swatches(
    p: &Painter,
    x: f64,
    top: f64,
    title: &str,
    swatches: &[(&str, [u8; 3])],
) -> Result<f64> {
    p.text(
        title,
        (x, top + 12.0),
        13.0,
        true,
        rgba(BLACK_, 1.0),
        Align::Left,
        None,
    )?;
    let mut y = top + 40.0;
    for (label, colour) in swatches {
        p.rect(
            (x, y - 7.0),
            (x + 22.0, y + 7.0),
            Some(rgba(*colour, 1.0)),
            Some((rgba(GREY, 1.0), 0.8)),
        )?;
        p.text(
            label,
            (x + 34.0, y + 4.0),
            11.5,
            false,
            rgba(BLACK_, 1.0),
            Align::Left,
            None,
        )?;
        y += 26.0;
    }
    Ok(y + 8.0)
}

/// The colour bar of [`Legend::Score`]; returns where the rest of the legend starts.
fn score_bar(p: &Painter, x: f64, y: f64) -> Result<f64> {
    p.text(
        "Prospectivity",
        (x, y + 12.0),
        13.0,
        true,
        rgba(BLACK_, 1.0),
        Align::Left,
        None,
    )?;
    // Colour bar: 1 at the top.
    let (bar_top, bar_h, bar_w) = (y + 26.0, 220.0, 22.0);
    let steps = 220;
    for k in 0..steps {
        let v = 1.0 - (k as f64 + 0.5) / steps as f64;
        let a = bar_top + bar_h * k as f64 / steps as f64;
        let b = bar_top + bar_h * (k + 1) as f64 / steps as f64;
        p.rect(
            (x, a),
            (x + bar_w, b),
            Some(rgba(ramp_colour(v), 1.0)),
            None,
        )?;
    }
    p.rect(
        (x, bar_top),
        (x + bar_w, bar_top + bar_h),
        None,
        Some((rgba(BLACK_, 1.0), 1.0)),
    )?;
    for k in 0..=5 {
        let v = k as f64 / 5.0;
        let ty = bar_top + bar_h * (1.0 - v);
        p.line(
            &[(x + bar_w, ty), (x + bar_w + 4.0, ty)],
            rgba(BLACK_, 1.0),
            1.0,
        )?;
        let label = match k {
            5 => "1.0  high".to_string(),
            0 => "0.0  low".to_string(),
            _ => format!("{v:.1}"),
        };
        p.text(
            &label,
            (x + bar_w + 8.0, ty + 4.0),
            11.0,
            false,
            rgba(BLACK_, 1.0),
            Align::Left,
            None,
        )?;
    }
    Ok(bar_top + bar_h + 34.0)
}

/// Nodata, targets, occurrences, faults, the study area and the north arrow, from `y` down.
fn legend_rest(
    p: &Painter,
    input: &MapInput,
    x: f64,
    mut y: f64,
    has_nodata: bool,
    none: &str,
) -> Result<()> {
    let label = |y: f64, s: &str| {
        p.text(
            s,
            (x + 34.0, y + 4.0),
            11.5,
            false,
            rgba(BLACK_, 1.0),
            Align::Left,
            None,
        )
    };
    if has_nodata {
        p.rect(
            (x, y - 7.0),
            (x + 22.0, y + 7.0),
            Some(rgba(NODATA_COLOUR, 1.0)),
            Some((rgba(GREY, 1.0), 0.8)),
        )?;
        label(y, none)?;
        y += 26.0;
    }
    if !input.targets.is_empty() {
        let ring = [
            (x + 1.0, y - 7.0),
            (x + 21.0, y - 7.0),
            (x + 21.0, y + 7.0),
            (x + 1.0, y + 7.0),
            (x + 1.0, y - 7.0),
        ];
        p.rect(
            (x, y - 8.0),
            (x + 22.0, y + 8.0),
            Some(rgba(ramp_colour(0.85), 1.0)),
            None,
        )?;
        p.line(&ring, rgba(BLACK_, 0.9), 3.6)?;
        p.line(&ring, rgba(WHITE_, 1.0), 1.6)?;
        label(y, "target zone")?;
        y += 26.0;
        p.circle(
            (x + 11.0, y),
            7.5,
            Some(rgba(WHITE_, 1.0)),
            Some((rgba(BLACK_, 1.0), 1.2)),
        )?;
        p.text(
            "1",
            (x + 11.0, y + 4.0),
            11.0,
            true,
            rgba(BLACK_, 1.0),
            Align::Centre,
            None,
        )?;
        label(y, "target rank")?;
        y += 26.0;
    }
    if !input.occurrences.is_empty() {
        occurrence_marker(p, (x + 11.0, y + 1.0))?;
        label(y, "known occurrence")?;
        y += 26.0;
    }
    if !input.faults.is_empty() {
        p.line(&[(x, y + 3.0), (x + 22.0, y - 3.0)], rgba(FAULT, 0.85), 1.6)?;
        label(y, "fault")?;
        y += 26.0;
    }
    if !input.area.is_empty() {
        p.line(&[(x, y), (x + 22.0, y)], rgba(AREA, 0.9), 1.8)?;
        label(y, "study area")?;
        y += 26.0;
    }
    // North arrow (grid north: the map is drawn north-up in the analysis CRS).
    let (cx, top) = (x + 11.0, y + 26.0);
    p.text(
        "N",
        (cx, top),
        14.0,
        true,
        rgba(BLACK_, 1.0),
        Align::Centre,
        None,
    )?;
    let tip = (cx, top + 6.0);
    let base = top + 46.0;
    p.fill(
        &[tip, (cx + 10.0, base), (cx, base - 9.0)],
        rgba(BLACK_, 1.0),
    )?;
    p.fill(
        &[tip, (cx, base - 9.0), (cx - 10.0, base)],
        rgba(WHITE_, 1.0),
    )?;
    p.line(
        &[
            tip,
            (cx + 10.0, base),
            (cx, base - 9.0),
            (cx - 10.0, base),
            tip,
        ],
        rgba(BLACK_, 1.0),
        1.0,
    )
}

fn draw_titles(p: &Painter, input: &MapInput, l: &Layout) -> Result<()> {
    let max_w = l.width - l.map_x - 12.0;
    p.text(
        &fit(p, input.title, 21.0, true, max_w),
        (l.map_x, 32.0),
        21.0,
        true,
        rgba(BLACK_, 1.0),
        Align::Left,
        None,
    )?;
    p.text(
        &fit(p, input.subtitle, 13.0, false, max_w),
        (l.map_x, 56.0),
        13.0,
        false,
        rgba(GREY, 1.0),
        Align::Left,
        None,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ramp_endpoints_and_midpoints() {
        assert_eq!(ramp_colour(0.0), RAMP[0].1);
        assert_eq!(ramp_colour(1.0), RAMP[10].1);
        assert_eq!(ramp_colour(-1.0), RAMP[0].1);
        assert_eq!(ramp_colour(0.5), RAMP[5].1);
        assert_eq!(ramp_colour(f64::NAN), NODATA_COLOUR);
        // Halfway between two stops is the rounded mean of their channels.
        let (a, b) = (RAMP[3].1, RAMP[4].1);
        let mid = ramp_colour(0.35);
        for k in 0..3 {
            let m = (a[k] as f64 + b[k] as f64) / 2.0;
            assert!((mid[k] as f64 - m).abs() <= 0.5 + 1e-9, "{mid:?}");
        }
    }

    #[test]
    fn ramp_gets_lighter() {
        // Viridis increases monotonically in lightness; a proxy: the channel sum rises.
        let sum = |c: [u8; 3]| c.iter().map(|&v| v as u32).sum::<u32>();
        let mut last = 0;
        for k in 0..=100 {
            let s = sum(ramp_colour(k as f64 / 100.0));
            assert!(s + 8 >= last, "at {k}: {s} < {last}");
            last = s;
        }
    }

    #[test]
    fn nice_lengths() {
        assert_eq!(nice_length(1.0), 1.0);
        assert_eq!(nice_length(1.99), 1.0);
        assert_eq!(nice_length(2.0), 2.0);
        assert_eq!(nice_length(4.99), 2.0);
        assert_eq!(nice_length(7.0), 5.0);
        assert_eq!(nice_length(1000.0), 1000.0);
        assert_eq!(nice_length(11_000.0), 10_000.0);
        assert_eq!(nice_length(0.07), 0.05);
        assert_eq!(nice_length(0.0), 0.0);
        assert_eq!(nice_length(f64::NAN), 0.0);
        for k in -3..8 {
            let p = 10f64.powi(k);
            assert_eq!(nice_length(p), p, "10^{k}");
        }
    }

    #[test]
    fn scale_bar_for_a_44_km_map_is_10_km() {
        // The Mongolian sample's grid is 43.5 km wide: a quarter is ~10.9 km.
        assert_eq!(nice_length(43_500.0 / 4.0), 10_000.0);
        assert_eq!(length_label(10_000.0), "10 km");
        assert_eq!(length_label(250.0), "250 m");
    }

    #[test]
    fn segments_are_clipped_to_the_frame() {
        let b = [0.0, 0.0, 10.0, 10.0];
        assert_eq!(
            clip_segment((-5.0, 5.0), (15.0, 5.0), b),
            Some(((0.0, 5.0), (10.0, 5.0)))
        );
        assert_eq!(clip_segment((-5.0, -5.0), (-1.0, 20.0), b), None);
        assert_eq!(
            clip_segment((2.0, 2.0), (3.0, 3.0), b),
            Some(((2.0, 2.0), (3.0, 3.0)))
        );
    }

    #[test]
    fn layout_keeps_the_grid_aspect() {
        let g =
            GridSpec::from_extent(String::new(), [0.0, 0.0, 43_500.0, 33_600.0], 100.0).unwrap();
        let l = Layout::new(&g);
        assert_eq!(l.width, MAP_WIDTH as f64);
        assert!((l.map_h / l.map_w - 336.0 / 435.0).abs() < 0.01);
        // A tall grid is limited in height and narrower.
        let g = GridSpec::from_extent(String::new(), [0.0, 0.0, 1000.0, 5000.0], 10.0).unwrap();
        let l = Layout::new(&g);
        assert_eq!(l.map_h, MAX_MAP_H);
        assert!((l.map_w - 180.0).abs() < 1.0);
    }
}
