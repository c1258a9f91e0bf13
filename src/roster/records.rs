//! Splitting decoded text into records with `csv_core`, with bounded memory.
//!
//! Unlike `csv::Reader`, which grows its record buffer to hold any field, this reader keeps at
//! most [`FIELD_LIMIT`] bytes of any one field (a missing closing quote can make one "field" of
//! the rest of the file) and at most `max_fields` fields of a record, while still counting the
//! true lengths. It skips blank lines itself so that each record knows the physical line it
//! starts on. A quote that is never closed is an error naming the line where it opened, never
//! a last "field" that runs to the end of the file.

use std::io::Read;
use std::ops::Range;

use csv_core::ReadFieldResult;

use super::decode::{DecodedInput, SourceError};

/// The longest field accepted, in bytes.
pub(super) const FIELD_LIMIT: u64 = 64 * 1024;

/// Bytes kept of a field longer than [`FIELD_LIMIT`], to show in the message.
const PREVIEW_BYTES: usize = 120;

/// How far to look for the end of the header line when detecting the delimiter.
const HEADER_SCAN_LIMIT: usize = 1024 * 1024;

/// One record: its fields' bytes, their offsets, and where it started. A line split without
/// `csv_core` ([`RecordReader::read_plain_line`]) is kept whole, delimiters between its fields;
/// otherwise the fields' bytes are back to back (quotes undone).
#[derive(Debug, Default)]
pub(super) struct Record {
    /// Line the record starts on (1-based, physical).
    pub line: u64,
    buf: Vec<u8>,
    len: usize,
    starts: Vec<usize>,
    ends: Vec<usize>,
    /// The number of fields in the record (may exceed the number stored).
    pub count: usize,
    /// Fields longer than [`FIELD_LIMIT`]: (field index, length in bytes). Only a short prefix of
    /// such a field is stored.
    pub oversized: Vec<(usize, u64)>,
}

impl Record {
    fn clear(&mut self) {
        self.len = 0;
        self.starts.clear();
        self.ends.clear();
        self.count = 0;
        self.oversized.clear();
    }

    /// The stored bytes of all fields: back to back, or a plain line whole with its delimiters.
    /// Either way the text is blank exactly when every field is (a plain line is only split
    /// without `csv_core` when it has a letter or digit).
    pub fn bytes(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or(&[])
    }

    /// The byte range of field `i` within [`Self::bytes`], if it was stored.
    pub fn range(&self, i: usize) -> Option<Range<usize>> {
        Some(*self.starts.get(i)?..*self.ends.get(i)?)
    }

    /// The number of fields stored (at most the reader's `max_fields`).
    pub fn stored(&self) -> usize {
        self.ends.len()
    }
}

/// Reads records from decoded input.
pub(super) struct RecordReader<R> {
    input: DecodedInput<R>,
    core: csv_core::Reader,
    delimiter: u8,
    scratch: Vec<u8>,
    /// Fields stored per record; further fields are only counted.
    pub max_fields: usize,
    /// Whether plain lines are split without `csv_core` ([`Self::read_plain_line`]); off only to
    /// check that both read the same.
    plain_lines: bool,
}

fn is_char_boundary(b: u8) -> bool {
    // Not a UTF-8 continuation byte (0b10xx_xxxx).
    (b as i8) >= -0x40
}

impl<R: Read> RecordReader<R> {
    /// A reader splitting on `delimiter`, with `"` quotes doubled inside quoted fields.
    pub(super) fn new(input: DecodedInput<R>, delimiter: u8, max_fields: usize) -> Self {
        let core = csv_core::ReaderBuilder::new().delimiter(delimiter).quote(b'"').double_quote(true).build();
        RecordReader { input, core, delimiter, scratch: vec![0; 8 * 1024], max_fields, plain_lines: true }
    }

    /// The decoder, to ask what encoding it found.
    pub(super) fn input(&self) -> &DecodedInput<R> {
        &self.input
    }

