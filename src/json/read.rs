//! The lexer behind [`from_str`](super::from_str): whitespace, literals, numbers, strings and
//! skipped values, with serde_json's rules and error messages.
//!
//! Everything here is non-generic, so it is compiled once; the generic serde glue in
//! `parse.rs` stays a few instructions per visitor. Numbers are read exactly as serde_json reads
//! them (without its `float_roundtrip` feature), so every document parses to the same values.

use std::borrow::Cow;
use std::fmt::Write as _;

use super::Error;
use serde::de::{self, Expected, Unexpected};

/// serde_json's nesting limit.
const MAX_DEPTH: u8 = 128;

/// A syntax error, with serde_json's message.
#[derive(Clone, Copy)]
pub(super) enum Code {
    EofList,
    EofObject,
    EofString,
    EofValue,
    ExpectedColon,
    ExpectedListCommaOrEnd,
    ExpectedObjectCommaOrEnd,
    ExpectedIdent,
    ExpectedValue,
    InvalidEscape,
    InvalidNumber,
    NumberOutOfRange,
    ControlCharacter,
    KeyMustBeAString,
    LoneSurrogate,
    TrailingComma,
    TrailingCharacters,
    UnexpectedEndOfHexEscape,
    RecursionLimit,
}

impl Code {
    fn message(self) -> &'static str {
        match self {
            Code::EofList => "EOF while parsing a list",
            Code::EofObject => "EOF while parsing an object",
            Code::EofString => "EOF while parsing a string",
            Code::EofValue => "EOF while parsing a value",
            Code::ExpectedColon => "expected `:`",
            Code::ExpectedListCommaOrEnd => "expected `,` or `]`",
            Code::ExpectedObjectCommaOrEnd => "expected `,` or `}`",
            Code::ExpectedIdent => "expected ident",
            Code::ExpectedValue => "expected value",
            Code::InvalidEscape => "invalid escape",
            Code::InvalidNumber => "invalid number",
            Code::NumberOutOfRange => "number out of range",
            Code::ControlCharacter => {
                "control character (\\u0000-\\u001F) found while parsing a string"
            }
            Code::KeyMustBeAString => "key must be a string",
            Code::LoneSurrogate => "lone leading surrogate in hex escape",
            Code::TrailingComma => "trailing comma",
            Code::TrailingCharacters => "trailing characters",
            Code::UnexpectedEndOfHexEscape => "unexpected end of hex escape",
            Code::RecursionLimit => "recursion limit exceeded",
        }
    }
}

/// A parsed number, as serde_json classifies it.
#[derive(Clone, Copy)]
pub(super) enum Number {
    U64(u64),
    I64(i64),
    F64(f64),
}

impl Number {
    fn unexpected(self) -> Unexpected<'static> {
        match self {
            Number::U64(n) => Unexpected::Unsigned(n),
            Number::I64(n) => Unexpected::Signed(n),
            Number::F64(n) => Unexpected::Float(n),
        }
    }
}

/// The position in a JSON text: the lexer behind [`from_str`](super::from_str) and the
/// [`FromJson`](super::FromJson) readers.
pub struct Reader<'a> {
    text: &'a str,
    pub(super) i: usize,
    depth: u8,
    /// The last object key read ([`Reader::key`]).
    key: Cow<'a, str>,
}

type Result<T> = std::result::Result<T, Error>;

fn overflows(a: u64, b: u64) -> bool {
    a >= u64::MAX / 10 && (a > u64::MAX / 10 || b > u64::MAX % 10)
}

impl<'a> Reader<'a> {
    pub(super) fn new(text: &'a str) -> Reader<'a> {
        Reader {
            text,
            i: 0,
            depth: MAX_DEPTH,
            key: Cow::Borrowed(""),
        }
    }

    fn byte(&self) -> Option<u8> {
        self.text.as_bytes().get(self.i).copied()
    }

    /// An error at `index`, as serde_json positions it (1-based line, column).
    fn error_at(&self, message: &str, index: usize) -> Error {
        let before = &self.text.as_bytes()[..index.min(self.text.len())];
        let start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1);
        let line = 1 + before[..start].iter().filter(|&&b| b == b'\n').count();
        let mut text = String::from(message);
        let _ = write!(text, " at line {line} column {}", before.len() - start);
        Error::positioned(text)
    }

