//! `geoprospect wofe`: the weights of evidence of a class layer against known deposits.
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use geoprospect::error::Error;
use geoprospect::models::wofe::{Generalise, TableKind};
use geoprospect::ops::wofe::{run_wofe, WofeRequest};

use super::{Context, Outcome};
use crate::args::Deposits;
use crate::values;

/// Cumulative weights tables.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Cumulative {
    /// Classes <= c (small values favourable, e.g. distance classes).
    Ascending,
    /// Classes >= c (large values favourable, e.g. concentration classes).
    Descending,
}

/// `geoprospect wofe`.
#[derive(Debug, Args)]
pub struct WofeArgs {
    /// Class layer (Int32, or Float32 with integral values) on an analysis grid.
    pub evidence: PathBuf,
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
}

/// Writes the weights table.
pub fn run(args: WofeArgs, ctx: &Context) -> Result<Outcome, Error> {
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
    };
    let summary = run_wofe(&request, &ctx.engine()?)?;
    Ok(Outcome::Summary(format!("{summary}\n")))
}
