//! The library's error type.
//!
//! Every variant names what went wrong in one line; `main` prints `error: {e}` and maps
//! [`Error::exit_code`] to the process exit code (2 bad input or usage, 1 internal failure).
use std::path::{Path, PathBuf};

/// The library's error.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A user-supplied input file is missing, unreadable or malformed.
    #[error("{}: {message}", path.display())]
    Input { path: PathBuf, message: String },
    /// A parameter (command-line option or project setting) is invalid.
    #[error("{0}")]
    Param(String),
    /// An output could not be written.
    #[error("{}: {message}", path.display())]
    Output { path: PathBuf, message: String },
    /// Some of several independent jobs failed (each was reported); `code` is the worst exit
    /// code among them.
    #[error("{message}")]
    Failed { message: String, code: i32 },
    /// A failure that is not the user's fault.
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    /// An input error for `path`.
    pub fn input(path: impl AsRef<Path>, message: impl std::fmt::Display) -> Self {
        Error::Input {
            path: path.as_ref().to_path_buf(),
            message: message.to_string(),
        }
    }
    /// An output error for `path`.
    pub fn output(path: impl AsRef<Path>, message: impl std::fmt::Display) -> Self {
        Error::Output {
            path: path.as_ref().to_path_buf(),
            message: message.to_string(),
        }
    }
    /// A parameter error.
    pub fn param(message: impl std::fmt::Display) -> Self {
        Error::Param(message.to_string())
    }
    /// Exit code: 2 for bad input, parameters or output paths, 1 for internal failures.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Internal(_) => 1,
            Error::Failed { code, .. } => *code,
            _ => 2,
        }
    }
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