    /// Reads the next record into `rec`; false at the end of the input. Blank lines (empty, CR
    /// or LF only) before the record are skipped.
    pub(super) fn read(&mut self, rec: &mut Record) -> Result<bool, SourceError> {
        rec.clear();
        loop {
            let input = self.input.fill()?;
            if input.is_empty() {
                return Ok(false);
            }
            let skip = input.iter().take_while(|b| **b == b'\n' || **b == b'\r').count();
            if skip == 0 {
                break;
            }
            let newlines = input.get(..skip).unwrap_or(&[]).iter().filter(|b| **b == b'\n').count();
            self.input.consume(skip);
            self.core.set_line(self.core.line() + newlines as u64);
        }
        rec.line = self.core.line();
        if self.plain_lines && self.read_plain_line(rec)? {
            return Ok(true);
        }
        let mut field_start = 0usize;
        let mut field_len = 0u64;
        let mut storing = self.max_fields > 0;
        let mut oversized = false;
        // Whether the next byte read starts a field, and the quoting state of the current one.
        let mut at_field_start = true;
        let mut quote = Quote::None;
        let mut quote_line = rec.line;
        loop {
            let input = self.input.fill()?;
            if at_field_start && let Some(&first) = input.first() {
                at_field_start = false;
                if first == b'"' {
                    quote = Quote::Open { skip_opening: true };
                    quote_line = self.core.line();
                }
            }
            let (result, nin, nout) = if storing {
                if rec.len >= rec.buf.len() {
                    let grown = (rec.buf.len() * 2).max(1024);
                    rec.buf.resize(grown, 0);
                }
                let out = rec.buf.get_mut(rec.len..).unwrap_or(&mut []);
                self.core.read_field(input, out)
            } else {
                self.core.read_field(input, &mut self.scratch)
            };
            if let Quote::Open { .. } | Quote::Closing = quote {
                quote = quote.advance(input.get(..nin).unwrap_or(&[]));
            }
            self.input.consume(nin);
            field_len += nout as u64;
            if storing {
                rec.len += nout;
                if field_len > FIELD_LIMIT {
                    // Keep a short prefix, cut on a character boundary, and count the rest.
                    let mut keep = field_start + PREVIEW_BYTES;
                    while keep > field_start && !rec.buf.get(keep).copied().is_some_and(is_char_boundary) {
                        keep -= 1;
                    }
                    rec.len = keep;
                    storing = false;
                    oversized = true;
                }
            }
            match result {
                ReadFieldResult::InputEmpty | ReadFieldResult::OutputFull => {}
                ReadFieldResult::Field { record_end } => {
                    if let Quote::Open { .. } = quote {
                        // csv_core ends a quoted field only at the end of the input: the quote
                        // was never closed, and the "field" is the rest of the file.
                        let start = field_start.min(rec.len);
                        let text = String::from_utf8_lossy(rec.buf.get(start..rec.len).unwrap_or(&[]));
                        let text = text.trim_end_matches(['\r', '\n']);
                        let first_line = text.lines().next().unwrap_or("");
                        let shown = super::values::shorten(first_line, 40);
                        let cut = first_line.len() < text.len() && !shown.ends_with('…');
                        return Err(SourceError::Unterminated {
                            line: quote_line,
                            field: rec.count,
                            start: if cut { format!("{shown}…") } else { shown },
                        });
                    }
                    at_field_start = true;
                    quote = Quote::None;
                    if rec.ends.len() < self.max_fields {
                        rec.starts.push(field_start.min(rec.len));
                        rec.ends.push(rec.len);
                    }
                    if oversized {
                        rec.oversized.push((rec.count, field_len));
                    }
                    rec.count += 1;
                    field_start = rec.len;
                    field_len = 0;
                    oversized = false;
                    storing = rec.ends.len() < self.max_fields;
                    if record_end {
                        return Ok(true);
                    }
                }
                ReadFieldResult::End => return Ok(rec.count > 0),
            }
        }
    }

