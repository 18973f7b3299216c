//! Validation charts as PNG pictures: success-rate curves (cumulative share of known
//! occurrences against share of the area, highest scores first; Chung & Fabbri 2003) with the
//! diagonal of a random map and each curve's AUC, and the prediction-area (P-A) plot (Yousefi &
//! Carranza 2015).
//!
//! Drawn with plotters' chart builder on the same supersampled bitmap and embedded font as the
//! maps ([`crate::report::canvas`]), so the bytes depend only on the inputs.
use std::path::Path;

use plotters::prelude::*;
use plotters::style::{FontDesc, FontFamily, FontStyle, RGBAColor};

use crate::error::{Error, Result};
use crate::report::canvas::{downsample, register_fonts, rgba, write_png, Painter, FONT, SS};

/// Width of the charts in pixels.
pub const CHART_WIDTH: u32 = 900;
/// Height of the charts in pixels.
pub const CHART_HEIGHT: u32 = 640;

/// Line colours of the curves, in order (colour-blind-safe, Okabe & Ito 2008).
pub const SERIES_COLOURS: [[u8; 3]; 6] = [
    [0xd5, 0x5e, 0x00],
    [0x00, 0x72, 0xb2],
    [0x00, 0x9e, 0x73],
    [0xcc, 0x79, 0xa7],
    [0xe6, 0x9f, 0x00],
    [0x56, 0xb4, 0xe9],
];

fn font(size: f64, bold: bool) -> FontDesc<'static> {
    let style = if bold {
        FontStyle::Bold
    } else {
        FontStyle::Normal
    };
    FontDesc::new(FontFamily::Name(FONT), size * SS as f64, style)
}

fn s(v: f64) -> u32 {
    (v * SS as f64).round() as u32
}

fn chart_error(e: impl std::fmt::Display) -> Error {
    Error::Internal(format!("drawing a chart: {e}"))
}

fn percent(v: &f64) -> String {
    format!("{:.0} %", v * 100.0)
}

/// One success-rate curve: the commodity's name, the points `(share of area, share of
/// occurrences)` from (0, 0) to (1, 1) ([`crate::validate::Validation::curve`]) and its AUC.
pub type NamedCurve = (String, Vec<(f64, f64)>, f64);

/// Draws success-rate curves to a PNG at `out`, each commodity's AUC in the legend. The
/// diagonal is what a map with no skill gives (AUC 0.5).
pub fn render_curves(curves: &[NamedCurve], out: &Path) -> Result<()> {
    register_fonts()?;
    let (w, h) = (CHART_WIDTH, CHART_HEIGHT);
    let mut big = vec![0xffu8; (w * SS * h * SS * 3) as usize];
    {
        let p = Painter::new(&mut big, w, h);
        let mut chart = ChartBuilder::on(&p.area)
            .caption("Success-rate curves", font(18.0, true))
            .margin(s(16.0))
            .margin_right(s(28.0))
            .x_label_area_size(s(46.0))
            .y_label_area_size(s(70.0))
            .build_cartesian_2d(0f64..1f64, 0f64..1f64)
            .map_err(chart_error)?;
        chart
            .configure_mesh()
            .x_labels(11)
            .y_labels(11)
            .x_label_formatter(&percent)
            .y_label_formatter(&percent)
            .x_desc("Share of the area, highest scores first")
            .y_desc("Share of known occurrences")
            .axis_desc_style(font(13.0, false))
            .label_style(font(11.5, false))
            .light_line_style(RGBAColor(0, 0, 0, 0.0))
            .bold_line_style(RGBAColor(0, 0, 0, 0.08))
            .axis_style(RGBAColor(0x33, 0x33, 0x33, 1.0).stroke_width(s(1.0)))
            .draw()
            .map_err(chart_error)?;
        let diagonal = ShapeStyle {
            color: RGBAColor(0x77, 0x77, 0x77, 1.0),
            filled: false,
            stroke_width: s(1.2),
        };
        chart
            .draw_series(DashedLineSeries::new(
                [(0.0, 0.0), (1.0, 1.0)],
                s(7.0) as i32,
                s(5.0) as i32,
                diagonal,
            ))
            .map_err(chart_error)?
            .label("no skill (AUC 0.5)")
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + s(24.0) as i32, y)], diagonal)
            });
        for (k, (name, points, auc)) in curves.iter().enumerate() {
            let colour = rgba(SERIES_COLOURS[k % SERIES_COLOURS.len()], 1.0);
            let style = colour.stroke_width(s(2.4));
            chart
                .draw_series(LineSeries::new(
                    points
                        .iter()
                        .map(|&(a, o)| (a.clamp(0.0, 1.0), o.clamp(0.0, 1.0))),
                    style,
                ))
                .map_err(chart_error)?
                .label(format!("{name}: AUC {auc:.3}"))
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + s(24.0) as i32, y)], style)
                });
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::LowerRight)
            .margin(s(14.0))
            .legend_area_size(s(34.0))
            .label_font(font(12.5, false))
            .background_style(RGBAColor(0xff, 0xff, 0xff, 0.92))
            .border_style(RGBAColor(0x99, 0x99, 0x99, 1.0))
            .draw()
            .map_err(chart_error)?;
        p.finish()?;
    }
    let small = downsample(&big, w as usize, h as usize, SS as usize);
    write_png(out, &small, w, h)
}

