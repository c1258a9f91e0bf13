//! Inline SVG charts for the HTML report: plain shapes and text, no scripts, no fonts or images
//! from elsewhere, deterministic to the byte. Every text is escaped; every bar carries a `<title>`
//! with its exact figure (shown on hover).
//!
//! Money axes have "nice" ticks (1, 2, 2.5 or 5 × 10ⁿ) labelled with thousands separators; the
//! caller names the quantity and the unit in the axis label.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive as _;

use crate::money;

/// Plan colours (Okabe–Ito, told apart with most colour-vision deficiencies); plan `i` has
/// colour `i % len`.
pub(crate) const PLAN_COLOURS: [&str; 7] =
    ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#7F7F7F"];

/// Component colours for stacked bars.
pub(crate) const COMPONENT_COLOURS: [&str; 12] = [
    "#4E79A7", "#F28E2B", "#59A14F", "#E15759", "#76B7B2", "#EDC948", "#B07AA1", "#FF9DA7", "#9C755F", "#8CD17D",
    "#499894", "#D37295",
];

/// Colour of the adjustments (cap, guarantee) in stacked bars.
pub(crate) const ADJUSTMENT_COLOUR: &str = "#A0A0A0";

/// The colour of plan `i`.
pub(crate) fn plan_colour(i: usize) -> &'static str {
    PLAN_COLOURS.get(i % PLAN_COLOURS.len()).copied().unwrap_or("#0072B2")
}

/// The colour of the `i`-th component.
pub(crate) fn component_colour(i: usize) -> &'static str {
    COMPONENT_COLOURS.get(i % COMPONENT_COLOURS.len()).copied().unwrap_or("#4E79A7")
}

/// Escapes text for HTML and SVG (content and attribute values).
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters other than tab and newline are not allowed in HTML text.
            c if c.is_control() && c != '\t' && c != '\n' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// Chart width in SVG units (the page scales it to fit).
const WIDTH: f64 = 900.0;
const FONT: f64 = 12.0;
const SMALL: f64 = 11.0;

/// Estimated width of `s` in a sans-serif font of `size` (wide enough for digits and most
/// letters; layout keeps a margin).
fn text_width(s: &str, size: f64) -> f64 {
    // A character count is small: exact as f64.
    s.chars().count() as f64 * size * 0.6
}

/// `s` cut with an ellipsis to fit `width` at `size`.
fn fit_text(s: &str, width: f64, size: f64) -> String {
    if text_width(s, size) <= width {
        return s.to_owned();
    }
    // Characters that fit besides the ellipsis (a small number: the cast cannot lose anything).
    let room = ((width / (size * 0.6)).floor() as usize).saturating_sub(1);
    let mut out: String = s.chars().take(room).collect();
    out.push('\u{2026}');
    out
}

/// A coordinate with one decimal, never `-0.0`.
fn n(v: f64) -> String {
    if !v.is_finite() || v.abs() < 0.05 { "0".to_owned() } else { format!("{v:.1}") }
}

fn to_f64(v: Decimal) -> f64 {
    v.to_f64().filter(|f| f.is_finite()).unwrap_or(0.0)
}

/// An SVG being drawn.
struct Svg {
    body: String,
    height: f64,
    label: String,
}

impl Svg {
    fn new(label: &str) -> Self {
        Self { body: String::new(), height: 0.0, label: label.to_owned() }
    }

    fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, fill: &str, title: &str) {
        let (x, w) = if w < 0.0 { (x + w, -w) } else { (x, w) };
        self.body.push_str(&format!(
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{fill}\">",
            n(x),
            n(y),
            n(w.max(0.0)),
            n(h.max(0.0))
        ));
        if title.is_empty() {
            self.body.push_str("</rect>\n");
        } else {
            self.body.push_str(&format!("<title>{}</title></rect>\n", esc(title)));
        }
    }

    fn line(&mut self, x1: f64, y1: f64, x2: f64, y2: f64, class: &str) {
        self.body.push_str(&format!(
            "<line class=\"{class}\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>\n",
            n(x1),
            n(y1),
            n(x2),
            n(y2)
        ));
    }

    /// Text at (x, y baseline); `anchor` is start, middle or end.
    fn text(&mut self, x: f64, y: f64, s: &str, anchor: &str, class: &str) {
        self.body.push_str(&format!(
            "<text class=\"{class}\" x=\"{}\" y=\"{}\" text-anchor=\"{anchor}\">{}</text>\n",
            n(x),
            n(y),
            esc(s)
        ));
    }

    /// Text with a tooltip holding the full text (for labels cut to fit).
    fn text_full(&mut self, x: f64, y: f64, shown: &str, full: &str, anchor: &str, class: &str) {
        if shown == full {
            self.text(x, y, shown, anchor, class);
        } else {
            self.body.push_str(&format!(
                "<text class=\"{class}\" x=\"{}\" y=\"{}\" text-anchor=\"{anchor}\"><title>{}</title>{}</text>\n",
                n(x),
                n(y),
                esc(full),
                esc(shown)
            ));
        }
    }

    /// Vertical text (a y-axis label) centred on (x, y).
    fn vtext(&mut self, x: f64, y: f64, s: &str, class: &str) {
        self.body.push_str(&format!(
            "<text class=\"{class}\" transform=\"translate({},{}) rotate(-90)\" text-anchor=\"middle\">{}</text>\n",
            n(x),
            n(y),
            esc(s)
        ));
    }

    /// A legend of coloured squares and labels from `y`, wrapping; returns the y below it.
    fn legend(&mut self, items: &[(String, &str)], y: f64) -> f64 {
        if items.is_empty() {
            return y;
        }
        let mut x = 10.0;
        let mut y = y;
        for (label, colour) in items {
            let shown = fit_text(label, WIDTH - 60.0, FONT);
            let w = 18.0 + text_width(&shown, FONT) + 22.0;
            if x + w > WIDTH - 10.0 && x > 10.0 {
                x = 10.0;
                y += 20.0;
            }
            self.rect(x, y, 12.0, 12.0, colour, "");
            self.text_full(x + 18.0, y + 10.5, &shown, label, "start", "legend");
            x += w;
        }
        y + 22.0
    }

    fn finish(self) -> String {
        format!(
            "<svg class=\"chart\" viewBox=\"0 0 {} {}\" width=\"{}\" height=\"{}\" role=\"img\" aria-label=\"{}\">\n\
             <rect class=\"bg\" x=\"0\" y=\"0\" width=\"{}\" height=\"{}\"/>\n{}</svg>\n",
            n(WIDTH),
            n(self.height),
            n(WIDTH),
            n(self.height),
            esc(&self.label),
            n(WIDTH),
            n(self.height),
            self.body
        )
    }
}

/// A linear axis with nice ticks.
#[derive(Clone, Debug)]
struct Axis {
    lo: f64,
    hi: f64,
    ticks: Vec<(f64, String)>,
}

impl Axis {
    /// An axis from `lo` to `hi` (always including 0) with about `target` ticks. `integers`
    /// keeps the step at 1 or more (for counts).
    fn new(lo: Decimal, hi: Decimal, target: usize, integers: bool) -> Self {
        // Beyond ±10²⁴ a chart says nothing more; the limit keeps every step below inside
        // Decimal's range.
        let limit = Decimal::from_i128_with_scale(10i128.pow(24), 0);
        let lo = lo.clamp(-limit, limit).min(Decimal::ZERO);
        let hi = hi.clamp(-limit, limit).max(Decimal::ZERO);
        let span = hi - lo;
        let step = nice_step(if span.is_zero() { Decimal::ONE } else { span }, target.max(1), integers);
        let first = (lo / step).floor();
        let last = (hi / step).ceil().max(first + Decimal::ONE);
        let mut ticks = Vec::new();
        let mut k = first;
        // At most a few dozen ticks: `nice_step` divides the span into about `target` parts.
        while k <= last && ticks.len() < 200 {
            let v = k * step;
            ticks.push((to_f64(v), money::number(v)));
            k += Decimal::ONE;
        }
        Self { lo: to_f64(first * step), hi: to_f64(last * step), ticks }
    }

    /// Ends the axis just below `lo` (a negative minimum) instead of at the next tick, so a small
    /// negative sliver does not take a whole tick interval of the chart.
    fn tight_low(mut self, lo: Decimal) -> Self {
        let lo = to_f64(lo);
        if lo < 0.0 {
            let end = lo - (self.hi - lo) * 0.03;
            if end > self.lo {
                self.lo = end;
                self.ticks.retain(|(v, _)| *v >= end);
            }
        }
        self
    }

    /// Position of `v` on a span from `a` (at `lo`) to `b` (at `hi`).
    fn at(&self, v: f64, a: f64, b: f64) -> f64 {
        let span = self.hi - self.lo;
        if span <= 0.0 { a } else { a + (v - self.lo) / span * (b - a) }
    }
}

