//! One person under one plan: the plan's own pay function ([`CompiledPlan::pay`]) with the
//! person's activity results written into their metric values. The simulation never computes
//! pay any other way: many sets of results at once go through [`CompiledPlan::pay_batch`],
//! which gives the same amounts bit for bit (tested against it rule by rule) and hands back
//! to it whatever fails.

use crate::engine::PersonContext;
use crate::engine::compiled::{CompiledTrack, RawLine};
use crate::engine::{BatchScratch, CompiledPlan};
use crate::roster::Employee;

use super::calibrate::{Person, RoleSetup, unit_factor};
use super::choice::PayFn;
use super::error::PayError;

/// When the plan cannot compute pay at an allocation the simulation considers, every activity
/// is taken at no less than this share of the person's capacity (a thousandth: about half an
/// hour of a quarter) and pay is computed again there. This is the documented rule for a
/// derived metric that divides by zero when its hours are all zero (`internal_hours /
/// (billable_hours + internal_hours)` at no billable and no internal work): the pay of almost
/// nothing, rather than dropping the person. History itself is never changed: a person the
/// plan cannot compute at history is reported, as `carrot payouts` reports them.
pub(crate) const FLOOR_SHARE: f64 = 1e-3;

/// A metric value the simulation sets: `Σ coef × u[activity]` (× a runway multiplier).
#[derive(Clone, Debug)]
pub(crate) struct Write {
    /// Value slot (a roster metric index).
    pub slot: usize,
    /// `(activity, coefficient)`: output per effective hour, in plan currency for money.
    pub parts: Vec<(usize, f64)>,
    /// Multiplier applied to the value (runway productivity; 1 otherwise).
    pub scale: f64,
    /// Whether the plan's pay reads the slot (directly or through a derived metric).
    pub read: bool,
    /// Whether the slot holds an activity's output (reported as a volume), not only hours.
    pub output: bool,
}

/// Where a roster column's value is read from in columns from [`PersonPay::write_columns`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Source {
    /// Column `k`: the activities write it.
    Set(usize),
    /// A value no activity changes.
    Fixed(f64),
}

/// A person's pay under one plan as a function of effective hours per activity.
pub(crate) struct PersonPay<'a> {
    compiled: &'a CompiledPlan,
    track: Option<&'a CompiledTrack>,
    ctx: PersonContext<f64>,
    values: Vec<Option<f64>>,
    /// The metric values the activities set.
    pub writes: Vec<Write>,
    raw: Vec<RawLine<f64>>,
    /// Indices of the writes [`PersonPay::write_columns`] makes (read or output), in `writes`
    /// order.
    set_all: Vec<usize>,
    /// Indices of the writes the plan reads, in `writes` order.
    set_read: Vec<usize>,
    /// Not employed in this plan's period: pays 0 (as the payout engine does).
    idle: bool,
    /// The rule for allocations the plan cannot compute (a share of hours that are all zero):
    /// each activity's effective hours are taken as at least this much (see
    /// [`PersonPay::pay_at`]).
    floor: f64,
    /// Buffers for [`PersonPay::pay_each`] and [`PayFn::pay_many`].
    batch: BatchScratch,
    rows: Vec<f64>,
    columns: Vec<f64>,
}

