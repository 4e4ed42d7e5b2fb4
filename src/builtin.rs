//! The built-in knowledge tables, embedded in the compact binary form that `build.rs` converts
//! from `rules/**/*.yaml` (the one source; build.rs documents the format). Org packs stay
//! YAML: [`Table`] reads either, so a loader has one code path for both.

use serde::de::value::{Error as DeError, MapAccessDeserializer};
use serde::de::{
    DeserializeOwned, DeserializeSeed, Deserializer, Error as _, IntoDeserializer, MapAccess,
    SeqAccess, Visitor,
};

/// The binary form of `rules/<name>.yaml`, embedded at build time.
macro_rules! bin {
    ($name:literal) => {
        include_bytes!(concat!(env!("OUT_DIR"), "/rules/", $name, ".bin"))
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
/// The secrets pack as a run loads it: without examples (half its size), which only the tests
/// read, from [`SECRETS_WITH_EXAMPLES`].
pub const SECRETS: Table = Table::builtin("secrets", bin!("secrets-run"));
pub const SECRETS_WITH_EXAMPLES: Table = Table::builtin("secrets", bin!("secrets"));
pub const SCHEMAS: [Table; 5] = [
    Table::builtin("schemas/claude-code", bin!("schemas/claude-code")),
    Table::builtin("schemas/codex", bin!("schemas/codex")),
    Table::builtin("schemas/gemini-cli", bin!("schemas/gemini-cli")),
    Table::builtin("schemas/vscode", bin!("schemas/vscode")),
    Table::builtin("schemas/copilot-cli", bin!("schemas/copilot-cli")),
];

/// One table: built-in (binary) or a pack's file (YAML text).
#[derive(Clone, Copy)]
pub struct Table<'a> {
    name: &'a str,
    body: Body<'a>,
}

#[derive(Clone, Copy)]
enum Body<'a> {
    Bin(&'static [u8]),
    Yaml(&'a str),
}

impl<'a> Table<'a> {
    const fn builtin(name: &'a str, bin: &'static [u8]) -> Self {
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
            Body::Bin(bin) => {
                let mut r = Reader { bin, at: 0 };
                let value = T::deserialize(&mut r).map_err(|e| e.to_string())?;
                match r.at == bin.len() {
                    true => Ok(value),
                    false => Err(format!("{} trailing bytes", bin.len() - r.at)),
                }
            }
            Body::Yaml(text) => serde_saphyr::from_str(text).map_err(|e| e.to_string()),
        }
    }

    /// A built-in table, which the tests load: a failure here is a bug, not bad input.
    pub fn load<T: DeserializeOwned>(&self) -> T {
        self.parse()
            .unwrap_or_else(|e| panic!("rules/{}.yaml is valid (tested): {e}", self.name))
    }
}

/// Reads the binary form (see build.rs). The bytes are the build's own output, but a reader
/// still never panics on them: a short or malformed table is an error.
struct Reader {
    bin: &'static [u8],
    at: usize,
}

const NULL: u8 = 0;
const FALSE: u8 = 1;
const TRUE: u8 = 2;
const U: u8 = 3;
const I: u8 = 4;
const F: u8 = 5;
const S: u8 = 6;
const A: u8 = 7;
const M: u8 = 8;

impl Reader {
    fn byte(&mut self) -> Result<u8, DeError> {
        let b = *self
            .bin
            .get(self.at)
            .ok_or_else(|| DeError::custom("truncated table"))?;
        self.at += 1;
        Ok(b)
    }

    fn peek(&self) -> Option<u8> {
        self.bin.get(self.at).copied()
    }

    fn leb128(&mut self) -> Result<u64, DeError> {
        let mut n = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            n |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(n);
            }
        }
        Err(DeError::custom("overlong integer"))
    }

    fn len(&mut self) -> Result<usize, DeError> {
        usize::try_from(self.leb128()?).map_err(|_| DeError::custom("length out of range"))
    }

    fn str(&mut self) -> Result<&'static str, DeError> {
        let n = self.len()?;
        let bytes = self
            .at
            .checked_add(n)
            .and_then(|end| self.bin.get(self.at..end))
            .ok_or_else(|| DeError::custom("truncated string"))?;
        self.at += n;
        std::str::from_utf8(bytes).map_err(|_| DeError::custom("string is not UTF-8"))
    }
}

impl<'de> Deserializer<'de> for &mut Reader {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self.byte()? {
            NULL => visitor.visit_unit(),
            FALSE => visitor.visit_bool(false),
            TRUE => visitor.visit_bool(true),
            U => visitor.visit_u64(self.leb128()?),
            I => {
                let z = self.leb128()?;
                visitor.visit_i64(((z >> 1) as i64) ^ -((z & 1) as i64))
            }
            F => {
                let mut b = [0u8; 8];
                for x in &mut b {
                    *x = self.byte()?;
                }
                visitor.visit_f64(f64::from_le_bytes(b))
            }
            S => visitor.visit_str(self.str()?),
            A => {
                let left = self.len()?;
                visitor.visit_seq(Items { r: self, left })
            }
            M => {
                let left = self.len()?;
                visitor.visit_map(Items { r: self, left })
            }
            t => Err(DeError::custom(format!("unknown tag {t}"))),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self.peek() {
            Some(NULL) => {
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
            Some(S) => {
                self.at += 1;
                visitor.visit_enum(self.str()?.into_deserializer())
            }
            Some(M) => {
                self.at += 1;
                let left = self.len()?;
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
        // The run's copy of the secrets pack is the same less its examples.
        let mut full: serde_json::Value = SECRETS_WITH_EXAMPLES.load();
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
    fn malformed_bytes_are_errors_not_panics() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct N {
            n: u32,
        }
        // {"n": "x"}: a type mismatch.
        let e = Table::builtin("t", b"\x08\x01\x01n\x06\x01x")
            .parse::<N>()
            .unwrap_err();
        assert!(e.contains("invalid type"), "{e}");
        // Truncated in the middle of a string, an unknown tag, trailing bytes.
        for bin in [
            &b"\x08\x01\x01n\x06\x05x"[..],
            b"\x09",
            b"\x08\x01\x01n\x03\x01\x00",
        ] {
            assert!(Table::builtin("t", bin).parse::<N>().is_err(), "{bin:?}");
        }
        let n: N = Table::builtin("t", b"\x08\x01\x01n\x03\x2a")
            .parse()
            .unwrap();
        assert_eq!(n.n, 42);
    }
}
