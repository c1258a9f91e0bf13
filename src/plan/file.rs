//! The plan file format: pretty-printed JSON with a `schema` version.
//!
//! Loading reports every structural problem at once, each with its path: unknown fields (a typo
//! must never silently change pay), duplicate keys, wrong types, missing fields. Files from older
//! schemas are migrated; files from newer schemas are refused rather than misread. Saving writes
//! the canonical form, so load → save gives an identical file.

use std::collections::HashSet;
use std::fmt;
use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use serde::de::{DeserializeOwned, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

use super::model::{Bonus, Commission, Component, ComponentKind, Multiplier, PerUnit, Plan, SCHEMA_VERSION, Track};
use super::{Problem, did_you_mean};
use crate::fsx::{self, Access, Overwrite};

/// Why a plan file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    /// The file could not be read.
    #[error("could not read plan file {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The file is not a well-formed plan.
    #[error("{}: {}", path.display(), problems_summary(problems))]
    Invalid {
        /// The file.
        path: PathBuf,
        /// Every problem found.
        problems: Vec<Problem>,
    },
    /// The plan could not be written.
    #[error(transparent)]
    Write(#[from] fsx::WriteError),
}

fn problems_summary(problems: &[Problem]) -> String {
    let lines: Vec<String> = problems.iter().map(|p| format!("\n  {p}")).collect();
    format!("{} problem(s):{}", problems.len(), lines.concat())
}

/// The largest plan file accepted (plans are small; this bounds memory on hostile input).
pub const MAX_PLAN_BYTES: u64 = 16 * 1024 * 1024;

/// Reads and parses a plan file (structure only; see [`crate::plan::validate()`] for the rules).
pub fn load(path: &Path) -> Result<Plan, PlanError> {
    let bytes = read_bytes(path)?;
    let text = as_text(path, &bytes)?;
    parse(text).map_err(|problems| PlanError::Invalid { path: path.to_path_buf(), problems })
}

/// Reads a plan file's bytes, refusing a file larger than [`MAX_PLAN_BYTES`]: a regular file
/// before reading it, anything else (a device such as `/dev/zero`, a pipe) as soon as it has
/// given more than that. A folder is refused by name.
pub fn read_bytes(path: &Path) -> Result<Vec<u8>, PlanError> {
    let invalid =
        |message: String| PlanError::Invalid { path: path.to_path_buf(), problems: vec![Problem::error("", message)] };
    fsx::read_limited(path, MAX_PLAN_BYTES).map_err(|e| match e {
        fsx::ReadError::Io { source } => PlanError::Io { path: path.to_path_buf(), source },
        fsx::ReadError::Folder => invalid("this is a folder, not a plan file; name a plan's .json file".to_owned()),
        fsx::ReadError::TooLarge { size: Some(size), .. } => {
            invalid(format!("the file is {size} bytes; a plan file is at most {MAX_PLAN_BYTES}"))
        }
        fsx::ReadError::TooLarge { size: None, .. } => invalid(format!(
            "more than {MAX_PLAN_BYTES} bytes were read and it goes on (it is not a regular file); a plan file is \
             at most {MAX_PLAN_BYTES} bytes"
        )),
    })
}

/// A plan file's bytes as text (without a UTF-8 byte-order mark, which some editors write), or
/// the problem naming the first byte that is not UTF-8.
pub fn as_text<'a>(path: &Path, bytes: &'a [u8]) -> Result<&'a str, PlanError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| PlanError::Invalid {
        path: path.to_path_buf(),
        problems: vec![Problem::error(
            "",
            format!("the file is not UTF-8 text (invalid byte at offset {}); save it as UTF-8", e.valid_up_to()),
        )],
    })
}

/// Parses plan JSON. `Err` holds every structural problem; warnings are not reported here.
pub fn parse(text: &str) -> Result<Plan, Vec<Problem>> {
    let decoded = decode(text);
    let errors: Vec<Problem> = decoded.problems.into_iter().filter(Problem::is_error).collect();
    match decoded.plan {
        Some(plan) if errors.is_empty() => Ok(plan),
        _ => Err(errors),
    }
}

/// Parses and validates plan JSON, returning every problem (structural and semantic) and the
/// plan if its structure could be read completely. This is what `carrot validate` reports.
pub fn check(text: &str) -> (Option<Plan>, Vec<Problem>) {
    let decoded = decode(text);
    let mut problems = decoded.problems;
    if let Some(plan) = &decoded.plan {
        problems.extend(super::validate(plan));
    }
    (decoded.plan, problems)
}

