//! How progress is shown: an indicatif bar per stage on a terminal, plain log lines otherwise,
//! nothing with `--quiet`.
use std::io::IsTerminal;
use std::sync::Mutex;

use geoprospect::progress::Progress;
use indicatif::{ProgressBar, ProgressStyle};

/// Bars on stderr when it is a terminal; otherwise one log line per finished stage.
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
                ProgressStyle::with_template("{msg:>24} [{bar:40}] {pos}/{len} blocks {elapsed}")
            {
                bar.set_style(style.progress_chars("=> "));
            }
            bar.set_message(name.to_string());
            if let Ok(mut slot) = self.bar.lock() {
                *slot = Some(bar);
            }
        } else {
            tracing::info!("{name}: {total} blocks");
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
