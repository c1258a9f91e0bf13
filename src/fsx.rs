//! Writing files without ever losing what was there.
//!
//! Every file Carrot writes goes to a temporary file in the same folder
//! (`.<name>.carrot-<pid>-<n>.tmp`, readable by the owner only while it is written), is flushed
//! to disk, and only then renamed over the target. A crash or a full disk part-way leaves the
//! previous file untouched. A temporary file left by a killed run is removed by the next write
//! of the same file once its process is gone.
//!
//! Only regular files are ever replaced: a symbolic link, a FIFO, a device, a socket or a folder
//! at the target is refused, with or without `--force`.
//!
//! Files that belong together (a payroll export and its reconciliation) are written as a unit by
//! [`write_unit`]: after a full disk or a kill at any moment, either all the new files are in
//! place or all the old ones (or none, where there were none). See [`write_unit`] for how.

use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Read as _, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// How to treat an existing file at the target path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Overwrite {
    /// Fail with [`WriteError::Exists`] if the file exists (checked again at the rename).
    Refuse,
    /// Replace it (a regular file only).
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
    /// The target is not a regular file; it is never replaced.
    #[error(
        "{} is {kind}, not a regular file; Carrot only replaces regular files (--force does not change that): \
         choose another name",
        path.display()
    )]
    NotRegular {
        /// The target.
        path: PathBuf,
        /// What it is: "a symbolic link", "a FIFO (named pipe)", ...
        kind: &'static str,
    },
    /// Another Carrot process is writing the same files right now.
    #[error("another Carrot is writing {} right now; try again when it has finished", path.display())]
    Busy {
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
    check_target(path, overwrite)?;
    let dir = folder_of(path);
    remove_strays(&dir, &[path], false);
    let temp = create_temp(path).map_err(io_err)?;
    let written = (|| {
        let mut writer = BufWriter::new(&temp.file);
        fill(&mut writer)?;
        writer.flush()?;
        drop(writer);
        set_access(&temp.file, access)?;
        temp.file.sync_all()
    })();
    if let Err(e) = written {
        std::fs::remove_file(&temp.path).ok();
        return Err(io_err(e));
    }
    if let Err(e) = place(&temp.path, path, overwrite) {
        std::fs::remove_file(&temp.path).ok();
        return Err(e);
    }
    sync_dir(&dir);
    Ok(())
}

/// One file of a [`write_unit`].
#[derive(Clone, Copy, Debug)]
pub struct UnitFile<'a> {
    /// Where it goes.
    pub path: &'a Path,
    /// What it holds.
    pub bytes: &'a [u8],
}

/// A point between the steps of [`write_unit`], where tests inject faults.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Step {
    /// The temporary file of file `i` is written and flushed to disk.
    TempWritten(usize),
    /// The previous file of file `i` (not the last) has a backup.
    BackupMade(usize),
    /// The journal naming every temporary file and backup is on disk.
    JournalWritten,
    /// File `i` is renamed into place (the last one is the commit point).
    Renamed(usize),
    /// The backups are removed, the journal not yet.
    BackupsRemoved,
}

/// What a test makes happen at a [`Step`].
#[derive(Debug)]
#[cfg_attr(not(test), expect(dead_code, reason = "only the tests' fault hook makes faults"))]
pub(crate) enum Fault {
    /// An I/O error (a full disk): handled like a real one.
    Io(io::Error),
    /// The process stops dead (a kill): nothing more is done, not even cleaning up.
    Crash,
}