/// 1, 2, 2.5 or 5 × 10ⁿ: the smallest such step that cuts `span` into at most about `target`
/// parts.
fn nice_step(span: Decimal, target: usize, integers: bool) -> Decimal {
    let target = Decimal::from(target);
    let raw = span.abs() / target;
    let mut step = Decimal::new(1, 6);
    let mut guard = 0;
    // Grow by decades: from 0.000001 up; spans are bounded by Decimal's range, so this ends.
    while step * Decimal::TEN <= raw && guard < 40 {
        step *= Decimal::TEN;
        guard += 1;
    }
    for m in [Decimal::ONE, Decimal::TWO, Decimal::new(25, 1), Decimal::new(5, 0), Decimal::TEN] {
        let s = step * m;
        if s >= raw {
            step = s;
            break;
        }
    }
    if integers { step.max(Decimal::ONE).ceil() } else { step }
}

/// One horizontal bar.
pub(crate) struct Bar {
    /// Length.
    pub value: Decimal,
    /// Fill colour.
    pub colour: &'static str,
    /// Text at the end of the bar.
    pub text: String,
    /// Tooltip.
    pub title: String,
}

/// A labelled group of bars (one bar per plan, or a single bar).
pub(crate) struct Group {
    /// Shown left of the group.
    pub label: String,
    /// The bars, top to bottom.
    pub bars: Vec<Bar>,
}

