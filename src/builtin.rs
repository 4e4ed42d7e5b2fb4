//! The built-in knowledge tables, embedded in the compact form that `build.rs` converts from
//! `rules/**/*.yaml` (the one source; build.rs documents the format). Org packs stay
//! YAML: [`Table`] reads either, so a loader has one code path for both.

use serde::de::value::{Error as DeError, MapAccessDeserializer};
use serde::de::{
    DeserializeOwned, DeserializeSeed, Deserializer, Error as _, IntoDeserializer, MapAccess,
    SeqAccess, Visitor,
};

/// The compact form of `rules/<name>.yaml`, embedded at build time (as a `str`: the compiler
/// checks it is UTF-8, so a run need not).
macro_rules! bin {
    ($name:literal) => {
        include_str!(concat!(env!("OUT_DIR"), "/rules/", $name, ".bin"))
    };
}

pub const COMMANDS: Table = Table::builtin("commands", bin!("commands"));
pub const HOOKS: Table = Table::builtin("hooks", bin!("hooks"));
pub const INJECTION: Table = Table::builtin("injection", bin!("injection"));
pub const DATABASES: Table = Table::builtin("databases", bin!("databases"));
pub const KINDS: Table = Table::builtin("kinds", bin!("kinds"));
pub const MASKING: Table = Table::builtin("masking", bin!("masking"));
pub const ENV: Table = Table::builtin("env", bin!("env"));
pub const GUARDRAILS: Table = Table::builtin("guardrails", bin!("guardrails"));
pub const NO_EFFECT: Table = Table::builtin("no-effect", bin!("no-effect"));
pub const VENDOR_POLICY: Table = Table::builtin("vendor-policy", bin!("vendor-policy"));
/// The secrets pack as a run reads it (build.rs `run_secrets`): without examples, which only
/// the tests read (from [`SECRETS_WITH_EXAMPLES`]), nor rules; and the rules' texts end to
/// end. What a run needs of each rule, and the keyword table, are Rust statics
/// (`secrets::tables`).
pub const SECRETS: Table = Table::builtin("secrets", bin!("secrets-top"));
pub const SECRETS_RULES: &str = bin!("secrets-rules");
pub const SECRETS_WITH_EXAMPLES: Table = Table::builtin("secrets", bin!("secrets"));
pub const SCHEMAS: [Table; 5] = [
    Table::builtin("schemas/claude-code", bin!("schemas/claude-code")),
    Table::builtin("schemas/codex", bin!("schemas/codex")),
    Table::builtin("schemas/gemini-cli", bin!("schemas/gemini-cli")),
    Table::builtin("schemas/vscode", bin!("schemas/vscode")),
    Table::builtin("schemas/copilot-cli", bin!("schemas/copilot-cli")),
];

/// One table: built-in (compact form) or a pack's file (YAML text).
#[derive(Clone, Copy)]
pub struct Table<'a> {
    name: &'a str,
    body: Body<'a>,
}

#[derive(Clone, Copy)]
enum Body<'a> {
    Bin(&'static str),
    Yaml(&'a str),
}

impl<'a> Table<'a> {
    const fn builtin(name: &'a str, bin: &'static str) -> Self {
        Table {
            name,
            body: Body::Bin(bin),
        }
    }

    /// A pack's YAML file.
    pub fn yaml(name: &'a str, text: &'a str) -> Self {
        Table {
            name,
            body: Body::Yaml(text),
        }
    }

    pub fn name(&self) -> &'a str {
        self.name
    }

    pub fn parse<T: DeserializeOwned>(&self) -> Result<T, String> {
        match self.body {
            Body::Bin(bin) => read_all(bin, |r| T::deserialize(r)),
            Body::Yaml(text) => serde_saphyr::from_str(text).map_err(|e| e.to_string()),
        }
    }

    /// The built-in table `text` (a part of an embedded table) under this table's name.
    pub fn part(&self, text: &'static str) -> Table<'a> {
        Table::builtin(self.name, text)
    }

    /// A built-in table, which the tests load: a failure here is a bug, not bad input.
    pub fn load<T: DeserializeOwned>(&self) -> T {
        self.parse()
            .unwrap_or_else(|e| panic!("rules/{}.yaml is valid (tested): {e}", self.name))
    }
}

/// Reads a whole table with `read`; text left over is an error.
fn read_all<T>(
    bin: &'static str,
    read: impl FnOnce(&mut Reader) -> Result<T, DeError>,
) -> Result<T, String> {
    let mut r = Reader { bin, at: 0 };
    let value = read(&mut r).map_err(|e| e.to_string())?;
    match r.at == bin.len() {
        true => Ok(value),
        false => Err(format!("{} trailing bytes", bin.len() - r.at)),
    }
}

/// Reads the compact form (see build.rs). The text is the build's own output, but a reader
/// still never panics on it: a short or malformed table is an error.
struct Reader {
    bin: &'static str,
    at: usize,
}

impl Reader {
    fn byte(&mut self) -> Result<u8, DeError> {
        let b = *self
            .bin
            .as_bytes()
            .get(self.at)
            .ok_or_else(|| DeError::custom("truncated table"))?;
        self.at += 1;
        Ok(b)
    }

    fn peek(&self) -> Option<u8> {
        self.bin.as_bytes().get(self.at).copied()
    }

    /// The text up to (not including) `end`, which is consumed.
    fn until(&mut self, end: u8) -> Result<&'static str, DeError> {
        let rest = self.bin.get(self.at..).unwrap_or_default();
        let n = rest
            .bytes()
            .position(|b| b == end)
            .ok_or_else(|| DeError::custom("truncated table"))?;
        self.at += n + 1;
        Ok(&rest[..n])
    }

    fn number<T: std::str::FromStr>(&mut self, end: u8) -> Result<T, DeError> {
        self.until(end)?
            .parse()
            .map_err(|_| DeError::custom("malformed number"))
    }

    /// A length or count: decimal digits, then `:` (most are a byte or two, read inline).
    fn count(&mut self) -> Result<usize, DeError> {
        self.digits(b':')
    }

    /// Decimal digits, then `end`, read inline: the keyword table alone holds ten thousand.
    fn digits(&mut self, end: u8) -> Result<usize, DeError> {
        let mut n = 0usize;
        loop {
            match self.byte()? {
                b if b == end => return Ok(n),
                d @ b'0'..=b'9' => {
                    n = n
                        .checked_mul(10)
                        .and_then(|n| n.checked_add(usize::from(d - b'0')))
                        .ok_or_else(|| DeError::custom("number out of range"))?;
                }
                _ => return Err(DeError::custom("malformed number or length")),
            }
        }
    }

    fn str(&mut self) -> Result<&'static str, DeError> {
        let n = self.count()?;
        let s = self
            .at
            .checked_add(n)
            .and_then(|end| self.bin.get(self.at..end))
            .ok_or_else(|| DeError::custom("truncated string"))?;
        self.at += n;
        Ok(s)
    }
}

