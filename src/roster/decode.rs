//! Turning the bytes of a roster file into UTF-8 as they are read.
//!
//! A file is UTF-8 (with or without BOM) unless it is not valid UTF-8, in which case it is
//! Windows-1252 (what Excel writes on Western European Windows); UTF-16 files are recognised by
//! their byte-order mark. The decision is made while streaming:
//!
//! * UTF-16 BOM: transcoded to UTF-8 from the start.
//! * Otherwise bytes pass through while they are valid UTF-8. At the first invalid byte, if
//!   everything before it was ASCII (the usual case for a Windows-1252 file: the first accented
//!   letter is the first invalid byte), the rest is transcoded from Windows-1252; ASCII reads the
//!   same in both, so this equals decoding the whole file as Windows-1252.
//! * If valid non-ASCII UTF-8 came before the invalid byte, decoding the file as Windows-1252
//!   would read those earlier bytes differently, so the reader reports
//!   [`SourceError::Restart`] and the caller reads the file again with
//!   [`Start::Windows1252`].

use std::io::{self, Read};

use encoding_rs::{Decoder, UTF_16BE, UTF_16LE, WINDOWS_1252};

/// Raw bytes read from the file per refill.
const CHUNK: usize = 64 * 1024;

/// Why decoded bytes could not be produced.
#[derive(Debug)]
pub(super) enum SourceError {
    /// Reading failed.
    Io(io::Error),
    /// The file mixes UTF-8 and other bytes; read it again as Windows-1252 from the start.
    Restart,
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

/// How to start decoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Start {
    /// Detect: BOMs, then UTF-8 with a Windows-1252 fallback.
    Detect,
    /// Decode as Windows-1252 (after a UTF-8 BOM, if any), after a [`SourceError::Restart`].
    Windows1252,
}

/// What the decoder found the file to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Found {
    /// UTF-8, with or without BOM (or plain ASCII).
    Utf8,
    /// Not UTF-8; decoded as Windows-1252.
    Windows1252,
    /// UTF-16 little-endian (by BOM).
    Utf16Le,
    /// UTF-16 big-endian (by BOM).
    Utf16Be,
}

enum Mode {
    Utf8Check,
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
    seen_non_ascii: bool,
    found: Found,
    /// UTF-16 input had malformed sequences (replaced with U+FFFD).
    replaced: bool,
}