/// Writes several files as one unit: after a full disk, an error or a kill at any moment, either
/// every file is new or every file is as it was (absent where it was absent). Returns notes on
/// what was done about an earlier interrupted write of the same files.
///
/// The last file is the commit point. Under a lock on the journal `.<last>.carrot-journal` (so
/// two Carrots never write the same unit at once):
/// 1. an interrupted earlier write found in the journal is rolled back (or, if it had reached
///    its commit point, finished);
/// 2. every file is written to a temporary file and flushed to disk;
/// 3. the previous version of each file but the last gets a backup (a hard link, else a copy);
/// 4. the journal names the temporary files and backups, and is flushed to disk;
/// 5. the files are renamed into place, the last one last;
/// 6. the backups and the journal are removed.
///
/// A kill before step 5 ends leaves the journal; the next write of the unit (or
/// [`recover_unit`]) then puts the backups back and removes the new files, so the old ones are
/// all there again. Between the renames of step 5 the folder briefly holds new files beside the
/// old last one (never the reverse); a kill there is repaired the same way. An error or a full
/// disk is rolled back at once.
pub fn write_unit(files: &[UnitFile<'_>], overwrite: Overwrite, access: Access) -> Result<Vec<String>, WriteError> {
    write_unit_with_faults(files, overwrite, access, &mut |_| None)
}

/// Repairs an interrupted [`write_unit`] of `files` (the last one is the commit point), if
/// there is one to repair, and returns notes on what was done.
pub fn recover_unit(files: &[&Path]) -> Result<Vec<String>, WriteError> {
    let Some(last) = files.last() else { return Ok(Vec::new()) };
    let lock = Journal::lock(last)?;
    let notes = lock.recover(files)?;
    lock.finish();
    Ok(notes)
}

/// [`write_unit`] with `fault` asked at each [`Step`] what goes wrong there.
pub(crate) fn write_unit_with_faults(
    files: &[UnitFile<'_>],
    overwrite: Overwrite,
    access: Access,
    fault: &mut dyn FnMut(Step) -> Option<Fault>,
) -> Result<Vec<String>, WriteError> {
    let Some(last) = files.last() else { return Ok(Vec::new()) };
    let journal = Journal::lock(last.path)?;
    let paths: Vec<&Path> = files.iter().map(|f| f.path).collect();
    let checked = journal.recover(&paths).and_then(|notes| {
        files.iter().try_for_each(|f| check_target(f.path, overwrite))?;
        Ok(notes)
    });
    let notes = match checked {
        Ok(notes) => notes,
        Err(e) => {
            journal.finish();
            return Err(e);
        }
    };
    let mut entries: Vec<Entry> = Vec::with_capacity(files.len());
    let outcome = write_steps(files, access, &journal, &mut entries, fault);
    match outcome {
        Ok(()) => {
            journal.finish();
            Ok(notes)
        }
        Err(Stop::Crash) => Ok(notes),
        Err(Stop::Failed(e)) => {
            roll_back(&entries);
            journal.finish();
            Err(e)
        }
    }
}

/// How the steps of a unit stopped early.
enum Stop {
    /// A simulated kill: leave everything as it is.
    Crash,
    /// An error: roll back.
    Failed(WriteError),
}

/// One file of a unit on its way: its temporary file and the backup of the file it replaces.
struct Entry {
    target: PathBuf,
    temp: PathBuf,
    /// The backup of the previous file (`None`: there was none, or this is the last file).
    backup: Option<PathBuf>,
}

fn write_steps(
    files: &[UnitFile<'_>],
    access: Access,
    journal: &Journal,
    entries: &mut Vec<Entry>,
    fault: &mut dyn FnMut(Step) -> Option<Fault>,
) -> Result<(), Stop> {
    let last = files.len().saturating_sub(1);
    let mut at = |step: Step, path: &Path| match fault(step) {
        None => Ok(()),
        Some(Fault::Crash) => Err(Stop::Crash),
        // Past the commit point an error cannot undo anything: the new files are in place.
        Some(Fault::Io(_)) if matches!(step, Step::Renamed(i) if i == last) || step == Step::BackupsRemoved => Ok(()),
        Some(Fault::Io(source)) => Err(Stop::Failed(WriteError::Io { path: path.to_path_buf(), source })),
    };
    for (i, f) in files.iter().enumerate() {
        let temp = create_temp(f.path).map_err(failed(f.path))?;
        entries.push(Entry { target: f.path.to_path_buf(), temp: temp.path.clone(), backup: None });
        (|| {
            let mut w = BufWriter::new(&temp.file);
            w.write_all(f.bytes)?;
            w.flush()?;
            drop(w);
            set_access(&temp.file, access)?;
            temp.file.sync_all()
        })()
        .map_err(failed(f.path))?;
        at(Step::TempWritten(i), f.path)?;
    }
    for (i, f) in files.iter().enumerate().take(last) {
        let exists = std::fs::symlink_metadata(f.path).is_ok();
        if exists {
            let backup = make_backup(f.path).map_err(failed(f.path))?;
            if let Some(e) = entries.get_mut(i) {
                e.backup = Some(backup);
            }
            at(Step::BackupMade(i), f.path)?;
        }
    }
    journal.write(entries).map_err(failed(&journal.path))?;
    at(Step::JournalWritten, &journal.path)?;
    let dir = folder_of(files[last].path);
    for (i, e) in entries.iter().enumerate() {
        // With Refuse the targets were checked absent under the lock; place() checks again.
        std::fs::rename(&e.temp, &e.target).map_err(failed(&e.target))?;
        if i == last {
            sync_dir(&dir);
        }
        at(Step::Renamed(i), &e.target)?;
    }
    for e in entries.iter() {
        if let Some(b) = &e.backup {
            std::fs::remove_file(b).ok();
        }
    }
    at(Step::BackupsRemoved, &journal.path)?;
    Ok(())
}

/// The error of a step that failed on `path`.
fn failed(path: &Path) -> impl FnOnce(io::Error) -> Stop + '_ {
    move |source| Stop::Failed(WriteError::Io { path: path.to_path_buf(), source })
}

/// Undoes an unfinished unit: when its last file was not renamed into place yet, every file
/// renamed before it gets its backup back (or is removed, where there was none) and every
/// temporary file is removed. After the commit point only the leftovers are removed.
fn roll_back(entries: &[Entry]) {
    let last = entries.len().saturating_sub(1);
    let committed = entries.last().is_some_and(|e| !e.temp.exists());
    for (i, e) in entries.iter().enumerate() {
        let renamed = !e.temp.exists();
        if !committed && renamed && i != last {
            match &e.backup {
                Some(b) if b.exists() => {
                    std::fs::rename(b, &e.target).ok();
                }
                _ => {
                    std::fs::remove_file(&e.target).ok();
                }
            }
        }
        std::fs::remove_file(&e.temp).ok();
        if let Some(b) = &e.backup {
            std::fs::remove_file(b).ok();
        }
    }
    if let Some(e) = entries.first() {
        sync_dir(&folder_of(&e.target));
    }
}

/// The journal of a unit, locked while the unit is written.
struct Journal {
    path: PathBuf,
    file: File,
    /// The last file of the unit (the commit point), for messages.
    last: PathBuf,
}

/// The journal's last line: a journal without it was cut short and names nothing reliably.
const JOURNAL_END: &str = "end";

impl Journal {
    /// Opens and locks the journal of the unit whose last file is `last`.
    fn lock(last: &Path) -> Result<Journal, WriteError> {
        let path = sibling(last, ".carrot-journal");
        let io_err = |source| WriteError::Io { path: last.to_path_buf(), source };
        // The journal is removed when a unit finishes: if it was removed between opening and
        // locking, open the new one.
        for _ in 0..100 {
            let file =
                private_options().read(true).write(true).create(true).truncate(false).open(&path).map_err(io_err)?;
            match file.try_lock() {
                Ok(()) => {}
                Err(std::fs::TryLockError::WouldBlock) => return Err(WriteError::Busy { path: last.to_path_buf() }),
                Err(std::fs::TryLockError::Error(e)) => return Err(io_err(e)),
            }
            if same_file(&file, &path) {
                return Ok(Journal { path, file, last: last.to_path_buf() });
            }
        }
        Err(WriteError::Busy { path: last.to_path_buf() })
    }

    /// Records the unit's files, flushed to disk with the folder.
    fn write(&self, entries: &[Entry]) -> io::Result<()> {
        let mut text = String::new();
        for e in entries {
            let name = |p: &Path| p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let backup = e.backup.as_deref().map_or_else(|| "-".to_owned(), name);
            text.push_str(&format!("{}\t{}\t{}\n", name(&e.temp), name(&e.target), backup));
        }
        text.push_str(JOURNAL_END);
        text.push('\n');
        let mut f = &self.file;
        f.set_len(0)?;
        use std::io::Seek as _;
        f.seek(io::SeekFrom::Start(0))?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        sync_dir(&folder_of(&self.path));
        Ok(())
    }

    /// Repairs what an interrupted unit of `files` left (see [`write_unit`]).
    fn recover(&self, files: &[&Path]) -> Result<Vec<String>, WriteError> {
        let mut text = String::new();
        (&self.file).read_to_string(&mut text).map_err(|source| WriteError::Io { path: self.last.clone(), source })?;
        let dir = folder_of(&self.last);
        let mut notes = Vec::new();
        let complete = text.lines().last() == Some(JOURNAL_END);
        if complete {
            let entries: Vec<Entry> = text
                .lines()
                .filter(|l| *l != JOURNAL_END)
                .filter_map(|l| {
                    let mut parts = l.split('\t');
                    let (temp, target, backup) = (parts.next()?, parts.next()?, parts.next()?);
                    // Only names in this folder, never a path from the journal.
                    let plain = |n: &str| !n.is_empty() && !n.contains(['/', '\\']) && n != "." && n != "..";
                    if !plain(temp) || !plain(target) || (backup != "-" && !plain(backup)) {
                        return None;
                    }
                    Some(Entry {
                        target: dir.join(target),
                        temp: dir.join(temp),
                        backup: (backup != "-").then(|| dir.join(backup)),
                    })
                })
                .collect();
            let committed = entries.last().is_some_and(|e| !e.temp.exists());
            roll_back(&entries);
            if !entries.is_empty() {
                notes.push(if committed {
                    format!(
                        "an earlier write of {} was interrupted after its files were in place; removed what it left",
                        self.last.display()
                    )
                } else {
                    format!(
                        "an earlier write of {} was interrupted; put the previous files back and removed its \
                         temporary files",
                        self.last.display()
                    )
                });
            }
        }
        // Cut short before the journal was complete: only temporary files and backups can be
        // left, none in place of a target.
        // Under the lock no other write of these files runs, in this process or another: the
        // leftovers of this process's own earlier attempts are stale too.
        notes.extend(remove_strays(&dir, files, true));
        Ok(notes)
    }

    /// Empties and removes the journal, then unlocks it (on drop).
    fn finish(self) {
        self.file.set_len(0).ok();
        std::fs::remove_file(&self.path).ok();
        sync_dir(&folder_of(&self.path));
    }
}

impl Drop for Journal {
    /// Unlocks the journal explicitly: closing the file alone leaves the lock held while a child
    /// process another thread is starting still has a copy of the descriptor (between its fork
    /// and its exec), and the next write of the same files would then be refused as busy.
    fn drop(&mut self) {
        self.file.unlock().ok();
    }
}

/// Whether the open `file` is still the one at `path` (it may have been removed and recreated).
fn same_file(file: &File, path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        match (file.metadata(), std::fs::metadata(path)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (file, path);
        true
    }
}

/// Refuses a target that is not a regular file, and an existing one with [`Overwrite::Refuse`].
fn check_target(path: &Path, overwrite: Overwrite) -> Result<(), WriteError> {
    let meta = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(source) => return Err(WriteError::Io { path: path.to_path_buf(), source }),
    };
    let kind = file_kind(&meta);
    if let Some(kind) = kind {
        return Err(WriteError::NotRegular { path: path.to_path_buf(), kind });
    }
    if overwrite == Overwrite::Refuse {
        return Err(WriteError::Exists { path: path.to_path_buf() });
    }
    Ok(())
}

/// What a non-regular file is (`None` for a regular file).
fn file_kind(meta: &std::fs::Metadata) -> Option<&'static str> {
    let t = meta.file_type();
    if t.is_file() {
        return None;
    }
    if t.is_symlink() {
        return Some("a symbolic link");
    }
    if t.is_dir() {
        return Some("a folder");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        if t.is_fifo() {
            return Some("a FIFO (named pipe)");
        }
        if t.is_char_device() || t.is_block_device() {
            return Some("a device");
        }
        if t.is_socket() {
            return Some("a socket");
        }
    }
    Some("not a regular file")
}

