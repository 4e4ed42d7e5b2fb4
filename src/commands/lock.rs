//! `agentgate lock`: record every MCP server definition in `agentgate.lock`, from the parsed
//! files of one engine run (the same inventory AG603 compares against).

use crate::engine::{self, ScanOptions};
use crate::error::{Outcome, Result};
use crate::sink::note;
use std::path::PathBuf;

pub fn run(path: Option<PathBuf>) -> Result<Outcome> {
    let opts = ScanOptions {
        paths: path.into_iter().collect(),
        select: vec!["mcp".into()],
        ..ScanOptions::default()
    };
    let scan = engine::scan_in(&opts, None)?;
    let servers: Vec<_> = crate::rules::policy::inventory(&scan.files)
        .into_iter()
        .map(|(file, name, hash)| serde_json::json!({"file": file, "name": name, "hash": hash}))
        .collect();
    let json = serde_json::to_string_pretty(&serde_json::json!({"version": 1, "servers": servers}))
        .unwrap_or_default()
        + "\n";
    let root = &scan.report.root;
    let out = root.join(crate::rules::policy::LOCK_FILE);
    crate::sink::file(&out, json.as_bytes(), root).map_err(|e| format!("cannot write {e}"))?;
    note(&format!(
        "locked {} MCP server(s) in {}",
        servers.len(),
        out.display()
    ));
    Ok(Outcome::Clean)
}