/// The canonical text of a plan: pretty-printed JSON with a final newline.
pub fn to_json(plan: &Plan) -> String {
    let mut text = serde_json::to_string_pretty(plan).unwrap_or_else(|e| {
        // Serialising plain data into a String cannot fail; keep the error visible if it ever does.
        format!("{{\"error\": \"could not serialise plan: {e}\"}}")
    });
    text.push('\n');
    text
}

/// Saves a plan atomically. With [`Overwrite::Refuse`] an existing file is never replaced.
pub fn save(path: &Path, plan: &Plan, overwrite: Overwrite) -> Result<(), PlanError> {
    fsx::write_atomic(path, to_json(plan).as_bytes(), overwrite, Access::Shared)?;
    Ok(())
}

struct Decoded {
    /// Present when the whole structure was read (unknown fields are dropped and reported).
    plan: Option<Plan>,
    problems: Vec<Problem>,
}

/// Migrations from older schemas: `MIGRATIONS[i]` turns schema `i + 1` into schema `i + 2`.
/// Schema 1 is the first release, so there is nothing to migrate yet.
const MIGRATIONS: &[fn(Value) -> Value] = &[];

fn decode(text: &str) -> Decoded {
    let mut problems = Vec::new();
    let fail = |problems| Decoded { plan: None, problems };
    let root: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            let message = if e.line() == 0 {
                format!("not valid JSON: {e}")
            } else {
                format!(
                    "not valid JSON at line {}, column {}: {}",
                    e.line(),
                    e.column(),
                    strip_position(&e.to_string())
                )
            };
            return fail(vec![Problem::error("", message)]);
        }
    };
    // serde_json keeps the last of duplicate keys silently; a duplicated "rate" must not pass.
    if let Ok(DuplicateKeys(dups)) = serde_json::from_str::<DuplicateKeys>(text) {
        for path in dups {
            problems.push(Problem::error(path, "appears twice in the same object; keep one"));
        }
    }
    let Value::Object(mut obj) = root else {
        return fail(vec![Problem::error("", "a plan file must be a JSON object ({ ... })")]);
    };

    let schema = match obj.get("schema") {
        None => {
            problems.push(Problem::error("schema", format!("missing; add \"schema\": {SCHEMA_VERSION} at the top")));
            return fail(problems);
        }
        Some(v) => match v.as_u64() {
            Some(n) if n >= 1 => n,
            _ => {
                problems.push(Problem::error(
                    "schema",
                    format!("must be a whole number such as {SCHEMA_VERSION}, not {v}"),
                ));
                return fail(problems);
            }
        },
    };
    if schema > u64::from(SCHEMA_VERSION) {
        problems.push(Problem::error(
            "schema",
            format!(
                "this file was written by a newer version of Carrot (schema {schema}); this version reads schema \
                 {SCHEMA_VERSION} and older, so it refuses the file rather than misread it. Update Carrot to open it"
            ),
        ));
        return fail(problems);
    }
    if schema < u64::from(SCHEMA_VERSION) {
        let mut value = Value::Object(obj);
        for migrate in MIGRATIONS.iter().skip(usize::try_from(schema - 1).unwrap_or(usize::MAX)) {
            value = migrate(value);
        }
        let Value::Object(migrated) = value else {
            problems.push(Problem::error("", "migration produced something that is not a plan"));
            return fail(problems);
        };
        obj = migrated;
        obj.insert("schema".to_owned(), Value::from(SCHEMA_VERSION));
    }

    let mut d = Decoder { problems, complete: true };
    d.unknown_keys(&obj, "", PLAN_KEYS);
    let name = d.required::<String>(&obj, "", "name");
    let description = d.optional::<String>(&obj, "", "description").unwrap_or_default();
    let currency = d.required::<String>(&obj, "", "currency");
    let period = d.required(&obj, "", "period");
    let fx = d.optional(&obj, "", "fx").unwrap_or_default();
    let rounding = d.optional(&obj, "", "rounding").unwrap_or_default();
    let metrics = d.optional(&obj, "", "metrics").unwrap_or_default();
    let money_columns = d.optional(&obj, "", "money_columns").unwrap_or_default();
    let cap = d.optional(&obj, "", "cap");
    let guarantee = d.optional(&obj, "", "guarantee");
    let assumptions = d.optional(&obj, "", "assumptions").unwrap_or_default();
    let schedule = d.optional(&obj, "", "schedule");
    let tracks = match obj.get("tracks") {
        None => {
            d.error("tracks", "missing; add \"tracks\": { \"sales\": { \"components\": [...] } }");
            None
        }
        Some(Value::Object(map)) => {
            let mut tracks = IndexMap::new();
            for (role, value) in map {
                if let Some(track) = d.track(value, &format!("tracks.{role}")) {
                    tracks.insert(role.clone(), track);
                }
            }
            Some(tracks)
        }
        Some(other) => {
            d.error("tracks", format!("must be an object of role → track, not {}", describe(other)));
            None
        }
    };

    let plan = match (name, currency, period, tracks) {
        (Some(name), Some(currency), Some(period), Some(tracks)) if d.complete => Some(Plan {
            schema: SCHEMA_VERSION,
            name,
            description,
            currency,
            period,
            fx,
            rounding,
            metrics,
            money_columns,
            tracks,
            cap,
            guarantee,
            assumptions,
            schedule,
        }),
        _ => None,
    };
    Decoded { plan, problems: d.problems }
}

