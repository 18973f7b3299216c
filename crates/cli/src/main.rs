//! `geoprospect`, the binary (floor 7 of ARCHITECTURE.md): it parses arguments into typed values,
//! calls `ops` and `pipeline`, renders their typed summaries as text and shows progress bars; the
//! only code that prints. `commands/` has one file per command, `args.rs` the shared argument
//! groups, `values.rs` the value parsers, `ui.rs` the progress bars. Here: parse, logging, the
//! panic hook, dispatch, print, exit code. An error is one `error: ...` line on stderr; the exit
//! code is 2 for bad input or usage, 1 for an internal error (a bug), a batch's worst survey's.
mod args;
mod commands;
mod ui;
mod values;

use std::process::ExitCode;

use clap::Parser;
use geoprospect::error::Error;

use commands::{Cli, Context, Outcome};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return refused(e),
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

/// A command line clap refused: clap's text and exit code 2 (0 for `--help` and `--version`),
/// except a value one of our parsers ([`values`]) refused: one `error:` line naming the flag.
fn refused(e: clap::Error) -> ExitCode {
    match std::error::Error::source(&e).and_then(|s| s.downcast_ref::<Error>()) {
        Some(ours) => {
            eprintln!("error: {ours}");
            ExitCode::from(ours.exit_code() as u8)
        }
        None => {
            let _ = e.print();
            ExitCode::from(if e.use_stderr() { 2 } else { 0 })
        }
    }
}

/// Runs the command and prints what it hands back: nothing on stdout with `--quiet`, except
/// what `info` was asked to show.
fn execute(cli: Cli) -> Result<(), Error> {
    let quiet = cli.global.quiet;
    let (text, failure) = match commands::run(cli.command, &Context::new(&cli.global))? {
        Outcome::Listing(text) => (Some(text), None),
        Outcome::Summary(text) => (Some(text).filter(|_| !quiet), None),
        Outcome::Failed(text, e) => (Some(text).filter(|_| !quiet), Some(e)),
    };
    text.map_or(Ok(()), |t| stdout(&t))?;
    failure.map_or(Ok(()), Err)
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

/// Log lines on stderr at the level `--quiet`/`--verbose` ask for (`$GEOPROSPECT_LOG`
/// overrides it), then GDAL's settings.
fn init_logging(g: &args::Global) {
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
