//! `geoprospect validate`: a score map against known deposits; prints the figures, the
//! success-rate curve and the prediction-area plot.
use std::path::PathBuf;

use clap::Args;
use geoprospect::error::Error;
use std::fmt::Write as _;

use geoprospect::ops::validate::{run_validate, ValidateReport, ValidateRequest};
use geoprospect::validate::describe;

use super::{Context, Outcome};
use crate::args::{Area, Deposits};

/// `geoprospect validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Score map (higher is more prospective) on a north-up grid.
    pub score: PathBuf,
    /// The study area (`--area`, `--area-where`, `--area-layer`, `--area-crs`).
    #[command(flatten)]
    pub area: Area,
    /// The deposit file and its commodity (`--deposits`, `--commodity`, ...).
    #[command(flatten)]
    pub deposits: Deposits,
    /// Success-rate curve CSV; the P-A table and the figures go beside it
    /// (<stem>_pa.csv, <stem>_summary.csv).
    #[arg(long, short)]
    pub out: Option<PathBuf>,
}

/// Validates the map.
pub fn run(args: ValidateArgs, ctx: &Context) -> Result<Outcome, Error> {
    let request = ValidateRequest {
        score: &args.score,
        commodity: args.deposits.commodity,
        deposits: args.deposits.source(),
        out: args.out.as_deref(),
        area: args.area.file(),
    };
    let report = run_validate(&request, &ctx.engine()?)?;
    Ok(Outcome::Summary(format!(
        "{}\n",
        render(&report).trim_end()
    )))
}

/// The printed summary: the figures, the curve and the P-A table.
fn render(report: &ValidateReport) -> String {
    let v = &report.validation;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} deposits: {} on scored cells ({} outside the grid, {} on nodata), {} scored cells",
        report.commodity, v.occurrences, report.outside, report.on_nodata, report.scored_cells
    );
    let _ = writeln!(s, "{}", describe(v));
    let _ = writeln!(
        s,
        "\nsuccess-rate curve\n{:>13}  {:>16}  {:>15}",
        "area_fraction", "deposit_fraction", "score_threshold"
    );
    for r in &report.curve {
        let t = r.threshold.map_or("-".to_string(), |t| format!("{t:.6}"));
        let _ = writeln!(
            s,
            "{:>13.4}  {:>16.4}  {:>15}",
            r.area_fraction, r.deposit_fraction, t
        );
    }
    let _ = writeln!(
        s,
        "\nprediction-area plot\n{:>15}  {:>15}  {:>13}  {:>18}",
        "score_threshold", "prediction_rate", "area_fraction", "normalized_density"
    );
    for r in &report.pa {
        let _ = writeln!(
            s,
            "{:>15.6}  {:>15.4}  {:>13.4}  {:>18.3}",
            r.threshold, r.prediction_rate, r.area_fraction, r.normalized_density
        );
    }
    for p in &report.outputs {
        let _ = writeln!(s, "wrote {}", p.display());
    }
    s
}