/// Renames `temp` to `path`; with [`Overwrite::Refuse`] only if `path` does not exist then.
fn place(temp: &Path, path: &Path, overwrite: Overwrite) -> Result<(), WriteError> {
    let io_err = |source| WriteError::Io { path: path.to_path_buf(), source };
    match overwrite {
        Overwrite::Allow => std::fs::rename(temp, path).map_err(io_err),
        Overwrite::Refuse => match std::fs::hard_link(temp, path) {
            // A hard link fails if the target exists: the check and the creation are one step.
            Ok(()) => {
                std::fs::remove_file(temp).ok();
                Ok(())
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Err(WriteError::Exists { path: path.to_path_buf() }),
            // File systems without hard links: check, then rename.
            Err(_) => {
                if std::fs::symlink_metadata(path).is_ok() {
                    return Err(WriteError::Exists { path: path.to_path_buf() });
                }
                std::fs::rename(temp, path).map_err(io_err)
            }
        },
    }
}

/// A temporary file being written.
struct Temp {
    path: PathBuf,
    file: File,
}

/// Temporary files made by this process so far (for unique names).
static TEMPS: AtomicU64 = AtomicU64::new(0);

/// `.<name><suffix>` beside `path`.
fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    path.with_file_name(format!(".{name}{suffix}"))
}