const PLAN_KEYS: &[&str] = &[
    "schema",
    "name",
    "description",
    "currency",
    "period",
    "fx",
    "rounding",
    "metrics",
    "money_columns",
    "tracks",
    "cap",
    "guarantee",
    "assumptions",
    "schedule",
];
const TRACK_KEYS: &[&str] = &["components", "cap", "guarantee"];

struct Decoder {
    problems: Vec<Problem>,
    /// False once any part could not be read (then the plan is not built).
    complete: bool,
}

impl Decoder {
    fn error(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.complete = false;
        self.problems.push(Problem::error(path, message));
    }

    fn unknown_keys(&mut self, obj: &Map<String, Value>, path: &str, known: &[&str]) {
        for key in obj.keys() {
            if !known.contains(&key.as_str()) {
                let message = unknown_field_message(key, known);
                // Unknown keys are reported but do not stop the rest from being read.
                self.problems.push(Problem::error(join(path, key), message));
            }
        }
    }

    fn required<T: DeserializeOwned>(&mut self, obj: &Map<String, Value>, path: &str, key: &str) -> Option<T> {
        match obj.get(key) {
            Some(v) => self.value(v, &join(path, key)),
            None => {
                self.error(join(path, key), "missing: this field is required");
                None
            }
        }
    }

    fn optional<T: DeserializeOwned>(&mut self, obj: &Map<String, Value>, path: &str, key: &str) -> Option<T> {
        obj.get(key).and_then(|v| self.value(v, &join(path, key)))
    }

    /// Deserialises `value` as `T`, reporting unknown fields (all of them) and the first other
    /// problem, each with its full path.
    fn value<T: DeserializeOwned>(&mut self, value: &Value, path: &str) -> Option<T> {
        let mut owned = value.clone();
        // Each pass removes one unknown field; the bound only guards against a logic error.
        for _ in 0..10_000 {
            let err = match serde_path_to_error::deserialize::<_, T>(&owned) {
                Ok(t) => return Some(t),
                Err(err) => err,
            };
            let mut segments: Vec<String> = err.path().iter().filter_map(segment_text).collect();
            let inner = err.inner().to_string();
            if let Some((field, expected)) = parse_unknown_field(&inner) {
                // serde_path_to_error's path ends at the unknown field itself.
                if segments.last() == Some(&field) {
                    segments.pop();
                }
                let at = join_segments(path, &segments);
                let message = unknown_field_message(&field, &expected.iter().map(String::as_str).collect::<Vec<_>>());
                self.problems.push(Problem::error(join(&at, &field), message));
                if remove_field(&mut owned, err.path(), &field) {
                    continue;
                }
                self.complete = false;
                return None;
            }
            let at = join_segments(path, &segments);
            if let Some(field) = parse_missing_field(&inner) {
                self.error(join(&at, &field), "missing: this field is required");
                return None;
            }
            let found = value_at(&owned, err.path());
            self.error(at, friendly(&inner, found));
            return None;
        }
        self.complete = false;
        None
    }

