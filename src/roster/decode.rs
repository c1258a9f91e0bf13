//! Turning the bytes of a roster file into UTF-8 as they are read.
//!
//! A file is UTF-8 (with or without BOM) unless it is not valid UTF-8; UTF-16 files are
//! recognised by their byte-order mark and transcoded. Otherwise the decision is made line by
//! line, so a file pasted together from UTF-8 and Windows-1252 exports (what Excel writes on
//! Western European Windows) reads correctly on every line:
//!
//! * a line that is valid UTF-8 is UTF-8;
//! * a line that is not, and holds no valid multi-byte UTF-8 sequence, is Windows-1252 (ASCII
//!   reads the same in both, so a file that is Windows-1252 throughout decodes as a whole);
//! * a line that mixes both (valid UTF-8 characters beside bytes that are not UTF-8) cannot be
//!   read as either without garbling one part: [`SourceError::MixedLine`] names it.
//!
//! [`DecodedInput::found`] says what was seen, for the import's warning.

use std::io::{self, Read};

use encoding_rs::{Decoder, UTF_16BE, UTF_16LE, WINDOWS_1252};

/// Raw bytes read from the file per refill.
const CHUNK: usize = 64 * 1024;

/// Why decoded bytes could not be produced.
#[derive(Debug)]
pub(super) enum SourceError {
    /// Reading failed.
    Io(io::Error),
    /// The line (1-based) mixes valid UTF-8 characters with bytes that are not UTF-8.
    MixedLine(u64),
    /// The file is not text (a workbook, a PDF, binary data); the text says what it looks like.
    Binary(&'static str),
    /// A field opens a quote that is never closed, so it would run to the end of the file.
    Unterminated {
        /// The line of the opening quote.
        line: u64,
        /// The field's index in its record (0-based).
        field: usize,
        /// The start of the field's text after the quote, shortened.
        start: String,
    },
}

impl From<io::Error> for SourceError {
    fn from(e: io::Error) -> Self {
        SourceError::Io(e)
    }
}

/// What the decoder found the file to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Found {
    /// UTF-8, with or without BOM (or plain ASCII).
    Utf8,
    /// Not UTF-8; decoded as Windows-1252 (no line held UTF-8 beyond ASCII).
    Windows1252,
    /// Some lines UTF-8 beyond ASCII, others Windows-1252; each decoded as what it is.
    Mixed {
        /// The first line decoded as Windows-1252.
        first_1252: u64,
        /// How many lines were decoded as Windows-1252.
        lines_1252: u64,
        /// The first line with UTF-8 beyond ASCII.
        first_utf8: u64,
    },
    /// UTF-16 little-endian (by BOM).
    Utf16Le,
    /// UTF-16 big-endian (by BOM).
    Utf16Be,
}

enum Mode {
    /// UTF-8 or Windows-1252, decided per line.
    PerLine,
    /// UTF-16, transcoded.
    Transcode(Box<Decoder>),
}

/// A reader of UTF-8 bytes over a file in any of the supported encodings.
pub(super) struct DecodedInput<R> {
    inner: R,
    raw: Vec<u8>,
    raw_start: usize,
    raw_end: usize,
    eof: bool,
    finished: bool,
    out: Vec<u8>,
    pos: usize,
    mode: Mode,
    found: Found,
    /// UTF-16 input had malformed sequences (replaced with U+FFFD).
    replaced: bool,
    /// Lines decided so far (per-line mode).
    lines: u64,
    /// The first line with UTF-8 beyond ASCII.
    first_utf8: Option<u64>,
    /// The first line decoded as Windows-1252, and how many were.
    first_1252: Option<u64>,
    lines_1252: u64,
}

