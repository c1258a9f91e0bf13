//! Nothing typed is lost: plans with unsaved changes are written to a recovery folder a few
//! seconds after each change (atomically, readable by the owner only). After a crash the next
//! start offers to restore them. A plan's recovery file is removed when it is saved or when the
//! user discards its changes.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::fsx::{self, Access, Overwrite};
use crate::plan::{self, Plan};

/// Seconds after the last change before a plan is written to the recovery folder.
pub const AUTOSAVE_DELAY_SECONDS: f64 = 2.0;

/// What a recovery file holds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Recovered {
    /// Where the plan lives (`None` for a sample or a new plan).
    pub file: Option<PathBuf>,
    /// The bundled sample the plan started from, if any.
    pub sample: Option<String>,
    /// The plan as it was being edited, in the plan file format.
    pub plan_json: String,
}

impl Recovered {
    /// The plan, if the recovered text is still a readable plan.
    pub fn plan(&self) -> Result<Plan, String> {
        plan::parse(&self.plan_json)
            .map_err(|problems| problems.first().map_or_else(|| "unreadable plan".to_owned(), ToString::to_string))
    }
}

/// The recovery folder in the user's data folder (next to eframe's saved state).
pub fn default_dir() -> Option<PathBuf> {
    super::data_dir().map(|d| d.join("recovery"))
}

/// The recovery file of one open plan in this process.
pub fn file_for(dir: &Path, plan_id: u64) -> PathBuf {
    dir.join(format!("plan-{}-{plan_id}.json", std::process::id()))
}

/// Writes a recovery file (creating the folder, owner-only).
pub fn write(dir: &Path, plan_id: u64, recovered: &Recovered) -> Result<PathBuf, String> {
    create_private_dir(dir).map_err(|e| format!("could not create {}: {e}", dir.display()))?;
    let path = file_for(dir, plan_id);
    let text = serde_json::to_string_pretty(recovered).map_err(|e| e.to_string())?;
    fsx::write_atomic(&path, text.as_bytes(), Overwrite::Allow, Access::Private).map_err(|e| e.to_string())?;
    Ok(path)
}

/// Removes a plan's recovery file (if any).
pub fn remove(dir: &Path, plan_id: u64) {
    std::fs::remove_file(file_for(dir, plan_id)).ok();
}

/// Recovery files left by sessions that are no longer running (crashed or killed).
pub fn left_behind(dir: &Path) -> Vec<(PathBuf, Result<Recovered, String>)> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut found: Vec<(PathBuf, Result<Recovered, String>)> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .filter(|p| !owner_is_running(p))
        .map(|p| {
            let read = std::fs::read_to_string(&p)
                .map_err(|e| e.to_string())
                .and_then(|t| serde_json::from_str::<Recovered>(&t).map_err(|e| e.to_string()));
            (p, read)
        })
        .collect();
    found.sort_by(|a, b| a.0.cmp(&b.0));
    found
}

/// Whether the process that wrote a recovery file (its pid is in the name) is still running, in
/// which case its files are not "left behind" (two Carrot windows at once).
fn owner_is_running(path: &Path) -> bool {
    let Some(pid) = path
        .file_stem()
        .and_then(|s| s.to_str())
        .and_then(|s| s.strip_prefix("plan-"))
        .and_then(|s| s.split('-').next())
        .and_then(|s| s.parse::<u32>().ok())
    else {
        return false;
    };
    pid == std::process::id() || Path::new("/proc").join(pid.to_string()).exists()
}

#[cfg(unix)]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::create_dir_all(dir)?;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
}

#[cfg(not(unix))]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_of_running_processes_are_not_left_behind_but_others_are() {
        let dir = tempfile::tempdir().unwrap();
        let r =
            Recovered { file: None, sample: Some("sales_led".into()), plan_json: crate::samples::PLANS[0].text.into() };
        write(dir.path(), 7, &r).unwrap();
        assert!(left_behind(dir.path()).is_empty(), "this process is running");
        // A file from a process that no longer exists (pid 0 is never a user process).
        std::fs::copy(file_for(dir.path(), 7), dir.path().join("plan-4294967-3.json")).unwrap();
        let found = left_behind(dir.path());
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].1.as_ref().unwrap().plan().unwrap().name, "Sales-led (today)");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(file_for(dir.path(), 7)).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "recovery files are private");
        }
    }
}