impl<'a> PersonPay<'a> {
    /// Prepares `e` (modelled as `person` of `role`) under `compiled`.
    pub(crate) fn new(
        compiled: &'a CompiledPlan,
        e: &Employee,
        person: &Person,
        role: &RoleSetup,
    ) -> Result<Self, PayError> {
        let role_key = e.role.to_lowercase();
        let track = compiled.track(&role_key);
        let mut values = Vec::new();
        let (ctx, idle) = match track {
            Some(t) => {
                let ctx = compiled.prepare::<f64>(e, t, &mut values).map_err(PayError::from)?;
                let idle = ctx.proration <= 0.0;
                (ctx, idle)
            }
            None => (PersonContext { proration: 1.0, quota: None, target_incentive: None, base_salary: None }, true),
        };
        let reads = if idle { None } else { compiled.reads(&role_key) };
        let mut writes: Vec<Write> = Vec::new();
        let mut add =
            |slot: usize, activity: usize, coef: f64, output: bool| match writes.iter_mut().find(|w| w.slot == slot) {
                Some(w) => {
                    w.parts.push((activity, coef));
                    w.output |= output;
                }
                None => writes.push(Write {
                    slot,
                    parts: vec![(activity, coef)],
                    scale: 1.0,
                    read: reads.and_then(|r| r.get(slot)).copied().unwrap_or(false),
                    output,
                }),
            };
        for (d, slot) in role.hours_slot.iter().enumerate() {
            if let Some(slot) = slot {
                add(*slot, d, 1.0, false);
            }
        }
        for (k, o) in role.outputs.iter().enumerate() {
            let Some(slot) = o.slot else { continue };
            let factor = unit_factor(compiled, e, slot).ok_or_else(|| PayError::NoFxRate {
                currency: e.currency.as_deref().unwrap_or("the row's currency").to_owned(),
            })?;
            add(slot, o.activity, person.per_hour.get(k).copied().unwrap_or(0.0) * factor, true);
        }
        // Which writes each kind of `set` makes never changes: listed once, not filtered per call.
        let set_all = (0..writes.len()).filter(|&i| writes[i].read || writes[i].output).collect();
        let set_read = (0..writes.len()).filter(|&i| writes[i].read).collect();
        Ok(Self {
            compiled,
            track,
            ctx,
            values,
            writes,
            raw: Vec::new(),
            set_all,
            set_read,
            idle,
            floor: FLOOR_SHARE * person.capacity,
            batch: BatchScratch::default(),
            rows: Vec::new(),
            columns: Vec::new(),
        })
    }

    /// Whether pay depends on each activity (an activity the plan never reads is unpaid).
    pub(crate) fn paid(&self, activities: usize) -> Vec<bool> {
        let mut paid = vec![false; activities];
        for w in self.writes.iter().filter(|w| w.read) {
            for &(d, _) in &w.parts {
                if let Some(p) = paid.get_mut(d) {
                    *p = true;
                }
            }
        }
        paid
    }

    /// The prorated target incentive, if the row has one.
    pub(crate) fn target_incentive(&self) -> Option<f64> {
        self.ctx.target_incentive
    }

    /// Sets the activity-driven metric values for effective hours `u`: the ones the plan reads
    /// and every output (hours the plan does not read are left alone). The one-row-at-a-time
    /// reference that [`PersonPay::write_columns`] and [`PersonPay::pay_each`] are tested
    /// against.
    #[cfg(test)]
    pub(crate) fn set(&mut self, u: &[f64]) {
        for w in self.set_all.iter().filter_map(|&i| self.writes.get(i)) {
            if let Some(cell) = self.values.get_mut(w.slot) {
                *cell = Some(Self::value_of(w, u));
            }
        }
    }

    /// Where roster column `slot`'s value (0 when empty) is for a row of effective hours: the
    /// column [`PersonPay::write_columns`] writes for it, or the one value the column keeps
    /// (activities never change it). `None` for a derived metric, which pay computes from the
    /// others. The Monte Carlo reads revenue and volumes, which are roster columns, this way.
    pub(crate) fn source(&self, slot: usize) -> Option<Source> {
        if slot >= self.compiled.roster_metrics {
            return None;
        }
        if self.values.get(slot).is_some()
            && let Some(k) = self.set_all.iter().position(|&i| self.writes.get(i).is_some_and(|w| w.slot == slot))
        {
            return Some(Source::Set(k));
        }
        Some(Source::Fixed(self.value(slot).unwrap_or(0.0)))
    }

    /// The activity-driven metric values (the ones the plan reads, and every output) for each
    /// row of effective hours in `u` (rows of `activities` values), into `out`: one column of
    /// `rows` values per metric, column `k` for [`Source::Set`]`(k)`, as
    /// [`PersonPay::pay_each`] takes them.
    pub(crate) fn write_columns(&self, u: &[f64], activities: usize, out: &mut Vec<f64>) {
        out.clear();
        let rows = u.chunks_exact(activities.max(1));
        out.reserve(self.set_all.len() * rows.len());
        for w in self.set_all.iter().filter_map(|&i| self.writes.get(i)) {
            out.extend(rows.clone().map(|row| Self::value_of(w, row)));
        }
    }

