//! Writing every person of a report as text (the JSON and CSV forms of `carrot payouts`) on all
//! cores: people are computed and rendered in parallel, block by block, while the calling thread
//! writes the previous block, so the output is in roster order, byte for byte what a single
//! thread would write, and at most two blocks of text are held at once.

use std::io;
use std::sync::Mutex;

use rayon::prelude::*;

use super::{CompiledPlan, Detail, EmployeePayout, Outcome, PayoutReport, stream};
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

/// Renders the people of `outcomes` that are paid in the report (`(outcome, true)`) in parallel
/// pieces, `first_written` being the report's first person if in this block, and drops every
/// explanation (they are not kept once written).
fn render_outcomes(
    outcomes: &mut [(Outcome, bool)],
    first_written: Option<usize>,
    render: &(impl Fn(&mut Vec<u8>, &EmployeePayout, bool) + Sync),
    spare: &Mutex<Vec<Vec<u8>>>,
) -> Vec<Vec<u8>> {
    outcomes
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
        .collect()
}

/// Writes the pieces `produce` sends (on a thread of its own) to `out` in order, handing
/// written buffers back through `spare`; returns what `produce` returns, or the first write
/// error (after which `produce`'s sends fail).
fn write_produced<T: Send>(
    out: &mut dyn io::Write,
    spare: &Mutex<Vec<Vec<u8>>>,
    produce: impl FnOnce(std::sync::mpsc::SyncSender<Vec<Vec<u8>>>) -> T + Send,
) -> io::Result<T> {
    std::thread::scope(|scope| {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Vec<u8>>>(1);
        let producer = scope.spawn(move || produce(tx));
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
                // Dropping the receiver makes the producer's next send fail.
                break;
            }
        }
        let produced = producer.join().map_err(|_| io::Error::other("a rendering thread failed"))?;
        written.map(|()| produced)
    })
}

/// Streams the roster file `paths` through `plan` ([`stream::stream`]) with explanations and
/// writes each person paid to `out` as `render(buf, person, first)` lays them out, in roster
/// order: a block is rendered on all cores while another thread writes the previous one, and
/// nobody is kept once written. Returns the report without its people. On an error, what was
/// written is not the roster's payouts (a bad row further on): discard it.
pub fn stream_and_write(
    plan: &Plan,
    paths: &[std::path::PathBuf],
    options: &crate::roster::ImportOptions,
    progress: &(dyn Fn(u64) + Sync),
    out: &mut dyn io::Write,
    render: impl Fn(&mut Vec<u8>, &EmployeePayout, bool) + Sync,
) -> Result<stream::StreamOutcome, stream::StreamError> {
    let spare = Mutex::new(Vec::<Vec<u8>>::new());
    let (spare, render) = (&spare, &render);
    write_produced(out, spare, move |tx| {
        let mut first = true;
        stream::stream(plan, paths, options, Detail::Explained, progress, |_, block| {
            let first_written = stream::first_paid(&mut first, block.outcomes);
            let rendered = render_outcomes(block.outcomes, first_written, render, spare);
            tx.send(rendered).map_err(|_| io::Error::other("the output stopped taking the payouts"))
        })
    })?
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
    let (spare, render) = (&spare, &render);
    let (running, employees) = write_produced(out, spare, move |tx| {
        // The report leaves out anyone whose amounts would not fit its sums (admitted in roster
        // order, as the report does): they are not written either.
        let mut running = compiled.running();
        let mut employees = Vec::with_capacity(roster.employees.len());
        let mut first = true;
        let mut computed = Vec::new();
        for (b, block) in roster.employees.chunks(RENDER_BLOCK).enumerate() {
            stream::compute_block(
                compiled,
                &mut running,
                b * RENDER_BLOCK,
                block,
                Detail::Explained,
                progress,
                &mut computed,
            );
            let first_written = stream::first_paid(&mut first, &computed);
            let rendered = render_outcomes(&mut computed, first_written, render, spare);
            employees.extend(computed.drain(..).filter_map(|(o, paid)| match o {
                Outcome::Paid(p) if paid => Some(p),
                _ => None,
            }));
            if tx.send(rendered).is_err() {
                break;
            }
        }
        (running, employees)
    })?;
    let mut report = running.finish(compiled, plan);
    report.employees = employees;
    Ok(report)
}
