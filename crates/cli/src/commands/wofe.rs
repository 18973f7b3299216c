//! `geoprospect wofe`: the weights of evidence of a class layer against known deposits.
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use geoprospect::error::Error;
use geoprospect::models::wofe::{AllDepositsRule, Generalise, TableKind};
use geoprospect::ops::wofe::{run_wofe, WofeRequest, WofeSummary};

use super::{Context, Outcome};
use crate::args::{Area, Deposits};
use crate::values;

/// Cumulative weights tables.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Cumulative {
    /// Classes <= c (small values favourable, e.g. distance classes).
    Ascending,
    /// Classes >= c (large values favourable, e.g. concentration classes).
    Descending,
}

/// How a pattern holding every deposit gets finite weights.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum AllDeposits {
    /// ArcSDM's: 0.99 deposit moved out, the pattern's area kept.
    Arcsdm,
    /// The EIS Toolkit's: 0.99 deposit moved out with 0.99 unit cell.
    Eis,
}

/// `geoprospect wofe`.
#[derive(Debug, Args)]
pub struct WofeArgs {
    /// Class layer (Int32, or Float32 with integral values) on an analysis grid.
    pub evidence: PathBuf,
    /// The study area (`--area`, `--area-where`, `--area-layer`, `--area-crs`).
    #[command(flatten)]
    pub area: Area,
    /// The deposit file and its commodity (`--deposits`, `--commodity`, ...).
    #[command(flatten)]
    pub deposits: Deposits,
    /// Unit cell area in km².
    #[arg(long, default_value_t = 1.0)]
    pub unit_cell_km2: f64,
    /// Cumulative table instead of one row per class.
    #[arg(long, value_enum)]
    pub cumulative: Option<Cumulative>,
    /// Generalise a cumulative table to binary: max-contrast, max-studentized or cut=CLASS.
    #[arg(long, value_parser = values::generalise)]
    pub generalise: Option<Generalise>,
    /// Output CSV.
    #[arg(long, short)]
    pub out: PathBuf,
    /// Rule for a pattern holding every deposit (or without deposit-free area outside).
    #[arg(long, value_enum, default_value_t = AllDeposits::Arcsdm)]
    pub all_deposits_rule: AllDeposits,
}

/// Writes the weights table.
pub fn run(args: WofeArgs, ctx: &Context) -> Result<Outcome, Error> {
    if !(args.unit_cell_km2.is_finite() && args.unit_cell_km2 > 0.0) {
        return Err(Error::param(format!(
            "--unit-cell-km2 must be a positive area, got {}",
            args.unit_cell_km2
        )));
    }
    if args.generalise.is_some() && args.cumulative.is_none() {
        return Err(Error::param(
            "--generalise needs a cumulative table: add --cumulative ascending or descending",
        ));
    }
    let request = WofeRequest {
        evidence: &args.evidence,
        commodity: args.deposits.commodity,
        deposits: args.deposits.source(),
        unit_cell_km2: args.unit_cell_km2,
        kind: match args.cumulative {
            None => TableKind::Unique,
            Some(Cumulative::Ascending) => TableKind::Ascending,
            Some(Cumulative::Descending) => TableKind::Descending,
        },
        generalise: args.generalise,
        out: &args.out,
        area: args.area.file(),
        all_deposits_rule: match args.all_deposits_rule {
            AllDeposits::Arcsdm => AllDepositsRule::ArcSdm,
            AllDeposits::Eis => AllDepositsRule::Eis,
        },
    };
    let summary = run_wofe(&request, &ctx.engine()?)?;
    Ok(Outcome::Summary(render(&summary)))
}

/// The table's size, the deposits and the prior, what was left out, the generalisation.
fn render(s: &WofeSummary) -> String {
    let mut text = format!(
        "{}: {} rows; {} {} deposit(s) on {:.4} unit cells (prior probability {:.6})",
        s.out.display(),
        s.rows,
        s.deposits,
        s.commodity,
        s.unit_cells,
        s.prior_probability
    );
    if s.outside as u64 + s.on_nodata > 0 {
        text.push_str(&format!(
            "; left out: {} outside the grid, {} on nodata",
            s.outside, s.on_nodata
        ));
    }
    if let Some(g) = &s.generalised {
        text.push_str(&format!(
            "; generalised at class {}: W+ {:.4}, W- {:.4}, contrast {:.4}",
            g.class, g.weights.w_plus, g.weights.w_minus, g.weights.contrast
        ));
    }
    text.push('\n');
    text
}