/// Draws a prediction-area plot to a PNG at `out`. `points` are `(score threshold, share of the
/// area scoring at least the threshold, share of occurrences there)`, in any order; the area is
/// plotted as `1 - share` against the right axis (read downwards), so the two curves cross where
/// the share of occurrences predicted equals the share of the area left out: the P-A
/// intersection, marked when given as `(threshold, occurrence share)`.
pub fn render_pa(
    title: &str,
    points: &[(f64, f64, f64)],
    intersection: Option<(f64, f64)>,
    out: &Path,
) -> Result<()> {
    register_fonts()?;
    let mut pts: Vec<(f64, f64, f64)> = points
        .iter()
        .copied()
        .filter(|p| p.0.is_finite() && p.1.is_finite() && p.2.is_finite())
        .collect();
    pts.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (xmin, xmax) = match (pts.first(), pts.last()) {
        (Some(a), Some(b)) if b.0 > a.0 => (a.0, b.0),
        _ => (0.0, 1.0),
    };
    let (w, h) = (CHART_WIDTH, CHART_HEIGHT);
    let mut big = vec![0xffu8; (w * SS * h * SS * 3) as usize];
    {
        let p = Painter::new(&mut big, w, h);
        let mut chart = ChartBuilder::on(&p.area)
            .caption(title, font(18.0, true))
            .margin(s(16.0))
            .x_label_area_size(s(46.0))
            .y_label_area_size(s(70.0))
            .right_y_label_area_size(s(70.0))
            .build_cartesian_2d(xmin..xmax, 0f64..1f64)
            .map_err(chart_error)?
            .set_secondary_coord(xmin..xmax, 0f64..1f64);
        chart
            .configure_mesh()
            .x_labels(11)
            .y_labels(11)
            .x_label_formatter(&|v| format!("{v:.2}"))
            .y_label_formatter(&percent)
            .x_desc("Score threshold")
            .y_desc("Occurrences predicted (score ≥ threshold)")
            .axis_desc_style(font(13.0, false))
            .label_style(font(11.5, false))
            .light_line_style(RGBAColor(0, 0, 0, 0.0))
            .bold_line_style(RGBAColor(0, 0, 0, 0.08))
            .draw()
            .map_err(chart_error)?;
        chart
            .configure_secondary_axes()
            .y_labels(11)
            .y_label_formatter(&|v| percent(&(1.0 - v)))
            .y_desc("Share of the area (score ≥ threshold)")
            .axis_desc_style(font(13.0, false))
            .label_style(font(11.5, false))
            .draw()
            .map_err(chart_error)?;
        let occ = rgba(SERIES_COLOURS[0], 1.0).stroke_width(s(2.4));
        let area = rgba(SERIES_COLOURS[1], 1.0).stroke_width(s(2.4));
        chart
            .draw_series(LineSeries::new(pts.iter().map(|p| (p.0, p.2)), occ))
            .map_err(chart_error)?
            .label("occurrences predicted")
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + s(24.0) as i32, y)], occ));
        chart
            .draw_series(LineSeries::new(pts.iter().map(|p| (p.0, 1.0 - p.1)), area))
            .map_err(chart_error)?
            .label("area (right axis, downwards)")
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + s(24.0) as i32, y)], area));
        if let Some((t, share)) = intersection {
            chart
                .draw_series(std::iter::once(Circle::new(
                    (t, share),
                    s(5.0) as i32,
                    RGBAColor(0x11, 0x11, 0x11, 1.0).filled(),
                )))
                .map_err(chart_error)?
                .label(format!(
                    "intersection: threshold {t:.3}, {:.0} % of occurrences in {:.0} % of the area",
                    share * 100.0,
                    (1.0 - share) * 100.0
                ))
                .legend(|(x, y)| {
                    Circle::new(
                        (x + s(12.0) as i32, y),
                        s(5.0) as i32,
                        RGBAColor(0x11, 0x11, 0x11, 1.0).filled(),
                    )
                });
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::LowerMiddle)
            .margin(s(14.0))
            .legend_area_size(s(34.0))
            .label_font(font(12.0, false))
            .background_style(RGBAColor(0xff, 0xff, 0xff, 0.92))
            .border_style(RGBAColor(0x99, 0x99, 0x99, 1.0))
            .draw()
            .map_err(chart_error)?;
        p.finish()?;
    }
    let small = downsample(&big, w as usize, h as usize, SS as usize);
    write_png(out, &small, w, h)
}
