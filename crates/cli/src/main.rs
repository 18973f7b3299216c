//! The `geoprospect` command: parse arguments, set up logging, call the library, and turn an
//! error into one `error: ...` line and an exit code (2 bad input or usage, 1 internal).
mod cli;
mod ui;

use std::process::ExitCode;

use clap::Parser;
use geoprospect::engine::Engine;
use geoprospect::error::Error;
use geoprospect::io::cog::{CogOptions, Compression};
use geoprospect::pipeline::batch::{find_projects, run_batch};
use geoprospect::pipeline::tiles::{
    merge, plan_tiles, run_tile, tile_from_env, TileOutcome, PLAN_FILE,
};
use geoprospect::pipeline::{run, RunOptions};
use geoprospect::project::Project;

use cli::{Cli, Command, CompressArg};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    init_logging(&cli.global);
    // A panic prints as one line, `error: internal error: ... at file:line`, without the
    // backtrace hint (the parameter's type is not named: it changed name in Rust 1.81).
    std::panic::set_hook(Box::new(|info| {
        let payload = info.payload();
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "panic".into());
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!(
            "error: internal error: {}{at} (a bug: please report it)",
            message.split_whitespace().collect::<Vec<_>>().join(" ")
        );
    }));
    // A panic is a bug, but the user still gets one `error:` line and exit code 1, and
    // unwinding drops the staging folder and the lock of a run.
    match std::panic::catch_unwind(move || execute(cli)) {
        Ok(Ok(())) => ExitCode::SUCCESS,
        Ok(Err(e)) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code() as u8)
        }
        Err(_) => ExitCode::from(1),
    }
}

/// Writes what the user asked to see. A reader that went away (`| head`) ends the output
/// quietly; any other failure (`> /dev/full`) is an error, not a panic.
fn stdout(text: &str) -> Result<(), Error> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Error::output(
            "standard output",
            format!("cannot write: {e}"),
        )),
        _ => Ok(()),
    }
}