    /// A syntax error after the bytes read.
    pub(super) fn error(&self, code: Code) -> Error {
        self.error_at(code.message(), self.i)
    }

    /// A syntax error at the byte looked at.
    pub(super) fn peek_error(&self, code: Code) -> Error {
        self.error_at(code.message(), self.i + 1)
    }

    /// Gives an error from a visitor (no position yet) the current position.
    pub(super) fn fix(&self, err: Error) -> Error {
        if !err.has_position() {
            self.error_at(&err.to_string(), self.i)
        } else {
            err
        }
    }

    /// Skips whitespace; the next byte, not consumed.
    pub(super) fn peek(&mut self) -> Option<u8> {
        while let Some(b' ' | b'\n' | b'\t' | b'\r') = self.byte() {
            self.i += 1;
        }
        self.byte()
    }

    /// After the last value: only whitespace may follow.
    pub(super) fn end(&mut self) -> Result<()> {
        match self.peek() {
            None => Ok(()),
            Some(_) => Err(self.peek_error(Code::TrailingCharacters)),
        }
    }

    /// Reads the rest of `null`, `true` or `false` after its first byte.
    pub(super) fn ident(&mut self, rest: &[u8]) -> Result<()> {
        self.i += 1;
        for &expected in rest {
            match self.byte() {
                None => return Err(self.error(Code::EofValue)),
                Some(next) => {
                    self.i += 1;
                    if next != expected {
                        return Err(self.error(Code::ExpectedIdent));
                    }
                }
            }
        }
        Ok(())
    }

    /// Enters `[` or `{` (consumed), counting the depth.
    pub(super) fn enter(&mut self) -> Result<()> {
        self.depth -= 1;
        if self.depth == 0 {
            return Err(self.peek_error(Code::RecursionLimit));
        }
        self.i += 1;
        Ok(())
    }

    /// Leaves a container entered with [`Reader::enter`] (the depth only).
    pub(super) fn leave(&mut self) {
        self.depth += 1;
    }

    /// Opens the container `open` (`[` or `{`), or reports what is there instead.
    pub(super) fn open(&mut self, open: u8, exp: &dyn Expected) -> Result<()> {
        match self.peek() {
            None => Err(self.peek_error(Code::EofValue)),
            Some(b) if b == open => self.enter(),
            Some(_) => Err(self.invalid_type(exp)),
        }
    }

    /// Closes an array after its last element.
    pub(super) fn end_seq(&mut self) -> Result<()> {
        self.leave();
        match self.peek() {
            Some(b']') => {
                self.i += 1;
                Ok(())
            }
            Some(b',') => {
                self.i += 1;
                match self.peek() {
                    Some(b']') => Err(self.peek_error(Code::TrailingComma)),
                    _ => Err(self.peek_error(Code::TrailingCharacters)),
                }
            }
            Some(_) => Err(self.peek_error(Code::TrailingCharacters)),
            None => Err(self.peek_error(Code::EofList)),
        }
    }

    /// Closes an object after its last member.
    pub(super) fn end_map(&mut self) -> Result<()> {
        self.leave();
        match self.peek() {
            Some(b'}') => {
                self.i += 1;
                Ok(())
            }
            Some(b',') => Err(self.peek_error(Code::TrailingComma)),
            Some(_) => Err(self.peek_error(Code::TrailingCharacters)),
            None => Err(self.peek_error(Code::EofObject)),
        }
    }

