//! JSON text to a [`Json`] tree, with serde_json's syntax errors at its line and column,
//! and for each value where serde_json stands when an error from inside it comes out.
use super::read::{Error, Json, Kind, Member};

/// How deep arrays and objects may nest (serde_json's limit).
const MAX_DEPTH: usize = 128;

/// Parses JSON text into a tree, with serde_json's syntax errors.
pub fn parse(text: &str) -> Result<Json, Error> {
    let mut p = Parser {
        text,
        bytes: text.as_bytes(),
        i: 0,
        depth: 0,
    };
    let v = p.value()?;
    p.skip_space();
    if p.i < p.bytes.len() {
        return Err(Error::new("trailing characters", p.i + 1));
    }
    Ok(v)
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    i: usize,
    depth: usize,
}

impl Parser<'_> {
    fn skip_space(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes.get(self.i) {
            self.i += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.i).copied()
    }

    /// An error about the byte at `self.i` (serde_json's "peek" position).
    fn at_next(&self, message: &str) -> Error {
        Error::new(message, (self.i + 1).min(self.bytes.len()))
    }

    fn value(&mut self) -> Result<Json, Error> {
        self.skip_space();
        let start = self.i;
        let kind = match self.peek() {
            None => return Err(Error::new("EOF while parsing a value", self.i)),
            Some(b'n') => self.literal("null", Kind::Null)?,
            Some(b't') => self.literal("true", Kind::Bool(true))?,
            Some(b'f') => self.literal("false", Kind::Bool(false))?,
            Some(b'"') => Kind::String(self.string()?),
            Some(b'-' | b'0'..=b'9') => Kind::Number(self.number()?),
            Some(b'[') => self.nested(Self::array)?,
            Some(b'{') => self.nested(Self::object)?,
            Some(_) => return Err(self.at_next("expected value")),
        };
        Ok(Json {
            start,
            end: self.i,
            stop: self.i,
            kind,
        })
    }

    fn nested(&mut self, f: fn(&mut Self) -> Result<Kind, Error>) -> Result<Kind, Error> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.at_next("recursion limit exceeded"));
        }
        self.i += 1;
        let kind = f(self)?;
        self.depth -= 1;
        Ok(kind)
    }

    fn literal(&mut self, word: &str, kind: Kind) -> Result<Kind, Error> {
        for &b in word.as_bytes() {
            match self.peek() {
                None => return Err(Error::new("EOF while parsing a value", self.i)),
                Some(c) if c == b => self.i += 1,
                Some(_) => return Err(self.at_next("expected ident")),
            }
        }
        Ok(kind)
    }

    /// A number cut short: "EOF while parsing a value" at the end, else "invalid number".
    fn bad_number(&self) -> Error {
        match self.peek() {
            None => Error::new("EOF while parsing a value", self.i),
            Some(_) => self.at_next("invalid number"),
        }
    }

    fn digits(&mut self) -> usize {
        let from = self.i;
        while let Some(b'0'..=b'9') = self.peek() {
            self.i += 1;
        }
        self.i - from
    }

    fn number(&mut self) -> Result<String, Error> {
        let start = self.i;
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        match self.peek() {
            Some(b'0') => {
                self.i += 1;
                if let Some(b'0'..=b'9') = self.peek() {
                    return Err(self.at_next("invalid number"));
                }
            }
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(self.bad_number()),
        }
        if self.peek() == Some(b'.') {
            self.i += 1;
            if self.digits() == 0 {
                return Err(self.bad_number());
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.i += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.i += 1;
            }
            if self.digits() == 0 {
                return Err(self.bad_number());
            }
        }
        Ok(self.text[start..self.i].to_string())
    }

    fn hex4(&mut self) -> Result<u32, Error> {
        let Some(four) = self.text.get(self.i..self.i + 4) else {
            self.i = self.bytes.len();
            return Err(Error::new("EOF while parsing a string", self.i));
        };
        self.i += 4;
        match four.bytes().all(|b| b.is_ascii_hexdigit()) {
            true => Ok(u32::from_str_radix(four, 16).unwrap_or(0)),
            false => Err(Error::new("invalid escape", self.i)),
        }
    }

    /// After a leading surrogate: the `\u` of its trailing one.
    fn trailing_escape(&mut self) -> Result<(), Error> {
        for want in [b'\\', b'u'] {
            match self.peek() {
                None => return Err(Error::new("EOF while parsing a string", self.i)),
                Some(c) => {
                    self.i += 1;
                    if c != want {
                        return Err(Error::new("unexpected end of hex escape", self.i));
                    }
                }
            }
        }
        Ok(())
    }

    fn escape(&mut self, out: &mut String) -> Result<(), Error> {
        let c = self
            .peek()
            .ok_or_else(|| Error::new("EOF while parsing a string", self.i))?;
        self.i += 1;
        out.push(match c {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let mut code = self.hex4()?;
                if (0xD800..0xDC00).contains(&code) {
                    self.trailing_escape()?;
                    let low = self.hex4()?;
                    if !(0xDC00..0xE000).contains(&low) {
                        return Err(Error::new("lone leading surrogate in hex escape", self.i));
                    }
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
                }
                char::from_u32(code)
                    .ok_or_else(|| Error::new("lone leading surrogate in hex escape", self.i))?
            }
            _ => return Err(Error::new("invalid escape", self.i)),
        });
        Ok(())
    }

    fn string(&mut self) -> Result<String, Error> {
        self.i += 1;
        let mut out = String::new();
        let mut from = self.i;
        loop {
            match self.peek() {
                None => return Err(Error::new("EOF while parsing a string", self.i)),
                Some(b'"') => {
                    out.push_str(&self.text[from..self.i]);
                    self.i += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    out.push_str(&self.text[from..self.i]);
                    self.i += 1;
                    self.escape(&mut out)?;
                    from = self.i;
                }
                Some(0..=0x1f) => {
                    return Err(self.at_next(
                        "control character (\\u0000-\\u001F) found while parsing a string",
                    ))
                }
                Some(_) => self.i += 1,
            }
        }
    }

    /// Where serde_json stands after an array item, when an error from inside it comes
    /// out: past the whitespace, and past `]`, or past `,` and the whitespace after it.
    fn item_stop(&mut self) -> usize {
        let mut at = self.i;
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes.get(at) {
            at += 1;
        }
        match self.bytes.get(at) {
            Some(b']') => at + 1,
            Some(b',') => {
                at += 1;
                while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes.get(at) {
                    at += 1;
                }
                at
            }
            _ => at,
        }
    }

    fn array(&mut self) -> Result<Kind, Error> {
        let mut items: Vec<Json> = Vec::new();
        loop {
            self.skip_space();
            match self.peek() {
                Some(b']') if items.is_empty() => break,
                _ if items.is_empty() => {}
                Some(b',') => {
                    self.i += 1;
                    self.skip_space();
                    match self.peek() {
                        Some(b']') => return Err(self.at_next("trailing comma")),
                        None => return Err(Error::new("EOF while parsing a value", self.i)),
                        _ => {}
                    }
                }
                Some(b']') => break,
                Some(_) => return Err(self.at_next("expected `,` or `]`")),
                None => {}
            }
            if self.peek().is_none() {
                return Err(Error::new("EOF while parsing a list", self.i));
            }
            let mut item = self.value()?;
            item.stop = self.item_stop();
            items.push(item);
        }
        self.i += 1;
        Ok(Kind::Array(items))
    }

    fn object(&mut self) -> Result<Kind, Error> {
        let mut members: Vec<Member> = Vec::new();
        loop {
            self.skip_space();
            match self.peek() {
                Some(b'}') if members.is_empty() => break,
                _ if members.is_empty() => {}
                Some(b',') => {
                    self.i += 1;
                    self.skip_space();
                    if self.peek().is_none() {
                        return Err(Error::new("EOF while parsing a value", self.i));
                    }
                }
                Some(b'}') => break,
                Some(_) => return Err(self.at_next("expected `,` or `}`")),
                None => {}
            }
            match self.peek() {
                Some(b'"') => {}
                None => return Err(Error::new("EOF while parsing an object", self.i)),
                Some(b'}') => return Err(self.at_next("trailing comma")),
                Some(_) => return Err(self.at_next("key must be a string")),
            }
            let key = self.string()?;
            self.skip_space();
            let key_stop = self.i;
            match self.peek() {
                Some(b':') => self.i += 1,
                None => return Err(Error::new("EOF while parsing an object", self.i)),
                Some(_) => return Err(self.at_next("expected `:`")),
            }
            let mut value = self.value()?;
            self.skip_space();
            value.stop = self.i + usize::from(self.peek() == Some(b'}'));
            members.push(Member {
                key,
                key_stop,
                value,
            });
        }
        self.i += 1;
        Ok(Kind::Object(members))
    }
}