    fn track(&mut self, value: &Value, path: &str) -> Option<Track> {
        let Value::Object(obj) = value else {
            self.error(path, format!("must be an object with \"components\", not {}", describe(value)));
            return None;
        };
        self.unknown_keys(obj, path, TRACK_KEYS);
        let cap = self.optional(obj, path, "cap");
        let guarantee = self.optional(obj, path, "guarantee");
        let components = match obj.get("components") {
            None => {
                self.error(join(path, "components"), "missing: list the track's components (it may be empty: [])");
                return None;
            }
            Some(Value::Array(items)) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    if let Some(c) = self.component(item, &format!("{path}.components[{i}]")) {
                        out.push(c);
                    }
                }
                out
            }
            Some(other) => {
                self.error(join(path, "components"), format!("must be a list ([...]), not {}", describe(other)));
                return None;
            }
        };
        Some(Track { components, cap, guarantee })
    }

    fn component(&mut self, value: &Value, path: &str) -> Option<Component> {
        let Value::Object(obj) = value else {
            self.error(path, format!("must be an object with a \"kind\", not {}", describe(value)));
            return None;
        };
        let kinds: Vec<&str> = ComponentKind::ALL.iter().map(|k| k.as_str()).collect();
        let kind = match obj.get("kind") {
            None => {
                self.error(join(path, "kind"), format!("missing: one of {}", kinds.join(", ")));
                return None;
            }
            Some(Value::String(s)) => match ComponentKind::parse(s) {
                Some(k) => k,
                None => {
                    let hint = did_you_mean(s, kinds.iter().copied())
                        .map(|k| format!("did you mean `{k}`? "))
                        .unwrap_or_default();
                    self.error(
                        join(path, "kind"),
                        format!("unknown kind `{s}`; {hint}the kinds are {}", kinds.join(", ")),
                    );
                    return None;
                }
            },
            Some(other) => {
                self.error(join(path, "kind"), format!("must be text such as \"commission\", not {}", describe(other)));
                return None;
            }
        };
        let mut body = obj.clone();
        body.shift_remove("kind");
        let body = Value::Object(body);
        Some(match kind {
            ComponentKind::Commission => Component::Commission(self.value::<Commission>(&body, path)?),
            ComponentKind::Bonus => Component::Bonus(self.value::<Bonus>(&body, path)?),
            ComponentKind::PerUnit => Component::PerUnit(self.value::<PerUnit>(&body, path)?),
            ComponentKind::Multiplier => Component::Multiplier(self.value::<Multiplier>(&body, path)?),
        })
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() { key.to_owned() } else { format!("{path}.{key}") }
}

fn segment_text(seg: &serde_path_to_error::Segment) -> Option<String> {
    use serde_path_to_error::Segment;
    match seg {
        Segment::Seq { index } => Some(format!("[{index}]")),
        Segment::Map { key } => Some(key.clone()),
        Segment::Enum { variant } => Some(variant.clone()),
        Segment::Unknown => None,
    }
}

fn join_segments(path: &str, segments: &[String]) -> String {
    let mut out = path.to_owned();
    for s in segments {
        if s.starts_with('[') || out.is_empty() {
            out.push_str(s);
        } else {
            out.push('.');
            out.push_str(s);
        }
    }
    out
}

fn unknown_field_message(field: &str, expected: &[&str]) -> String {
    match did_you_mean(field, expected.iter().copied()) {
        Some(s) => format!("unknown field; did you mean `{s}`?"),
        None if expected.is_empty() => "unknown field; remove it".to_owned(),
        None => format!("unknown field; the fields here are {}", expected.join(", ")),
    }
}

/// `unknown field `rat`, expected `rate`` / `... expected one of `a`, `b`` / `... there are no fields`.
fn parse_unknown_field(msg: &str) -> Option<(String, Vec<String>)> {
    let rest = msg.strip_prefix("unknown field `")?;
    let (field, rest) = rest.split_once('`')?;
    let expected = rest.split('`').skip(1).step_by(2).map(str::to_owned).collect();
    Some((field.to_owned(), expected))
}

fn parse_missing_field(msg: &str) -> Option<String> {
    let rest = msg.strip_prefix("missing field `")?;
    Some(rest.split_once('`')?.0.to_owned())
}

fn navigate<'a>(value: &'a Value, path: &serde_path_to_error::Path) -> Option<&'a Value> {
    use serde_path_to_error::Segment;
    let mut cur = value;
    for seg in path.iter() {
        cur = match seg {
            Segment::Seq { index } => cur.get(*index)?,
            Segment::Map { key } => cur.get(key.as_str())?,
            Segment::Enum { variant } => cur.get(variant.as_str()).unwrap_or(cur),
            Segment::Unknown => cur,
        };
    }
    Some(cur)
}