    /// Whether another array element follows (the reader is then at it).
    pub(super) fn next_element(&mut self, first: &mut bool) -> Result<bool> {
        let peek = match self.peek() {
            Some(b']') => return Ok(false),
            Some(b',') if !*first => {
                self.i += 1;
                self.peek()
            }
            Some(b) => {
                if !*first {
                    return Err(self.peek_error(Code::ExpectedListCommaOrEnd));
                }
                *first = false;
                Some(b)
            }
            None => return Err(self.peek_error(Code::EofList)),
        };
        match peek {
            Some(b']') => Err(self.peek_error(Code::TrailingComma)),
            Some(_) => Ok(true),
            None => Err(self.peek_error(Code::EofValue)),
        }
    }

    /// Whether another object member follows (the reader is then at its key's `"`).
    pub(super) fn next_key(&mut self, first: &mut bool) -> Result<bool> {
        let peek = match self.peek() {
            Some(b'}') => return Ok(false),
            Some(b',') if !*first => {
                self.i += 1;
                self.peek()
            }
            Some(b) => {
                if !*first {
                    return Err(self.peek_error(Code::ExpectedObjectCommaOrEnd));
                }
                *first = false;
                Some(b)
            }
            None => return Err(self.peek_error(Code::EofObject)),
        };
        match peek {
            Some(b'"') => Ok(true),
            Some(b'}') => Err(self.peek_error(Code::TrailingComma)),
            Some(_) => Err(self.peek_error(Code::KeyMustBeAString)),
            None => Err(self.peek_error(Code::EofValue)),
        }
    }

    /// The next object member's key, if another member follows (the reader is then after
    /// the key). Kept in the reader, so the key visitors need no string handling of their own.
    pub(super) fn key(&mut self, first: &mut bool) -> Result<Option<&str>> {
        if !self.next_key(first)? {
            return Ok(None);
        }
        self.key = self.string()?;
        Ok(Some(&self.key))
    }

    /// The `:` after a key.
    pub(super) fn colon(&mut self) -> Result<()> {
        match self.peek() {
            Some(b':') => {
                self.i += 1;
                Ok(())
            }
            Some(_) => Err(self.peek_error(Code::ExpectedColon)),
            None => Err(self.peek_error(Code::EofObject)),
        }
    }

    /// serde_json's `invalid type` error for the value at the reader (consumed when scalar).
    pub(super) fn invalid_type(&mut self, exp: &dyn Expected) -> Error {
        let unexpected = match self.byte() {
            Some(b'n') => self.ident(b"ull").map(|()| Unexpected::Unit),
            Some(b't') => self.ident(b"rue").map(|()| Unexpected::Bool(true)),
            Some(b'f') => self.ident(b"alse").map(|()| Unexpected::Bool(false)),
            Some(b'-' | b'0'..=b'9') => self.number().map(Number::unexpected),
            Some(b'"') => match self.string() {
                Ok(s) => return self.fix(de::Error::invalid_type(Unexpected::Str(&s), exp)),
                Err(err) => Err(err),
            },
            Some(b'[') => Ok(Unexpected::Seq),
            Some(b'{') => Ok(Unexpected::Map),
            _ => return self.peek_error(Code::ExpectedValue),
        };
        match unexpected {
            Ok(unexpected) => self.fix(de::Error::invalid_type(unexpected, exp)),
            Err(err) => err,
        }
    }

