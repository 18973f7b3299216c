//! Paths on GDAL's virtual file systems (`/vsis3/`, `/vsigs/`, `/vsiaz/`, `/vsicurl/`, ...):
//! object storage through GDAL's own clients, configured as GDAL is (`AWS_S3_ENDPOINT`,
//! `AWS_ACCESS_KEY_ID`, `GS_ACCESS_KEY_ID`, `AZURE_STORAGE_CONNECTION_STRING`, ...; see
//! <https://gdal.org/user/virtual_file_systems.html>).
//!
//! Rasters and vectors are opened by GDAL directly. Text inputs (sample tables) are read
//! through [`read_bytes`]. Outputs are staged in a local folder and uploaded file by file by
//! [`upload`], `manifest.json` last: object stores have no rename, so a reader that waits for
//! the manifest sees a complete output.
use std::ffi::CString;
use std::io::Read;
use std::path::Path;

use crate::error::{Error, Result};

/// Whether `path` is on a GDAL virtual file system.
pub fn is_virtual(path: &Path) -> bool {
    path.to_str().is_some_and(|p| p.starts_with("/vsi"))
}

fn c_path(path: &Path) -> Result<CString> {
    let text = path
        .to_str()
        .ok_or_else(|| Error::input(path, "the path is not valid UTF-8"))?;
    CString::new(text).map_err(|_| Error::input(path, "the path contains a NUL byte"))
}

fn last_error() -> String {
    // Safety: GDAL returns a thread-local buffer valid until its next call; copied at once.
    let msg = unsafe { std::ffi::CStr::from_ptr(gdal_sys::CPLGetLastErrorMsg()) };
    let msg = msg.to_string_lossy().trim().to_string();
    if msg.is_empty() {
        "no such object, or no access".to_string()
    } else {
        msg
    }
}

/// A file's bytes, from a local path or a GDAL virtual path.
pub fn read_bytes(path: &Path) -> Result<Vec<u8>> {
    if !is_virtual(path) {
        return std::fs::read(path)
            .map_err(|e| Error::input(path, format!("cannot read file: {e}")));
    }
    let name = c_path(path)?;
    let mode = CString::new("rb").expect("static text");
    // Safety: name and mode outlive the call; the handle is closed below on every path.
    let handle = unsafe { gdal_sys::VSIFOpenL(name.as_ptr(), mode.as_ptr()) };
    if handle.is_null() {
        return Err(Error::input(
            path,
            format!("cannot read file: {}", last_error()),
        ));
    }
    let mut out = Vec::new();
    let mut buf = vec![0u8; 1 << 20];
    let result = loop {
        // Safety: buf has buf.len() writable bytes; the handle is open.
        let n = unsafe { gdal_sys::VSIFReadL(buf.as_mut_ptr().cast(), 1, buf.len(), handle) };
        out.extend_from_slice(&buf[..n]);
        if n < buf.len() {
            break Ok(out);
        }
    };
    // Safety: the handle is open and not used again.
    unsafe { gdal_sys::VSIFCloseL(handle) };
    result
}

/// Copies local file `local` to `remote` (a GDAL virtual path).
pub fn upload(local: &Path, remote: &Path) -> Result<()> {
    let name = c_path(remote)?;
    let mode = CString::new("wb").expect("static text");
    // Safety: as in `read_bytes`.
    let handle = unsafe { gdal_sys::VSIFOpenL(name.as_ptr(), mode.as_ptr()) };
    if handle.is_null() {
        return Err(Error::output(
            remote,
            format!("cannot write: {}", last_error()),
        ));
    }
    let mut file = match std::fs::File::open(local) {
        Ok(f) => f,
        Err(e) => {
            // Safety: the handle is open and not used again.
            unsafe { gdal_sys::VSIFCloseL(handle) };
            return Err(Error::output(
                local,
                format!("cannot read staged file: {e}"),
            ));
        }
    };
    let mut buf = vec![0u8; 1 << 20];
    let mut failed = None;
    loop {
        let n = match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) => {
                failed = Some(format!("cannot read staged file {}: {e}", local.display()));
                break;
            }
        };
        // Safety: buf holds n initialised bytes; the handle is open.
        let written = unsafe { gdal_sys::VSIFWriteL(buf.as_ptr().cast(), 1, n, handle) };
        if written != n {
            failed = Some(format!("cannot write: {}", last_error()));
            break;
        }
    }
    // Safety: the handle is open and not used again. Object stores send the data on close.
    let closed = unsafe { gdal_sys::VSIFCloseL(handle) };
    if failed.is_none() && closed != 0 {
        failed = Some(format!("cannot finish upload: {}", last_error()));
    }
    match failed {
        Some(m) => Err(Error::output(remote, m)),
        None => Ok(()),
    }
}

/// A local folder to stage the outputs of a run bound for a virtual path.
pub fn local_staging_root() -> Result<tempfile::TempDir> {
    tempfile::Builder::new()
        .prefix("geoprospect-out-")
        .tempdir()
        .map_err(|e| {
            Error::output(
                std::env::temp_dir(),
                format!("cannot create a local staging folder: {e}"),
            )
        })
}