fn init_logging(g: &cli::Global) {
    let level = match (g.quiet, g.verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "info",
        _ => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("GEOPROSPECT_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(level));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(false)
        .init();
    geoprospect::io::gdal_setup();
}

fn threads(g: &cli::Global) -> usize {
    g.threads
        .map(usize::from)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// The block engine with progress shown as the user asked.
fn engine(threads: usize, quiet: bool) -> Result<Engine, Error> {
    Ok(Engine::new(threads)?.with_progress(std::sync::Arc::new(ui::Bars::new(quiet))))
}

fn execute(cli: Cli) -> Result<(), Error> {
    let threads = threads(&cli.global);
    match cli.command {
        Command::Run(args) => {
            let project = Project::load(&args.project)?;
            let compression = compression(args.compress);
            let options = RunOptions {
                cog: CogOptions { compression },
            };
            let summary = run(
                &project,
                &args.out,
                &engine(threads, cli.global.quiet)?,
                &options,
            )?;
            if !cli.global.quiet {
                stdout(&summary.render(&args.out))?;
            }
            Ok(())
        }
        Command::Plan(args) => {
            let project = Project::load(&args.project)?;
            let options = RunOptions {
                cog: CogOptions {
                    compression: compression(args.compress),
                },
            };
            let plan = plan_tiles(
                &project,
                args.tiles,
                &args.out,
                &engine(threads, cli.global.quiet)?,
                &options,
            )?;
            if !cli.global.quiet {
                let mut text = format!(
                    "plan {} of {}: {} tiles of blocks of {} rows\n",
                    plan.id,
                    plan.project.display(),
                    plan.tiles.len(),
                    plan.block_rows
                );
                for t in &plan.tiles {
                    text.push_str(&format!(
                        "  tile {}: rows {}..{}\n",
                        t.index,
                        t.row0,
                        t.row0 + t.rows
                    ));
                }
                text.push_str(&format!(
                    "wrote {}; run `geoprospect run-tile {} --tile K` for K = 0..{}, then \
                     `geoprospect merge`\n",
                    args.out.join(PLAN_FILE).display(),
                    args.out.display(),
                    plan.tiles.len() - 1
                ));
                stdout(&text)?;
            }
            Ok(())
        }
        Command::RunTile(args) => {
            let k = tile_from_env(args.tile)?;
            let outcome = run_tile(
                &args.plan,
                k,
                args.force,
                &engine(threads, cli.global.quiet)?,
            )?;
            if !cli.global.quiet {
                stdout(&match outcome {
                    TileOutcome::Done(s) => format!("tile {k}: done in {s:.1} s\n"),
                    TileOutcome::AlreadyDone => {
                        format!("tile {k}: already done for this plan (--force to redo)\n")
                    }
                })?;
            }
            Ok(())
        }
        Command::Merge(args) => {
            let summary = merge(&args.plan, &args.out, &engine(threads, cli.global.quiet)?)?;
            if !cli.global.quiet {
                stdout(&summary.render(&args.out))?;
            }
            Ok(())
        }
        Command::Batch(args) => {
            let projects = find_projects(&args.projects)?;
            let compression = compression(args.compress);
            let options = RunOptions {
                cog: CogOptions { compression },
            };
            let summary = run_batch(
                &projects,
                &args.out,
                &engine(threads, cli.global.quiet)?,
                &options,
            )?;
            if !cli.global.quiet {
                stdout(&summary.render())?;
            }
            match summary.failed() {
                0 => Ok(()),
                n => Err(Error::Failed {
                    message: format!(
                        "{n} of {} surveys failed (see {})",
                        summary.surveys.len(),
                        args.out.join("batch_summary.csv").display()
                    ),
                    code: summary.exit_code(),
                }),
            }
        }
        Command::Info(args) => {
            let text = geoprospect::ops::info::describe(
                &args.file,
                args.x.as_deref(),
                args.y.as_deref(),
                args.encoding.as_deref(),
            )?;
            stdout(&text)?;
            Ok(())
        }
        Command::Grid(args) => {
            let args = *args;
            let compression = compression(args.compress);
            let request = geoprospect::ops::grid::GridRequest {
                points: args.points,
                field: args.field,
                x: args.x,
                y: args.y,
                points_crs: args.points_crs,
                layer: args.layer,
                encoding: args.encoding,
                crs: args.crs,
                extent: args.extent,
                resolution: args.resolution,
                like: args.like,
                method: args.method,
                power: args.power,
                neighbors: args.neighbors,
                radius: args.radius,
                variogram: args.variogram,
                log: args.log,
                out: args.out,
                cog: CogOptions { compression },
            };
            let summary =
                geoprospect::ops::grid::run_grid(&request, &engine(threads, cli.global.quiet)?)?;
            if !cli.global.quiet {
                stdout(&summary)?;
            }
            Ok(())
        }
        Command::Anomalies(args) => {
            use geoprospect::ops::anomalies::{run_anomalies, AnomalyRequest};
            let request = AnomalyRequest {
                samples: args.samples,
                x: args.x,
                y: args.y,
                points_crs: args.points_crs,
                elements: args.elements,
                encoding: args.encoding,
                out_dir: args.out_dir,
            };
            let report = run_anomalies(&request, &engine(threads, cli.global.quiet)?)?;
            if !cli.global.quiet {
                stdout(&report.render())?;
            }
            Ok(())
        }
        Command::Proximity(_)
        | Command::Membership(_)
        | Command::Overlay(_)
        | Command::Fuzzy(_)
        | Command::Wofe(_)
        | Command::Logistic(_)
        | Command::Validate(_) => {
            let quiet = cli.global.quiet;
            let summary = evidence_command(cli.command, &engine(threads, quiet)?)?;
            if !quiet {
                stdout(&format!("{summary}\n"))?;
            }
            Ok(())
        }
    }
}

/// The fuzzy gamma operator of `--op gamma --gamma G`.
fn gamma_op(gamma: Option<f64>) -> Result<geoprospect::models::fuzzy::FuzzyOp, Error> {
    let g = gamma.ok_or_else(|| Error::param("--op gamma needs --gamma (e.g. 0.8)"))?;
    geoprospect::models::fuzzy::FuzzyOp::parse("gamma", Some(g))
}

/// The COG compression a `--compress` flag names.
fn compression(c: CompressArg) -> Compression {
    match c {
        CompressArg::Deflate => Compression::Deflate,
        CompressArg::Zstd => Compression::Zstd,
        CompressArg::None => Compression::None,
    }
}

/// Evidence and model commands: arguments to library requests; returns the summary line.
fn evidence_command(command: Command, engine: &Engine) -> Result<String, Error> {
    use geoprospect::evidence::membership::MembershipSpec;
    use geoprospect::models::fuzzy::FuzzyOp;
    use geoprospect::models::wofe::TableKind;
    use geoprospect::ops::logistic::{run_logistic, LogisticRequest};
    use geoprospect::ops::membership::{run_membership, MembershipRequest};
    use geoprospect::ops::overlay::{run_overlay, Overlay, OverlayRequest};
    use geoprospect::ops::proximity::{run_proximity, ProximityRequest};
    use geoprospect::ops::wofe::{run_wofe, WofeRequest};
    let cog = |c: CompressArg| CogOptions {
        compression: compression(c),
    };
    let threshold = |flag: &str, v: Option<String>| -> Result<_, Error> {
        let text = v.ok_or_else(|| Error::param(format!("--fn needs --{flag}")))?;
        text.parse()
            .map_err(|e: String| Error::param(format!("--{flag}: {e}")))
    };
    let number =
        |flag: &str, v: Option<f64>| v.ok_or_else(|| Error::param(format!("--fn needs --{flag}")));
    let deposits = |d: cli::DepositArgs| -> Result<_, Error> {
        let commodity =
            geoprospect::commodity::Commodity::parse(&d.commodity).ok_or_else(|| {
                Error::param(format!("--commodity {:?}: use REE, Sn or Mo", d.commodity))
            })?;
        let source = geoprospect::project::DepositSource {
            path: d.deposits,
            commodity: d.deposit_attribute,
            name: None,
            x: d.x,
            y: d.y,
            crs: d.deposits_crs,
            layer: d.deposits_layer,
        };
        Ok((source, commodity))
    };
    match command {
        Command::Proximity(a) => run_proximity(
            &ProximityRequest {
                vector: &a.vector,
                like: &a.like,
                out: &a.out,
                layer: a.layer.as_deref(),
                filter: a.filter.as_deref(),
                crs: a.vector_crs.as_deref(),
                cog: cog(a.compress),
            },
            engine,
        ),
        Command::Membership(a) => {
            use cli::MembershipFn as F;
            let unused = |flags: &[(&str, bool)]| match flags.iter().find(|f| f.1) {
                Some((name, _)) => Err(Error::param(format!(
                    "--{name} does not apply to --fn {:?}",
                    a.function
                ))),
                None => Ok(()),
            };
            let spec = match a.function {
                F::Linear => {
                    unused(&[
                        ("midpoint", a.midpoint.is_some()),
                        ("spread", a.spread.is_some()),
                        ("slope", a.slope.is_some()),
                    ])?;
                    MembershipSpec::Linear {
                        low: threshold("low", a.low.clone())?,
                        high: threshold("high", a.high.clone())?,
                    }
                }
                F::Large | F::Small | F::Gaussian => {
                    unused(&[
                        ("low", a.low.is_some()),
                        ("high", a.high.is_some()),
                        ("slope", a.slope.is_some()),
                    ])?;
                    let midpoint = threshold("midpoint", a.midpoint.clone())?;
                    match a.function {
                        F::Large => MembershipSpec::Large {
                            midpoint,
                            spread: a.spread.unwrap_or(5.0),
                        },
                        F::Small => MembershipSpec::Small {
                            midpoint,
                            spread: a.spread.unwrap_or(5.0),
                        },
                        _ => MembershipSpec::Gaussian {
                            midpoint,
                            spread: a.spread.unwrap_or(0.1),
                        },
                    }
                }
                F::Sigmoid => {
                    unused(&[
                        ("low", a.low.is_some()),
                        ("high", a.high.is_some()),
                        ("spread", a.spread.is_some()),
                    ])?;
                    MembershipSpec::Sigmoid {
                        midpoint: threshold("midpoint", a.midpoint.clone())?,
                        slope: number("slope", a.slope)?,
                    }
                }
            };
            run_membership(
                &MembershipRequest {
                    input: &a.input,
                    out: &a.out,
                    spec,
                    cog: cog(a.compress),
                },
                engine,
            )
        }
        Command::Overlay(a) => {
            use cli::OverlayOp as O;
            if a.gamma.is_some() && !matches!(a.op, O::Gamma) {
                return Err(Error::param("--gamma applies only to --op gamma"));
            }
            if !a.weights.is_empty() && !matches!(a.op, O::Index) {
                return Err(Error::param("--weights applies only to --op index"));
            }
            let overlay = match a.op {
                O::And => Overlay::Fuzzy(FuzzyOp::And),
                O::Or => Overlay::Fuzzy(FuzzyOp::Or),
                O::Product => Overlay::Fuzzy(FuzzyOp::Product),
                O::Sum => Overlay::Fuzzy(FuzzyOp::Sum),
                O::Gamma => Overlay::Fuzzy(gamma_op(a.gamma)?),
                O::Index if a.weights.is_empty() => {
                    return Err(Error::param("--op index needs --weights, e.g. 3,2,1"))
                }
                O::Index => Overlay::Index(a.weights.clone()),
            };
            run_overlay(
                &OverlayRequest {
                    inputs: &a.inputs,
                    out: &a.out,
                    overlay,
                    cog: cog(a.compress),
                },
                engine,
            )
        }
        Command::Fuzzy(a) => {
            use cli::FuzzyOpArg as O;
            use geoprospect::ops::fuzzy::{run_fuzzy, ChainedLayer, FuzzyRequest};
            if a.gamma.is_some() && !matches!(a.op, O::Gamma) {
                return Err(Error::param("--gamma applies only to --op gamma"));
            }
            let op = match a.op {
                O::And => FuzzyOp::And,
                O::Or => FuzzyOp::Or,
                O::Product => FuzzyOp::Product,
                O::Sum => FuzzyOp::Sum,
                O::Gamma => gamma_op(a.gamma)?,
            };
            let layers = a
                .layers
                .iter()
                .map(|l| ChainedLayer::parse(l))
                .collect::<Result<Vec<_>, _>>()?;
            run_fuzzy(
                &FuzzyRequest {
                    layers: &layers,
                    op,
                    out: &a.out,
                    cog: cog(a.compress),
                },
                engine,
            )
        }
        Command::Wofe(a) => {
            let (source, commodity) = deposits(a.deposit)?;
            let generalise = a
                .generalise
                .as_deref()
                .map(|g| {
                    g.parse()
                        .map_err(|e| Error::param(format!("--generalise {e}")))
                })
                .transpose()?;
            run_wofe(
                &WofeRequest {
                    evidence: &a.evidence,
                    deposits: source,
                    commodity,
                    unit_cell_km2: a.unit_cell_km2,
                    kind: match a.cumulative {
                        None => TableKind::Unique,
                        Some(cli::Cumulative::Ascending) => TableKind::Ascending,
                        Some(cli::Cumulative::Descending) => TableKind::Descending,
                    },
                    generalise,
                    out: &a.out,
                },
                engine,
            )
        }
        Command::Logistic(a) => {
            let (source, commodity) = deposits(a.deposit)?;
            run_logistic(
                &LogisticRequest {
                    evidence: &a.evidence,
                    deposits: source,
                    commodity,
                    background: a.background,
                    seed: a.seed,
                    out: &a.out,
                },
                engine,
            )
        }
        Command::Validate(a) => {
            use geoprospect::ops::validate::{run_validate, ValidateRequest};
            let (source, commodity) = deposits(a.deposit)?;
            let report = run_validate(
                &ValidateRequest {
                    score: &a.score,
                    deposits: source,
                    commodity,
                    out: a.out.as_deref(),
                },
                engine,
            )?;
            Ok(report.render().trim_end().to_string())
        }
        _ => Err(Error::Internal("not an evidence command".into())),
    }
}
