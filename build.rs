//! Converts the built-in knowledge tables (`rules/**/*.yaml`) to JSON in `OUT_DIR`, where
//! `src/builtin.rs` embeds them. Every run loads several of them (a commit hook pays it each
//! time), and serde_json reads them an order of magnitude faster than a YAML parser. The YAML
//! stays the one source; a table that does not parse fails the build, naming the file.

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
            let value: serde_json::Value =
                serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let json = serde_json::to_string(&value).expect("a JSON value serializes");
            std::fs::write(out.join(format!("{stem}.json")), json).expect("OUT_DIR is writable");
        }
    }
}
