//! The drawing surface of the report's pictures: an RGB bitmap drawn by plotters at
//! [`SS`] times the picture's size, box-filtered down (plotters' bitmap backend draws lines
//! without anti-aliasing; supersampling smooths them), and written as PNG.
//!
//! Text is DejaVu Sans, embedded in the binary by the `dejavu` crate and drawn by plotters'
//! `ab_glyph` font backend, so the pictures need no system font or fontconfig and their bytes
//! depend only on what is drawn.
use std::path::Path;
use std::sync::OnceLock;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{FontDesc, FontFamily, FontStyle, RGBAColor};

use crate::error::{Error, Result};
use crate::io::atomic::AtomicFile;

/// Supersampling factor: the picture is drawn this many times larger, then box-filtered down.
pub(crate) const SS: u32 = 2;

/// Family name the embedded fonts are registered under.
pub(crate) const FONT: &str = "DejaVu Sans";

/// Registers the embedded DejaVu Sans (regular and bold) with plotters, once per process.
pub(crate) fn register_fonts() -> Result<()> {
    static DONE: OnceLock<std::result::Result<(), String>> = OnceLock::new();
    DONE.get_or_init(|| {
        plotters::style::register_font(FONT, FontStyle::Normal, dejavu::sans::regular())
            .map_err(|_| "the embedded DejaVu Sans font is invalid".to_string())?;
        plotters::style::register_font(FONT, FontStyle::Bold, dejavu::sans::bold())
            .map_err(|_| "the embedded DejaVu Sans Bold font is invalid".to_string())
    })
    .clone()
    .map_err(Error::Internal)
}

/// Averages `factor` x `factor` blocks of an RGB buffer of `(w * factor) x (h * factor)`
/// pixels into `w x h` pixels.
pub(crate) fn downsample(big: &[u8], w: usize, h: usize, factor: usize) -> Vec<u8> {
    let bw = w * factor;
    let n = (factor * factor) as u32;
    let mut out = vec![0u8; w * h * 3];
    for y in 0..h {
        for x in 0..w {
            for c in 0..3 {
                let mut sum = 0u32;
                for dy in 0..factor {
                    let row = (y * factor + dy) * bw;
                    for dx in 0..factor {
                        sum += big[(row + x * factor + dx) * 3 + c] as u32;
                    }
                }
                out[(y * w + x) * 3 + c] = ((sum + n / 2) / n) as u8;
            }
        }
    }
    out
}

/// Writes an 8-bit RGB PNG atomically (a temporary file renamed into place).
pub(crate) fn write_png(out: &Path, rgb: &[u8], w: u32, h: u32) -> Result<()> {
    let file = AtomicFile::new(out)?;
    let err = |e: &dyn std::fmt::Display| Error::output(out, format!("cannot write PNG: {e}"));
    {
        let f = std::fs::File::create(file.path()).map_err(|e| err(&e))?;
        let mut encoder = png::Encoder::new(std::io::BufWriter::new(f), w, h);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_compression(png::Compression::High);
        let mut writer = encoder.write_header().map_err(|e| err(&e))?;
        writer.write_image_data(rgb).map_err(|e| err(&e))?;
        writer.finish().map_err(|e| err(&e))?;
    }
    file.commit()
}

/// Plotters drawing in picture pixels (before supersampling), on a bitmap `SS` times larger.
pub(crate) struct Painter<'a> {
    pub(crate) area: DrawingArea<BitMapBackend<'a>, Shift>,
}

/// A colour from RGB bytes and an opacity.
pub(crate) fn rgba(c: [u8; 3], alpha: f64) -> RGBAColor {
    RGBAColor(c[0], c[1], c[2], alpha)
}

fn px(v: f64) -> i32 {
    (v * SS as f64).round() as i32
}

fn draw_error(e: impl std::fmt::Display) -> Error {
    Error::Internal(format!("drawing a picture: {e}"))
}

/// Horizontal alignment of text.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Align {
    Left,
    Centre,
    Right,
}

