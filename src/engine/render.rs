//! Writing every person of a report as text (the JSON and CSV forms of `carrot payouts`) on all
//! cores: people are computed and rendered in parallel, block by block, while the calling thread
//! writes the previous block, so the output is in roster order, byte for byte what a single
//! thread would write, and at most two blocks of text are held at once.

use std::io;
use std::sync::Mutex;

use rayon::prelude::*;

use super::{CompiledPlan, Detail, EmployeePayout, Outcome, PayoutReport, Scratch, Sizes};
use crate::plan::Plan;
use crate::roster::Roster;

/// How many people are rendered per parallel piece of work.
const RENDER_CHUNK: usize = 512;
/// How many people are rendered before the writer takes them (bounds the memory held as text).
pub(crate) const RENDER_BLOCK: usize = 16 * RENDER_CHUNK;

/// Writes every person of `report` to `out` in order: `render(buf, person, first)` appends one
/// person's text (`first` for the report's first person).
pub fn write_people(
    report: &PayoutReport,
    out: &mut dyn io::Write,
    render: impl Fn(&mut Vec<u8>, &EmployeePayout, bool) + Sync,
) -> io::Result<()> {
    if report.employees.is_empty() {
        return Ok(());
    }
    // Written buffers go back to be filled again: fresh memory for 170 MB of text would cost a
    // page fault and a page clearing every 4 KiB.
    let spare = Mutex::new(Vec::<Vec<u8>>::new());
    std::thread::scope(|scope| -> io::Result<()> {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Vec<u8>>>(1);
        let employees = &report.employees;
        let (spare, render) = (&spare, &render);
        scope.spawn(move || {
            for (b, block) in employees.chunks(RENDER_BLOCK).enumerate() {
                if tx.send(render_block(block, b == 0, render, spare)).is_err() {
                    break;
                }
            }
        });
        for rendered in rx {
            for mut piece in rendered {
                out.write_all(&piece)?;
                piece.clear();
                spare.lock().map_err(|_| io::Error::other("a rendering thread failed"))?.push(piece);
            }
        }
        Ok(())
    })
}

/// Renders `block` (people; `first` when it starts the report) in parallel pieces.
fn render_block(
    block: &[EmployeePayout],
    first: bool,
    render: &(impl Fn(&mut Vec<u8>, &EmployeePayout, bool) + Sync),
    spare: &Mutex<Vec<Vec<u8>>>,
) -> Vec<Vec<u8>> {
    block
        .par_chunks(RENDER_CHUNK)
        .enumerate()
        .map(|(c, chunk)| {
            let mut buf = spare.lock().ok().and_then(|mut s| s.pop()).unwrap_or_default();
            buf.reserve(chunk.len() * 2048);
            for (i, p) in chunk.iter().enumerate() {
                render(&mut buf, p, first && c == 0 && i == 0);
            }
            buf
        })
        .collect()
}

/// Computes everyone in `roster` with explanations and writes each person paid to `out` as
/// `render(buf, person, first)` lays them out, in roster order, in one pass: a block of people is
/// computed and rendered on all cores while this thread writes the previous one, and each
/// person's explanations are dropped once written. Returns the report (without explanations),
/// the same as [`CompiledPlan::report`] with [`Detail::AmountsOnly`].
///
/// `progress` is told how many people were computed as it goes.
pub fn compute_and_write(
    compiled: &CompiledPlan,
    plan: &Plan,
    roster: &Roster,
    progress: &(dyn Fn(u64) + Sync),
    out: &mut dyn io::Write,
    render: impl Fn(&mut Vec<u8>, &EmployeePayout, bool) + Sync,
) -> io::Result<PayoutReport> {
    let spare = Mutex::new(Vec::<Vec<u8>>::new());
    let outcomes = std::thread::scope(|scope| -> io::Result<Vec<Outcome>> {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Vec<u8>>>(1);
        let (spare, render) = (&spare, &render);
        let producer = scope.spawn(move || {
            let mut outcomes = Vec::with_capacity(roster.employees.len());
            // The report leaves out anyone whose amounts would not fit its sums (checked in
            // roster order, as the report does): they are not written either.
            let mut sizes = Sizes::default();
            let mut first = true;
            for (b, block) in roster.employees.chunks(RENDER_BLOCK).enumerate() {
                let base = b * RENDER_BLOCK;
                let mut computed: Vec<(Outcome, bool)> = block
                    .par_iter()
                    .enumerate()
                    .map_init(Scratch::default, |scratch, (i, e)| {
                        let outcome = compiled.evaluate(base + i, e, Detail::Explained, scratch);
                        progress(1);
                        (outcome, false)
                    })
                    .collect();
                let mut first_written = None;
                for (i, (outcome, written)) in computed.iter_mut().enumerate() {
                    if let Outcome::Paid(p) = outcome {
                        *written = sizes.admit(p);
                        if *written && first {
                            first = false;
                            first_written = Some(i);
                        }
                    }
                }
                let rendered: Vec<Vec<u8>> = computed
                    .par_chunks_mut(RENDER_CHUNK)
                    .enumerate()
                    .map(|(c, chunk)| {
                        let mut buf = spare.lock().ok().and_then(|mut s| s.pop()).unwrap_or_default();
                        buf.reserve(chunk.len() * 2048);
                        for (i, (outcome, written)) in chunk.iter_mut().enumerate() {
                            let Outcome::Paid(p) = outcome else { continue };
                            if *written {
                                render(&mut buf, p, first_written == Some(c * RENDER_CHUNK + i));
                            }
                            for line in &mut p.lines {
                                line.explanation = String::new();
                            }
                        }
                        buf
                    })
                    .collect();
                outcomes.extend(computed.into_iter().map(|(o, _)| o));
                if tx.send(rendered).is_err() {
                    break;
                }
            }
            outcomes
        });
        let mut written = Ok(());
        for rendered in rx {
            for mut piece in rendered {
                if written.is_ok() {
                    written = out.write_all(&piece);
                }
                piece.clear();
                if let Ok(mut s) = spare.lock() {
                    s.push(piece);
                }
            }
            if written.is_err() {
                // Dropping the receiver stops the producer after the block it is on.
                break;
            }
        }
        let outcomes = producer.join().map_err(|_| io::Error::other("a rendering thread failed"))?;
        written.map(|()| outcomes)
    })?;
    Ok(compiled.assemble(plan, outcomes))
}
