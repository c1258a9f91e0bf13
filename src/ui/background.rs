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

/// Lowers the calling thread below every thread that only gives way ([`give_way`]): on Linux
/// into the idle scheduling class (`SCHED_IDLE`, which gets a core only when nothing else at
/// any nice level wants it); elsewhere as [`give_way`]. For the behaviour simulation, which can
/// run for seconds on a large roster while the user edits: the payouts of an edit come first.
pub fn give_way_to_everything() {
    #[cfg(target_os = "linux")]
    {
        use thread_priority::unix::{
            NormalThreadSchedulePolicy, ThreadSchedulePolicy, set_thread_priority_and_policy, thread_native_id,
        };
        let idle = ThreadSchedulePolicy::Normal(NormalThreadSchedulePolicy::Idle);
        if set_thread_priority_and_policy(thread_native_id(), thread_priority::ThreadPriority::Min, idle).is_ok() {
            return;
        }
    }
    give_way();
}

/// A rayon pool of its own for the behaviour simulation, its threads below the payouts' ones
/// ([`give_way_to_everything`]). On the global pool, an edit's payouts queued behind a running
/// simulation's work and waited for it: 4.2 s for a 100,000-person edit that takes 55 ms alone.
/// `None` if the threads cannot be started (the simulation then runs on the global pool).
pub fn simulation_pool() -> Option<rayon::ThreadPool> {
    rayon::ThreadPoolBuilder::new()
        .thread_name(|i| format!("carrot-simulate-{i}"))
        .start_handler(|_| give_way_to_everything())
        .build()
        .ok()
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

/// The calling thread's nice value (0 normal, 19 the lowest priority).
#[cfg(all(test, target_os = "linux"))]
fn nice() -> Option<i32> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    // Field 19 (nice) counts from after the command name, which may contain spaces.
    let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    after_name.split_whitespace().nth(16).and_then(|n| n.parse::<i32>().ok())
}

/// Whether the calling thread runs in the idle scheduling class (`SCHED_IDLE` is 5).
#[cfg(all(test, target_os = "linux"))]
fn idle_class() -> bool {
    let Ok(stat) = std::fs::read_to_string("/proc/thread-self/stat") else { return false };
    // Field 41 (policy) counts from after the command name, which may contain spaces.
    let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    after_name.split_whitespace().nth(38).and_then(|n| n.parse::<u32>().ok()) == Some(5)
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[test]
    fn the_simulation_pool_runs_below_the_threads_that_give_way() {
        let pool = simulation_pool().unwrap();
        let (idle, name) = pool.install(|| (idle_class(), std::thread::current().name().map(str::to_owned)));
        assert!(idle, "the simulation's threads are in the idle class");
        assert!(name.is_some_and(|n| n.starts_with("carrot-simulate-")), "its own threads, not the global pool's");
        let payouts = std::thread::spawn(|| {
            give_way();
            idle_class()
        });
        assert!(!payouts.join().unwrap(), "the payouts' threads only give way");
    }

    #[test]
    fn a_thread_that_gives_way_runs_below_normal_priority() {
        let (before, after) = std::thread::spawn(|| {
            let before = nice().unwrap();
            give_way();
            (before, nice().unwrap())
        })
        .join()
        .unwrap();
        // The tests may themselves run below normal priority (`nice cargo test`): the thread
        // goes as far down as it can from wherever it started.
        assert_eq!(after, 19, "started at nice {before}");
    }
}