    /// Skips one value, checking it as serde_json's `ignore_value` does (numbers are not
    /// converted, string escapes not paired, nesting not limited: an explicit stack, never
    /// recursion).
    pub(super) fn skip(&mut self) -> Result<()> {
        let mut stack: Vec<u8> = Vec::new();
        let mut enclosing: Option<u8> = None;
        loop {
            let frame = match self.peek() {
                None => return Err(self.peek_error(Code::EofValue)),
                Some(b'n') => self.ident(b"ull").map(|()| None)?,
                Some(b't') => self.ident(b"rue").map(|()| None)?,
                Some(b'f') => self.ident(b"alse").map(|()| None)?,
                Some(b'-' | b'0'..=b'9') => self.skip_number().map(|()| None)?,
                Some(b'"') => self.skip_string().map(|()| None)?,
                Some(frame @ (b'[' | b'{')) => {
                    stack.extend(enclosing.take());
                    self.i += 1;
                    Some(frame)
                }
                Some(_) => return Err(self.peek_error(Code::ExpectedValue)),
            };
            let (mut accept_comma, mut frame) = match frame {
                Some(frame) => (false, frame),
                None => match enclosing.take().or_else(|| stack.pop()) {
                    Some(frame) => (true, frame),
                    None => return Ok(()),
                },
            };
            loop {
                match self.peek() {
                    Some(b',') if accept_comma => {
                        self.i += 1;
                        break;
                    }
                    Some(b']') if frame == b'[' => {}
                    Some(b'}') if frame == b'{' => {}
                    Some(_) if accept_comma => {
                        return Err(self.peek_error(if frame == b'[' {
                            Code::ExpectedListCommaOrEnd
                        } else {
                            Code::ExpectedObjectCommaOrEnd
                        }))
                    }
                    Some(_) => break,
                    None => {
                        return Err(self.peek_error(if frame == b'[' {
                            Code::EofList
                        } else {
                            Code::EofObject
                        }))
                    }
                }
                self.i += 1;
                frame = match stack.pop() {
                    Some(frame) => frame,
                    None => return Ok(()),
                };
                accept_comma = true;
            }
            if frame == b'{' {
                match self.peek() {
                    Some(b'"') => {}
                    Some(_) => return Err(self.peek_error(Code::KeyMustBeAString)),
                    None => return Err(self.peek_error(Code::EofObject)),
                }
                self.skip_string()?;
                match self.peek() {
                    Some(b':') => self.i += 1,
                    Some(_) => return Err(self.peek_error(Code::ExpectedColon)),
                    None => return Err(self.peek_error(Code::EofObject)),
                }
            }
            enclosing = Some(frame);
        }
    }

    fn digits(&mut self) -> bool {
        let start = self.i;
        while let Some(b'0'..=b'9') = self.byte() {
            self.i += 1;
        }
        self.i > start
    }

    /// Skips a number (serde_json's `ignore_integer`: syntax only, no range).
    fn skip_number(&mut self) -> Result<()> {
        if self.byte() == Some(b'-') {
            self.i += 1;
        }
        match self.byte() {
            Some(b'0') => {
                self.i += 1;
                if let Some(b'0'..=b'9') = self.byte() {
                    return Err(self.peek_error(Code::InvalidNumber));
                }
            }
            Some(b'1'..=b'9') => {
                self.digits();
            }
            Some(_) => {
                self.i += 1;
                return Err(self.error(Code::InvalidNumber));
            }
            None => return Err(self.error(Code::InvalidNumber)),
        }
        if self.byte() == Some(b'.') {
            self.i += 1;
            if !self.digits() {
                return Err(self.peek_error(Code::InvalidNumber));
            }
        }
        if let Some(b'e' | b'E') = self.byte() {
            self.i += 1;
            if let Some(b'+' | b'-') = self.byte() {
                self.i += 1;
            }
            match self.byte() {
                Some(b'0'..=b'9') => self.digits(),
                Some(_) => {
                    self.i += 1;
                    return Err(self.error(Code::InvalidNumber));
                }
                None => return Err(self.error(Code::InvalidNumber)),
            };
        }
        Ok(())
    }

    /// Skips a string at its `"` (serde_json's `ignore_str`: escapes checked, not paired).
    fn skip_string(&mut self) -> Result<()> {
        self.i += 1;
        loop {
            match self.byte() {
                None => return Err(self.error(Code::EofString)),
                Some(b'"') => {
                    self.i += 1;
                    return Ok(());
                }
                Some(b'\\') => {
                    self.i += 1;
                    match self.byte() {
                        None => return Err(self.error(Code::EofString)),
                        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => self.i += 1,
                        Some(b'u') => {
                            self.i += 1;
                            self.hex4()?;
                        }
                        Some(_) => {
                            self.i += 1;
                            return Err(self.error(Code::InvalidEscape));
                        }
                    }
                }
                Some(0..0x20) => return Err(self.error(Code::ControlCharacter)),
                Some(_) => self.i += 1,
            }
        }
    }

