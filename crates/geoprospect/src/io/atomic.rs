//! Outputs that appear only when complete.
//!
//! A run writes everything into a staging folder inside the output folder (`.staging-<pid>`),
//! then renames each finished file into place. A run that fails or is killed leaves no file
//! under a final name; a failed run removes its staging folder, and a later run removes stale
//! ones left by killed runs. A lock file (`.geoprospect.lock`, holding the writer's process id)
//! keeps two runs from writing into the same folder at once; a lock left by a killed run is
//! taken over.
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// A staging folder inside an output folder.
pub struct Staging {
    out: PathBuf,
    dir: PathBuf,
    lock: PathBuf,
    committed: bool,
}

/// Name of the lock file in an output folder.
pub const LOCK_FILE: &str = ".geoprospect.lock";

/// Whether a process with this id is running (Linux `/proc`).
fn process_alive(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
}

/// Takes the output folder's lock, or says which run holds it.
fn take_lock(out: &Path) -> Result<PathBuf> {
    use std::io::Write;
    let lock = out.join(LOCK_FILE);
    for _ in 0..2 {
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&lock)
        {
            Ok(mut f) => {
                f.write_all(std::process::id().to_string().as_bytes())
                    .map_err(|e| Error::output(&lock, format!("cannot write lock file: {e}")))?;
                return Ok(lock);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                let holder = std::fs::read_to_string(&lock)
                    .ok()
                    .and_then(|t| t.trim().parse::<u32>().ok());
                match holder {
                    Some(pid) if pid != std::process::id() && process_alive(pid) => {
                        return Err(Error::output(
                            out,
                            format!("another geoprospect run (process {pid}) is writing to this folder; wait for it or choose another output folder"),
                        ))
                    }
                    // A lock left by a run that was killed: take it over.
                    _ => {
                        let _ = std::fs::remove_file(&lock);
                    }
                }
            }
            Err(e) => {
                return Err(Error::output(
                    &lock,
                    format!("cannot create lock file: {e}"),
                ))
            }
        }
    }
    Err(Error::output(&lock, "cannot take the lock file"))
}

impl Staging {
    /// Creates `out` if needed and a fresh staging folder inside it.
    pub fn new(out: &Path) -> Result<Staging> {
        std::fs::create_dir_all(out)
            .map_err(|e| Error::output(out, format!("cannot create output folder: {e}")))?;
        let lock = take_lock(out)?;
        remove_stale(out);
        let dir = out.join(format!(".staging-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        if let Err(e) = std::fs::create_dir(&dir) {
            let _ = std::fs::remove_file(&lock);
            return Err(Error::output(
                &dir,
                format!("cannot create staging folder: {e}"),
            ));
        }
        Ok(Staging {
            out: out.to_path_buf(),
            dir,
            lock,
            committed: false,
        })
    }

    /// The staging folder.
    pub fn root(&self) -> &Path {
        &self.dir
    }

    /// Where to write `relative` while staging (parent folders are created).
    pub fn path(&self, relative: &str) -> Result<PathBuf> {
        let p = self.dir.join(relative);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| Error::output(parent, format!("cannot create folder: {e}")))?;
        }
        Ok(p)
    }

    /// Moves every staged file to its final place under the output folder, replacing older
    /// files of the same name, then removes the staging folder.
    pub fn commit(mut self) -> Result<Vec<PathBuf>> {
        let mut files = Vec::new();
        collect_files(&self.dir, &mut files)
            .map_err(|e| Error::output(&self.dir, format!("cannot list staged outputs: {e}")))?;
        files.sort();
        let mut placed = Vec::with_capacity(files.len());
        for staged in files {
            let rel = staged
                .strip_prefix(&self.dir)
                .map_err(|e| Error::Internal(e.to_string()))?;
            let target = self.out.join(rel);
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent)
                    .map_err(|e| Error::output(parent, format!("cannot create folder: {e}")))?;
            }
            std::fs::rename(&staged, &target).map_err(|e| {
                Error::output(&target, format!("cannot move output into place: {e}"))
            })?;
            placed.push(target);
        }
        self.committed = true;
        let _ = std::fs::remove_dir_all(&self.dir);
        let _ = std::fs::remove_file(&self.lock);
        Ok(placed)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.dir);
            let _ = std::fs::remove_file(&self.lock);
        }
    }
}