fn value_at<'a>(value: &'a Value, path: &serde_path_to_error::Path) -> Option<&'a Value> {
    navigate(value, path)
}

fn remove_field(value: &mut Value, path: &serde_path_to_error::Path, field: &str) -> bool {
    use serde_path_to_error::Segment;
    let mut segments: Vec<&Segment> = path.iter().collect();
    // The path may end at the unknown field itself; stop at the object that holds it.
    if let Some(Segment::Map { key }) = segments.last()
        && key == field
    {
        segments.pop();
    }
    let mut cur = value;
    for seg in segments {
        let next = match seg {
            Segment::Seq { index } => cur.get_mut(*index),
            Segment::Map { key } => cur.get_mut(key.as_str()),
            Segment::Enum { .. } | Segment::Unknown => Some(cur),
        };
        let Some(next) = next else { return false };
        cur = next;
    }
    if let Value::Object(map) = cur
        && map.shift_remove(field).is_some()
    {
        return true;
    }
    false
}

fn describe(v: &Value) -> String {
    match v {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => format!("{b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the text \"{}\"", truncate(s, 40)),
        Value::Array(_) => "a list".to_owned(),
        Value::Object(_) => "an object".to_owned(),
    }
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max { s.to_owned() } else { format!("{}…", s.chars().take(max).collect::<String>()) }
}

fn strip_position(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_owned(),
        None => msg.to_owned(),
    }
}

/// Turns serde's wording into a message for a person editing the file.
fn friendly(msg: &str, found: Option<&Value>) -> String {
    let msg = strip_position(msg);
    let found_text = found.map(describe).unwrap_or_else(|| "something else".to_owned());
    if msg.contains("expected a Decimal") || msg.contains("fixed-point number") {
        return format!("expected a number (e.g. 0.08), found {found_text}");
    }
    if msg.contains("Scale exceeds") || msg.contains("too large") || msg.contains("overflow") {
        return not_exact(found, &found_text);
    }
    // chrono's date errors.
    if [
        "input contains invalid characters",
        "premature end of input",
        "input is out of range",
        "trailing input",
        "input is not enough",
    ]
    .iter()
    .any(|m| msg.contains(m))
    {
        return format!("expected a date written YYYY-MM-DD (e.g. 2026-07-01), found {found_text}");
    }
    if let Some(rest) = msg.strip_prefix("invalid type: ")
        && let Some((_, expected)) = rest.split_once(", expected ")
    {
        return format!("expected {expected}, found {found_text}");
    }
    if msg.starts_with("unknown variant") {
        return msg.replace("unknown variant", "unknown value");
    }
    msg
}

/// Why a number (or text meant as one) is not an exact plan number, and how to write it.
fn not_exact(found: Option<&Value>, found_text: &str) -> String {
    let text = match found {
        Some(Value::String(s)) => s.trim(),
        Some(Value::Number(n)) => n.as_str(),
        _ => "",
    };
    if let Some(share) = text.strip_suffix('%').map(str::trim_end)
        && let Ok(share) = share.parse::<rust_decimal::Decimal>()
    {
        let fraction = share / rust_decimal::Decimal::ONE_HUNDRED;
        return format!(
            "{found_text} is a percentage; plan numbers are plain numbers, and rates and shares are \
             fractions: write {} for {}%",
            fraction.normalize(),
            share.normalize()
        );
    }
    if text.contains(',') {
        let pointed = text.replace(',', ".");
        if pointed.matches('.').count() == 1 && pointed.parse::<rust_decimal::Decimal>().is_ok() {
            return format!(
                "{found_text} uses a comma as the decimal mark; plan files write numbers with a point: {pointed}"
            );
        }
        return format!(
            "{found_text} is not a plain number; write digits with a point for decimals and no thousands \
             separators (e.g. 1234.5)"
        );
    }
    if let Ok(x) = text.parse::<f64>()
        && x != 0.0
        && x.abs() < 1.0
    {
        return format!(
            "{found_text} has more decimal places than a plan number can hold exactly (28); round it, or write 0 \
             if it means nothing"
        );
    }
    format!("{found_text} has too many digits; use at most 28 significant digits")
}