/// File signatures of things people export instead of CSV.
const SIGNATURES: &[(&[u8], &str)] = &[
    (b"PK\x03\x04", "an Excel workbook (.xlsx) or another zip archive; save it as CSV first"),
    (b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", "an old Excel workbook (.xls); save it as CSV first"),
    (b"%PDF", "a PDF document, not a CSV file"),
];

impl<R: Read> DecodedInput<R> {
    /// Starts decoding `inner`, reading its first chunk to look at the byte-order mark.
    pub(super) fn new(inner: R) -> Result<Self, SourceError> {
        let mut this = DecodedInput {
            inner,
            raw: vec![0; CHUNK],
            raw_start: 0,
            raw_end: 0,
            eof: false,
            finished: false,
            out: Vec::with_capacity(CHUNK + CHUNK / 2),
            pos: 0,
            mode: Mode::PerLine,
            found: Found::Utf8,
            replaced: false,
            lines: 0,
            first_utf8: None,
            first_1252: None,
            lines_1252: 0,
        };
        // Fill the first chunk completely (or to the end of the file) so the checks below see it.
        while !this.eof && this.raw_end < this.raw.len() {
            this.read_raw()?;
        }
        let head = this.raw.get(..this.raw_end).unwrap_or(&[]);
        for (magic, what) in SIGNATURES {
            if head.starts_with(magic) {
                return Err(SourceError::Binary(what));
            }
        }
        if head.starts_with(b"\xEF\xBB\xBF") {
            this.raw_start = 3;
        } else if head.starts_with(b"\xFF\xFE") {
            this.raw_start = 2;
            this.found = Found::Utf16Le;
            this.mode = Mode::Transcode(Box::new(UTF_16LE.new_decoder_without_bom_handling()));
        } else if head.starts_with(b"\xFE\xFF") {
            this.raw_start = 2;
            this.found = Found::Utf16Be;
            this.mode = Mode::Transcode(Box::new(UTF_16BE.new_decoder_without_bom_handling()));
        }
        if matches!(this.mode, Mode::PerLine) && head.contains(&0) {
            return Err(SourceError::Binary(
                "binary data, not a CSV text file (it contains NUL bytes; a UTF-16 file needs a \
                 byte-order mark)",
            ));
        }
        Ok(this)
    }

    /// What the file turned out to be, from the lines decoded so far.
    pub(super) fn found(&self) -> Found {
        match (self.first_1252, self.first_utf8) {
            _ if !matches!(self.mode, Mode::PerLine) => self.found,
            (None, _) => Found::Utf8,
            (Some(_), None) => Found::Windows1252,
            (Some(first_1252), Some(first_utf8)) => {
                Found::Mixed { first_1252, lines_1252: self.lines_1252, first_utf8 }
            }
        }
    }

    /// Whether malformed UTF-16 was replaced with U+FFFD.
    pub(super) fn replaced(&self) -> bool {
        self.replaced
    }

    /// Reads more raw bytes after the undecoded ones, moving those to the front first.
    fn read_raw(&mut self) -> io::Result<()> {
        if self.raw_start > 0 {
            self.raw.copy_within(self.raw_start..self.raw_end, 0);
            self.raw_end -= self.raw_start;
            self.raw_start = 0;
        }
        let free = self.raw.get_mut(self.raw_end..).unwrap_or(&mut []);
        if free.is_empty() {
            return Ok(());
        }
        loop {
            match self.inner.read(free) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(());
                }
                Ok(n) => {
                    self.raw_end += n;
                    return Ok(());
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }

    /// Decodes the next piece of input and appends it to `out`.
    fn decode_some(&mut self) -> Result<(), SourceError> {
        if self.finished {
            return Ok(());
        }
        if !self.eof {
            self.read_raw()?;
        }
        if let Mode::PerLine = self.mode {
            return self.decode_lines();
        }
        if let Mode::Transcode(decoder) = &mut self.mode {
            let src = self.raw.get(self.raw_start..self.raw_end).unwrap_or(&[]);
            let last = self.eof;
            let mut read_total = 0;
            loop {
                let rest = src.get(read_total..).unwrap_or(&[]);
                let need = decoder
                    .max_utf8_buffer_length(rest.len())
                    .unwrap_or(rest.len().saturating_mul(3).saturating_add(16))
                    .max(16);
                let old = self.out.len();
                self.out.resize(old + need, 0);
                let dst = self.out.get_mut(old..).unwrap_or(&mut []);
                let (result, read, written, had_errors) = decoder.decode_to_utf8(rest, dst, last);
                self.out.truncate(old + written);
                read_total += read;
                self.replaced |= had_errors;
                if result == encoding_rs::CoderResult::InputEmpty {
                    break;
                }
            }
            self.raw_start = self.raw_end;
            if last {
                self.finished = true;
            }
        }
        Ok(())
    }

    /// Per-line mode: decodes the complete lines read so far (everything, at the end of the
    /// input), each as UTF-8 if it is, else as Windows-1252.
    fn decode_lines(&mut self) -> Result<(), SourceError> {
        let full = self.raw_start == 0 && self.raw_end == self.raw.len();
        let chunk = self.raw.get(self.raw_start..self.raw_end).unwrap_or(&[]);
        let end = if self.eof {
            chunk.len()
        } else {
            match chunk.iter().rposition(|b| *b == b'\n') {
                Some(i) => i + 1,
                // A line longer than the buffer: decided in pieces, never inside a character.
                None if full => utf8_boundary(chunk),
                // Read on until the line is complete.
                None => return Ok(()),
            }
        };
        let part = chunk.get(..end).unwrap_or(&[]);
        if std::str::from_utf8(part).is_ok() {
            if self.first_utf8.is_none()
                && let Some(at) = part.iter().position(|b| !b.is_ascii())
            {
                self.first_utf8 = Some(self.lines + 1 + newlines(part.get(..at).unwrap_or(&[])));
            }
            self.out.extend_from_slice(part);
            self.lines += newlines(part);
        } else {
            for line in part.split_inclusive(|b| *b == b'\n') {
                let number = self.lines + 1;
                match std::str::from_utf8(line) {
                    Ok(text) => {
                        if self.first_utf8.is_none() && !text.is_ascii() {
                            self.first_utf8 = Some(number);
                        }
                        self.out.extend_from_slice(line);
                    }
                    Err(_) if has_utf8_beyond_ascii(line) => return Err(SourceError::MixedLine(number)),
                    Err(_) => {
                        self.first_1252.get_or_insert(number);
                        self.lines_1252 += 1;
                        let (text, _) = WINDOWS_1252.decode_without_bom_handling(line);
                        self.out.extend_from_slice(text.as_bytes());
                    }
                }
                self.lines += u64::from(line.last() == Some(&b'\n'));
            }
        }
        self.raw_start += end;
        if self.eof && self.raw_start >= self.raw_end {
            self.finished = true;
        }
        Ok(())
    }

    /// The decoded bytes not consumed yet; empty only at the end of the input.
    pub(super) fn fill(&mut self) -> Result<&[u8], SourceError> {
        while self.pos >= self.out.len() && !self.finished {
            self.out.clear();
            self.pos = 0;
            self.decode_some()?;
        }
        Ok(self.out.get(self.pos..).unwrap_or(&[]))
    }

    /// Marks `n` decoded bytes as used.
    pub(super) fn consume(&mut self, n: usize) {
        self.pos = (self.pos + n).min(self.out.len());
    }

    /// Decodes more input after what [`Self::fill`] returned, without consuming anything.
    /// Returns false at the end of the input.
    pub(super) fn fill_more(&mut self) -> Result<bool, SourceError> {
        if self.finished {
            return Ok(false);
        }
        if self.pos > 0 {
            self.out.drain(..self.pos);
            self.pos = 0;
        }
        self.decode_some()?;
        Ok(true)
    }
}

/// How many line feeds `bytes` holds.
fn newlines(bytes: &[u8]) -> u64 {
    // Vector search from line feed to line feed: a byte-by-byte count was a twentieth of an
    // import's instructions.
    memchr::memchr_iter(b'\n', bytes).count() as u64
}

/// The length of `bytes` without a UTF-8 sequence cut off at its end.
fn utf8_boundary(bytes: &[u8]) -> usize {
    let len = bytes.len();
    // A sequence is at most 4 bytes: look back over at most 3 continuation bytes for its lead.
    for back in 1..=len.min(4) {
        let at = len - back;
        let b = bytes.get(at).copied().unwrap_or(0);
        if b & 0xC0 != 0x80 {
            let needed = match b {
                0xC0..=0xDF => 2,
                0xE0..=0xEF => 3,
                0xF0..=0xF7 => 4,
                _ => 1,
            };
            return if needed > back { at } else { len };
        }
    }
    len
}

/// Whether a line that is not valid UTF-8 still holds valid UTF-8 beyond ASCII somewhere.
fn has_utf8_beyond_ascii(mut bytes: &[u8]) -> bool {
    loop {
        match std::str::from_utf8(bytes) {
            Ok(text) => return !text.is_ascii(),
            Err(e) => {
                if !bytes.get(..e.valid_up_to()).unwrap_or(&[]).is_ascii() {
                    return true;
                }
                let skip = e.valid_up_to() + e.error_len().unwrap_or(1);
                bytes = bytes.get(skip..).unwrap_or(&[]);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Decodes everything, reading through a reader that returns `step` bytes at a time.
    fn decode(bytes: &[u8], step: usize) -> Result<(String, Found), SourceError> {
        struct Trickle<'a>(&'a [u8], usize);
        impl Read for Trickle<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                let n = self.1.min(buf.len()).min(self.0.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let mut input = DecodedInput::new(Trickle(bytes, step))?;
        let mut out = Vec::new();
        loop {
            let chunk = input.fill()?;
            if chunk.is_empty() {
                break;
            }
            out.extend_from_slice(chunk);
            let n = chunk.len();
            input.consume(n);
        }
        Ok((String::from_utf8(out).unwrap(), input.found()))
    }

    #[test]
    fn utf8_passes_through_and_loses_its_bom() {
        let text = "\u{FEFF}id,name\n1,Zoé Ærø\n";
        for step in [1, 2, 3, 7, 1 << 20] {
            let (out, found) = decode(text.as_bytes(), step).unwrap();
            assert_eq!(out, "id,name\n1,Zoé Ærø\n");
            assert_eq!(found, Found::Utf8);
        }
    }

    #[test]
    fn windows_1252_is_decoded_when_not_utf8() {
        let bytes = b"id,name,amount\n1,Zo\xE9,\x80 5\n";
        for step in [1, 5, 1 << 20] {
            let (out, found) = decode(bytes, step).unwrap();
            assert_eq!(out, "id,name,amount\n1,Zoé,€ 5\n");
            assert_eq!(found, Found::Windows1252);
        }
    }

    #[test]
    fn mixed_files_decode_each_line_as_what_it_is() {
        // UTF-8 lines before, between and after Windows-1252 ones: no line is garbled.
        let bytes: Vec<u8> =
            "id,name\n1,Zoé\n2,".bytes().chain(*b"Ren\xE9\n3,Ma\xEFa\n4,").chain("Øyvind\n5,Ann\n".bytes()).collect();
        for step in [1, 2, 3, 7, 1 << 20] {
            let (out, found) = decode(&bytes, step).unwrap();
            assert_eq!(out, "id,name\n1,Zoé\n2,René\n3,Maïa\n4,Øyvind\n5,Ann\n", "step {step}");
            assert_eq!(found, Found::Mixed { first_1252: 3, lines_1252: 2, first_utf8: 2 }, "step {step}");
        }
    }

    #[test]
    fn a_line_mixing_utf8_and_other_bytes_is_refused_by_number() {
        let bytes: Vec<u8> = "id,name\n1,Zoé\n".bytes().chain(*b"2,Ren\xE9 ").chain("Zoé\n".bytes()).collect();
        for step in [1, 5, 1 << 20] {
            assert!(matches!(decode(&bytes, step), Err(SourceError::MixedLine(3))), "step {step}");
        }
    }

    #[test]
    fn a_line_longer_than_the_buffer_is_never_cut_inside_a_character() {
        // 'é' straddles the end of the first buffer of raw bytes.
        let mut text = "a".repeat(CHUNK - 1);
        text.push_str("é and more é\n");
        for step in [7, 1 << 20] {
            let (out, found) = decode(text.as_bytes(), step).unwrap();
            assert_eq!(out, text);
            assert_eq!(found, Found::Utf8);
        }
    }

    #[test]
    fn truncated_utf8_at_the_end_is_windows_1252() {
        let (out, found) = decode(b"ab\xC3", 1).unwrap();
        assert_eq!(out, "abÃ");
        assert_eq!(found, Found::Windows1252);
    }

    #[test]
    fn utf16_with_bom_is_transcoded() {
        let le: Vec<u8> = [0xFF, 0xFE].into_iter().chain("id,é\n".encode_utf16().flat_map(u16::to_le_bytes)).collect();
        let be: Vec<u8> = [0xFE, 0xFF].into_iter().chain("id,é\n".encode_utf16().flat_map(u16::to_be_bytes)).collect();
        for step in [1, 3, 1 << 20] {
            assert_eq!(decode(&le, step).unwrap(), ("id,é\n".to_string(), Found::Utf16Le));
            assert_eq!(decode(&be, step).unwrap(), ("id,é\n".to_string(), Found::Utf16Be));
        }
    }

    #[test]
    fn workbooks_and_binary_data_are_recognised() {
        assert!(matches!(
            decode(b"PK\x03\x04rest", 100),
            Err(SourceError::Binary(what)) if what.contains(".xlsx")
        ));
        assert!(matches!(
            decode(b"id\0name", 100),
            Err(SourceError::Binary(what)) if what.contains("NUL")
        ));
    }

    #[test]
    fn fill_more_keeps_unconsumed_bytes() {
        let text = "a".repeat(3 * CHUNK);
        let mut input = DecodedInput::new(text.as_bytes()).unwrap();
        let first = input.fill().unwrap().len();
        input.consume(10);
        assert!(input.fill_more().unwrap());
        assert_eq!(input.fill().unwrap().len(), 2 * first - 10);
    }
}