    /// [`PersonPay::write_columns`] once per entry of `scales`, one block of rows after the
    /// other in each column, with each write's multiplier taken from the entry (the write's
    /// slot, else 1) instead of its own: the values [`PersonPay::write_columns`] gives with
    /// those multipliers set, bit for bit.
    pub(crate) fn write_columns_scaled(
        &self,
        u: &[f64],
        activities: usize,
        scales: &[&[(usize, f64)]],
        out: &mut Vec<f64>,
    ) {
        out.clear();
        let rows = u.chunks_exact(activities.max(1));
        out.reserve(self.set_all.len() * rows.len() * scales.len());
        for w in self.set_all.iter().filter_map(|&i| self.writes.get(i)) {
            for block in scales {
                let scale = block.iter().find(|(s, _)| *s == w.slot).map_or(1.0, |(_, m)| *m);
                out.extend(rows.clone().map(|row| Self::value_scaled(w, row, scale)));
            }
        }
    }

    /// [`PersonPay::write_columns`] for the rows of `activities` effective hours
    /// `hours[d] × factors[t × activities + d]` (0 where `hours` has no value), without building
    /// the rows: the same values, bit for bit (the same products, summed in the same order).
    pub(crate) fn write_scaled_columns(&self, hours: &[f64], factors: &[f64], activities: usize, out: &mut Vec<f64>) {
        out.clear();
        let n = activities;
        let rows = factors.chunks_exact(n.max(1));
        out.reserve(self.set_all.len() * rows.len());
        // Row `xs`'s effective hours in activity `d`, as the rows hold them.
        let at = |xs: &[f64], d: usize| match (hours.get(d), xs.get(d)) {
            (Some(h), Some(f)) => h * f,
            _ => 0.0,
        };
        for w in self.set_all.iter().filter_map(|&i| self.writes.get(i)) {
            let scale = w.scale;
            match w.parts.as_slice() {
                &[(d, c)] if d < n && d < hours.len() => {
                    let h = hours.get(d).copied().unwrap_or(0.0);
                    out.extend(rows.clone().map(|xs| one_part_value(c, h, xs.get(d).copied().unwrap_or(0.0), scale)));
                }
                parts => {
                    out.extend(rows.clone().map(|xs| parts.iter().map(|&(d, c)| c * at(xs, d)).sum::<f64>() * scale))
                }
            }
        }
    }

    /// When the values [`PersonPay::write_scaled_columns`] gives `source` (a column the
    /// activities write) depend on one activity's noise factor alone and never fall as it
    /// rises: that activity `d` and `[c, h, scale]`, the value for factor `f` being
    /// [`one_part_value`]`(c, h, f, scale)` (for `f` ≥ 0). That is a write of one part with a
    /// positive coefficient, positive hours and a positive scale, all finite.
    pub(crate) fn rising_in_one_factor(
        &self,
        source: Option<Source>,
        hours: &[f64],
        activities: usize,
    ) -> Option<(usize, [f64; 3])> {
        let Some(Source::Set(k)) = source else { return None };
        let w = self.writes.get(*self.set_all.get(k)?)?;
        let positive = |x: f64| x.is_finite() && x > 0.0;
        match w.parts.as_slice() {
            &[(d, c)] if d < activities => {
                let h = hours.get(d).copied()?;
                (positive(c) && positive(h) && positive(w.scale)).then_some((d, [c, h, w.scale]))
            }
            _ => None,
        }
    }

    /// Fills `out` with `source`'s value in each row of columns from
    /// [`PersonPay::write_columns`] with `out.len()` rows (0 without a source).
    pub(crate) fn read_column(source: Option<Source>, columns: &[f64], out: &mut [f64]) {
        let rows = out.len();
        match source {
            Some(Source::Set(k)) => match columns.get(k * rows..(k + 1) * rows) {
                Some(column) => out.copy_from_slice(column),
                None => out.fill(0.0),
            },
            Some(Source::Fixed(v)) => out.fill(v),
            None => out.fill(0.0),
        }
    }

    /// Pay for many sets of written values at once: `written` holds one column of `out.len()`
    /// values per metric (as [`PersonPay::write_columns`] writes them), and `out[t]` becomes
    /// the pay with the `t`-th value of each column. The same amounts as
    /// [`PersonPay::pay_current`] table by table ([`CompiledPlan::pay_batch`]); on the first
    /// table that fails, its error. It leaves the activity values it holds unspecified; every
    /// way to pay writes them first.
    pub(crate) fn pay_each(&mut self, written: &[f64], out: &mut [f64]) -> Result<(), PayError> {
        let n = out.len();
        let Some(track) = self.track.filter(|_| !self.idle) else {
            out.fill(0.0);
            return Ok(());
        };
        // Only the values the plan reads vary its pay.
        let mut varying: Vec<(usize, &[f64])> = Vec::with_capacity(self.set_read.len());
        for (k, &i) in self.set_all.iter().enumerate() {
            let (Some(w), Some(column)) = (self.writes.get(i), written.get(k * n..(k + 1) * n)) else {
                return Err(PayError::Layout);
            };
            if w.read {
                varying.push((w.slot, column));
            }
        }
        self.pay_varying(track, &varying, out)
    }

