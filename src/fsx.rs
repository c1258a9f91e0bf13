//! Writing files without ever losing what was there: every file Carrot writes goes to a temporary
//! file in the same folder, is flushed to disk, and only then renamed over the target. A crash or
//! a full disk part-way leaves the previous file untouched (and no half-written file behind).

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// How to treat an existing file at the target path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Overwrite {
    /// Fail with [`WriteError::Exists`] if the file exists (checked atomically at the rename).
    Refuse,
    /// Replace it.
    Allow,
}

/// Who may read the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Readable by the owner only (0600 on Unix): payroll exports, recovery files.
    Private,
    /// Readable by everyone, writable by the owner (0644 on Unix): plan files.
    Shared,
}

/// Why a file could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The target exists and overwriting was not allowed.
    #[error("{} already exists; choose another name or allow overwriting (e.g. --force)", path.display())]
    Exists {
        /// The target.
        path: PathBuf,
    },
    /// Any I/O failure; the previous file (if any) is intact.
    #[error("could not write {}: {source}", path.display())]
    Io {
        /// The target.
        path: PathBuf,
        /// The cause.
        source: io::Error,
    },
}

/// Why a bounded read failed.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The file could not be opened or read.
    #[error("{source}")]
    Io {
        /// The cause.
        source: io::Error,
    },
    /// The path names a folder.
    #[error("this is a folder, not a file")]
    Folder,
    /// The file holds more than the limit.
    #[error("{}", match size {
        Some(size) => format!("the file is {size} bytes; at most {limit} are read"),
        None => format!("more than {limit} bytes were read and it goes on (it is not a regular file); at most {limit} are read"),
    })]
    TooLarge {
        /// The size of a regular file (`None` for a device or pipe, whose size is only known by reading).
        size: Option<u64>,
        /// The limit.
        limit: u64,
    },
}

/// Reads a whole file of at most `limit` bytes: a larger regular file is refused before it is
/// read, anything else (a device such as `/dev/zero`, a pipe) as soon as it has given more.
pub fn read_limited(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    use std::io::Read as _;
    let io = |source| ReadError::Io { source };
    let file = File::open(path).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    if meta.is_dir() {
        return Err(ReadError::Folder);
    }
    if meta.is_file() && meta.len() > limit {
        return Err(ReadError::TooLarge { size: Some(meta.len()), limit });
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len().min(limit)).unwrap_or(0));
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge { size: None, limit });
    }
    Ok(bytes)
}

/// Writes `bytes` to `path` atomically.
pub fn write_atomic(path: &Path, bytes: &[u8], overwrite: Overwrite, access: Access) -> Result<(), WriteError> {
    write_atomic_with(path, overwrite, access, |w| w.write_all(bytes))
}

/// Writes `path` atomically with whatever `fill` writes; if `fill` fails, nothing changes on disk.
pub fn write_atomic_with(
    path: &Path,
    overwrite: Overwrite,
    access: Access,
    fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), WriteError> {
    let io_err = |source| WriteError::Io { path: path.to_path_buf(), source };
    if overwrite == Overwrite::Refuse && path.exists() {
        return Err(WriteError::Exists { path: path.to_path_buf() });
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let temp =
        tempfile::Builder::new().prefix(&format!(".{file_name}.")).suffix(".tmp").tempfile_in(&dir).map_err(io_err)?;
    {
        let mut writer = BufWriter::new(temp.as_file());
        fill(&mut writer).map_err(io_err)?;
        writer.flush().map_err(io_err)?;
    }
    set_access(temp.as_file(), access).map_err(io_err)?;
    temp.as_file().sync_all().map_err(io_err)?;
    let result = match overwrite {
        Overwrite::Allow => temp.persist(path).map(drop),
        Overwrite::Refuse => temp.persist_noclobber(path).map(drop),
    };
    match result {
        Ok(()) => {}
        Err(e) if e.error.kind() == io::ErrorKind::AlreadyExists => {
            return Err(WriteError::Exists { path: path.to_path_buf() });
        }
        Err(e) => return Err(io_err(e.error)),
    }
    // Make the rename itself durable.
    if let Ok(d) = File::open(&dir) {
        d.sync_all().ok();
    }
    Ok(())
}

#[cfg(unix)]
fn set_access(file: &File, access: Access) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt as _;
    let mode = match access {
        Access::Private => 0o600,
        Access::Shared => 0o644,
    };
    file.set_permissions(std::fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn set_access(_file: &File, _access: Access) -> io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_mid_write_leaves_the_previous_file_intact() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("payroll.csv");
        std::fs::write(&path, "previous contents\n").unwrap();
        let result = write_atomic_with(&path, Overwrite::Allow, Access::Private, |w| {
            w.write_all(b"half of the new ")?;
            Err(io::Error::new(io::ErrorKind::StorageFull, "disk full (simulated)"))
        });
        assert!(matches!(result, Err(WriteError::Io { .. })), "{result:?}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "previous contents\n");
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "the temporary file is removed: {leftovers:?}");
    }

    #[test]
    fn refuses_to_overwrite_unless_allowed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        write_atomic(&path, b"one", Overwrite::Refuse, Access::Private).unwrap();
        let again = write_atomic(&path, b"two", Overwrite::Refuse, Access::Private);
        assert!(matches!(again, Err(WriteError::Exists { .. })), "{again:?}");
        assert_eq!(std::fs::read(&path).unwrap(), b"one");
        write_atomic(&path, b"two", Overwrite::Allow, Access::Private).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
    }

    #[test]
    fn reads_are_bounded_for_files_devices_and_folders() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("small.json");
        std::fs::write(&path, b"0123456789").unwrap();
        assert_eq!(read_limited(&path, 10).unwrap(), b"0123456789");
        assert!(matches!(read_limited(&path, 9), Err(ReadError::TooLarge { size: Some(10), limit: 9 })));
        assert!(matches!(read_limited(dir.path(), 9), Err(ReadError::Folder)));
        assert!(matches!(read_limited(&dir.path().join("none"), 9), Err(ReadError::Io { .. })));
        #[cfg(unix)]
        assert!(matches!(read_limited(Path::new("/dev/zero"), 1000), Err(ReadError::TooLarge { size: None, .. })));
    }

    #[cfg(unix)]
    #[test]
    fn private_files_are_readable_by_the_owner_only() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("export.csv");
        write_atomic(&path, b"x", Overwrite::Refuse, Access::Private).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
}