/// The prefix of this program's temporary files and backups of `path`: `.<name>.carrot-`.
fn stray_prefix(path: &Path) -> String {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    format!(".{name}.carrot-")
}

fn private_options() -> OpenOptions {
    let mut o = OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        o.mode(0o600);
    }
    o
}

/// Creates `.<name>.carrot-<pid>-<n>.tmp` beside `path`, readable by the owner only.
fn create_temp(path: &Path) -> io::Result<Temp> {
    let pid = std::process::id();
    loop {
        let n = TEMPS.fetch_add(1, Ordering::Relaxed);
        let temp = path.with_file_name(format!("{}{pid}-{n}.tmp", stray_prefix(path)));
        match private_options().write(true).create_new(true).open(&temp) {
            Ok(file) => return Ok(Temp { path: temp, file }),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e),
        }
    }
}

/// A backup of `path` beside it (`.<name>.carrot-<pid>-<n>.old`): a hard link, else a copy.
fn make_backup(path: &Path) -> io::Result<PathBuf> {
    let pid = std::process::id();
    loop {
        let n = TEMPS.fetch_add(1, Ordering::Relaxed);
        let backup = path.with_file_name(format!("{}{pid}-{n}.old", stray_prefix(path)));
        match std::fs::hard_link(path, &backup) {
            Ok(()) => return Ok(backup),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(_) => {}
        }
        let mut from = File::open(path)?;
        let mut to = match private_options().write(true).create_new(true).open(&backup) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        };
        io::copy(&mut from, &mut to)?;
        to.sync_all()?;
        return Ok(backup);
    }
}