/// Finds keys that appear twice in one JSON object, with their paths.
struct DuplicateKeys(Vec<String>);

impl<'de> Deserialize<'de> for DuplicateKeys {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut found = Vec::new();
        deserializer.deserialize_any(DupVisitor { path: String::new(), found: &mut found, depth: 0 })?;
        Ok(Self(found))
    }
}

struct DupVisitor<'a> {
    path: String,
    found: &'a mut Vec<String>,
    depth: usize,
}

impl<'de> serde::de::DeserializeSeed<'de> for DupVisitor<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for DupVisitor<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut i = 0;
        let depth = self.depth + 1;
        if depth > 128 {
            return Err(serde::de::Error::custom("nested too deeply"));
        }
        while seq
            .next_element_seed(DupVisitor { path: format!("{}[{i}]", self.path), found: self.found, depth })?
            .is_some()
        {
            i += 1;
        }
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let depth = self.depth + 1;
        if depth > 128 {
            return Err(serde::de::Error::custom("nested too deeply"));
        }
        let mut seen = HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            let path = join(&self.path, &key);
            if !seen.insert(key) {
                self.found.push(path.clone());
            }
            map.next_value_seed(DupVisitor { path, found: self.found, depth })?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"{
  "schema": 1,
  "name": "Test",
  "currency": "EUR",
  "period": {
    "start": "2026-01-01",
    "end": "2026-03-31"
  },
  "tracks": {
    "sales": {
      "components": [
        {
          "kind": "commission",
          "id": "revenue_commission",
          "earning_code": "COMM",
          "metric": "revenue",
          "tiers": [
            {
              "from": 0,
              "rate": 0.08
            },
            {
              "from": 1.0,
              "rate": 0.12
            }
          ]
        }
      ]
    }
  }
}
"#;

    fn errors(text: &str) -> Vec<String> {
        match parse(text) {
            Ok(_) => Vec::new(),
            Err(problems) => problems.iter().map(ToString::to_string).collect(),
        }
    }

    #[test]
    fn minimal_plan_round_trips_byte_for_byte() {
        let plan = parse(MINIMAL).unwrap();
        assert_eq!(to_json(&plan), MINIMAL);
    }

    #[test]
    fn unknown_fields_are_errors_with_paths_and_suggestions() {
        let text = MINIMAL
            .replace("\"rate\": 0.12", "\"rat\": 0.12")
            .replace("\"name\": \"Test\"", "\"name\": \"Test\", \"nmae\": 1");
        let errs = errors(&text);
        assert!(errs.iter().any(|e| e == "nmae: unknown field; did you mean `name`?"), "{errs:?}");
        assert!(
            errs.iter()
                .any(|e| e.starts_with("tracks.sales.components[0].tiers[1].rat: unknown field; did you mean `rate`?")),
            "{errs:?}"
        );
    }

    #[test]
    fn every_component_error_is_reported_at_once() {
        let text = MINIMAL
            .replace("\"from\": 1.0", "\"from\": \"high\"")
            .replace("\"kind\": \"commission\"", "\"kind\": \"commision\"");
        let errs = errors(&text);
        assert!(errs.iter().any(|e| e.contains("did you mean `commission`")), "{errs:?}");
        let text =
            MINIMAL.replace("\"from\": 1.0", "\"from\": \"high\"").replace("\"currency\": \"EUR\"", "\"currency\": 3");
        let errs = errors(&text);
        assert_eq!(errs.len(), 2, "{errs:?}");
        assert!(errs.iter().any(|e| e.starts_with("currency: expected a string, found the number 3")), "{errs:?}");
        assert!(
            errs.iter().any(|e| e
                == "tracks.sales.components[0].tiers[1].from: expected a number (e.g. 0.08), found the text \"high\""),
            "{errs:?}"
        );
    }

    #[test]
    fn missing_fields_are_named() {
        let text = MINIMAL.replace("\"currency\": \"EUR\",\n", "");
        assert_eq!(errors(&text), ["currency: missing: this field is required"]);
        let text = MINIMAL.replace(",\n          \"tiers\"", ",\n          \"tierz\"");
        let errs = errors(&text);
        assert!(errs.iter().any(|e| e.starts_with("tracks.sales.components[0].tiers: missing")), "{errs:?}");
    }

    #[test]
    fn duplicate_keys_are_errors() {
        let text = MINIMAL.replace("\"rate\": 0.08", "\"rate\": 0.08, \"rate\": 0.8");
        let errs = errors(&text);
        assert!(
            errs.iter()
                .any(|e| e == "tracks.sales.components[0].tiers[0].rate: appears twice in the same object; keep one"),
            "{errs:?}"
        );
    }

    #[test]
    fn bad_dates_and_json_syntax() {
        let text = MINIMAL.replace("2026-03-31", "31/03/2026");
        assert_eq!(
            errors(&text),
            ["period.end: expected a date written YYYY-MM-DD (e.g. 2026-07-01), found the text \"31/03/2026\""]
        );
        let errs = errors("{ \"schema\": 1,, }");
        assert!(errs[0].starts_with("not valid JSON at line 1, column"), "{errs:?}");
    }

    #[test]
    fn newer_schema_is_refused_not_misread() {
        let text = MINIMAL.replace("\"schema\": 1", "\"schema\": 2");
        let errs = errors(&text);
        assert_eq!(errs.len(), 1);
        assert!(errs[0].contains("newer version of Carrot (schema 2)"), "{errs:?}");
        assert!(errors(&MINIMAL.replace("\"schema\": 1,\n", "")).iter().any(|e| e.starts_with("schema: missing")));
    }

    #[test]
    fn numbers_beyond_64_bits_load_exactly_and_round_trip() {
        // Integers above 2^64 used to be refused ("expected a number, found the number ..."),
        // so a plan holding one, e.g. written as 5e19, saved but did not load again.
        for (written, saved) in [
            ("50000000000000000000", "50000000000000000000"),
            ("5e19", "50000000000000000000"),
            ("79228162514264337593543950335", "79228162514264337593543950335"),
            ("\"0.12\"", "0.12"),
        ] {
            let text = MINIMAL.replace("\"rate\": 0.12", &format!("\"rate\": {written}"));
            let plan = parse(&text).unwrap_or_else(|e| panic!("{written}: {e:?}"));
            let json = to_json(&plan);
            assert!(json.contains(&format!("\"rate\": {saved}\n")), "{json}");
            assert_eq!(parse(&json).unwrap(), plan, "{written} round-trips");
        }
        let errs = errors(&MINIMAL.replace("\"rate\": 0.12", "\"rate\": 1e400"));
        assert_eq!(
            errs,
            [
                "tracks.sales.components[0].tiers[1].rate: the number 1e+400 has too many digits; use at most 28 significant digits"
            ]
        );
    }

    #[test]
    fn numbers_that_are_not_exact_say_what_is_wrong_and_how_to_write_them() {
        let rate = |written: &str| errors(&MINIMAL.replace("\"rate\": 0.12", &format!("\"rate\": {written}")));
        let at = "tracks.sales.components[0].tiers[1].rate: ";
        assert_eq!(
            rate("\"8%\""),
            [format!(
                "{at}the text \"8%\" is a percentage; plan numbers are plain numbers, and rates and shares are \
                 fractions: write 0.08 for 8%"
            )]
        );
        assert_eq!(
            rate("\"0,08\""),
            [format!(
                "{at}the text \"0,08\" uses a comma as the decimal mark; plan files write numbers with a point: 0.08"
            )]
        );
        assert_eq!(
            rate("\"1.000,5\""),
            [format!(
                "{at}the text \"1.000,5\" is not a plain number; write digits with a point for decimals and no \
                 thousands separators (e.g. 1234.5)"
            )]
        );
        for tiny in ["1e-30", "\"1e-30\"", "0.00000000000000000000000000000001"] {
            let errs = rate(tiny);
            assert_eq!(errs.len(), 1);
            assert!(
                errs[0].ends_with("has more decimal places than a plan number can hold exactly (28); round it, or write 0 if it means nothing"),
                "{errs:?}"
            );
        }
    }

    #[test]
    fn a_byte_order_mark_is_skipped() {
        let with_bom = format!("\u{FEFF}{MINIMAL}");
        let text = as_text(Path::new("p.json"), with_bom.as_bytes()).unwrap();
        assert_eq!(parse(text).unwrap(), parse(MINIMAL).unwrap());
    }

    #[test]
    fn arbitrary_text_never_panics() {
        for text in ["", "null", "[]", "{}", "\"x\"", "{\"schema\": 1e400}", "{\"schema\": -1}", "{\"tracks\": 5}"] {
            assert!(parse(text).is_err(), "{text}");
        }
    }
}