    /// A number at the reader (an optional `-`, then digits).
    pub(super) fn number(&mut self) -> Result<Number> {
        let positive = self.byte() != Some(b'-');
        if !positive {
            self.i += 1;
        }
        let first = match self.byte() {
            Some(b) => b,
            None => return Err(self.error(Code::EofValue)),
        };
        self.i += 1;
        let mut significand = match first {
            b'0' => {
                if let Some(b'0'..=b'9') = self.byte() {
                    return Err(self.peek_error(Code::InvalidNumber));
                }
                0
            }
            b'1'..=b'9' => u64::from(first - b'0'),
            _ => return Err(self.error(Code::InvalidNumber)),
        };
        let mut exponent = 0i32;
        while let Some(c @ b'0'..=b'9') = self.byte() {
            let digit = u64::from(c - b'0');
            if exponent > 0 || overflows(significand, digit) {
                // Too long for a u64: further digits only scale it.
                exponent += 1;
            } else {
                significand = significand * 10 + digit;
            }
            self.i += 1;
        }
        match self.byte() {
            Some(b'.') => self
                .decimal(positive, significand, exponent)
                .map(Number::F64),
            Some(b'e' | b'E') => self
                .exponent(positive, significand, exponent)
                .map(Number::F64),
            _ if exponent > 0 => self
                .float_of(positive, significand, exponent)
                .map(Number::F64),
            _ if positive => Ok(Number::U64(significand)),
            _ => {
                let neg = (significand as i64).wrapping_neg();
                // A float on underflow, or for `-0`.
                Ok(if neg >= 0 {
                    Number::F64(-(significand as f64))
                } else {
                    Number::I64(neg)
                })
            }
        }
    }

    fn decimal(&mut self, positive: bool, mut significand: u64, before: i32) -> Result<f64> {
        self.i += 1;
        let mut after = 0i32;
        let mut overflowed = false;
        while let Some(c @ b'0'..=b'9') = self.byte() {
            let digit = u64::from(c - b'0');
            if overflowed || overflows(significand, digit) {
                // The next digit would overflow: ignore the rest of the fraction.
                overflowed = true;
            } else {
                significand = significand * 10 + digit;
                after -= 1;
            }
            self.i += 1;
        }
        if after == 0 && !overflowed {
            return Err(match self.byte() {
                Some(_) => self.peek_error(Code::InvalidNumber),
                None => self.peek_error(Code::EofValue),
            });
        }
        let exponent = before + after;
        match self.byte() {
            Some(b'e' | b'E') => self.exponent(positive, significand, exponent),
            _ => self.float_of(positive, significand, exponent),
        }
    }

    fn exponent(&mut self, positive: bool, significand: u64, starting: i32) -> Result<f64> {
        self.i += 1;
        let positive_exp = match self.byte() {
            Some(b'+') => {
                self.i += 1;
                true
            }
            Some(b'-') => {
                self.i += 1;
                false
            }
            _ => true,
        };
        let mut exp = match self.byte() {
            None => return Err(self.error(Code::EofValue)),
            Some(c @ b'0'..=b'9') => {
                self.i += 1;
                i32::from(c - b'0')
            }
            Some(_) => {
                self.i += 1;
                return Err(self.error(Code::InvalidNumber));
            }
        };
        while let Some(c @ b'0'..=b'9') = self.byte() {
            self.i += 1;
            let digit = i32::from(c - b'0');
            if exp >= i32::MAX / 10 && (exp > i32::MAX / 10 || digit > i32::MAX % 10) {
                // Error instead of infinity; zero otherwise.
                if significand != 0 && positive_exp {
                    return Err(self.error(Code::NumberOutOfRange));
                }
                while let Some(b'0'..=b'9') = self.byte() {
                    self.i += 1;
                }
                return Ok(if positive { 0.0 } else { -0.0 });
            }
            exp = exp * 10 + digit;
        }
        let exponent = if positive_exp {
            starting.saturating_add(exp)
        } else {
            starting.saturating_sub(exp)
        };
        self.float_of(positive, significand, exponent)
    }

