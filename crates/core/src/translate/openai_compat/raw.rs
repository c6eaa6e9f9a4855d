//! JSON objects read member by member with every value left raw.
//!
//! The vendor rules touch a handful of members of a body that can be large
//! (long prompts, images in base64): each object on the path to a change is
//! read as an ordered list of `(key, raw value)` and written back with the
//! untouched values copied as they arrived — no value tree is ever built and
//! no number or string is re-encoded. Member order is kept; duplicate keys
//! (which the policy filter refuses anyway) are kept as they are, so a rule
//! applied to every member with a key applies to all of them.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

/// A member value: as received, or JSON text produced by a rule.
#[derive(Debug, Clone)]
pub(super) enum Val<'a> {
    Raw(&'a RawValue),
    Owned(String),
}

impl Val<'_> {
    /// The value's JSON text.
    pub(super) fn text(&self) -> &str {
        match self {
            Val::Raw(raw) => raw.get(),
            Val::Owned(text) => text,
        }
    }

    pub(super) fn is_null(&self) -> bool {
        self.text() == "null"
    }
}

#[derive(Debug, Clone)]
pub(super) struct Member<'a> {
    pub key: Cow<'a, str>,
    pub value: Val<'a>,
}

/// An object's members in document order.
#[derive(Debug, Clone, Default)]
pub(super) struct RawObject<'a> {
    pub members: Vec<Member<'a>>,
}

impl<'a> RawObject<'a> {
    /// Reads `text` as an object; anything else (an array, a number…) is an
    /// error, as is invalid JSON.
    pub(super) fn parse(text: &'a str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// The object a value holds, if it is one.
    pub(super) fn of(value: &Val<'a>) -> Option<Self> {
        match value {
            Val::Raw(raw) if raw.get().starts_with('{') => Self::parse(raw.get()).ok(),
            _ => None,
        }
    }

    /// The last member called `key` (the one most parsers keep).
    pub(super) fn get(&self, key: &str) -> Option<&Val<'a>> {
        self.members
            .iter()
            .rev()
            .find(|m| m.key == key)
            .map(|m| &m.value)
    }

    pub(super) fn has(&self, key: &str) -> bool {
        self.members.iter().any(|m| m.key == key)
    }

    pub(super) fn remove(&mut self, key: &str) -> bool {
        let before = self.members.len();
        self.members.retain(|m| m.key != key);
        self.members.len() != before
    }

    /// Gives every member called `key` the value, or appends one.
    pub(super) fn set(&mut self, key: &'static str, value: Val<'a>) {
        let mut found = false;
        for m in self.members.iter_mut().filter(|m| m.key == key) {
            m.value = value.clone();
            found = true;
        }
        if !found {
            self.members.push(Member {
                key: Cow::Borrowed(key),
                value,
            });
        }
    }

    /// Like [`RawObject::set`], but a new member goes first (`model` leads a
    /// request body, as clients send it).
    pub(super) fn set_first(&mut self, key: &'static str, value: Val<'a>) {
        if self.has(key) {
            self.set(key, value);
        } else {
            self.members.insert(
                0,
                Member {
                    key: Cow::Borrowed(key),
                    value,
                },
            );
        }
    }

    /// The object as compact JSON text (raw values copied verbatim).
    pub(super) fn to_json(&self) -> String {
        let size: usize = self
            .members
            .iter()
            .map(|m| m.key.len() + m.value.text().len() + 4)
            .sum();
        let mut out = String::with_capacity(size + 2);
        out.push('{');
        for (i, m) in self.members.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            push_string(&mut out, &m.key);
            out.push(':');
            out.push_str(m.value.text());
        }
        out.push('}');
        out
    }
}

/// The elements of a JSON array value, raw; `None` for anything else.
pub(super) fn array<'a>(value: &Val<'a>) -> Option<Vec<&'a RawValue>> {
    match value {
        Val::Raw(raw) if raw.get().starts_with('[') => serde_json::from_str(raw.get()).ok(),
        _ => None,
    }
}

/// A JSON array from element texts.
pub(super) fn array_json<'t>(elements: impl IntoIterator<Item = &'t str>) -> String {
    let mut out = String::from("[");
    for (i, e) in elements.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(e);
    }
    out.push(']');
    out
}

/// `s` as a JSON string literal.
pub(super) fn string_json(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    push_string(&mut out, s);
    out
}

fn push_string(out: &mut String, s: &str) {
    // Serialising a `str` cannot fail; the fallback keeps this total.
    match serde_json::to_string(s) {
        Ok(text) => out.push_str(&text),
        Err(_) => out.push_str("\"\""),
    }
}

/// A JSON string value as text; `None` for any other type.
pub(super) fn as_str<'v>(value: &'v Val<'_>) -> Option<Cow<'v, str>> {
    let text = value.text();
    if !text.starts_with('"') {
        return None;
    }
    match serde_json::from_str::<&str>(text) {
        Ok(s) => Some(Cow::Borrowed(s)),
        Err(_) => serde_json::from_str::<String>(text).ok().map(Cow::Owned),
    }
}

/// A non-negative integer value; `None` for anything else.
pub(super) fn as_u64(value: &Val<'_>) -> Option<u64> {
    serde_json::from_str(value.text()).ok()
}

impl<'de> de::Deserialize<'de> for RawObject<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(ObjectVisitor)
    }
}

struct ObjectVisitor;

impl<'de> Visitor<'de> for ObjectVisitor {
    type Value = RawObject<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut members = Vec::with_capacity(map.size_hint().unwrap_or(8));
        while let Some(Key(key)) = map.next_key()? {
            let value: &'de RawValue = map.next_value()?;
            members.push(Member {
                key,
                value: Val::Raw(value),
            });
        }
        Ok(RawObject { members })
    }
}

/// An object key, borrowed unless it contains escapes.
struct Key<'a>(Cow<'a, str>);

impl<'de> de::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Borrowed(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(v.to_owned())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_keep_order_bytes_and_duplicates() {
        let text = r#"{ "b" : 1.50, "a\n":{"x":[1, 2]}, "b":"\u00e9" }"#;
        let obj = RawObject::parse(text).unwrap();
        assert_eq!(obj.members.len(), 3);
        assert_eq!(obj.get("b").map(Val::text), Some(r#""\u00e9""#));
        assert_eq!(
            obj.to_json(),
            r#"{"b":1.50,"a\n":{"x":[1, 2]},"b":"\u00e9"}"#
        );
    }

    #[test]
    fn set_remove_and_helpers() {
        let mut obj = RawObject::parse(r#"{"a":1,"a":2}"#).unwrap();
        obj.set("a", Val::Owned("3".into()));
        obj.set_first("m", Val::Owned(string_json("x\"y")));
        assert_eq!(obj.to_json(), r#"{"m":"x\"y","a":3,"a":3}"#);
        assert!(obj.remove("a") && !obj.remove("a"));
        assert_eq!(
            as_str(&Val::Owned(r#""a\"b""#.into())).as_deref(),
            Some("a\"b")
        );
        assert_eq!(as_u64(&Val::Owned("12".into())), Some(12));
        assert_eq!(as_u64(&Val::Owned("-1".into())), None);
        assert!(RawObject::parse("[1]").is_err());
        assert_eq!(array_json(["1", "{}"]), "[1,{}]");
    }
}