/// Horizontal bars in groups, with a money axis at the bottom.
pub(crate) fn bar_chart(aria: &str, groups: &[Group], legend: &[(String, &'static str)], axis_label: &str) -> String {
    let mut svg = Svg::new(aria);
    let top = svg.legend(legend, 8.0) + 4.0;
    let label_w = groups.iter().map(|g| text_width(&g.label, FONT)).fold(0.0, f64::max).clamp(40.0, 280.0);
    let bars = groups.iter().flat_map(|g| g.bars.iter());
    let lo = bars.clone().map(|b| b.value).min().unwrap_or_default();
    let hi = bars.clone().map(|b| b.value).max().unwrap_or_default();
    let pad_right =
        bars.clone().filter(|b| b.value >= Decimal::ZERO).map(|b| text_width(&b.text, SMALL)).fold(0.0, f64::max) + 8.0;
    let pad_left = bars.filter(|b| b.value < Decimal::ZERO).map(|b| text_width(&b.text, SMALL)).fold(0.0, f64::max);
    let pad_left = if pad_left > 0.0 { pad_left + 8.0 } else { 0.0 };
    let axis = Axis::new(lo, hi, 6, false).tight_low(lo);
    let x0 = 14.0 + label_w + 12.0 + pad_left;
    let x1 = WIDTH - 14.0 - pad_right;
    let single = groups.iter().all(|g| g.bars.len() <= 1);
    let bh = if single { 26.0 } else { 16.0 };
    let gap = if single { 10.0 } else { 16.0 };
    let mut y = top + 4.0;
    let plot_top = y;
    let mut body = Svg::new("");
    for g in groups {
        // A bar count is small: exact as f64.
        let gh = g.bars.len().max(1) as f64 * (bh + 3.0) - 3.0;
        let shown = fit_text(&g.label, label_w, FONT);
        body.text_full(14.0 + label_w, y + gh / 2.0 + 4.0, &shown, &g.label, "end", "label");
        for (i, b) in g.bars.iter().enumerate() {
            let by = y + i as f64 * (bh + 3.0);
            let zero = axis.at(0.0, x0, x1);
            let end = axis.at(to_f64(b.value), x0, x1);
            body.rect(zero, by, end - zero, bh, b.colour, &b.title);
            if b.value < Decimal::ZERO {
                body.text(end - 4.0, by + bh / 2.0 + 4.0, &b.text, "end", "value");
            } else {
                body.text(end + 4.0, by + bh / 2.0 + 4.0, &b.text, "start", "value");
            }
        }
        y += gh + gap;
    }
    let plot_bottom = y - gap + 6.0;
    for (v, label) in &axis.ticks {
        let x = axis.at(*v, x0, x1);
        let class = if *v == 0.0 { "zero" } else { "grid" };
        svg.line(x, plot_top - 4.0, x, plot_bottom, class);
        svg.text(x, plot_bottom + 15.0, label, "middle", "tick");
    }
    svg.body.push_str(&body.body);
    svg.text((x0 + x1) / 2.0, plot_bottom + 34.0, axis_label, "middle", "axis");
    svg.height = plot_bottom + 44.0;
    svg.finish()
}

/// One piece of a stacked bar.
pub(crate) struct Segment {
    /// Size (negative pieces stack left of zero).
    pub value: Decimal,
    /// Fill colour.
    pub colour: &'static str,
    /// Tooltip.
    pub title: String,
}

/// A stacked bar and its label.
pub(crate) struct Stack {
    /// Shown left of the bar.
    pub label: String,
    /// The pieces, in stacking order.
    pub segments: Vec<Segment>,
    /// Text right of the bar (the net total).
    pub text: String,
}

/// Horizontal stacked bars: positive pieces stack right of zero, negative pieces left of it.
pub(crate) fn stacked_chart(
    aria: &str,
    stacks: &[Stack],
    legend: &[(String, &'static str)],
    axis_label: &str,
) -> String {
    let mut svg = Svg::new(aria);
    let label_w = stacks.iter().map(|s| text_width(&s.label, FONT)).fold(0.0, f64::max).clamp(40.0, 280.0);
    let pos = |s: &Stack| s.segments.iter().filter(|g| g.value > Decimal::ZERO).map(|g| g.value).sum::<Decimal>();
    let neg = |s: &Stack| s.segments.iter().filter(|g| g.value < Decimal::ZERO).map(|g| g.value).sum::<Decimal>();
    let hi = stacks.iter().map(pos).max().unwrap_or_default();
    let lo = stacks.iter().map(neg).min().unwrap_or_default();
    let pad_right = stacks.iter().map(|s| text_width(&s.text, SMALL)).fold(0.0, f64::max) + 8.0;
    let axis = Axis::new(lo, hi, 6, false).tight_low(lo);
    let x0 = 14.0 + label_w + 12.0;
    let x1 = WIDTH - 14.0 - pad_right;
    let bh = 30.0;
    let top = 12.0;
    let mut y = top;
    let mut body = Svg::new("");
    for s in stacks {
        let shown = fit_text(&s.label, label_w, FONT);
        body.text_full(14.0 + label_w, y + bh / 2.0 + 4.0, &shown, &s.label, "end", "label");
        let mut up = 0.0;
        let mut down = 0.0;
        for g in &s.segments {
            let v = to_f64(g.value);
            let (from, to) = if v >= 0.0 {
                let r = (up, up + v);
                up += v;
                r
            } else {
                let r = (down, down + v);
                down += v;
                r
            };
            let a = axis.at(from, x0, x1);
            let b = axis.at(to, x0, x1);
            body.rect(a, y, b - a, bh, g.colour, &g.title);
        }
        body.text(axis.at(up, x0, x1) + 4.0, y + bh / 2.0 + 4.0, &s.text, "start", "value");
        y += bh + 12.0;
    }
    let plot_bottom = y - 6.0;
    for (v, label) in &axis.ticks {
        let x = axis.at(*v, x0, x1);
        let class = if *v == 0.0 { "zero" } else { "grid" };
        svg.line(x, top - 6.0, x, plot_bottom, class);
        svg.text(x, plot_bottom + 15.0, label, "middle", "tick");
    }
    svg.body.push_str(&body.body);
    svg.text((x0 + x1) / 2.0, plot_bottom + 34.0, axis_label, "middle", "axis");
    let below = svg.legend(legend, plot_bottom + 48.0);
    svg.height = below + 2.0;
    svg.finish()
}

/// One panel of small multiples.
pub(crate) struct Panel {
    /// Shown above the panel.
    pub title: String,
    /// Bar colour.
    pub colour: &'static str,
    /// The values (amounts per person).
    pub values: Vec<Decimal>,
    /// A tooltip per value (who it is), or none.
    pub titles: Vec<String>,
}

/// Histograms of `panels` on shared bins and a shared count axis, one above the other.
pub(crate) fn histograms(aria: &str, panels: &[Panel], x_label: &str, unit: &str, dp: u32) -> String {
    let mut svg = Svg::new(aria);
    let all = panels.iter().flat_map(|p| p.values.iter().copied());
    let lo = all.clone().min().unwrap_or_default();
    let hi = all.max().unwrap_or_default();
    let bins = Axis::new(lo, hi, 14, false);
    let edges: Vec<f64> = bins.ticks.iter().map(|(v, _)| *v).collect();
    let counts: Vec<Vec<usize>> = panels
        .iter()
        .map(|p| {
            let mut c = vec![0usize; edges.len().saturating_sub(1).max(1)];
            for v in &p.values {
                let v = to_f64(*v);
                let k = edges.windows(2).position(|w| matches!(w, [a, b] if v >= *a && v < *b));
                let k = k.unwrap_or(c.len() - 1);
                if let Some(slot) = c.get_mut(k) {
                    *slot += 1;
                }
            }
            c
        })
        .collect();
    let max_count = counts.iter().flatten().copied().max().unwrap_or(0);
    let y_axis = Axis::new(Decimal::ZERO, Decimal::from(max_count.max(1)), 4, true);
    let x0 = 70.0;
    let x1 = WIDTH - 30.0;
    let ph = 110.0;
    let tick_w = bins.ticks.iter().map(|(_, l)| text_width(l, SMALL)).fold(0.0, f64::max) + 8.0;
    // A tick count is small: exact as f64.
    let spacing = (x1 - x0) / (bins.ticks.len().max(2) - 1) as f64;
    let every = (tick_w / spacing).ceil().max(1.0) as usize;
    let mut y = 8.0;
    for (p, c) in panels.iter().zip(&counts) {
        let (count, median) = (p.values.len(), median(&p.values));
        let title = match median {
            Some(m) => format!("{}: {count} people, median {} {unit}", p.title, money::grouped(m, dp)),
            None => format!("{}: nobody paid", p.title),
        };
        svg.text(x0, y + 12.0, &fit_text(&title, x1 - x0, FONT), "start", "panel");
        let top = y + 22.0;
        let bottom = top + ph;
        for (v, label) in &y_axis.ticks {
            let yy = y_axis.at(*v, bottom, top);
            svg.line(x0, yy, x1, yy, if *v == 0.0 { "zero" } else { "grid" });
            svg.text(x0 - 6.0, yy + 4.0, label, "end", "tick");
        }
        for (k, n_people) in c.iter().enumerate() {
            let (Some(a), Some(b)) = (edges.get(k), edges.get(k + 1)) else { continue };
            if *n_people == 0 {
                continue;
            }
            let xa = bins.at(*a, x0, x1);
            let xb = bins.at(*b, x0, x1);
            let yy = y_axis.at(*n_people as f64, bottom, top);
            let range = format!(
                "{}: {n_people} people paid {} to {} {unit}",
                p.title,
                bins.ticks.get(k).map_or("", |t| t.1.as_str()),
                bins.ticks.get(k + 1).map_or("", |t| t.1.as_str())
            );
            svg.rect(xa + 1.0, yy, xb - xa - 2.0, bottom - yy, p.colour, &range);
        }
        for (i, (v, label)) in bins.ticks.iter().enumerate() {
            let x = bins.at(*v, x0, x1);
            svg.line(x, bottom, x, bottom + 4.0, "grid");
            if i % every == 0 {
                svg.text(x, bottom + 16.0, label, "middle", "tick");
            }
        }
        svg.vtext(18.0, (top + bottom) / 2.0, "People", "axis");
        y = bottom + 30.0;
    }
    svg.text((x0 + x1) / 2.0, y + 6.0, x_label, "middle", "axis");
    svg.height = y + 16.0;
    svg.finish()
}

/// Per panel, everyone's value as a thin vertical bar, in the order given (sorted by the
/// caller), on a shared money axis.
pub(crate) fn sorted_bars(aria: &str, panels: &[Panel], y_label: &str, x_label: &str) -> String {
    let mut svg = Svg::new(aria);
    let all = panels.iter().flat_map(|p| p.values.iter().copied());
    let lo = all.clone().min().unwrap_or_default();
    let hi = all.max().unwrap_or_default();
    let axis = Axis::new(lo, hi, 5, false);
    let tick_w = axis.ticks.iter().map(|(_, l)| text_width(l, SMALL)).fold(0.0, f64::max);
    let x0 = 40.0 + tick_w;
    let x1 = WIDTH - 20.0;
    let ph = 150.0;
    let mut y = 8.0;
    for p in panels {
        svg.text(x0, y + 12.0, &fit_text(&p.title, x1 - x0, FONT), "start", "panel");
        let top = y + 22.0;
        let bottom = top + ph;
        for (v, label) in &axis.ticks {
            let yy = axis.at(*v, bottom, top);
            svg.line(x0, yy, x1, yy, if *v == 0.0 { "zero" } else { "grid" });
            svg.text(x0 - 6.0, yy + 4.0, label, "end", "tick");
        }
        // A person count is small: exact as f64.
        let w = (x1 - x0) / p.values.len().max(1) as f64;
        let zero = axis.at(0.0, bottom, top);
        for (i, v) in p.values.iter().enumerate() {
            if v.is_zero() {
                continue;
            }
            let x = x0 + i as f64 * w;
            let yy = axis.at(to_f64(*v), bottom, top);
            let gap = if w > 3.0 { 1.0 } else { 0.0 };
            let title = p.titles.get(i).map_or("", String::as_str);
            svg.rect(x + gap / 2.0, yy.min(zero), (w - gap).max(0.5), (zero - yy).abs(), p.colour, title);
        }
        svg.vtext(14.0, (top + bottom) / 2.0, y_label, "axis");
        y = bottom + 14.0;
    }
    svg.text((x0 + x1) / 2.0, y + 8.0, x_label, "middle", "axis");
    svg.height = y + 18.0;
    svg.finish()
}

/// The middle value (the mean of the two middle ones for an even count).
pub(crate) fn median(values: &[Decimal]) -> Option<Decimal> {
    let mut v = values.to_vec();
    v.sort_unstable();
    let mid = v.len() / 2;
    match v.len() {
        0 => None,
        len if len % 2 == 1 => v.get(mid).copied(),
        _ => {
            let (a, b) = (v.get(mid - 1).copied()?, v.get(mid).copied()?);
            // Halve first: the sum of two huge amounts could overflow.
            Some(a / Decimal::TWO + b / Decimal::TWO)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr as _;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn ticks_are_nice_and_grouped() {
        let a = Axis::new(d("0"), d("908753.87"), 6, false);
        let labels: Vec<&str> = a.ticks.iter().map(|(_, l)| l.as_str()).collect();
        assert_eq!(labels, ["0", "200,000", "400,000", "600,000", "800,000", "1,000,000"]);
        let a = Axis::new(d("-22134.34"), d("834739.24"), 6, false);
        assert_eq!(a.ticks.first().map(|t| t.1.as_str()), Some("\u{2212}200,000"));
        let a = Axis::new(d("0"), d("7"), 4, true);
        let labels: Vec<&str> = a.ticks.iter().map(|(_, l)| l.as_str()).collect();
        assert_eq!(labels, ["0", "2", "4", "6", "8"]);
        let a = Axis::new(d("0"), d("0.03"), 4, false);
        assert!(a.ticks.iter().any(|t| t.1 == "0.01"), "{:?}", a.ticks);
        // Nothing to show still gives an axis.
        let a = Axis::new(d("0"), d("0"), 5, false);
        assert!(a.ticks.len() >= 2 && a.hi > a.lo);
    }

    #[test]
    fn escaping_leaves_no_markup() {
        assert_eq!(
            esc("<script>alert('x')</script> & \"y\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;y&quot;"
        );
        assert_eq!(esc("a\u{0}b"), "a\u{fffd}b");
    }

    #[test]
    fn long_labels_are_cut_with_an_ellipsis() {
        let s = fit_text("A very long plan name indeed", 60.0, 12.0);
        assert!(s.ends_with('\u{2026}') && text_width(&s, 12.0) <= 60.0, "{s}");
        assert_eq!(fit_text("Short", 100.0, 12.0), "Short");
    }

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(&[d("3"), d("1"), d("2")]), Some(d("2")));
        assert_eq!(median(&[d("4"), d("1"), d("2"), d("3")]), Some(d("2.5")));
        assert_eq!(median(&[]), None);
    }

    #[test]
    fn charts_survive_empty_and_negative_input() {
        let empty = bar_chart("x", &[], &[], "Cost (EUR)");
        assert!(empty.starts_with("<svg") && empty.contains("Cost (EUR)"));
        let neg = bar_chart(
            "x",
            &[Group {
                label: "1. A".into(),
                bars: vec![Bar { value: d("-5"), colour: "#000", text: "−5.00".into(), title: String::new() }],
            }],
            &[],
            "Change (EUR)",
        );
        assert!(!neg.contains("NaN") && !neg.contains("inf"), "{neg}");
        let h = histograms(
            "x",
            &[Panel { title: "1. A".into(), colour: "#000", values: vec![], titles: vec![] }],
            "Payout (EUR)",
            "EUR",
            2,
        );
        assert!(h.contains("nobody paid"));
        let s = sorted_bars("x", &[], "Change (EUR)", "People");
        assert!(s.starts_with("<svg"));
    }
}