    /// Reads the next record, when it is a whole line in the decoded input with no quote and no
    /// carriage return but a last one before its line feed (nearly every row of an export), by
    /// splitting it on the delimiter: what `csv_core` reads from such a line, at a fraction of
    /// its cost per byte. The line is copied whole, and its fields are offsets into it. `false`
    /// (nothing read) for any other line, and for a line without an ASCII letter or digit (which
    /// may be blank once its delimiters are taken away: [`Record::bytes`]).
    fn read_plain_line(&mut self, rec: &mut Record) -> Result<bool, SourceError> {
        let delimiter = self.delimiter;
        let input = self.input.fill()?;
        // The first of the three, found with vector instructions.
        let Some(end) = memchr::memchr3(b'\n', b'"', b'\r', input) else { return Ok(false) };
        // The line and what follows its line feed.
        let next = match input.get(end..end + 2) {
            Some([b'\n', ..]) => end + 1,
            Some([b'\r', b'\n']) => end + 2,
            _ => return Ok(false),
        };
        let line = input.get(..end).unwrap_or(&[]);
        if line.len() as u64 > FIELD_LIMIT || !line.iter().any(u8::is_ascii_alphanumeric) {
            return Ok(false);
        }
        if rec.buf.len() < line.len() {
            rec.buf.resize(line.len().next_power_of_two().max(1024), 0);
        }
        if let Some(to) = rec.buf.get_mut(..line.len()) {
            to.copy_from_slice(line);
        }
        rec.len = line.len();
        let mut start = 0;
        let mut field = |at: usize| {
            if rec.ends.len() < self.max_fields {
                rec.starts.push(start);
                rec.ends.push(at);
            }
            rec.count += 1;
            start = at + 1;
        };
        // The delimiters of 32 bytes at a time as the bits of a mask (vector compares), then
        // each set bit in turn: fields are short, so a search per field would cost more.
        let mut chunks = line.chunks_exact(32);
        let mut base = 0;
        for chunk in &mut chunks {
            let mut mask = chunk.iter().enumerate().fold(0u32, |m, (i, &b)| m | (u32::from(b == delimiter) << i));
            while mask != 0 {
                field(base + mask.trailing_zeros() as usize);
                mask &= mask - 1;
            }
            base += 32;
        }
        for (i, &b) in chunks.remainder().iter().enumerate() {
            if b == delimiter {
                field(base + i);
            }
        }
        field(line.len());
        self.input.consume(next);
        self.core.set_line(self.core.line() + 1);
        Ok(true)
    }

    /// Detects the delimiter: the most frequent of `,` `;` and tab outside quotes on the header
    /// line (the first line with content). Ties go to tab, then `;`, then `,`, since a comma is
    /// the likeliest to appear unquoted inside header text; no candidate at all means `,`.
    pub(super) fn detect_delimiter(input: &mut DecodedInput<R>) -> Result<u8, SourceError> {
        loop {
            let buf = input.fill()?;
            let len = buf.len();
            if let Some(found) = scan_header_line(buf, false) {
                return Ok(found);
            }
            if len >= HEADER_SCAN_LIMIT || !input.fill_more()? {
                let buf = input.fill()?;
                return Ok(scan_header_line(buf, true).unwrap_or(b','));
            }
        }
    }
}

/// Where the field being read stands with quotes (mirrors csv_core's states for a field that
/// starts with `"`: inside the quotes, a `"` either doubles as an escaped quote or closes them).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Quote {
    /// The field does not start with a quote, or its quotes are closed.
    None,
    /// Inside the quotes; `skip_opening` until the opening quote itself has been passed.
    Open { skip_opening: bool },
    /// A `"` inside the quotes: the next byte says whether it was doubled or closed them.
    Closing,
}

impl Quote {
    /// The state after the field's raw bytes `consumed`.
    fn advance(mut self, consumed: &[u8]) -> Quote {
        for &b in consumed {
            self = match (self, b) {
                (Quote::Open { skip_opening: true }, _) => Quote::Open { skip_opening: false },
                (Quote::Open { .. }, b'"') => Quote::Closing,
                (Quote::Open { .. }, _) => self,
                (Quote::Closing, b'"') => Quote::Open { skip_opening: false },
                // Closed: csv_core reads anything after the closing quote literally.
                (Quote::Closing, _) | (Quote::None, _) => return Quote::None,
            };
        }
        self
    }
}

/// Lines with content but no candidate delimiter (a report's title, "As of" line) passed over
/// before the delimiter is taken from the next line.
const TITLE_LINES: usize = 30;

