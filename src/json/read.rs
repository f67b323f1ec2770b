//! The JSON the page sends (actions, scenarios, search bounds), read without serde:
//! `#[derive(FromJson)]` follows each type's `#[serde(...)]` attributes (`deny_unknown_fields`,
//! `default`, `alias`, `rename`, `try_from`, …) and reports what serde_json reports, in its
//! words and at its line and column ("unknown field `x`, expected one of …", "missing field
//! `y`", "invalid type: …, expected …"). tests/json_reader.rs compares the two readers.
use std::fmt::Display;

pub use super::parse::parse;
pub use paxoscope_json_derive::FromJson;

/// One parsed JSON value and where it is in the text (byte offsets), for error messages.
#[derive(Debug)]
pub struct Json {
    /// Offset of its first byte.
    pub start: usize,
    /// Offset just past its last byte.
    pub end: usize,
    /// Where serde_json stands when an error from inside this value reaches the array or
    /// object holding it (past the whitespace after it, and past the closing bracket when
    /// it is the last; past a following comma in an array). Its `end` at the top level.
    pub stop: usize,
    /// The value.
    pub kind: Kind,
}

/// What a [`Json`] value is.
#[derive(Debug)]
pub enum Kind {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, as written (checked against JSON's grammar).
    Number(String),
    /// A string, unescaped.
    String(String),
    /// An array.
    Array(Vec<Json>),
    /// An object, members in the order written.
    Object(Vec<Member>),
}

/// One member of an object.
#[derive(Debug)]
pub struct Member {
    /// Its name.
    pub key: String,
    /// Offset past the name's closing quote and the whitespace after it (where serde_json
    /// reports an unknown or repeated field).
    pub key_stop: usize,
    /// Its value.
    pub value: Json,
}

/// What went wrong and at which byte offset (turned into a line and column by [`from_str`]).
#[derive(Debug)]
pub struct Error {
    /// The message, in serde's words.
    pub message: String,
    /// Where serde_json reports it; `None` for an error raised outside any array or object
    /// reading (a `try_from` refusing a value, an unknown variant name): the array or
    /// object holding the value places it, and at the top level it has no position.
    pub at: Option<usize>,
}

impl Error {
    /// An error at offset `at`.
    pub fn new(message: impl Into<String>, at: usize) -> Error {
        Error {
            message: message.into(),
            at: Some(at),
        }
    }

    /// An error the array or object holding the value will place.
    pub fn unplaced(message: impl Into<String>) -> Error {
        Error {
            message: message.into(),
            at: None,
        }
    }

    /// The error, placed at `stop` if it has no position yet.
    pub fn or_at(mut self, stop: usize) -> Error {
        self.at = self.at.or(Some(stop));
        self
    }
}

/// A type read from a parsed JSON value.
pub trait FromJson: Sized {
    /// Reads the value.
    fn from_json(v: &Json) -> Result<Self, Error>;

    /// The value of a field absent from `object`: an error, or `None` for an `Option`.
    fn missing(field: &str, object: &Json) -> Result<Self, Error> {
        Err(Error::new(format!("missing field `{field}`"), object.end))
    }
}

/// Parses `text` and reads a `T` from it; the error is serde_json's message with its
/// position ("… at line 1 column 19").
pub fn from_str<T: FromJson>(text: &str) -> Result<T, String> {
    parse(text)
        .and_then(|v| T::from_json(&v))
        .map_err(|e| match e.at {
            None => e.message,
            Some(at) => {
                let at = at.min(text.len());
                let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
                let line = 1 + text[..line_start].matches('\n').count();
                format!("{} at line {line} column {}", e.message, at - line_start)
            }
        })
}

/// serde's list of expected names: "`a`", "`a` or `b`", "one of `a`, `b`, `c`".
pub fn one_of(names: &[&str]) -> String {
    match names {
        [a] => format!("`{a}`"),
        [a, b] => format!("`{a}` or `{b}`"),
        _ => {
            let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
            format!("one of {}", quoted.join(", "))
        }
    }
}

impl Member {
    /// "unknown field `x`, expected …" (a struct that denies unknown fields).
    pub fn unknown(&self, fields: &[&str]) -> Error {
        let expected = if fields.is_empty() {
            "there are no fields".to_string()
        } else {
            format!("expected {}", one_of(fields))
        };
        Error::new(
            format!("unknown field `{}`, {expected}", self.key),
            self.key_stop,
        )
    }

