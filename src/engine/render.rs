//! Writing every person of a report as text (the JSON and CSV forms of `carrot payouts`) on all
//! cores: people are computed and rendered in parallel, block by block, while the calling thread
//! writes the previous block, so the output is in roster order, byte for byte what a single
//! thread would write, and at most two blocks of text are held at once.

use std::io;
use std::sync::Mutex;

use rayon::prelude::*;

use super::{CompiledPlan, Detail, EmployeePayout, Outcome, PayoutReport, Running, Scratch, stream};
use crate::plan::Plan;
use crate::roster::Employee;
use crate::roster::Roster;

/// How many people are computed and rendered per parallel piece of work: a streamed block of
/// 2,048 people makes 16 pieces, so both cores finish a block nearly together (with 4 pieces of
/// 512, one core often waited for the other: 7% more wall time on 100,000 people).
pub(crate) const RENDER_CHUNK: usize = 128;
/// Room made for a person's text: a product-led sales person's JSON with every explanation is
/// about 2.5 KB, and a buffer that has to grow is copied whole.
const PERSON_BYTES: usize = 3 * 1024;
/// How many people are rendered before the writer takes them (bounds the memory held as text).
pub(crate) const RENDER_BLOCK: usize = 64 * RENDER_CHUNK;

/// Writes every person of `report` to `out` in order: `render(buf, person)` appends one
/// person's text, and `between` goes between two people.
pub fn write_people(
    report: &PayoutReport,
    out: &mut dyn io::Write,
    between: &[u8],
    render: impl Fn(&mut Vec<u8>, &EmployeePayout) + Sync,
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
                if tx.send(render_block(block, b == 0, between, render, spare)).is_err() {
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
    between: &[u8],
    render: &(impl Fn(&mut Vec<u8>, &EmployeePayout) + Sync),
    spare: &Mutex<Vec<Vec<u8>>>,
) -> Vec<Vec<u8>> {
    block
        .par_chunks(RENDER_CHUNK)
        .enumerate()
        .map(|(c, chunk)| {
            let mut buf = spare.lock().ok().and_then(|mut s| s.pop()).unwrap_or_default();
            buf.reserve(chunk.len() * PERSON_BYTES);
            for (i, p) in chunk.iter().enumerate() {
                if !(first && c == 0 && i == 0) {
                    buf.extend_from_slice(between);
                }
                render(&mut buf, p);
            }
            buf
        })
        .collect()
}

/// A piece of a block computed and rendered: the text of the people paid (each after
/// `between`), where each person's text starts (`None`: not paid, nothing written), and the
/// outcomes, without their explanations.
struct Piece {
    text: Vec<u8>,
    starts: Vec<Option<usize>>,
    outcomes: Vec<Outcome>,
}

/// Computes `people` (roster indices from `base`) under `compiled` with explanations and renders
/// each person paid right away, while their explanations are fresh in the cache, on all cores in
/// pieces of [`RENDER_CHUNK`] people; each explanation is dropped once written. Who is in the
/// report is only known once everyone before them is admitted ([`admit_pieces`]).
fn compute_and_render(
    compiled: &CompiledPlan,
    base: usize,
    people: &[Employee],
    progress: &(dyn Fn(u64) + Sync),
    between: &[u8],
    render: &(impl Fn(&mut Vec<u8>, &EmployeePayout) + Sync),
    spare: &Mutex<Vec<Vec<u8>>>,
) -> Vec<Piece> {
    people
        .par_chunks(RENDER_CHUNK)
        .enumerate()
        .map_init(Scratch::default, |scratch, (c, chunk)| {
            let mut text = spare.lock().ok().and_then(|mut s| s.pop()).unwrap_or_default();
            text.reserve(chunk.len() * PERSON_BYTES);
            let mut starts = Vec::with_capacity(chunk.len());
            let mut outcomes = Vec::with_capacity(chunk.len());
            for (i, e) in chunk.iter().enumerate() {
                let mut outcome = compiled.evaluate(base + c * RENDER_CHUNK + i, e, Detail::Explained, scratch);
                let start = match &mut outcome {
                    Outcome::Paid(p) => {
                        let start = text.len();
                        text.extend_from_slice(between);
                        render(&mut text, p);
                        for line in &mut p.lines {
                            line.explanation = String::new();
                        }
                        Some(start)
                    }
                    _ => None,
                };
                progress(1);
                starts.push(start);
                outcomes.push(outcome);
            }
            Piece { text, starts, outcomes }
        })
        .collect()
}

/// Admits the people of `pieces` to `running` in roster order, hands each person in the report
/// to `keep`, and gives the text to write: anyone paid but not in the report (too large to add
/// up) cut out, and no `between` before the report's first person (`first`: no one was written
/// before these pieces; cleared once someone is).
fn admit_pieces(
    running: &mut Running,
    pieces: Vec<Piece>,
    first: &mut bool,
    between: usize,
    mut keep: impl FnMut(EmployeePayout),
) -> Vec<Vec<u8>> {
    pieces
        .into_iter()
        .map(|Piece { mut text, starts, outcomes }| {
            let mut cut = Vec::new();
            for (i, (mut outcome, start)) in outcomes.into_iter().zip(&starts).enumerate() {
                let admitted = running.admit(&mut outcome);
                if let Some(start) = *start {
                    if !admitted {
                        // Up to the next person written after them, or the end of the text.
                        let next = starts.iter().skip(i + 1).flatten().next();
                        cut.push(start..next.copied().unwrap_or(text.len()));
                    } else if *first {
                        *first = false;
                        cut.push(start..start + between);
                    }
                }
                if let (Outcome::Paid(p), true) = (outcome, admitted) {
                    keep(p);
                }
            }
            for range in cut.into_iter().rev() {
                text.drain(range);
            }
            text
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

/// Streams the roster file `paths` through `plan` ([`stream::stream_blocks`]) with explanations
/// and writes each person paid to `out` as `render(buf, person)` lays them out, `between` between
/// two, in roster order: a block is computed and rendered on all cores while another thread
/// writes the previous one, and nobody is kept once written. Returns the report without its
/// people. On an error, what was written is not the roster's payouts (a bad row further on):
/// discard it.
pub fn stream_and_write(
    plan: &Plan,
    paths: &[std::path::PathBuf],
    options: &crate::roster::ImportOptions,
    progress: &(dyn Fn(u64) + Sync),
    out: &mut dyn io::Write,
    between: &[u8],
    render: impl Fn(&mut Vec<u8>, &EmployeePayout) + Sync,
) -> Result<stream::StreamOutcome, stream::StreamError> {
    let spare = Mutex::new(Vec::<Vec<u8>>::new());
    let (spare, render) = (&spare, &render);
    write_produced(out, spare, move |tx| {
        let mut first = true;
        let streamed = stream::stream_blocks(&[plan], paths, options, progress, |compiled, running, base, block| {
            let (Some(compiled), Some(running)) = (compiled.first(), running.first_mut()) else { return Ok(()) };
            let pieces = compute_and_render(compiled, base, block, &|_| {}, between, render, spare);
            let text = admit_pieces(running, pieces, &mut first, between.len(), drop);
            tx.send(text).map_err(|_| io::Error::other("the output stopped taking the payouts"))
        });
        streamed.and_then(stream::StreamOutcomes::single)
    })?
}

/// Computes everyone in `roster` with explanations and writes each person paid to `out` as
/// `render(buf, person)` lays them out, `between` between two, in roster order, in one pass: a
/// block of people is computed and rendered on all cores while this thread writes the previous
/// one, and each person's explanations are dropped once written. Returns the report (without
/// explanations), the same as [`CompiledPlan::report`] with [`Detail::AmountsOnly`].
///
/// `progress` is told how many people were computed as it goes.
pub fn compute_and_write(
    compiled: &CompiledPlan,
    plan: &Plan,
    roster: &Roster,
    progress: &(dyn Fn(u64) + Sync),
    out: &mut dyn io::Write,
    between: &[u8],
    render: impl Fn(&mut Vec<u8>, &EmployeePayout) + Sync,
) -> io::Result<PayoutReport> {
    let spare = Mutex::new(Vec::<Vec<u8>>::new());
    let (spare, render) = (&spare, &render);
    let (running, employees) = write_produced(out, spare, move |tx| {
        // The report leaves out anyone whose amounts would not fit its sums (admitted in roster
        // order, as the report does): they are not written either.
        let mut running = compiled.running();
        let mut employees = Vec::with_capacity(roster.employees.len());
        let mut first = true;
        for (b, block) in roster.employees.chunks(RENDER_BLOCK).enumerate() {
            let pieces = compute_and_render(compiled, b * RENDER_BLOCK, block, progress, between, render, spare);
            let text = admit_pieces(&mut running, pieces, &mut first, between.len(), |p| employees.push(p));
            if tx.send(text).is_err() {
                break;
            }
        }
        (running, employees)
    })?;
    let mut report = running.finish(compiled, plan);
    report.employees = employees;
    Ok(report)
}
