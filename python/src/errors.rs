//! geoprospect's errors as Python exceptions, with the CLI's one-line message: `ValueError`
//! for a bad argument or parameter, `OSError` for a file that cannot be read or written,
//! `RuntimeError` for a failure that is not the caller's (a bug) or a run whose jobs failed.
use geoprospect::error::Error;
use pyo3::exceptions::{PyOSError, PyRuntimeError, PyValueError};
use pyo3::PyErr;

/// The exception of `e`, its text the CLI's `error:` line without the prefix.
pub fn to_py(e: Error) -> PyErr {
    let text = e.to_string();
    match e {
        Error::Param(_) => PyValueError::new_err(text),
        Error::Input { .. } | Error::Output { .. } => PyOSError::new_err(text),
        Error::Failed { .. } | Error::Internal(_) => PyRuntimeError::new_err(text),
    }
}

/// A `ValueError` with this message.
pub fn value_error(message: impl std::fmt::Display) -> PyErr {
    PyValueError::new_err(message.to_string())
}
