//! The JSON the page reads, written without serde (docs/wasm-api.md): `#[derive(ToJson)]`
//! (crate `paxoscope-json-derive`) follows each type's `#[serde(...)]` attributes and writes
//! the same bytes `serde_json::to_string` writes; `tests/view_golden.rs` pins both. The wasm
//! module uses only this writer, so serde's generic serializer, serde_json and the float
//! `Display` code stay out of it (docs/benchmarks.md, "Module size").
mod parse;
pub mod read;

use crate::vec_map::{VecMap, VecSet};
use std::rc::Rc;
use std::sync::Arc;

pub use paxoscope_json_derive::ToJson;

/// A value written as JSON text, exactly as serde_json writes it (compact form).
pub trait ToJson {
    /// Appends the value's JSON to `out`.
    fn write_json(&self, out: &mut String);
}

/// A value written as the members of an object: a struct, so that it can be flattened into
/// another object (`#[serde(flatten)]`) or follow an enum's tag.
pub trait ToJsonFields {
    /// Appends the value's members to the open object `o`.
    fn write_fields(&self, o: &mut Object<'_>);
}

/// The JSON text of `value`.
pub fn to_json<T: ToJson + ?Sized>(value: &T) -> String {
    let mut out = String::new();
    value.write_json(&mut out);
    out
}

/// An object being written: `{`, members separated by commas, `}`.
pub struct Object<'a> {
    out: &'a mut String,
    first: bool,
}

impl<'a> Object<'a> {
    /// Opens an object.
    pub fn begin(out: &'a mut String) -> Self {
        out.push('{');
        Object { out, first: true }
    }

    fn comma(&mut self) {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
    }

    /// One member; `key` is the quoted name with its colon (`"name":`).
    pub fn field<T: ToJson + ?Sized>(&mut self, key: &str, value: &T) {
        self.comma();
        self.out.push_str(key);
        value.write_json(self.out);
    }

    /// One member whose value `write` appends itself; `key` as in [`Object::field`].
    pub fn nested(&mut self, key: &str, write: impl FnOnce(&mut String)) {
        self.comma();
        self.out.push_str(key);
        write(self.out);
    }

    /// One member of a map: the key is written as a JSON string.
    pub fn entry<K: JsonKey + ?Sized, V: ToJson + ?Sized>(&mut self, key: &K, value: &V) {
        self.comma();
        key.write_key(self.out);
        self.out.push(':');
        value.write_json(self.out);
    }

    /// Closes the object.
    pub fn end(self) {
        self.out.push('}');
    }
}

/// An array being written: `[`, items separated by commas, `]`.
pub struct Array<'a> {
    out: &'a mut String,
    first: bool,
}

impl<'a> Array<'a> {
    /// Opens an array.
    pub fn begin(out: &'a mut String) -> Self {
        out.push('[');
        Array { out, first: true }
    }

    /// One item.
    pub fn item<T: ToJson + ?Sized>(&mut self, value: &T) {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
        value.write_json(self.out);
    }

    /// Closes the array.
    pub fn end(self) {
        self.out.push(']');
    }
}

/// A map key: serde_json writes strings as they are and integers as strings.
pub trait JsonKey {
    /// Appends the key as a JSON string.
    fn write_key(&self, out: &mut String);
}

/// Appends `s` as a JSON string, escaped as serde_json escapes it: `"`, `\` and the control
/// characters (`\b \t \n \f \r`, the others as `\u00xx`); everything else as it is.
pub fn write_str(s: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let escape = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(&s[start..i]);
        if escape.is_empty() {
            out.push_str("\\u00");
            out.push(HEX[usize::from(b >> 4)] as char);
            out.push(HEX[usize::from(b & 0xf)] as char);
        } else {
            out.push_str(escape);
        }
        start = i + 1;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

/// Appends `n` in decimal, as `Display` writes it (JSON numbers, and the simulator's random
/// commands' text, without `format!`'s machinery).
pub(crate) fn write_u64(mut n: u64, out: &mut String) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &d in &digits[i..] {
        out.push(char::from(d));
    }
}

macro_rules! unsigned {
    ($($t:ty),*) => {$(
        impl ToJson for $t {
            fn write_json(&self, out: &mut String) {
                write_u64(*self as u64, out)
            }
        }
        impl JsonKey for $t {
            fn write_key(&self, out: &mut String) {
                out.push('"');
                write_u64(*self as u64, out);
                out.push('"');
            }
        }
    )*};
}
unsigned!(u8, u16, u32, u64, usize);

macro_rules! signed {
    ($($t:ty),*) => {$(
        impl ToJson for $t {
            fn write_json(&self, out: &mut String) {
                if *self < 0 {
                    out.push('-');
                }
                write_u64(self.unsigned_abs() as u64, out)
            }
        }
    )*};
}
signed!(i8, i16, i32, i64, isize);

impl ToJson for f64 {
    /// serde_json's form: the shortest text that reads back as the same double (zmij, the
    /// formatter serde_json uses), `null` for NaN and the infinities.
    fn write_json(&self, out: &mut String) {
        if self.is_finite() {
            out.push_str(zmij::Buffer::new().format_finite(*self));
        } else {
            out.push_str("null");
        }
    }
}

impl ToJson for bool {
    fn write_json(&self, out: &mut String) {
        out.push_str(if *self { "true" } else { "false" });
    }
}