    /// "duplicate field `x`".
    pub fn duplicate(&self, field: &str) -> Error {
        Error::new(format!("duplicate field `{field}`"), self.key_stop)
    }

    /// The field's value read as a `T`, an error placed as serde_json places it.
    pub fn read<T: FromJson>(&self) -> Result<T, Error> {
        T::from_json(&self.value).map_err(|e| e.or_at(self.value.stop))
    }
}

impl Json {
    /// serde's description of what was found ("string \"x\"", "integer `5`", "map", …).
    fn unexpected(&self) -> String {
        match &self.kind {
            Kind::Null => "null".into(),
            Kind::Bool(b) => format!("boolean `{b}`"),
            Kind::Number(n) if is_integer(n) => format!("integer `{n}`"),
            Kind::Number(n) => format!("floating point `{n}`"),
            Kind::String(s) => format!("string {s:?}"),
            Kind::Array(_) => "sequence".into(),
            Kind::Object(_) => "map".into(),
        }
    }

    /// "invalid type: …, expected `expected`", where serde_json reports it.
    pub fn invalid_type(&self, expected: &str) -> Error {
        let at = match self.kind {
            Kind::Array(_) | Kind::Object(_) => self.start,
            _ => self.end,
        };
        Error::new(
            format!("invalid type: {}, expected {expected}", self.unexpected()),
            at,
        )
    }

    /// A `try_from` refusing the value: placed by what holds it.
    pub fn custom(&self, message: impl Display) -> Error {
        Error::unplaced(message.to_string())
    }

    /// "missing field `x`", after the object's closing brace.
    pub fn missing(&self, field: &str) -> Error {
        Error::new(format!("missing field `{field}`"), self.end)
    }

    /// A struct given as an array (serde reads its fields in order): the items, or `None`
    /// when the value is not an array.
    pub fn fields_in_order(&self) -> Option<&[Json]> {
        match &self.kind {
            Kind::Array(items) => Some(items),
            _ => None,
        }
    }

    /// An array for a struct of `n` fields had only `i` items.
    pub fn too_short(&self, i: usize, expected: &str, n: usize) -> Error {
        Error::new(
            format!("invalid length {i}, expected {expected} with {n} elements"),
            self.end,
        )
    }

    /// An array for a struct had an item past its fields.
    pub fn too_long(extra: &Json) -> Error {
        Error::new("trailing characters", extra.start + 1)
    }

    /// The members of an object, or an error naming `expected`.
    pub fn object(&self, expected: &str) -> Result<&[Member], Error> {
        match &self.kind {
            Kind::Object(members) => Ok(members),
            _ => Err(self.invalid_type(expected)),
        }
    }

    /// The name of a unit variant (a string, or the key of `{"name": null}`) and where
    /// serde_json reports it unknown (just past the name).
    pub fn variant(&self, variants: &[&str]) -> Result<(&str, usize), Error> {
        match &self.kind {
            Kind::String(s) => Ok((s, self.end)),
            Kind::Object(members) => match members.first() {
                Some(m) if !variants.contains(&m.key.as_str()) => Ok((&m.key, m.key_stop)),
                Some(m) => match (&m.value.kind, members.len()) {
                    (Kind::Null, 1) => Ok((&m.key, m.key_stop)),
                    (Kind::Null, _) => Err(Error::new("expected value", m.value.end)),
                    _ => Err(m.value.invalid_type("unit")),
                },
                None => Err(Error::new("expected value", self.start + 2)),
            },
            _ => Err(Error::new("expected value", self.start + 1)),
        }
    }

