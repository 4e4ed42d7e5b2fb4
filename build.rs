//! Converts the built-in knowledge tables (`rules/**/*.yaml`) to a compact binary form in
//! `OUT_DIR`, which `src/builtin.rs` embeds and reads. Every run loads several of them (a
//! commit hook pays it each time): the binary form has nothing left to parse (no escapes, no
//! quoting), several times cheaper than JSON and two orders of magnitude cheaper than YAML,
//! and holds no pointers, so it costs the loader no relocations. The YAML stays the one
//! source; a table that does not parse fails the build, naming the file.
//!
//! Format (read by `builtin::Reader`): a tag byte, then for U a LEB128 u64, I a zigzag LEB128,
//! F 8 bytes little-endian, S a LEB128 length and UTF-8 bytes, A a LEB128 count and the items,
//! M a LEB128 count and (key as S without its tag, value) pairs.

use serde_json::Value;
use std::path::{Path, PathBuf};

fn main() {
    println!("cargo::rerun-if-changed=rules");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    convert(Path::new("rules"), &out.join("rules"));
}

fn convert(dir: &Path, out: &Path) {
    std::fs::create_dir_all(out).expect("OUT_DIR is writable");
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("readable rules directory").path())
        .collect();
    entries.sort();
    for path in entries {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if path.is_dir() {
            convert(&path, &out.join(name));
        } else if let Some(stem) = name.strip_suffix(".yaml") {
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let value: Value =
                serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let mut bytes = Vec::new();
            encode(&value, &mut bytes);
            std::fs::write(out.join(format!("{stem}.bin")), bytes).expect("OUT_DIR is writable");
            if stem == "secrets" {
                // The secrets pack's examples are half its size and only the tests read them:
                // a run loads the pack without them.
                let mut bytes = Vec::new();
                encode(&without_examples(value), &mut bytes);
                std::fs::write(out.join("secrets-run.bin"), bytes).expect("OUT_DIR is writable");
            }
        }
    }
}

/// The secrets pack without its rules' and public prefixes' examples.
fn without_examples(mut pack: Value) -> Value {
    for list in ["rules", "public_prefixes"] {
        for entry in pack[list].as_array_mut().into_iter().flatten() {
            if let Some(entry) = entry.as_object_mut() {
                entry.remove("examples");
                entry.remove("negative_examples");
            }
        }
    }
    pack
}

// Tags, as `builtin::Reader` reads them.
const NULL: u8 = 0;
const FALSE: u8 = 1;
const TRUE: u8 = 2;
const U: u8 = 3;
const I: u8 = 4;
const F: u8 = 5;
const S: u8 = 6;
const A: u8 = 7;
const M: u8 = 8;

fn encode(value: &Value, out: &mut Vec<u8>) {
    match value {
        Value::Null => out.push(NULL),
        Value::Bool(b) => out.push(if *b { TRUE } else { FALSE }),
        Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                out.push(U);
                leb128(u, out);
            } else if let Some(i) = n.as_i64() {
                out.push(I);
                leb128(((i << 1) ^ (i >> 63)) as u64, out);
            } else {
                out.push(F);
                let f = n.as_f64().expect("a JSON number is an f64");
                out.extend_from_slice(&f.to_le_bytes());
            }
        }
        Value::String(s) => {
            out.push(S);
            string(s, out);
        }
        Value::Array(items) => {
            out.push(A);
            leb128(items.len() as u64, out);
            for v in items {
                encode(v, out);
            }
        }
        Value::Object(map) => {
            out.push(M);
            leb128(map.len() as u64, out);
            for (k, v) in map {
                string(k, out);
                encode(v, out);
            }
        }
    }
}

fn string(s: &str, out: &mut Vec<u8>) {
    leb128(s.len() as u64, out);
    out.extend_from_slice(s.as_bytes());
}

fn leb128(mut n: u64, out: &mut Vec<u8>) {
    loop {
        let byte = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}
