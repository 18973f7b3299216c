//! Progress reporting without printing: the library announces stages and finished blocks, the
//! command line decides how to show them (bars on a terminal, log lines otherwise, nothing with
//! `--quiet`).

/// Receives progress events; must be cheap, callable from the writer thread.
pub trait Progress: Send + Sync {
    /// A stage of `total` units (blocks, files) begins.
    fn stage(&self, name: &str, total: u64);
    /// `n` more units of the current stage are done.
    fn advance(&self, n: u64);
    /// The current stage is complete.
    fn finish(&self);
}

/// Progress that goes nowhere (tests, library use).
#[derive(Debug, Default, Clone, Copy)]
pub struct Silent;

impl Progress for Silent {
    fn stage(&self, _: &str, _: u64) {}
    fn advance(&self, _: u64) {}
    fn finish(&self) {}
}
