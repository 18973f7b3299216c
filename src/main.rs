//! The `geoprospect` command: parse arguments, set up logging, call the library, and turn an
//! error into one `error: ...` line and an exit code (2 bad input or usage, 1 internal).
mod cli;
mod ui;

use std::process::ExitCode;

use clap::Parser;
use geoprospect::batch::{find_projects, run_batch};
use geoprospect::engine::Engine;
use geoprospect::error::Error;
use geoprospect::io::cog::{CogOptions, Compression};
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
    match execute(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code() as u8)
        }
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
            let compression = match args.compress {
                CompressArg::Deflate => Compression::Deflate,
                CompressArg::Zstd => Compression::Zstd,
            };
            let options = RunOptions {
                cog: CogOptions {
                    compression,
                    threads,
                },
            };
            let summary = run(
                &project,
                &args.out,
                &engine(threads, cli.global.quiet)?,
                &options,
            )?;
            if !cli.global.quiet {
                print!("{}", summary.render(&args.out));
            }
            Ok(())
        }
        Command::Batch(args) => {
            let projects = find_projects(&args.projects)?;
            let compression = match args.compress {
                CompressArg::Deflate => Compression::Deflate,
                CompressArg::Zstd => Compression::Zstd,
            };
            let options = RunOptions {
                cog: CogOptions {
                    compression,
                    threads,
                },
            };
            let summary = run_batch(
                &projects,
                &args.out,
                &engine(threads, cli.global.quiet)?,
                &options,
            )?;
            if !cli.global.quiet {
                print!("{}", summary.render());
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
            let text = geoprospect::info::describe(
                &args.file,
                args.x.as_deref(),
                args.y.as_deref(),
                args.encoding.as_deref(),
            )?;
            print!("{text}");
            Ok(())
        }
    }
}