impl ToJson for str {
    fn write_json(&self, out: &mut String) {
        write_str(self, out)
    }
}

impl JsonKey for str {
    fn write_key(&self, out: &mut String) {
        write_str(self, out)
    }
}

impl ToJson for String {
    fn write_json(&self, out: &mut String) {
        write_str(self, out)
    }
}

impl JsonKey for String {
    fn write_key(&self, out: &mut String) {
        write_str(self, out)
    }
}

impl<T: JsonKey + ?Sized> JsonKey for Arc<T> {
    fn write_key(&self, out: &mut String) {
        (**self).write_key(out)
    }
}

impl<T: JsonKey + ?Sized> JsonKey for &T {
    fn write_key(&self, out: &mut String) {
        (**self).write_key(out)
    }
}

impl<T: ToJson + ?Sized> ToJson for &T {
    fn write_json(&self, out: &mut String) {
        (**self).write_json(out)
    }
}

impl<T: ToJson + ?Sized> ToJson for Box<T> {
    fn write_json(&self, out: &mut String) {
        (**self).write_json(out)
    }
}

impl<T: ToJson + ?Sized> ToJson for Rc<T> {
    fn write_json(&self, out: &mut String) {
        (**self).write_json(out)
    }
}

impl<T: ToJson + ?Sized> ToJson for Arc<T> {
    fn write_json(&self, out: &mut String) {
        (**self).write_json(out)
    }
}

impl<T: ToJson> ToJson for Option<T> {
    fn write_json(&self, out: &mut String) {
        match self {
            Some(v) => v.write_json(out),
            None => out.push_str("null"),
        }
    }
}

impl<T: ToJson> ToJson for [T] {
    fn write_json(&self, out: &mut String) {
        let mut a = Array::begin(out);
        for item in self {
            a.item(item);
        }
        a.end();
    }
}

impl<T: ToJson, const N: usize> ToJson for [T; N] {
    fn write_json(&self, out: &mut String) {
        self[..].write_json(out)
    }
}

impl<T: ToJson> ToJson for Vec<T> {
    fn write_json(&self, out: &mut String) {
        self[..].write_json(out)
    }
}

impl<T: ToJson> ToJson for std::collections::VecDeque<T> {
    fn write_json(&self, out: &mut String) {
        let mut a = Array::begin(out);
        for item in self {
            a.item(item);
        }
        a.end();
    }
}

impl<A: ToJson, B: ToJson> ToJson for (A, B) {
    fn write_json(&self, out: &mut String) {
        let mut a = Array::begin(out);
        a.item(&self.0);
        a.item(&self.1);
        a.end();
    }
}

impl<A: ToJson, B: ToJson, C: ToJson> ToJson for (A, B, C) {
    fn write_json(&self, out: &mut String) {
        let mut a = Array::begin(out);
        a.item(&self.0);
        a.item(&self.1);
        a.item(&self.2);
        a.end();
    }
}

impl<K: JsonKey + Ord, V: ToJson> ToJson for VecMap<K, V> {
    fn write_json(&self, out: &mut String) {
        let mut o = Object::begin(out);
        for (k, v) in self.iter() {
            o.entry(k, v);
        }
        o.end();
    }
}

impl<T: ToJson> ToJson for VecSet<T> {
    fn write_json(&self, out: &mut String) {
        let mut a = Array::begin(out);
        for item in self {
            a.item(item);
        }
        a.end();
    }
}

impl<T: ToJsonFields> ToJsonFields for Option<T> {
    fn write_fields(&self, o: &mut Object<'_>) {
        if let Some(v) = self {
            v.write_fields(o)
        }
    }
}

impl<T: ToJsonFields + ?Sized> ToJsonFields for &T {
    fn write_fields(&self, o: &mut Object<'_>) {
        (**self).write_fields(o)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Strings, numbers and floats come out as serde_json writes them.
    #[test]
    fn scalars_match_serde_json() {
        let strings = [
            "",
            "plain",
            "quote \" and \\ backslash",
            "ctl \u{0} \u{1} \u{8} \t \n \u{b} \u{c} \r \u{1f} \u{7f}",
            "unicode ∅ ≥ é 🙂 / </script>",
        ];
        for s in strings {
            assert_eq!(to_json(s), serde_json::to_string(s).unwrap());
        }
        for n in [0u64, 1, 9, 10, 99, 100, 12345, u32::MAX as u64, u64::MAX] {
            assert_eq!(to_json(&n), serde_json::to_string(&n).unwrap());
        }
        for n in [0i64, -1, 7, -10, i64::MIN, i64::MAX] {
            assert_eq!(to_json(&n), serde_json::to_string(&n).unwrap());
        }
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut floats = vec![
            0.0,
            -0.0,
            1.0,
            0.5,
            1.0 / 3.0,
            1e21,
            1e-7,
            123456.789,
            f64::NAN,
        ];
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            floats.push(f64::from_bits(x));
            floats.push((x % 100_000) as f64 / 7.0);
        }
        for f in floats {
            assert_eq!(to_json(&f), serde_json::to_string(&f).unwrap(), "{f:e}");
        }
        let map: VecMap<u32, Vec<(u64, bool)>> =
            [(3, vec![(1, true)]), (10, vec![])].into_iter().collect();
        assert_eq!(to_json(&map), serde_json::to_string(&map).unwrap());
    }
}