/// Removes the temporary files and backups of `targets` that a process no longer running left
/// behind (a killed run; with `own_stale`, this process's too), and names the ones whose
/// process may still run where that cannot be told. Returns notes on what was done.
fn remove_strays(dir: &Path, targets: &[&Path], own_stale: bool) -> Vec<String> {
    let Ok(listing) = std::fs::read_dir(dir) else { return Vec::new() };
    let prefixes: Vec<String> = targets.iter().map(|t| stray_prefix(t)).collect();
    let mut notes = Vec::new();
    for entry in listing.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = prefixes.iter().find_map(|p| name.strip_prefix(p.as_str())) else { continue };
        let Some(pid) = rest.split('-').next().and_then(|p| p.parse::<u32>().ok()) else { continue };
        if !(rest.ends_with(".tmp") || rest.ends_with(".old")) {
            continue;
        }
        let alive = if pid == std::process::id() { Some(!own_stale) } else { process_alive(pid) };
        match alive {
            Some(false) => {
                if std::fs::remove_file(entry.path()).is_ok() {
                    notes.push(format!("removed {}, left by an interrupted run", entry.path().display()));
                }
            }
            Some(true) => {}
            None => notes.push(format!(
                "{} may be left by an interrupted run; remove it if no Carrot is running",
                entry.path().display()
            )),
        }
    }
    notes
}

