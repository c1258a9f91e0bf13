//! Background threads give way to the UI thread.
//!
//! On a two-core machine the payout computation (the compute worker and two rayon workers), the
//! behaviour simulation and imports would otherwise take the CPU time a frame needs, and frames
//! would stretch past 16 ms while they run. Their threads run at the lowest priority instead: they
//! still get every core while the UI is idle, and the UI thread runs first when it has a frame
//! to draw.

/// Lowers the calling thread's scheduling priority as far as it goes (on Linux, nice 19; no
/// privileges are needed to lower one's own priority).
pub fn give_way() {
    // Failing to lower a priority leaves the thread at the normal one: slower frames, nothing
    // worse, and nothing the user could act on.
    thread_priority::set_current_thread_priority(thread_priority::ThreadPriority::Min).ok();
}

/// Sets up the global rayon pool (the payout engine's parallel loops) with threads that give
/// way. Only the first call has an effect; if something already started the global pool, it is
/// used as it is.
pub fn init_worker_pool() {
    rayon::ThreadPoolBuilder::new()
        .thread_name(|i| format!("carrot-worker-{i}"))
        .start_handler(|_| give_way())
        .build_global()
        .ok();
}

/// Whether the calling thread runs below the normal priority.
#[cfg(all(test, target_os = "linux"))]
fn lowered() -> bool {
    let Ok(stat) = std::fs::read_to_string("/proc/thread-self/stat") else { return false };
    // Field 19 (nice) counts from after the command name, which may contain spaces.
    let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    after_name.split_whitespace().nth(16).and_then(|n| n.parse::<i32>().ok()).is_some_and(|nice| nice > 0)
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[test]
    fn a_thread_that_gives_way_runs_below_normal_priority() {
        let before_and_after = std::thread::spawn(|| {
            let before = lowered();
            give_way();
            (before, lowered())
        })
        .join()
        .unwrap();
        assert_eq!(before_and_after, (false, true));
    }
}
