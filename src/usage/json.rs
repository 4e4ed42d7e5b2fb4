//! JSON parsing shared by every export format (a leaf: the format readers and the line
//! reader both use it).

use serde::Deserialize;

/// Parses one JSON value: the text's UTF-8 is checked once for the whole value (`from_str`),
/// not string by string (`from_slice`); invalid UTF-8 falls back to `from_slice` for its
/// error position.
pub fn parse<'a, T: Deserialize<'a>>(bytes: &'a [u8]) -> Result<T, serde_json::Error> {
    match std::str::from_utf8(bytes) {
        Ok(text) => serde_json::from_str(text),
        Err(_) => serde_json::from_slice(bytes),
    }
}

/// [`parse`] driven by a seed (a streaming visitor).
pub fn parse_seed<'a, S: serde::de::DeserializeSeed<'a>>(
    bytes: &'a [u8],
    seed: S,
) -> Result<S::Value, serde_json::Error> {
    match std::str::from_utf8(bytes) {
        Ok(text) => finish(serde_json::Deserializer::from_str(text), seed),
        Err(_) => finish(serde_json::Deserializer::from_slice(bytes), seed),
    }
}

fn finish<'a, R: serde_json::de::Read<'a>, S: serde::de::DeserializeSeed<'a>>(
    mut de: serde_json::Deserializer<R>,
    seed: S,
) -> Result<S::Value, serde_json::Error> {
    let v = seed.deserialize(&mut de)?;
    de.end()?;
    Ok(v)
}