impl<'de> Deserializer<'de> for &mut Reader {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self.byte()? {
            b'n' => visitor.visit_unit(),
            b'f' => visitor.visit_bool(false),
            b't' => visitor.visit_bool(true),
            b'u' => visitor.visit_u64(self.digits(b';')? as u64),
            b'i' => visitor.visit_i64(self.number(b';')?),
            b'd' => visitor.visit_f64(self.number(b';')?),
            b's' => visitor.visit_borrowed_str(self.str()?),
            b'a' => {
                let left = self.count()?;
                visitor.visit_seq(Items { r: self, left })
            }
            b'm' => {
                let left = self.count()?;
                visitor.visit_map(Items { r: self, left })
            }
            t => Err(DeError::custom(format!("unknown tag {t}"))),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self.peek() {
            Some(b'n') => {
                self.at += 1;
                visitor.visit_none()
            }
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        match self.peek() {
            Some(b's') => {
                self.at += 1;
                visitor.visit_enum(self.str()?.into_deserializer())
            }
            Some(b'm') => {
                self.at += 1;
                let left = self.count()?;
                visitor.visit_enum(MapAccessDeserializer::new(Items { r: self, left }))
            }
            _ => self.deserialize_any(visitor),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        visitor.visit_newtype_struct(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct map struct identifier
        ignored_any
    }
}

/// The items of an array, or the entries of a map, still to read.
struct Items<'r> {
    r: &'r mut Reader,
    left: usize,
}

impl<'de> SeqAccess<'de> for Items<'_> {
    type Error = DeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DeError> {
        if self.left == 0 {
            return Ok(None);
        }
        self.left -= 1;
        seed.deserialize(&mut *self.r).map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.left)
    }
}

impl<'de> MapAccess<'de> for Items<'_> {
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        if self.left == 0 {
            return Ok(None);
        }
        self.left -= 1;
        let key = self.r.str()?;
        seed.deserialize(key.into_deserializer()).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        seed.deserialize(&mut *self.r)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.left)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every built-in table reads as the YAML it was converted from.
    #[test]
    fn trees_read_as_their_yaml() {
        let tables = [
            ("commands", COMMANDS),
            ("kinds", KINDS),
            ("secrets", SECRETS_WITH_EXAMPLES),
            ("schemas/codex", SCHEMAS[1]),
        ];
        for (name, table) in tables {
            let from_tree: serde_json::Value = table.load();
            let path = format!("{}/rules/{name}.yaml", env!("CARGO_MANIFEST_DIR"));
            let text = std::fs::read_to_string(&path).unwrap();
            let from_yaml: serde_json::Value = Table::yaml(name, &text).load();
            assert_eq!(from_tree, from_yaml, "{name}");
        }
        // The run's copy of the secrets pack is the same less its examples and rules (whose
        // texts the engine's tests compare).
        let mut full: serde_json::Value = SECRETS_WITH_EXAMPLES.load();
        full["rules"] = serde_json::json!([]);
        for list in ["rules", "public_prefixes"] {
            for entry in full[list].as_array_mut().unwrap() {
                let entry = entry.as_object_mut().unwrap();
                entry.remove("examples");
                entry.remove("negative_examples");
            }
        }
        assert_eq!(SECRETS.load::<serde_json::Value>(), full);
    }

    #[test]
    fn malformed_tables_are_errors_not_panics() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct N {
            n: u32,
        }
        // {"n": "x"}: a type mismatch.
        let e = Table::builtin("t", "m1:1:ns1:x").parse::<N>().unwrap_err();
        assert!(e.contains("invalid type"), "{e}");
        // Truncated inside a string, a length past the end, an unknown tag, a malformed
        // number, trailing text, a length splitting a character.
        for bin in [
            "m1:1:ns5:x",
            "m1:1:ns99999999999999999999:x",
            "x",
            "m1:1:nu4x;",
            "m1:1:nu1;u",
            "s1:é",
        ] {
            assert!(Table::builtin("t", bin).parse::<N>().is_err(), "{bin:?}");
        }
        let n: N = Table::builtin("t", "m1:1:nu42;").parse().unwrap();
        assert_eq!(n.n, 42);
    }
}