    /// "unknown variant `x`, expected …" at `at`.
    pub fn unknown_variant(name: &str, variants: &[&str], at: usize) -> Error {
        Error::new(
            format!("unknown variant `{name}`, expected {}", one_of(variants)),
            at,
        )
    }
}

/// What a struct reader derived by `#[derive(FromJson)]` tells [`read_fields`]: the shared,
/// non-generic part of every struct's reader (its names, its messages, duplicates, unknown
/// fields, the array form), so that each type's own code only reads its fields' values.
pub struct Fields {
    /// serde's name for the type in messages: "struct Name".
    pub expected: &'static str,
    /// Every name a field is read under, field by field (each field's names sorted as
    /// serde lists them): the list an unknown field's message gives.
    pub names: &'static [&'static str],
    /// The field each of `names` reads (its index among the fields read, in order).
    pub field: &'static [u8],
    /// Each field's own name (duplicates are reported under it, not under an alias).
    pub primary: &'static [&'static str],
    /// `deny_unknown_fields`: an unknown member is an error (else it is skipped).
    pub deny_unknown: bool,
}

/// Reads a struct's fields from `v`, an object (members in any order) or, as serde also
/// reads a struct, an array of its fields in order: calls `read(i, value)` for each
/// field `i` present, and says whether `v` was an array (`true`). The errors are
/// serde_json's: a member given twice, an unknown member, an array too long, a value
/// `read` refuses (placed where serde_json places it); what is absent the caller decides.
pub fn read_fields(
    v: &Json,
    spec: &Fields,
    read: &mut dyn FnMut(usize, &Json) -> Result<(), Error>,
) -> Result<bool, Error> {
    if let Some(items) = v.fields_in_order() {
        for (k, item) in items.iter().enumerate() {
            if k >= spec.primary.len() {
                return Err(Json::too_long(item));
            }
            read(k, item).map_err(|e| e.or_at(item.stop))?;
        }
        return Ok(true);
    }
    let mut seen = 0u64;
    for m in v.object(spec.expected)? {
        match spec.names.iter().position(|n| *n == m.key) {
            Some(p) => {
                let i = spec.field[p] as usize;
                if seen & (1 << i) != 0 {
                    return Err(m.duplicate(spec.primary[i]));
                }
                seen |= 1 << i;
                read(i, &m.value).map_err(|e| e.or_at(m.value.stop))?;
            }
            None if spec.deny_unknown => return Err(m.unknown(spec.names)),
            None => {}
        }
    }
    Ok(false)
}

fn is_integer(n: &str) -> bool {
    !n.contains(['.', 'e', 'E'])
}

fn unsigned(v: &Json, expected: &str, max: u64) -> Result<u64, Error> {
    match &v.kind {
        Kind::Number(n) if is_integer(n) => match n.parse::<u64>() {
            Ok(x) if x <= max => Ok(x),
            _ => Err(Error::new(
                format!("invalid value: integer `{n}`, expected {expected}"),
                v.end,
            )),
        },
        _ => Err(v.invalid_type(expected)),
    }
}

macro_rules! unsigned {
    ($($t:ty),*) => {$(
        impl FromJson for $t {
            fn from_json(v: &Json) -> Result<Self, Error> {
                unsigned(v, stringify!($t), <$t>::MAX as u64).map(|x| x as $t)
            }
        }
    )*};
}
unsigned!(u8, u16, u32, u64, usize);

impl FromJson for bool {
    fn from_json(v: &Json) -> Result<Self, Error> {
        match v.kind {
            Kind::Bool(b) => Ok(b),
            _ => Err(v.invalid_type("a boolean")),
        }
    }
}

impl FromJson for String {
    fn from_json(v: &Json) -> Result<Self, Error> {
        match &v.kind {
            Kind::String(s) => Ok(s.clone()),
            _ => Err(v.invalid_type("a string")),
        }
    }
}

impl<T: FromJson> FromJson for Option<T> {
    fn from_json(v: &Json) -> Result<Self, Error> {
        match v.kind {
            Kind::Null => Ok(None),
            _ => T::from_json(v).map(Some),
        }
    }

    fn missing(_: &str, _: &Json) -> Result<Self, Error> {
        Ok(None)
    }
}

impl<T: FromJson> FromJson for Vec<T> {
    fn from_json(v: &Json) -> Result<Self, Error> {
        match &v.kind {
            Kind::Array(items) => items
                .iter()
                .map(|item| T::from_json(item).map_err(|e| e.or_at(item.stop)))
                .collect(),
            _ => Err(v.invalid_type("a sequence")),
        }
    }
}
