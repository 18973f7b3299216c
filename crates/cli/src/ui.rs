//! How progress is shown: an indicatif bar per stage on a terminal, plain log lines otherwise,
//! nothing with `--quiet`; with `--progress json`, one JSON object per line on stderr
//! ([`JsonLines`]) whatever stderr is.
use std::io::{IsTerminal, Write};
use std::sync::{Arc, Mutex};

use geoprospect::progress::Progress;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;

use crate::args::ProgressMode;

/// The progress sink `--progress` and `--quiet` ask for.
pub fn progress(mode: ProgressMode, quiet: bool) -> Arc<dyn Progress> {
    match mode {
        ProgressMode::Auto => Arc::new(Bars::new(quiet)),
        ProgressMode::Json => Arc::new(JsonLines::default()),
    }
}

/// Bars on stderr when it is a terminal, one at a time (an inner stage's bar replaces the bar
/// of the stage holding it, such as a run's); otherwise one log line per stage.
pub struct Bars {
    bar: Mutex<Option<ProgressBar>>,
    terminal: bool,
    quiet: bool,
}

impl Bars {
    /// Bars hidden with `quiet`.
    pub fn new(quiet: bool) -> Bars {
        Bars {
            bar: Mutex::new(None),
            terminal: std::io::stderr().is_terminal(),
            quiet,
        }
    }
}

impl Progress for Bars {
    fn stage(&self, name: &str, total: u64) {
        if self.quiet {
            return;
        }
        if self.terminal {
            let bar = ProgressBar::new(total);
            if let Ok(style) =
                ProgressStyle::with_template("{msg:>24} [{bar:40}] {pos}/{len} {elapsed}")
            {
                bar.set_style(style.progress_chars("=> "));
            }
            bar.set_message(name.to_string());
            if let Ok(mut slot) = self.bar.lock() {
                if let Some(outer) = slot.replace(bar) {
                    outer.finish_and_clear();
                }
            }
        } else {
            tracing::info!("{name}: {total} steps");
        }
    }

    fn advance(&self, n: u64) {
        if let Ok(slot) = self.bar.lock() {
            if let Some(bar) = slot.as_ref() {
                bar.inc(n);
            }
        }
    }

    fn finish(&self) {
        if let Ok(mut slot) = self.bar.lock() {
            if let Some(bar) = slot.take() {
                bar.finish_and_clear();
            }
        }
    }
}

/// `--progress json`: one JSON object per line on stderr, for programs that follow a run (the
/// QGIS provider). Stages nest (a stage of 0 units holds inner stages); `depth` is 0 for an
/// outermost stage. Each event names its stage:
/// - `{"event":"stage","stage":"layer tmi","total":12,"depth":0}` when a stage begins;
/// - `{"event":"advance","stage":"layer tmi","done":3,"total":12,"depth":0}` after each step
///   (one step or several; a step of nothing is no event);
/// - `{"event":"finish","stage":"layer tmi","done":12,"total":12,"depth":0}` when it ends
///   (whether or not its work succeeded: an error follows as the usual `error: ...` line).
#[derive(Default)]
pub struct JsonLines {
    /// The open stages, outermost first: `(name, done, total)`.
    open: Mutex<Vec<(String, u64, u64)>>,
}

impl JsonLines {
    /// Writes one event line for the stage at `depth`. A stderr that cannot be written is
    /// ignored: progress never fails a run.
    fn emit(event: &str, (name, done, total): &(String, u64, u64), depth: usize) {
        let line = match event {
            "stage" => json!({"event": event, "stage": name, "total": total, "depth": depth}),
            _ => {
                json!({"event": event, "stage": name, "done": done, "total": total, "depth": depth})
            }
        };
        let _ = writeln!(std::io::stderr().lock(), "{line}");
    }
}

impl Progress for JsonLines {
    fn stage(&self, name: &str, total: u64) {
        if let Ok(mut open) = self.open.lock() {
            open.push((name.to_string(), 0, total));
            JsonLines::emit("stage", &open[open.len() - 1], open.len() - 1);
        }
    }

    fn advance(&self, n: u64) {
        if n == 0 {
            return;
        }
        if let Ok(mut open) = self.open.lock() {
            let depth = open.len().saturating_sub(1);
            if let Some(top) = open.last_mut() {
                top.1 += n;
                JsonLines::emit("advance", top, depth);
            }
        }
    }

    fn finish(&self) {
        if let Ok(mut open) = self.open.lock() {
            if let Some(top) = open.pop() {
                JsonLines::emit("finish", &top, open.len());
            }
        }
    }
}
