//! Tiles written at their planned place in the file as they are made (uncompressed layers):
//! the file allocated ahead, each tile with its leader and trailer in one vectored write.
use std::ffi::{c_int, c_void};
use std::fs::File;
use std::sync::Mutex;

/// Writes a tile's data (`data`, its pieces one after another) at its planned place `at` in
/// `file`, with its leader (the size) before and its trailer (its last 4 bytes again) after,
/// in one vectored write, one tile at a time per file (holding `writing`, the file's lock);
/// returns the data's size.
pub(super) fn write_in_place(
    writing: &Mutex<()>,
    file: &File,
    at: u64,
    data: &[&[u8]],
) -> std::io::Result<u64> {
    let len: usize = data.iter().map(|d| d.len()).sum();
    let leader = (len as u32).to_le_bytes();
    let last = data
        .iter()
        .rev()
        .find(|d| !d.is_empty())
        .copied()
        .unwrap_or_default();
    let trailer = &last[last.len().saturating_sub(4)..];
    let mut parts: Vec<&[u8]> = Vec::with_capacity(data.len() + 2);
    parts.push(&leader);
    parts.extend_from_slice(data);
    parts.push(trailer);
    let _alone = writing.lock();
    write_parts_at(file, &parts, at - 4)?;
    Ok(len as u64)
}

/// Allocates the `len` bytes of an uncompressed layer's file before its tiles are written
/// (`fallocate`): a full disk shows at once instead of after part of the file, and the
/// tiles' writes find their blocks allocated. Filesystems without `fallocate` allocate as
/// the tiles arrive.
pub(super) fn reserve(file: &File, len: u64) -> std::io::Result<()> {
    use std::os::fd::AsRawFd;
    let len = libc::off_t::try_from(len)
        .map_err(|_| std::io::Error::other("the file would be too large"))?;
    // Safety: a plain system call on an open descriptor.
    if unsafe { libc::fallocate(file.as_raw_fd(), 0, 0, len) } == 0 {
        return Ok(());
    }
    let e = std::io::Error::last_os_error();
    match e.raw_os_error() {
        Some(libc::EOPNOTSUPP) | Some(libc::ENOSYS) => Ok(()),
        _ => Err(std::io::Error::other(format!(
            "cannot allocate {len} bytes for the layer: {e}"
        ))),
    }
}

/// Writes `parts` one after another into `file` from `offset`, with `pwritev` (at most 1024
/// pieces per call, Linux's `UIO_MAXIOV`), again after short writes.
fn write_parts_at(file: &File, parts: &[&[u8]], mut offset: u64) -> std::io::Result<()> {
    use std::os::fd::AsRawFd;
    let mut iov: Vec<libc::iovec> = parts
        .iter()
        .filter(|p| !p.is_empty())
        .map(|p| libc::iovec {
            iov_base: p.as_ptr() as *mut c_void,
            iov_len: p.len(),
        })
        .collect();
    let mut next = 0;
    while next < iov.len() {
        let count = (iov.len() - next).min(1024);
        let at = libc::off_t::try_from(offset)
            .map_err(|_| std::io::Error::other("offset beyond the file size limit"))?;
        // Safety: the iovecs point into `parts`, borrowed for the whole call; `pwritev` only
        // reads them.
        let wrote =
            unsafe { libc::pwritev(file.as_raw_fd(), iov[next..].as_ptr(), count as c_int, at) };
        if wrote < 0 {
            let e = std::io::Error::last_os_error();
            if e.kind() == std::io::ErrorKind::Interrupted {
                continue;
            }
            return Err(e);
        }
        if wrote == 0 {
            return Err(std::io::ErrorKind::WriteZero.into());
        }
        offset += wrote as u64;
        let mut left = wrote as usize;
        while left > 0 {
            let piece = &mut iov[next];
            if left >= piece.iov_len {
                left -= piece.iov_len;
                next += 1;
            } else {
                // Safety: still inside the same part.
                piece.iov_base = unsafe { piece.iov_base.cast::<u8>().add(left) }.cast();
                piece.iov_len -= left;
                left = 0;
            }
        }
    }
    Ok(())
}