/// Every file under `dir`, recursively (unsorted).
pub(crate) fn collect_files(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect_files(&path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

/// Removes staging folders of processes that no longer run (killed runs).
fn remove_stale(out: &Path) {
    let Ok(entries) = std::fs::read_dir(out) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(|n| n.strip_prefix(".staging-")) else {
            continue;
        };
        let alive = pid
            .parse::<u32>()
            .is_ok_and(|p| Path::new(&format!("/proc/{p}")).exists());
        if !alive {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// A single output file written under a temporary name beside its target.
pub struct AtomicFile {
    tmp: PathBuf,
    target: PathBuf,
    committed: bool,
}

impl AtomicFile {
    /// Prepares to write `target`; the parent folder must exist.
    pub fn new(target: &Path) -> Result<AtomicFile> {
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        if !parent.is_dir() {
            return Err(Error::output(target, "the output folder does not exist"));
        }
        // The finished file is renamed over the target: never over a device (`/dev/full`), a
        // pipe or a folder, which the rename would replace or fail on after all the work.
        if target.metadata().is_ok_and(|m| !m.is_file()) {
            return Err(Error::output(
                target,
                "exists and is not a regular file (a folder, device or pipe): give a file name",
            ));
        }
        let name = target
            .file_name()
            .ok_or_else(|| Error::output(target, "not a file name"))?
            .to_string_lossy()
            .into_owned();
        let tmp = parent.join(format!(".{name}.tmp-{}", std::process::id()));
        Ok(AtomicFile {
            tmp,
            target: target.to_path_buf(),
            committed: false,
        })
    }

    /// The temporary path to write to.
    pub fn path(&self) -> &Path {
        &self.tmp
    }

    /// Writes `target` by `write` at a temporary path and renames it into place once `write`
    /// has succeeded; on an error the temporary file is removed and the target left as it was.
    pub fn write<R>(target: &Path, write: impl FnOnce(&Path) -> Result<R>) -> Result<R> {
        let file = AtomicFile::new(target)?;
        let done = write(file.path())?;
        file.commit()?;
        Ok(done)
    }

    /// Renames the finished file to its target.
    pub fn commit(mut self) -> Result<()> {
        std::fs::rename(&self.tmp, &self.target).map_err(|e| {
            Error::output(&self.target, format!("cannot move output into place: {e}"))
        })?;
        self.committed = true;
        Ok(())
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staged_files_appear_only_on_commit() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let staging = Staging::new(&out).unwrap();
        std::fs::write(staging.path("layers/a.tif").unwrap(), b"x").unwrap();
        assert!(!out.join("layers/a.tif").exists());
        let placed = staging.commit().unwrap();
        assert_eq!(placed, vec![out.join("layers/a.tif")]);
        assert_eq!(std::fs::read_dir(&out).unwrap().count(), 1);
    }

    #[test]
    fn second_writer_is_refused_while_the_first_holds_the_lock() {
        let dir = tempfile::tempdir().unwrap();
        // A live process other than us: our parent (the test harness's parent shell or init).
        let other = std::os::unix::process::parent_id();
        std::fs::write(dir.path().join(LOCK_FILE), other.to_string()).unwrap();
        let err = Staging::new(dir.path()).err().unwrap();
        assert!(err.to_string().contains("another geoprospect run"), "{err}");
        // A lock from a dead process is taken over.
        std::fs::write(dir.path().join(LOCK_FILE), "4000000000").unwrap();
        let staging = Staging::new(dir.path()).unwrap();
        staging.commit().unwrap();
        assert!(!dir.path().join(LOCK_FILE).exists());
    }

    #[test]
    fn abandoned_staging_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let staging = Staging::new(dir.path()).unwrap();
        std::fs::write(staging.path("a.tif").unwrap(), b"x").unwrap();
        drop(staging);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn stale_staging_of_dead_process_is_removed() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join(".staging-4000000000")).unwrap();
        let staging = Staging::new(dir.path()).unwrap();
        assert!(!dir.path().join(".staging-4000000000").exists());
        drop(staging);
    }

    #[test]
    fn atomic_file_is_renamed_on_commit_only() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("m.tif");
        let f = AtomicFile::new(&target).unwrap();
        std::fs::write(f.path(), b"x").unwrap();
        drop(f);
        assert!(!target.exists());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        let f = AtomicFile::new(&target).unwrap();
        std::fs::write(f.path(), b"x").unwrap();
        f.commit().unwrap();
        assert!(target.exists());
    }
}
