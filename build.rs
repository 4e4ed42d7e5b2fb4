//! Converts the built-in knowledge tables (`rules/**/*.yaml`) to a compact binary form in
//! `OUT_DIR`, which `src/builtin.rs` embeds and reads. Every run loads several of them (a
//! commit hook pays it each time): the binary form has nothing left to parse (no escapes, no
//! quoting), several times cheaper than JSON and two orders of magnitude cheaper than YAML,
//! and holds no pointers, so it costs the loader no relocations. The YAML stays the one
//! source; a table that does not parse fails the build, naming the file.
//!
//! Format (read by `builtin::Reader`), framed in ASCII so that the whole table is UTF-8 when
//! its strings are, checked once: a tag byte, then for `u` and `i` decimal digits and `;`, `d`
//! an f64 as Rust prints it and `;`, `s` the byte length, `:` and the UTF-8 bytes, `a` a count,
//! `:` and the items, `m` a count, `:` and (key as `s` without its tag, value) pairs; `n`, `f`
//! and `t` stand alone (null, false, true).

use serde_json::Value;
use std::fmt::Write;

// The keyword pass's anchors, computed here for the built-in pack (see the module).
#[path = "src/secrets/anchor.rs"]
mod anchor;
// Each built-in rule's regex shape, worked out here (see the module).
#[path = "src/secrets/shape.rs"]
mod shape;
use std::path::{Path, PathBuf};

fn main() {
    println!("cargo::rerun-if-changed=rules");
    println!("cargo::rerun-if-changed=src/secrets/anchor.rs");
    println!("cargo::rerun-if-changed=src/secrets/shape.rs");
    println!("cargo::rerun-if-changed=src/secrets/common-trigrams.txt");
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
            let mut bytes = String::new();
            encode(&value, &mut bytes);
            std::fs::write(out.join(format!("{stem}.bin")), bytes).expect("OUT_DIR is writable");
            if stem == "secrets" {
                run_secrets(without_examples(value), out);
            }
        }
    }
}