impl<'a> Painter<'a> {
    /// A painter over an RGB buffer of `(w * SS) x (h * SS)` pixels (its content is kept).
    pub(crate) fn new(buf: &'a mut [u8], w: u32, h: u32) -> Painter<'a> {
        Painter {
            area: BitMapBackend::with_buffer(buf, (w * SS, h * SS)).into_drawing_area(),
        }
    }

    /// A polyline.
    pub(crate) fn line(&self, pts: &[(f64, f64)], colour: RGBAColor, width: f64) -> Result<()> {
        if pts.len() < 2 {
            return Ok(());
        }
        let pts: Vec<(i32, i32)> = pts.iter().map(|&(x, y)| (px(x), px(y))).collect();
        let style = ShapeStyle {
            color: colour,
            filled: false,
            stroke_width: (width * SS as f64).round().max(1.0) as u32,
        };
        self.area
            .draw(&PathElement::new(pts.clone(), style))
            .map_err(draw_error)?;
        // Round joins and caps: plotters draws wide paths as separate quads per segment.
        if width * SS as f64 >= 3.0 {
            for &(x, y) in &pts {
                self.area
                    .draw(&Circle::new(
                        (x, y),
                        (width * SS as f64 / 2.0).floor() as i32,
                        colour.filled(),
                    ))
                    .map_err(draw_error)?;
            }
        }
        Ok(())
    }

    /// A filled polygon.
    pub(crate) fn fill(&self, pts: &[(f64, f64)], colour: RGBAColor) -> Result<()> {
        let pts: Vec<(i32, i32)> = pts.iter().map(|&(x, y)| (px(x), px(y))).collect();
        self.area
            .draw(&plotters::element::Polygon::new(pts, colour.filled()))
            .map_err(draw_error)
    }

    /// A rectangle, filled and/or outlined.
    pub(crate) fn rect(
        &self,
        (x0, y0): (f64, f64),
        (x1, y1): (f64, f64),
        fill: Option<RGBAColor>,
        stroke: Option<(RGBAColor, f64)>,
    ) -> Result<()> {
        if let Some(c) = fill {
            self.area
                .draw(&Rectangle::new(
                    [(px(x0), px(y0)), (px(x1), px(y1))],
                    c.filled(),
                ))
                .map_err(draw_error)?;
        }
        if let Some((c, w)) = stroke {
            let ring = [(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)];
            self.line(&ring, c, w)?;
        }
        Ok(())
    }

    /// A circle, filled and/or outlined.
    pub(crate) fn circle(
        &self,
        (x, y): (f64, f64),
        r: f64,
        fill: Option<RGBAColor>,
        stroke: Option<(RGBAColor, f64)>,
    ) -> Result<()> {
        let centre = (px(x), px(y));
        if let Some((c, w)) = stroke {
            self.area
                .draw(&Circle::new(centre, px(r + w / 2.0), c.filled()))
                .map_err(draw_error)?;
        }
        if let Some(c) = fill {
            let inner = stroke.map_or(r, |(_, w)| r - w / 2.0);
            self.area
                .draw(&Circle::new(centre, px(inner), c.filled()))
                .map_err(draw_error)?;
        }
        Ok(())
    }

    fn font(size: f64, bold: bool) -> FontDesc<'static> {
        let style = if bold {
            FontStyle::Bold
        } else {
            FontStyle::Normal
        };
        FontDesc::new(FontFamily::Name(FONT), size * SS as f64, style)
    }

    /// Width of `text` in picture pixels.
    pub(crate) fn text_width(&self, text: &str, size: f64, bold: bool) -> f64 {
        Self::font(size, bold)
            .box_size(text)
            .map_or(0.0, |(w, _)| w as f64 / SS as f64)
    }

    /// Text with its baseline at `y`, aligned on `x`; on a box of colour `background` when
    /// given (labels over the score stay readable on every colour of the ramp).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn text(
        &self,
        text: &str,
        (x, y): (f64, f64),
        size: f64,
        bold: bool,
        colour: RGBAColor,
        align: Align,
        background: Option<RGBAColor>,
    ) -> Result<()> {
        if text.is_empty() {
            return Ok(());
        }
        let h = match align {
            Align::Left => HPos::Left,
            Align::Centre => HPos::Center,
            Align::Right => HPos::Right,
        };
        if let Some(c) = background {
            let w = self.text_width(text, size, bold);
            let x0 = match align {
                Align::Left => x,
                Align::Centre => x - w / 2.0,
                Align::Right => x - w,
            };
            self.rect(
                (x0 - 2.5, y - 0.8 * size - 1.0),
                (x0 + w + 2.5, y + 0.25 * size + 1.5),
                Some(c),
                None,
            )?;
        }
        // plotters' ab_glyph backend puts the baseline half the font size below the anchor.
        let style = TextStyle::from(Self::font(size, bold))
            .color(&colour)
            .pos(Pos::new(h, VPos::Top));
        self.area
            .draw(&Text::new(
                text.to_string(),
                (px(x), px(y - size / 2.0)),
                style,
            ))
            .map_err(draw_error)
    }

    /// Finishes drawing (the buffer is written in place).
    pub(crate) fn finish(self) -> Result<()> {
        self.area.present().map_err(draw_error)
    }
}

/// `text`, cut with an ellipsis to at most `max_w` pixels wide.
pub(crate) fn fit(p: &Painter, text: &str, size: f64, bold: bool, max_w: f64) -> String {
    if p.text_width(text, size, bold) <= max_w {
        return text.to_string();
    }
    let chars: Vec<char> = text.chars().collect();
    let (mut lo, mut hi) = (0, chars.len());
    // The longest prefix that fits with the ellipsis.
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        let s: String = chars[..mid].iter().collect::<String>() + "…";
        if p.text_width(&s, size, bold) <= max_w {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    chars[..lo]
        .iter()
        .collect::<String>()
        .trim_end()
        .to_string()
        + "…"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_is_cut_to_fit() {
        register_fonts().unwrap();
        let mut buf = vec![0u8; (10 * SS * 10 * SS * 3) as usize];
        let p = Painter::new(&mut buf, 10, 10);
        let long = "fuzzy gamma 0.8 of alkaline_proximity, TREO, La, Ce, Nd, Y, Th, Nb, eTh";
        let full = p.text_width(long, 13.0, false);
        assert!(full > 200.0, "{full}");
        let cut = fit(&p, long, 13.0, false, 200.0);
        assert!(cut.ends_with('…') && cut.len() < long.len(), "{cut}");
        assert!(p.text_width(&cut, 13.0, false) <= 200.0);
        assert_eq!(fit(&p, "short", 13.0, false, 200.0), "short");
    }

    #[test]
    fn downsample_averages_blocks() {
        // 2 x 1 output from 4 x 2 input.
        let mut big = vec![0u8; 4 * 2 * 3];
        for (i, px) in big.chunks_mut(3).enumerate() {
            let v = if i % 4 < 2 { 100 } else { 201 };
            px.copy_from_slice(&[v, v, v]);
        }
        assert_eq!(
            downsample(&big, 2, 1, 2),
            vec![100, 100, 100, 201, 201, 201]
        );
    }
}