    fn float_of(&mut self, positive: bool, significand: u64, mut exponent: i32) -> Result<f64> {
        let mut f = significand as f64;
        loop {
            match crate::math::pow10(exponent.unsigned_abs()) {
                Some(pow) => {
                    if exponent >= 0 {
                        f *= pow;
                        if f.is_infinite() {
                            return Err(self.error(Code::NumberOutOfRange));
                        }
                    } else {
                        f /= pow;
                    }
                    break;
                }
                None => {
                    if f == 0.0 {
                        break;
                    }
                    if exponent >= 0 {
                        return Err(self.error(Code::NumberOutOfRange));
                    }
                    f /= 1e308;
                    exponent += 308;
                }
            }
        }
        Ok(if positive { f } else { -f })
    }

    /// A string at the reader's `"`: borrowed when it has no escapes.
    pub(super) fn string(&mut self) -> Result<Cow<'a, str>> {
        let text = self.text;
        self.i += 1;
        let mut start = self.i;
        let mut owned: Option<String> = None;
        loop {
            match self.byte() {
                None => return Err(self.error(Code::EofString)),
                Some(b'"') => {
                    let tail = &text[start..self.i];
                    self.i += 1;
                    return Ok(match owned {
                        None => Cow::Borrowed(tail),
                        Some(mut s) => {
                            s.push_str(tail);
                            Cow::Owned(s)
                        }
                    });
                }
                Some(b'\\') => {
                    let s = owned.get_or_insert_with(String::new);
                    s.push_str(&text[start..self.i]);
                    self.i += 1;
                    let escape = match self.byte() {
                        None => return Err(self.error(Code::EofString)),
                        Some(b) => b,
                    };
                    self.i += 1;
                    let c = match escape {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\x08',
                        b'f' => '\x0c',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => self.unicode_escape()?,
                        _ => return Err(self.error(Code::InvalidEscape)),
                    };
                    owned.get_or_insert_with(String::new).push(c);
                    start = self.i;
                }
                Some(0..0x20) => {
                    self.i += 1;
                    return Err(self.error(Code::ControlCharacter));
                }
                Some(_) => self.i += 1,
            }
        }
    }

    /// Four hex digits (all consumed first, as serde_json does).
    fn hex4(&mut self) -> Result<u32> {
        let Some(digits) = self.text.as_bytes().get(self.i..self.i + 4) else {
            self.i = self.text.len();
            return Err(self.error(Code::EofString));
        };
        self.i += 4;
        let mut n = 0;
        for &b in digits {
            let digit = match b {
                b'0'..=b'9' => b - b'0',
                b'a'..=b'f' => b - b'a' + 10,
                b'A'..=b'F' => b - b'A' + 10,
                _ => return Err(self.error(Code::InvalidEscape)),
            };
            n = n * 16 + u32::from(digit);
        }
        Ok(n)
    }

    /// The character of a `\u` escape (after `\u`), pairing surrogates.
    fn unicode_escape(&mut self) -> Result<char> {
        let n = self.hex4()?;
        if (0xDC00..=0xDFFF).contains(&n) {
            return Err(self.error(Code::LoneSurrogate));
        }
        if !(0xD800..=0xDBFF).contains(&n) {
            return char::from_u32(n).ok_or_else(|| self.error(Code::LoneSurrogate));
        }
        for expected in [b'\\', b'u'] {
            match self.byte() {
                None => return Err(self.error(Code::EofString)),
                Some(b) => {
                    self.i += 1;
                    if b != expected {
                        return Err(self.error(Code::UnexpectedEndOfHexEscape));
                    }
                }
            }
        }
        let n2 = self.hex4()?;
        if !(0xDC00..=0xDFFF).contains(&n2) {
            return Err(self.error(Code::LoneSurrogate));
        }
        let c = (((n - 0xD800) << 10) | (n2 - 0xDC00)) + 0x1_0000;
        char::from_u32(c).ok_or_else(|| self.error(Code::LoneSurrogate))
    }
}