    /// `out[t]` = pay with each `(slot, column)` of `varying` set to the column's `t`-th value
    /// and the other values as they are: in one batch, or table by table (the scalar code's
    /// own result, or its error) when the batch hands back.
    fn pay_varying(
        &mut self,
        track: &CompiledTrack,
        varying: &[(usize, &[f64])],
        out: &mut [f64],
    ) -> Result<(), PayError> {
        if self.compiled.pay_batch(track, &self.ctx, &self.values, varying, out, &mut self.batch) {
            return Ok(());
        }
        for (t, paid) in out.iter_mut().enumerate() {
            for (slot, column) in varying {
                if let Some(cell) = self.values.get_mut(*slot) {
                    *cell = column.get(t).copied();
                }
            }
            *paid = self.pay_current()?;
        }
        Ok(())
    }

    /// `out[t]` = pay with the `t`-th row of effective hours in `u` (rows of `activities`
    /// values), all at once ([`PersonPay::pay_each`]); on failure, the error of the first row
    /// that fails.
    pub(crate) fn pay_rows(&mut self, u: &[f64], activities: usize, out: &mut [f64]) -> Result<(), PayError> {
        let mut columns = std::mem::take(&mut self.columns);
        self.write_columns(u, activities, &mut columns);
        let priced = self.pay_each(&columns, out);
        self.columns = columns;
        match priced {
            Ok(()) => Ok(()),
            Err(_) => self.pay_rows_one_by_one(u, activities, out),
        }
    }

    /// Sets only the values the plan's pay reads.
    fn set_read(&mut self, u: &[f64]) {
        Self::set_these(&self.set_read, &self.writes, &mut self.values, u);
    }

    #[inline]
    fn set_these(which: &[usize], writes: &[Write], values: &mut [Option<f64>], u: &[f64]) {
        for w in which.iter().filter_map(|&i| writes.get(i)) {
            if let Some(cell) = values.get_mut(w.slot) {
                *cell = Some(Self::value_of(w, u));
            }
        }
    }

    /// The value `w` writes for effective hours `u`.
    #[inline]
    fn value_of(w: &Write, u: &[f64]) -> f64 {
        Self::value_scaled(w, u, w.scale)
    }

    /// [`PersonPay::value_of`] with multiplier `scale` instead of the write's own.
    #[inline]
    fn value_scaled(w: &Write, u: &[f64], scale: f64) -> f64 {
        w.parts.iter().map(|&(d, c)| c * u.get(d).copied().unwrap_or(0.0)).sum::<f64>() * scale
    }

    /// A metric value as last set (or from the roster).
    pub(crate) fn value(&self, slot: usize) -> Option<f64> {
        self.values.get(slot).copied().flatten()
    }

    /// Pay with the activity values as last written (by [`PayFn::pay`], or table by table in
    /// [`PersonPay::pay_each`]).
    pub(crate) fn pay_current(&mut self) -> Result<f64, PayError> {
        let Some(track) = self.track else { return Ok(0.0) };
        if self.idle {
            return Ok(0.0);
        }
        self.compiled.fill_derived(&self.ctx, track, &mut self.values)?;
        Ok(self.compiled.pay_track(track, &self.ctx, &self.values, &mut self.raw)?)
    }

    /// Each line's pay (plan order, then the cap or guarantee adjustment) at effective hours
    /// `u`, into `out`, and the total.
    pub(crate) fn line_pays(&mut self, u: &[f64], out: &mut Vec<f64>) -> Result<f64, PayError> {
        let total = self.pay_at(u)?;
        out.clear();
        if self.idle {
            return Ok(total);
        }
        out.extend(self.raw.iter().map(|r| r.value));
        let sum: f64 = out.iter().sum();
        out.push(total - sum);
        Ok(total)
    }

    /// What each line measures at effective hours `u` (attainment, metric ÷ target or units;
    /// `None` where it has none), in plan order.
    pub(crate) fn line_measures(&mut self, u: &[f64]) -> Result<Vec<Option<f64>>, PayError> {
        self.pay_at(u)?;
        if self.idle {
            return Ok(Vec::new());
        }
        Ok(self.raw.iter().map(|r| r.measure.or(r.attainment)).collect())
    }