/// File signatures of things people export instead of CSV.
const SIGNATURES: &[(&[u8], &str)] = &[
    (b"PK\x03\x04", "an Excel workbook (.xlsx) or another zip archive; save it as CSV first"),
    (b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", "an old Excel workbook (.xls); save it as CSV first"),
    (b"%PDF", "a PDF document, not a CSV file"),
];

impl<R: Read> DecodedInput<R> {
    /// Starts decoding `inner`, reading its first chunk to look at the byte-order mark.
    pub(super) fn new(inner: R, start: Start) -> Result<Self, SourceError> {
        let mut this = DecodedInput {
            inner,
            raw: vec![0; CHUNK],
            raw_start: 0,
            raw_end: 0,
            eof: false,
            finished: false,
            out: Vec::with_capacity(CHUNK + CHUNK / 2),
            pos: 0,
            mode: Mode::Utf8Check,
            seen_non_ascii: false,
            found: Found::Utf8,
            replaced: false,
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
        if matches!(this.mode, Mode::Utf8Check) {
            if head.contains(&0) {
                return Err(SourceError::Binary(
                    "binary data, not a CSV text file (it contains NUL bytes; a UTF-16 file needs \
                     a byte-order mark)",
                ));
            }
            if start == Start::Windows1252 {
                this.switch_to_1252();
            }
        }
        Ok(this)
    }

    /// What the file turned out to be (so far: a UTF-8 file may still switch to Windows-1252).
    pub(super) fn found(&self) -> Found {
        self.found
    }

    /// Whether malformed UTF-16 was replaced with U+FFFD.
    pub(super) fn replaced(&self) -> bool {
        self.replaced
    }

    fn switch_to_1252(&mut self) {
        self.found = Found::Windows1252;
        self.mode = Mode::Transcode(Box::new(WINDOWS_1252.new_decoder_without_bom_handling()));
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
        let chunk = self.raw.get(self.raw_start..self.raw_end).unwrap_or(&[]);
        if let Mode::Utf8Check = self.mode {
            match std::str::from_utf8(chunk) {
                Ok(_) => {
                    if !self.seen_non_ascii && !chunk.is_ascii() {
                        self.seen_non_ascii = true;
                    }
                    self.out.extend_from_slice(chunk);
                    self.raw_start = self.raw_end;
                    if self.eof {
                        self.finished = true;
                    }
                    return Ok(());
                }
                Err(e) => {
                    let valid = chunk.get(..e.valid_up_to()).unwrap_or(&[]);
                    let incomplete_tail = e.error_len().is_none() && !self.eof;
                    if !self.seen_non_ascii && !valid.is_ascii() {
                        self.seen_non_ascii = true;
                    }
                    self.out.extend_from_slice(valid);
                    self.raw_start += valid.len();
                    if incomplete_tail {
                        // The rest of a character is in the next read.
                        return Ok(());
                    }
                    if self.seen_non_ascii {
                        return Err(SourceError::Restart);
                    }
                    self.switch_to_1252();
                }
            }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Decodes everything, reading through a reader that returns `step` bytes at a time.
    fn decode(bytes: &[u8], step: usize, start: Start) -> Result<(String, Found), SourceError> {
        struct Trickle<'a>(&'a [u8], usize);
        impl Read for Trickle<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                let n = self.1.min(buf.len()).min(self.0.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let mut input = DecodedInput::new(Trickle(bytes, step), start)?;
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
            let (out, found) = decode(text.as_bytes(), step, Start::Detect).unwrap();
            assert_eq!(out, "id,name\n1,Zoé Ærø\n");
            assert_eq!(found, Found::Utf8);
        }
    }

    #[test]
    fn windows_1252_is_decoded_when_not_utf8() {
        let bytes = b"id,name,amount\n1,Zo\xE9,\x80 5\n";
        for step in [1, 5, 1 << 20] {
            let (out, found) = decode(bytes, step, Start::Detect).unwrap();
            assert_eq!(out, "id,name,amount\n1,Zoé,€ 5\n");
            assert_eq!(found, Found::Windows1252);
        }
    }

    #[test]
    fn mixed_utf8_then_invalid_asks_for_a_restart_as_1252() {
        let bytes = "1,Zoé\n2,".bytes().chain(*b"Ren\xE9\n").collect::<Vec<u8>>();
        assert!(matches!(decode(&bytes, 3, Start::Detect), Err(SourceError::Restart)));
        let (out, found) = decode(&bytes, 3, Start::Windows1252).unwrap();
        assert_eq!(out, "1,ZoÃ©\n2,René\n");
        assert_eq!(found, Found::Windows1252);
    }

    #[test]
    fn truncated_utf8_at_the_end_is_windows_1252() {
        let (out, found) = decode(b"ab\xC3", 1, Start::Detect).unwrap();
        assert_eq!(out, "abÃ");
        assert_eq!(found, Found::Windows1252);
    }

    #[test]
    fn utf16_with_bom_is_transcoded() {
        let le: Vec<u8> = [0xFF, 0xFE].into_iter().chain("id,é\n".encode_utf16().flat_map(u16::to_le_bytes)).collect();
        let be: Vec<u8> = [0xFE, 0xFF].into_iter().chain("id,é\n".encode_utf16().flat_map(u16::to_be_bytes)).collect();
        for step in [1, 3, 1 << 20] {
            assert_eq!(decode(&le, step, Start::Detect).unwrap(), ("id,é\n".to_string(), Found::Utf16Le));
            assert_eq!(decode(&be, step, Start::Detect).unwrap(), ("id,é\n".to_string(), Found::Utf16Be));
        }
    }

    #[test]
    fn workbooks_and_binary_data_are_recognised() {
        assert!(matches!(
            decode(b"PK\x03\x04rest", 100, Start::Detect),
            Err(SourceError::Binary(what)) if what.contains(".xlsx")
        ));
        assert!(matches!(
            decode(b"id\0name", 100, Start::Detect),
            Err(SourceError::Binary(what)) if what.contains("NUL")
        ));
    }

    #[test]
    fn fill_more_keeps_unconsumed_bytes() {
        let text = "a".repeat(3 * CHUNK);
        let mut input = DecodedInput::new(text.as_bytes(), Start::Detect).unwrap();
        let first = input.fill().unwrap().len();
        input.consume(10);
        assert!(input.fill_more().unwrap());
        assert_eq!(input.fill().unwrap().len(), 2 * first - 10);
    }
}