/// Counts candidate delimiters on the first line with content that has any (lines without one,
/// like a report's title above its table, are passed over, up to [`TITLE_LINES`]); `None` when
/// that line does not end within `buf` and more input may follow (`complete` false).
fn scan_header_line(buf: &[u8], complete: bool) -> Option<u8> {
    let mut counts = [0usize; 3];
    let mut in_quotes = false;
    let mut content = false;
    let mut titles = 0;
    for &b in buf {
        match b {
            b'"' => {
                in_quotes = !in_quotes;
                content = true;
            }
            b'\n' | b'\r' if !in_quotes => {
                if content && (counts != [0; 3] || titles >= TITLE_LINES) {
                    return Some(pick(counts));
                }
                if content {
                    titles += 1;
                    content = false;
                }
                counts = [0; 3];
            }
            b',' if !in_quotes => counts[0] += 1,
            b';' if !in_quotes => counts[1] += 1,
            b'\t' if !in_quotes => counts[2] += 1,
            b' ' => {}
            _ => content = true,
        }
    }
    if complete { Some(pick(counts)) } else { None }
}

fn pick(counts: [usize; 3]) -> u8 {
    let [comma, semicolon, tab] = counts;
    if tab > 0 && tab >= semicolon && tab >= comma {
        b'\t'
    } else if semicolon > 0 && semicolon >= comma {
        b';'
    } else {
        b','
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(text: &[u8], delimiter: u8, max_fields: usize) -> Vec<(u64, Vec<String>, usize)> {
        read_all(text, delimiter, max_fields, true).unwrap().into_iter().map(|(l, f, c, _)| (l, f, c)).collect()
    }

    /// Every record of `text` (line, fields stored, fields counted, oversized fields), or the
    /// error's text, with plain lines split without `csv_core` or not.
    #[expect(clippy::type_complexity, reason = "a test's table of what was read")]
    fn read_all(
        text: &[u8],
        delimiter: u8,
        max_fields: usize,
        plain_lines: bool,
    ) -> Result<Vec<(u64, Vec<String>, usize, Vec<(usize, u64)>)>, String> {
        let input = DecodedInput::new(text).map_err(|e| format!("{e:?}"))?;
        let mut reader = RecordReader::new(input, delimiter, max_fields);
        reader.plain_lines = plain_lines;
        let mut rec = Record::default();
        let mut out = Vec::new();
        while reader.read(&mut rec).map_err(|e| format!("{e:?}"))? {
            let text = String::from_utf8_lossy(rec.bytes());
            let fields = (0..rec.stored()).map(|i| text[rec.range(i).unwrap()].to_string()).collect();
            out.push((rec.line, fields, rec.count, rec.oversized.clone()));
        }
        Ok(out)
    }

    /// A small deterministic generator for the random texts: each call gives a number below `n`.
    fn xorshift(seed: u64) -> impl FnMut(u64) -> usize {
        let mut x = seed;
        move |n| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            usize::try_from(x % n).unwrap()
        }
    }

    #[test]
    fn plain_lines_read_as_csv_core_reads_them() {
        // Random texts of delimiters, quotes, line ends, spaces and letters, some long fields.
        let alphabet: [&[u8]; 10] = [b"a", b"bc", b",", b";", b"\"", b"\r", b"\n", b"\r\n", b" ", "é".as_bytes()];
        let mut next = xorshift(0x2545_F491_4F6C_DD1D);
        for case in 0..4_000 {
            let mut text = Vec::new();
            for _ in 0..next(120) {
                text.extend_from_slice(alphabet[next(alphabet.len() as u64)]);
            }
            if case % 50 == 0 {
                text.extend(std::iter::repeat_n(b'x', 70_000));
                text.extend_from_slice(b",y\n");
            }
            for (delimiter, max_fields) in [(b',', 10), (b';', 2)] {
                let fast = read_all(&text, delimiter, max_fields, true);
                let slow = read_all(&text, delimiter, max_fields, false);
                assert_eq!(fast, slow, "{:?}", String::from_utf8_lossy(&text));
            }
        }
    }

    #[test]
    fn long_plain_lines_split_as_csv_core_splits_them() {
        // Lines of up to 300 bytes without quotes, so most are split without csv_core, across
        // the 32-byte steps of the delimiter search; some with a `\r` before the line feed.
        let alphabet: [&[u8]; 8] = [b"a", b"12", b",", b";", b" ", b"\t", "é".as_bytes(), b",,"];
        let mut next = xorshift(0x9E37_79B9_7F4A_7C15);
        for _ in 0..500 {
            let mut text = Vec::new();
            for _ in 0..next(8) {
                for _ in 0..next(150) {
                    text.extend_from_slice(alphabet[next(alphabet.len() as u64)]);
                }
                text.extend_from_slice(if next(4) == 0 { b"\r\n" } else { b"\n" });
            }
            for (delimiter, max_fields) in [(b',', 100), (b';', 3), (b'\t', 40)] {
                let fast = read_all(&text, delimiter, max_fields, true);
                let slow = read_all(&text, delimiter, max_fields, false);
                assert_eq!(fast, slow, "{:?}", String::from_utf8_lossy(&text));
            }
        }
    }

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_plain_line_is_kept_whole_and_a_line_without_letters_or_digits_is_not() {
        let text = b"a,bc,,d\r\n,,\n , \n1;2,3\nx,y\n";
        let input = DecodedInput::new(&text[..]).unwrap();
        let mut reader = RecordReader::new(input, b',', 3);
        let mut rec = Record::default();
        assert!(reader.read(&mut rec).unwrap());
        assert_eq!(rec.bytes(), b"a,bc,,d");
        assert_eq!((0..rec.stored()).filter_map(|i| rec.range(i)).collect::<Vec<_>>(), vec![0..1, 2..4, 5..5]);
        assert_eq!(rec.count, 4);
        // Blank once its delimiters are taken away: read by csv_core, its fields back to back,
        // so that a row of empty cells is still a blank row to whoever reads the bytes.
        for blank in [&b""[..], b"  "] {
            assert!(reader.read(&mut rec).unwrap());
            assert_eq!(rec.bytes(), blank);
        }
        assert!(reader.read(&mut rec).unwrap());
        assert_eq!((rec.line, rec.bytes(), rec.count), (4, &b"1;2,3"[..], 2));
        // The input's last line is left to csv_core (its line feed is not followed by a byte).
        assert!(reader.read(&mut rec).unwrap());
        assert_eq!((rec.line, rec.bytes(), rec.count), (5, &b"xy"[..], 2));
        assert!(!reader.read(&mut rec).unwrap());
    }

    #[test]
    fn records_know_their_physical_line_across_blank_lines_and_crlf() {
        let got = records(b"\r\n\na,b\r\n\r\n1,2\r\n\n\n3,\"x\ny\"\n4,5", b',', 10);
        assert_eq!(
            got,
            vec![
                (3, strings(&["a", "b"]), 2),
                (5, strings(&["1", "2"]), 2),
                (8, strings(&["3", "x\ny"]), 2),
                (10, strings(&["4", "5"]), 2),
            ]
        );
    }

    #[test]
    fn quoted_fields_keep_delimiters_and_doubled_quotes() {
        let got = records(b"a;\"b;c\";\"say \"\"hi\"\"\"\n", b';', 10);
        assert_eq!(got, vec![(1, strings(&["a", "b;c", "say \"hi\""]), 3)]);
    }

    #[test]
    fn oversized_fields_are_counted_not_stored() {
        let mut text = b"a,\"".to_vec();
        text.extend(std::iter::repeat_n(b'x', 200_000));
        text.extend(b"\",b\nc,d,e\n");
        let got = records(&text, b',', 10);
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].1[1].len(), PREVIEW_BYTES);
        assert_eq!(got[0].1[2], "b");
        assert_eq!(got[1], (2, strings(&["c", "d", "e"]), 3));
        let input = DecodedInput::new(&text[..]).unwrap();
        let mut reader = RecordReader::new(input, b',', 10);
        let mut rec = Record::default();
        assert!(reader.read(&mut rec).unwrap());
        assert_eq!(rec.oversized, vec![(1, 200_000)]);
    }

    /// The error reading `text` gives, if any.
    fn unterminated(text: &[u8]) -> Option<(u64, usize, String)> {
        let input = DecodedInput::new(text).unwrap();
        let mut reader = RecordReader::new(input, b',', 10);
        let mut rec = Record::default();
        loop {
            match reader.read(&mut rec) {
                Ok(true) => {}
                Ok(false) => return None,
                Err(SourceError::Unterminated { line, field, start }) => return Some((line, field, start)),
                Err(e) => panic!("{e:?}"),
            }
        }
    }

    #[test]
    fn a_quote_never_closed_is_an_error_at_the_line_it_opened() {
        assert_eq!(unterminated(b"a,b,c\n1,2,3\n4,5,\"x\n6,7,8\n"), Some((3, 2, "x…".to_string())));
        assert_eq!(unterminated(b"a,b\n\"one\ntwo,3\nfour"), Some((2, 0, "one…".to_string())));
        // Doubled quotes inside quotes do not close them.
        assert_eq!(unterminated(b"a,b\n1,\"say \"\"hi\"\"\n"), Some((2, 1, "say \"hi\"".to_string())));
        assert_eq!(unterminated(b"a,b\n1,\"x\"\""), Some((2, 1, "x\"".to_string())));
        // Blank lines before the row still count.
        assert_eq!(unterminated(b"a,b\n\n\n1,\"x,y\n"), Some((4, 1, "x,y".to_string())));
    }

    #[test]
    fn closed_and_literal_quotes_are_not_errors() {
        for text in [
            &b"a,b\n1,\"x\ny\"\n2,3\n"[..],
            b"a,b\n1,\"x\"",
            b"a,b\n1,\"x\"\"\"",
            b"a,b\n1,\"\"\n",
            // A quote inside an unquoted cell is a character like any other.
            b"a,b\n1,5\" screen\n2,3\n",
            // After the closing quote csv_core reads on literally; a later quote opens nothing.
            b"a,b\n1,\"x\"y\"z\n2,3\n",
        ] {
            assert_eq!(unterminated(text), None, "{}", String::from_utf8_lossy(text));
        }
    }

    #[test]
    fn an_unclosed_quote_is_found_whatever_the_read_sizes() {
        let mut text = b"a,b\n1,2\n3,\"".to_vec();
        text.extend(std::iter::repeat_n(b'x', 300_000));
        text.extend(b"\n4,5\n");
        assert_eq!(unterminated(&text).map(|(line, field, _)| (line, field)), Some((3, 1)));
    }

    #[test]
    fn fields_beyond_max_fields_are_counted_only() {
        let got = records(b"1,2,3,4,5\n", b',', 2);
        assert_eq!(got, vec![(1, strings(&["1", "2"]), 5)]);
    }

    #[test]
    fn delimiter_is_the_most_frequent_outside_quotes() {
        assert_eq!(scan_header_line(b"a,b,c\n", false), Some(b','));
        assert_eq!(scan_header_line(b"a;b;c\n1,5;2,5;3\n", false), Some(b';'));
        // A report's title and "As of" line above the table have no delimiter.
        assert_eq!(scan_header_line(b"\"Deals\"\nAs of today\n\na;b;c\n1,5;2,5;3\n", false), Some(b';'));
        assert_eq!(scan_header_line(b"one column\n", false), None);
        assert_eq!(scan_header_line(b"one column\n", true), Some(b','));
        assert_eq!(scan_header_line(b"a\tb\tc\n", false), Some(b'\t'));
        assert_eq!(scan_header_line(b"\"a;b;c\",d,e\n", false), Some(b','));
        assert_eq!(scan_header_line(b"\n\n  \na;b\n", false), Some(b';'));
        assert_eq!(scan_header_line(b"name;salary (eur, gross)\n", false), Some(b';'));
        assert_eq!(scan_header_line(b"single\n", true), Some(b','));
        assert_eq!(scan_header_line(b"a;b", false), None);
        assert_eq!(scan_header_line(b"a;b", true), Some(b';'));
    }
}