    /// Roster column `slot`'s value at effective hours `u`: what the activities write, or the
    /// value it keeps (`None` when the person has none).
    pub(crate) fn written_value(&self, slot: usize, u: &[f64]) -> Option<f64> {
        match self.writes.iter().find(|w| w.slot == slot) {
            Some(w) => Some(Self::value_of(w, u)),
            None => self.value(slot),
        }
    }

    /// The roster's own values, unchanged by any activity (for people paid on history).
    pub(crate) fn pay_on_history(compiled: &CompiledPlan, e: &Employee) -> Result<(f64, Option<f64>), PayError> {
        let role_key = e.role.to_lowercase();
        let Some(track) = compiled.track(&role_key) else { return Ok((0.0, None)) };
        let mut values = Vec::new();
        let ctx = compiled.prepare::<f64>(e, track, &mut values).map_err(PayError::from)?;
        let revenue = compiled.revenue_slot().and_then(|i| values.get(i).copied().flatten());
        if ctx.proration <= 0.0 {
            return Ok((0.0, revenue));
        }
        let mut raw = Vec::new();
        let pay = compiled.pay(&role_key, &ctx, &values, &mut raw)?;
        Ok((pay, revenue))
    }
}

/// The value a write of the one part `(d, c)` (× `scale`) gives where activity `d` has hours
/// `h` and noise factor `f`: the operations of [`PersonPay::write_scaled_columns`] (and of
/// `value_of` on the row of effective hours), in the same order. Never falls as `f` (≥ 0)
/// rises when `c`, `h` and `scale` are positive (each rounded operation is monotone).
#[inline]
pub(crate) fn one_part_value(c: f64, h: f64, f: f64, scale: f64) -> f64 {
    std::iter::once(c * (h * f)).sum::<f64>() * scale
}

impl PersonPay<'_> {
    /// Pay at effective hours `u`; where the plan cannot compute it and some activity is
    /// below the floor, pay with every activity at least at the floor ([`FLOOR_SHARE`]).
    pub(crate) fn pay_at(&mut self, u: &[f64]) -> Result<f64, PayError> {
        self.set_read(u);
        match self.pay_current() {
            Ok(p) => Ok(p),
            Err(err) if u.iter().any(|&x| x < self.floor) => {
                let raised: Vec<f64> = u.iter().map(|&x| x.max(self.floor)).collect();
                self.set_read(&raised);
                self.pay_current().map_err(|_| err)
            }
            Err(err) => Err(err),
        }
    }

    /// `out[t]` = [`PersonPay::pay_at`] the `t`-th row of `u` (rows of `activities` values),
    /// one row at a time: what a batch falls back to when it fails.
    fn pay_rows_one_by_one(&mut self, u: &[f64], activities: usize, out: &mut [f64]) -> Result<(), PayError> {
        for (row, paid) in u.chunks_exact(activities.max(1)).zip(out.iter_mut()) {
            *paid = self.pay_at(row)?;
        }
        Ok(())
    }
}

impl PayFn for PersonPay<'_> {
    fn pay(&mut self, u: &[f64]) -> Result<f64, PayError> {
        self.pay_at(u)
    }

    /// All at once: the values no activity but `d` changes are written once, and only the
    /// ones `d` changes vary in the batch ([`CompiledPlan::pay_batch`]), so the plan's lines
    /// that do not depend on `d` are computed once.
    fn pay_many(&mut self, u: &[f64], d: usize, values: &[f64], out: &mut [f64]) -> Result<(), PayError> {
        let n = values.len();
        let Some(track) = self.track.filter(|_| !self.idle) else {
            out.fill(0.0);
            return Ok(());
        };
        let mut row = std::mem::take(&mut self.rows);
        let mut columns = std::mem::take(&mut self.columns);
        row.clear();
        row.extend_from_slice(u);
        columns.clear();
        // (slot, column) of each value `d` changes.
        let mut slots: Vec<usize> = Vec::new();
        for w in self.set_read.iter().filter_map(|&i| self.writes.get(i)) {
            if w.parts.iter().any(|&(a, _)| a == d) {
                slots.push(w.slot);
                for &v in values {
                    if let Some(x) = row.get_mut(d) {
                        *x = v;
                    }
                    columns.push(Self::value_of(w, &row));
                }
            } else if let Some(cell) = self.values.get_mut(w.slot) {
                // The same for every value of `d`: what `value_of` gives at `u`.
                *cell = Some(Self::value_of(w, u));
            }
        }
        let varying: Vec<(usize, &[f64])> =
            slots.iter().zip(columns.chunks_exact(n.max(1))).map(|(&slot, column)| (slot, column)).collect();
        let priced = self.pay_varying(track, &varying, out);
        drop(varying);
        self.columns = columns;
        let result = match priced {
            Ok(()) => Ok(()),
            Err(_) => {
                // One value at a time, with the rule for allocations the plan cannot compute.
                row.clear();
                row.extend_from_slice(u);
                let mut result = Ok(());
                for (&v, paid) in values.iter().zip(out.iter_mut()) {
                    if let Some(x) = row.get_mut(d) {
                        *x = v;
                    }
                    match self.pay_at(&row) {
                        Ok(p) => *paid = p,
                        Err(err) => {
                            result = Err(err);
                            break;
                        }
                    }
                }
                result
            }
        };
        self.rows = row;
        result
    }
}