/// The secrets pack as a run reads it (`secrets::Engine::from_builtin`). Its examples are
/// half its size and only the tests read them, and a run reads few of its rules: so the pack
/// without examples or rules (`secrets-top`), each rule's text end to end (`secrets-rules`),
/// and, as Rust statics (`secrets-tables.rs`, nothing to parse at start-up), what a run needs
/// of each rule with where its text is and what its regex promises (`src/secrets/shape.rs`),
/// and the keyword pass's table: a run neither de-duplicates, anchors nor sorts.
fn run_secrets(mut pack: Value, out: &Path) {
    let rules = pack["rules"].take();
    pack["rules"] = Value::Array(Vec::new());
    let mut top = String::new();
    encode(&pack, &mut top);
    let mut texts = String::new();
    // `secrets::Head`s as Rust source: a static a run reads in place, nothing to parse.
    let mut heads = String::new();
    // The keyword table (`secrets::Keywords`), de-duplicated and anchored here so that a run
    // does not: the lower-cased keywords in order of first use, the keyword pass's sorted
    // anchors, and the rules owning each keyword (flattened, with starts).
    let ranks = anchor::ranks();
    let mut words: Vec<String> = Vec::new();
    let mut owners: Vec<Vec<usize>> = Vec::new();
    let mut index = std::collections::HashMap::new();
    for (i, rule) in rules
        .as_array()
        .expect("`rules` is a list")
        .iter()
        .enumerate()
    {
        let at = texts.len();
        encode(rule, &mut texts);
        for k in rule["keywords"].as_array().into_iter().flatten() {
            let k = k.as_str().unwrap_or_default().to_ascii_lowercase();
            let w = *index.entry(k.clone()).or_insert_with(|| {
                words.push(k);
                owners.push(Vec::new());
                words.len() - 1
            });
            owners[w].push(i);
        }
        let id = rule["id"].as_str().unwrap_or_default();
        let keywords: Vec<&str> = rule["keywords"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let shape = shape::shape(rule["regex"].as_str().unwrap_or_default(), &keywords)
            .unwrap_or_else(|e| panic!("rules/secrets.yaml: rule `{id}`: invalid regex: {e}"));
        let confidence = match rule["confidence"].as_str() {
            Some("exact") => "Exact",
            Some("heuristic") => "Heuristic",
            c => panic!("rules/secrets.yaml: rule `{id}`: unknown confidence {c:?}"),
        };
        let window = match &rule["window"] {
            Value::Null => None,
            w => Some(
                w.as_u64()
                    .unwrap_or_else(|| panic!("rules/secrets.yaml: rule `{id}`: bad window")),
            ),
        };
        writeln!(
            heads,
            "    Head {{ confidence: Confidence::{confidence}, window: {window:?}, at: {at}, \
             len: {len}, at_keyword: {}, min_len: {:?} }},",
            shape.at_keyword,
            shape.min_len,
            len = texts.len() - at,
        )
        .unwrap();
    }
    let at: Vec<usize> = words
        .iter()
        .map(|w| anchor::anchor(w.as_bytes(), &ranks))
        .collect();
    let anchors = anchor::sorted_anchors(words.iter().map(|w| w.as_bytes()), |i| at[i]);
    // The words end to end with where each ends, not a table of `&str`: no pointers, so
    // nothing for the loader to relocate.
    let mut ends = Vec::new();
    let mut joined = String::new();
    for w in &words {
        joined.push_str(w);
        ends.push(joined.len());
    }
    // Owners flattened, with each keyword's start: one list to read, not one per keyword.
    let mut starts = vec![0];
    let mut flat = Vec::new();
    for o in &owners {
        flat.extend(o);
        starts.push(flat.len());
    }
    let list = |items: &[usize]| -> String {
        let text: Vec<String> = items.iter().map(usize::to_string).collect();
        text.join(",")
    };
    let anchors: Vec<String> = anchors
        .iter()
        .map(|(h, w, at)| format!("({h},{w},{at})"))
        .collect();
    let mut tables = String::from("// Written by build.rs from rules/secrets.yaml.\n");
    writeln!(
        tables,
        "pub(super) static HEADS: [Head; {}] = [\n{heads}];",
        rules.as_array().map_or(0, Vec::len)
    )
    .unwrap();
    writeln!(tables, "pub(super) static WORDS: &str = {joined:?};").unwrap();
    writeln!(
        tables,
        "pub(super) static WORD_ENDS: [u32; {}] = [{}];",
        ends.len(),
        list(&ends)
    )
    .unwrap();
    writeln!(
        tables,
        "pub(super) static ANCHORS: [(u32, u32, u32); {}] = [{}];",
        anchors.len(),
        anchors.join(",")
    )
    .unwrap();
    writeln!(
        tables,
        "pub(super) static STARTS: [u32; {}] = [{}];",
        starts.len(),
        list(&starts)
    )
    .unwrap();
    writeln!(
        tables,
        "pub(super) static OWNERS: [u32; {}] = [{}];",
        flat.len(),
        list(&flat)
    )
    .unwrap();
    std::fs::write(out.join("secrets-tables.rs"), tables).expect("OUT_DIR is writable");
    for (name, text) in [("top", top), ("rules", texts)] {
        std::fs::write(out.join(format!("secrets-{name}.bin")), text).expect("OUT_DIR is writable");
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

fn encode(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push('n'),
        Value::Bool(b) => out.push(if *b { 't' } else { 'f' }),
        Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                write!(out, "u{u};").unwrap();
            } else if let Some(i) = n.as_i64() {
                write!(out, "i{i};").unwrap();
            } else {
                let f = n.as_f64().expect("a JSON number is an f64");
                write!(out, "d{f:?};").unwrap();
            }
        }
        Value::String(s) => {
            out.push('s');
            string(s, out);
        }
        Value::Array(items) => {
            write!(out, "a{}:", items.len()).unwrap();
            for v in items {
                encode(v, out);
            }
        }
        Value::Object(map) => {
            write!(out, "m{}:", map.len()).unwrap();
            for (k, v) in map {
                string(k, out);
                encode(v, out);
            }
        }
    }
}

fn string(s: &str, out: &mut String) {
    write!(out, "{}:{s}", s.len()).unwrap();
}
