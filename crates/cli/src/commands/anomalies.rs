//! `geoprospect anomalies`: thresholds and anomaly classes of a sample file's assays; prints
//! the thresholds table.
use std::path::PathBuf;

use clap::Args;
use geoprospect::error::Error;
use std::fmt::Write as _;

use geoprospect::geochem::elements::element_ignore_case;
use geoprospect::io::points::is_delimited_text;
use geoprospect::ops::anomalies::{
    run_anomalies, AnomalyReport, AnomalyRequest, CA_METHOD, THRESHOLD_COLUMNS,
};

use super::{Context, Outcome};
use crate::args::{help, Area, Encoding, Points};

/// `geoprospect anomalies`.
#[derive(Debug, Args)]
#[command(
    mut_arg("x", help("X (longitude/easting) column of delimited text")),
    mut_arg("y", help("Y (latitude/northing) column of delimited text")),
    mut_arg(
        "points_crs",
        help("CRS of the coordinates, e.g. EPSG:4326 (required for delimited text)")
    ),
    mut_arg(
        "encoding",
        help("Text encoding of delimited text (default: detected)")
    )
)]
pub struct AnomaliesArgs {
    /// Sample file: CSV/TSV/TXT with coordinate columns, or any OGR point file.
    pub samples: PathBuf,
    /// The study area (`--area`, `--area-where`, `--area-layer`, `--area-crs`).
    #[command(flatten)]
    pub area: Area,
    /// The coordinates (`--x`, `--y`, `--points-crs`).
    #[command(flatten)]
    pub points: Points,
    /// Element symbols to keep, comma-separated (default: every element column).
    #[arg(long, value_delimiter = ',')]
    pub elements: Vec<String>,
    /// The text encoding (`--encoding`).
    #[command(flatten)]
    pub encoding: Encoding,
    /// Output folder for thresholds.csv and samples.geojson (created if missing).
    #[arg(long)]
    pub out_dir: PathBuf,
}

/// Computes the thresholds and classes and writes them into the output folder.
pub fn run(args: AnomaliesArgs, ctx: &Context) -> Result<Outcome, Error> {
    let elements = elements(&args.elements)?;
    let columns = &args.points.columns;
    // A missing file is reported first (by the library), then the flags its columns need.
    if is_delimited_text(&args.samples) && args.samples.exists() {
        if columns.x.is_none() || columns.y.is_none() {
            return Err(Error::param(
                "--x and --y are required for delimited text: the coordinate columns",
            ));
        }
        if args.points.points_crs.is_none() {
            return Err(Error::param(
                "--points-crs is required for delimited text: the CRS of the coordinates, e.g. \
                 EPSG:4326",
            ));
        }
    }
    let request = AnomalyRequest {
        samples: args.samples,
        x: args.points.columns.x,
        y: args.points.columns.y,
        points_crs: args.points.points_crs,
        elements,
        encoding: args.encoding.encoding,
        out_dir: args.out_dir,
        area: args.area.source(),
    };
    let report = run_anomalies(&request, &ctx.engine()?)?;
    Ok(Outcome::Summary(render(&report)))
}

/// The element symbols of `--elements` in canonical case (empty items left out); an error
/// names one that is not an element.
fn elements(list: &[String]) -> Result<Vec<String>, Error> {
    list.iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .map(|text| {
            element_ignore_case(text)
                .map(|el| el.symbol.to_string())
                .ok_or_else(|| {
                    Error::param(format!("--elements: {text:?} is not an element symbol"))
                })
        })
        .collect()
}

/// Four significant digits for the terminal table.
pub(super) fn short(v: f64) -> String {
    if !v.is_finite() {
        return "-".into();
    }
    if v == 0.0 {
        return "0".into();
    }
    let digits = 3 - v.abs().log10().floor() as i32;
    if digits <= 0 {
        format!("{v:.0}")
    } else {
        format!("{v:.*}", digits as usize)
    }
}

/// The thresholds table with aligned columns, then the C–A grid and the files written.
fn render(report: &AnomalyReport) -> String {
    let mut table: Vec<Vec<String>> =
        vec![THRESHOLD_COLUMNS.iter().map(|s| s.to_string()).collect()];
    for r in &report.rows {
        let t = &r.thresholds;
        let ca: Vec<String> = r.ca.iter().map(|&v| short(v)).collect();
        table.push(vec![
            r.element.clone(),
            "ppm".into(),
            t.n.to_string(),
            r.n_censored.to_string(),
            r.n_missing.to_string(),
            short(t.median),
            short(t.median_2mad),
            short(t.tukey_upper),
            short(t.p95),
            if ca.is_empty() {
                "-".into()
            } else {
                ca.join(";")
            },
        ]);
    }
    let widths: Vec<usize> = (0..THRESHOLD_COLUMNS.len())
        .map(|c| {
            table
                .iter()
                .map(|r| r[c].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut s = String::new();
    for row in &table {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            let pad = widths[c] - cell.chars().count();
            // Text left-aligned, numbers right-aligned; the last column is not padded.
            if c + 1 == row.len() {
                line.push_str(cell);
            } else if c < 2 {
                line.push_str(cell);
                line.push_str(&" ".repeat(pad + 2));
            } else {
                line.push_str(&" ".repeat(pad));
                line.push_str(cell);
                line.push_str("  ");
            }
        }
        s.push_str(line.trim_end());
        s.push('\n');
    }
    let g = &report.grid;
    let _ = writeln!(
        s,
        "{} samples; C-A surfaces: {} on {} x {} cells of size {} in {}",
        report.samples,
        CA_METHOD,
        g.width,
        g.height,
        short(g.res),
        report.crs
    );
    for p in &report.outputs {
        let _ = writeln!(s, "wrote {}", p.display());
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_numbers() {
        assert_eq!(short(12345.6), "12346");
        assert_eq!(short(21.456), "21.46");
        assert_eq!(short(0.012346), "0.01235");
        assert_eq!(short(f64::NAN), "-");
    }

    #[test]
    fn element_list_is_checked() {
        let list = |s: &[&str]| s.iter().map(|v| v.to_string()).collect::<Vec<_>>();
        assert_eq!(
            elements(&list(&["mo", "Sn", " La", ""])).unwrap(),
            ["Mo", "Sn", "La"]
        );
        assert_eq!(
            elements(&list(&["La", "REE"])).unwrap_err().to_string(),
            "--elements: \"REE\" is not an element symbol"
        );
    }
}