#[cfg(test)]
mod tests {
    use super::super::calibrate::{Calibration, calibrate};
    use super::*;

    /// Calls `f` for every modelled person of the bundled rosters, calibrated under each sample
    /// plan in `keys`, with the plan's key, the calibration and a fresh [`PersonPay`].
    fn each_person(keys: &[&str], mut f: impl FnMut(&str, &Calibration, &Person, PersonPay<'_>)) {
        let roster = crate::samples::bundled_roster().unwrap();
        for &key in keys {
            let plan = crate::plan::parse(crate::samples::plan(key).unwrap().text).unwrap();
            let cal = calibrate(crate::sim::Paid::plan(&plan), &roster).unwrap();
            for person in &cal.people {
                let e = &cal.roster.employees[person.index];
                let pay = PersonPay::new(&cal.compiled, e, person, &cal.roles[person.role]).unwrap();
                f(key, &cal, person, pay);
            }
        }
    }

    #[test]
    fn roster_columns_read_what_set_writes_or_keep_their_value() {
        let mut kinds = [false; 3];
        each_person(&["product_led"], |_, cal, person, mut pay| {
            let sources: Vec<Option<Source>> = (0..cal.compiled.value_count()).map(|s| pay.source(s)).collect();
            for (slot, s) in sources.iter().enumerate() {
                let kind = match s {
                    Some(Source::Set(_)) => 0,
                    Some(Source::Fixed(_)) => 1,
                    None => {
                        assert!(slot >= cal.compiled.roster_metrics, "slot {slot}");
                        2
                    }
                };
                kinds[kind] = true;
            }
            let n = person.hours.len();
            let rows: Vec<f64> =
                (0..3).flat_map(|step| person.hours.iter().map(move |h| h * (0.5 + f64::from(step) * 0.4))).collect();
            let mut columns = Vec::new();
            pay.write_columns(&rows, n, &mut columns);
            for (t, u) in rows.chunks_exact(n).enumerate() {
                pay.set(u);
                for (slot, s) in sources.iter().enumerate().filter(|(_, s)| s.is_some()) {
                    let mut column = [f64::NAN; 3];
                    PersonPay::read_column(*s, &columns, &mut column);
                    assert_eq!(column[t].to_bits(), pay.value(slot).unwrap_or(0.0).to_bits(), "slot {slot}");
                }
            }
        });
        assert_eq!(kinds, [true; 3], "written columns, fixed columns and derived metrics are all seen");
    }

    #[test]
    fn columns_written_from_hours_and_factors_equal_columns_written_from_rows() {
        each_person(&["transition", "product_led"], |key, cal, person, pay| {
            let n = person.hours.len();
            let mut rng = crate::sim::mathx::Rng::new(3, person.index as u64);
            let factors: Vec<f64> = (0..50 * n).map(|_| crate::sim::mathx::exp(0.4 * rng.normal())).collect();
            // Some hours at 0, and a row of hours shorter than the activities.
            for hours in [person.hours.clone(), vec![0.0; n], person.hours.iter().take(n - 1).copied().collect()] {
                let rows: Vec<f64> = factors
                    .chunks_exact(n)
                    .flat_map(|xs| {
                        (0..n).map(|d| match (hours.get(d), xs.get(d)) {
                            (Some(h), Some(f)) => h * f,
                            _ => 0.0,
                        })
                    })
                    .collect();
                let (mut want, mut got) = (Vec::new(), Vec::new());
                pay.write_columns(&rows, n, &mut want);
                pay.write_scaled_columns(&hours, &factors, n, &mut got);
                let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                assert_eq!(bits(&got), bits(&want), "{key} {}", cal.roster.employees[person.index].id);
            }
        });
    }

    #[test]
    fn columns_written_with_each_block_scaled_equal_columns_written_with_the_scale_set() {
        each_person(&["transition", "product_led"], |key, cal, person, mut pay| {
            let n = person.hours.len();
            let rows: Vec<f64> =
                (0..9).flat_map(|r| person.hours.iter().map(move |h| h * (0.5 + 0.125 * f64::from(r)))).collect();
            // Every written slot scaled differently in each block; one block of no multipliers.
            let slots: Vec<usize> = pay.writes.iter().map(|w| w.slot).collect();
            let blocks: Vec<Vec<(usize, f64)>> = vec![
                slots.iter().map(|&s| (s, 1.1)).collect(),
                Vec::new(),
                slots.iter().enumerate().map(|(i, &s)| (s, 0.7 + 0.3 * i as f64)).collect(),
            ];
            let scales: Vec<&[(usize, f64)]> = blocks.iter().map(Vec::as_slice).collect();
            let mut got = Vec::new();
            pay.write_columns_scaled(&rows, n, &scales, &mut got);
            // What `write_columns` gives block by block with the multipliers set on the writes.
            let mut per_block = Vec::new();
            for block in &blocks {
                for w in &mut pay.writes {
                    w.scale = block.iter().find(|(s, _)| *s == w.slot).map_or(1.0, |(_, m)| *m);
                }
                let mut columns = Vec::new();
                pay.write_columns(&rows, n, &mut columns);
                per_block.push(columns);
            }
            let rows_per_block = rows.len() / n;
            let columns = got.len() / (rows_per_block * blocks.len());
            assert_eq!(columns * rows_per_block * blocks.len(), got.len());
            for k in 0..columns {
                for (b, want) in per_block.iter().enumerate() {
                    let at = (k * blocks.len() + b) * rows_per_block;
                    let got = &got[at..at + rows_per_block];
                    let want = &want[k * rows_per_block..(k + 1) * rows_per_block];
                    let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                    assert_eq!(
                        bits(got),
                        bits(want),
                        "{key} {} column {k} block {b}",
                        cal.roster.employees[person.index].id
                    );
                }
            }
        });
    }

    #[test]
    fn a_column_rising_in_one_factor_is_that_factor_through_one_part_value() {
        let mut rising = 0;
        each_person(&["sales_led", "transition", "product_led"], |key, cal, person, pay| {
            let n = person.hours.len();
            let mut rng = crate::sim::mathx::Rng::new(5, person.index as u64);
            let factors: Vec<f64> = (0..40 * n).map(|_| crate::sim::mathx::exp(0.5 * rng.normal())).collect();
            let mut columns = Vec::new();
            pay.write_scaled_columns(&person.hours, &factors, n, &mut columns);
            for slot in 0..cal.compiled.roster_metrics {
                let source = pay.source(slot);
                let Some((d, [c, h, scale])) = pay.rising_in_one_factor(source, &person.hours, n) else { continue };
                rising += 1;
                let mut column = vec![0.0; 40];
                PersonPay::read_column(source, &columns, &mut column);
                let mut last = f64::NEG_INFINITY;
                let mut by_factor: Vec<(f64, f64)> =
                    factors.chunks_exact(n).map(|xs| xs[d]).zip(column.iter().copied()).collect();
                for (f, v) in &by_factor {
                    assert_eq!(one_part_value(c, h, *f, scale).to_bits(), v.to_bits(), "{key} slot {slot}");
                }
                by_factor.sort_by(|a, b| a.0.total_cmp(&b.0));
                for (_, v) in by_factor {
                    assert!(v >= last, "{key} slot {slot}: falls");
                    last = v;
                }
            }
        });
        assert!(rising > 0, "revenue is written by one activity for some people");
    }

    #[test]
    fn pay_each_equals_set_then_pay_current_row_by_row_and_gives_the_first_error() {
        let mut errors = 0;
        each_person(&["sales_led", "transition", "product_led"], |key, cal, person, mut pay| {
            let e = &cal.roster.employees[person.index];
            let n = person.hours.len();
            // 40 rows of hours around history; the last one with every hour at 0.
            let mut rows: Vec<f64> = (0..40)
                .flat_map(|r| {
                    person.hours.iter().enumerate().map(move |(d, h)| h * (0.2 + 0.05 * f64::from(r) + 0.1 * d as f64))
                })
                .collect();
            rows.extend(std::iter::repeat_n(0.0, n));
            let mut columns = Vec::new();
            pay.write_columns(&rows, n, &mut columns);
            let mut batch = vec![f64::NAN; rows.len() / n];
            let got = pay.pay_each(&columns, &mut batch);
            let sources: Vec<Option<Source>> = (0..cal.compiled.roster_metrics).map(|s| pay.source(s)).collect();
            let mut want = Ok(());
            for (t, u) in rows.chunks_exact(n).enumerate() {
                pay.set(u);
                for (slot, s) in sources.iter().enumerate() {
                    let mut column = vec![0.0; batch.len()];
                    PersonPay::read_column(*s, &columns, &mut column);
                    assert_eq!(column[t].to_bits(), pay.value(slot).unwrap_or(0.0).to_bits());
                }
                match pay.pay_current() {
                    Ok(p) => {
                        if got.is_ok() {
                            assert_eq!(batch[t].to_bits(), p.to_bits(), "{key} {} row {t}", e.id);
                        }
                    }
                    Err(msg) => {
                        want = Err(msg);
                        break;
                    }
                }
            }
            errors += usize::from(want.is_err());
            assert_eq!(got, want, "{key} {}", e.id);
        });
        // Consultants with no hours at all divide 0 by 0 in product_led's `internal_share`.
        assert!(errors > 0);
    }

    /// Refuses batches, so the surrogate computes every node one by one, as it did before it
    /// asked for batches.
    struct OneByOne<'p, 'a>(&'p mut PersonPay<'a>);

    impl PayFn for OneByOne<'_, '_> {
        fn pay(&mut self, u: &[f64]) -> Result<f64, PayError> {
            self.0.pay(u)
        }
        fn pay_many(&mut self, _: &[f64], _: usize, _: &[f64], _: &mut [f64]) -> Result<(), PayError> {
            Err(PayError::Layout)
        }
    }

    /// Counts the batches [`PayFn::pay_many`] is asked for.
    struct Batches<'p, 'a>(&'p mut PersonPay<'a>, usize);

    impl PayFn for Batches<'_, '_> {
        fn pay(&mut self, u: &[f64]) -> Result<f64, PayError> {
            self.0.pay(u)
        }
        fn pay_many(&mut self, u: &[f64], d: usize, values: &[f64], out: &mut [f64]) -> Result<(), PayError> {
            self.1 += 1;
            self.0.pay_many(u, d, values, out)
        }
    }

    #[test]
    fn choices_priced_in_batches_equal_choices_priced_node_by_node() {
        use super::super::choice::{Params, Surrogate};
        let (mut solved, mut batches) = (0, 0);
        each_person(&["transition", "product_led"], |key, cal, person, mut pay| {
            let e = &cal.roster.employees[person.index];
            let h0 = &person.hours;
            let paid = pay.paid(h0.len());
            let s: Vec<f64> = h0.iter().map(|h| h.max(1.0) / 40.0).collect();
            let m: Vec<f64> = h0.iter().zip(&s).map(|(h, s)| h / s - 2.0).collect();
            let p = Params { capacity: person.capacity, s: &s, m: &m, sigma: &person.noise, paid: &paid, slack: None };
            let mut batched = Surrogate::default();
            let mut single = Surrogate::default();
            let mut counted = Batches(&mut pay, 0);
            let a = batched.anchor(&p, h0, &mut counted).and_then(|()| batched.solve(&p, h0, true, &mut counted, None));
            batches += counted.1;
            let b = single
                .anchor(&p, h0, &mut OneByOne(&mut pay))
                .and_then(|()| single.solve(&p, h0, true, &mut OneByOne(&mut pay), None));
            match (a, b) {
                (Ok(a), Ok(b)) => {
                    let bits = |c: &super::super::choice::Choice| {
                        (c.objective.to_bits(), c.hours.iter().map(|h| h.to_bits()).collect::<Vec<_>>())
                    };
                    assert_eq!(bits(&a), bits(&b), "{key} {}", e.id);
                    solved += 1;
                }
                (a, b) => assert_eq!(a.err(), b.err(), "{key} {}", e.id),
            }
            assert_eq!(batched.evals, single.evals, "{key} {}", e.id);
        });
        assert!(solved > 50 && batches > 10 * solved, "{solved} solved, {batches} batches");
    }
}