/// Whether process `pid` is running (`None`: cannot tell on this system).
fn process_alive(pid: u32) -> Option<bool> {
    if cfg!(target_os = "linux") { Some(Path::new(&format!("/proc/{pid}")).exists()) } else { None }
}

/// The folder `path` is in (`.` for a bare name).
fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Makes renames in `dir` durable (best effort: not every system can sync a folder).
fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        d.sync_all().ok();
    }
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

    /// The names in `dir`, sorted.
    fn listing(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> =
            std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        names.sort();
        names
    }

    /// Every step a unit of two files passes, with or without previous files.
    fn steps(previous: bool) -> Vec<Step> {
        let mut steps = vec![Step::TempWritten(0), Step::TempWritten(1)];
        if previous {
            steps.push(Step::BackupMade(0));
        }
        steps.extend([Step::JournalWritten, Step::Renamed(0), Step::Renamed(1), Step::BackupsRemoved]);
        steps
    }

    /// Reads the unit's two files (`None` where absent).
    fn unit_state(rec: &Path, out: &Path) -> (Option<String>, Option<String>) {
        (std::fs::read_to_string(rec).ok(), std::fs::read_to_string(out).ok())
    }

    #[test]
    fn a_unit_is_all_new_or_all_old_after_a_fault_at_any_step() {
        for previous in [true, false] {
            for step in steps(previous) {
                for crash in [true, false] {
                    let dir = tempfile::tempdir().unwrap();
                    let rec = dir.path().join("pay.csv.reconciliation.txt");
                    let out = dir.path().join("pay.csv");
                    if previous {
                        std::fs::write(&rec, "old rec").unwrap();
                        std::fs::write(&out, "old pay").unwrap();
                    }
                    let files =
                        [UnitFile { path: &rec, bytes: b"new rec" }, UnitFile { path: &out, bytes: b"new pay" }];
                    let mut hit = false;
                    let result = write_unit_with_faults(&files, Overwrite::Allow, Access::Private, &mut |s| {
                        (s == step).then(|| {
                            hit = true;
                            if crash { Fault::Crash } else { Fault::Io(io::Error::other("disk full (simulated)")) }
                        })
                    });
                    assert!(hit, "{step:?} was reached");
                    let old =
                        if previous { (Some("old rec".to_owned()), Some("old pay".to_owned())) } else { (None, None) };
                    let new = (Some("new rec".to_owned()), Some("new pay".to_owned()));
                    let past_commit = matches!(step, Step::Renamed(1) | Step::BackupsRemoved);
                    let what = format!("previous: {previous}, {step:?}, crash: {crash}");
                    if crash {
                        // A kill: the next write (or a recovery) repairs what it left.
                        let notes = recover_unit(&[&rec, &out]).unwrap();
                        assert!(!notes.is_empty(), "{what}: the repair is named");
                    } else if past_commit {
                        assert!(result.is_ok(), "{what}: {result:?}");
                    } else {
                        assert!(matches!(result, Err(WriteError::Io { .. })), "{what}: {result:?}");
                    }
                    let state = unit_state(&rec, &out);
                    let expected = if past_commit { &new } else { &old };
                    assert_eq!(&state, expected, "{what}");
                    let mut left = listing(dir.path());
                    left.retain(|n| n.starts_with('.'));
                    assert!(left.is_empty(), "{what}: nothing hidden is left: {left:?}");
                }
            }
        }
    }

    #[test]
    fn a_unit_refuses_existing_and_non_regular_targets() {
        let dir = tempfile::tempdir().unwrap();
        let rec = dir.path().join("a.txt");
        let out = dir.path().join("a");
        std::fs::write(&rec, "old").unwrap();
        let files = [UnitFile { path: &rec, bytes: b"new" }, UnitFile { path: &out, bytes: b"new" }];
        let err = write_unit(&files, Overwrite::Refuse, Access::Private).unwrap_err();
        assert!(matches!(err, WriteError::Exists { .. }), "{err:?}");
        assert_eq!(listing(dir.path()), ["a.txt"]);
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(&rec, &out).unwrap();
            let err = write_unit(&files, Overwrite::Allow, Access::Private).unwrap_err();
            assert!(err.to_string().contains("is a symbolic link, not a regular file"), "{err}");
            assert_eq!(std::fs::read_to_string(&rec).unwrap(), "old");
        }
    }

    #[test]
    fn two_writes_of_one_unit_never_run_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("pay.csv");
        let held = Journal::lock(&out).unwrap();
        let files = [UnitFile { path: &out, bytes: b"new" }];
        let err = write_unit(&files, Overwrite::Allow, Access::Private).unwrap_err();
        assert!(matches!(err, WriteError::Busy { .. }), "{err:?}");
        held.finish();
        write_unit(&files, Overwrite::Allow, Access::Private).unwrap();
        assert_eq!(listing(dir.path()), ["pay.csv"]);
    }

    #[test]
    fn a_journal_dropped_while_a_child_holds_its_descriptor_is_unlocked() {
        // A process started by another thread holds a copy of every descriptor between its fork
        // and its exec; the copy shares the lock. Dropping the journal must still release it.
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("pay.csv");
        let journal = Journal::lock(&out).unwrap();
        let child_copy = journal.file.try_clone().unwrap();
        drop(journal);
        let again = Journal::lock(&out);
        assert!(again.is_ok(), "{:?}", again.err());
        drop(child_copy);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_temporary_file_left_by_a_killed_run_is_removed_and_named() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("pay.csv");
        // No process has this id (it is above Linux's largest).
        let stray = dir.path().join(format!(".pay.csv.carrot-{}-0.tmp", u32::MAX - 1));
        std::fs::write(&stray, "half of someone's pay").unwrap();
        let files = [UnitFile { path: &out, bytes: b"new" }];
        let notes = write_unit(&files, Overwrite::Refuse, Access::Private).unwrap();
        assert!(notes.iter().any(|n| n.contains("left by an interrupted run")), "{notes:?}");
        assert_eq!(listing(dir.path()), ["pay.csv"]);
        std::fs::write(&stray, "again").unwrap();
        write_atomic(&out, b"newer", Overwrite::Allow, Access::Private).unwrap();
        assert_eq!(listing(dir.path()), ["pay.csv"]);
    }

    #[cfg(unix)]
    #[test]
    fn force_never_replaces_a_fifo_a_device_or_a_symlink() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("link.csv");
        std::os::unix::fs::symlink("/etc/passwd", &link).unwrap();
        let err = write_atomic(&link, b"x", Overwrite::Allow, Access::Private).unwrap_err();
        assert!(matches!(err, WriteError::NotRegular { kind: "a symbolic link", .. }), "{err:?}");
        let fifo = dir.path().join("fifo.csv");
        assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
        let err = write_atomic(&fifo, b"x", Overwrite::Allow, Access::Private).unwrap_err();
        assert!(matches!(err, WriteError::NotRegular { kind: "a FIFO (named pipe)", .. }), "{err:?}");
        assert_eq!(listing(dir.path()), ["fifo.csv", "link.csv"]);
        // A device is only looked at, never written to (a test run as root could replace it).
        let null = std::fs::symlink_metadata("/dev/null").unwrap();
        assert_eq!(file_kind(&null), Some("a device"));
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
