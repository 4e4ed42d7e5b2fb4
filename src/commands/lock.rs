//! `agentgate lock`: record every MCP server definition in `agentgate.lock`, from the parsed
//! files of one engine run (the same inventory AG603 compares against).

use crate::engine::{self, ScanOptions};
use crate::sink::note;
use std::path::PathBuf;
use std::process::ExitCode;

pub fn run(path: Option<PathBuf>) -> ExitCode {
    let opts = ScanOptions {
        paths: path.into_iter().collect(),
        select: vec!["mcp".into()],
        ..ScanOptions::default()
    };
    let scan = match engine::scan_in(&opts, None) {
        Ok(scan) => scan,
        Err(e) => {
            super::print_error(e);
            return ExitCode::from(2);
        }
    };
    let servers: Vec<_> = crate::rules::policy::inventory(&scan.files)
        .into_iter()
        .map(|(file, name, hash)| serde_json::json!({"file": file, "name": name, "hash": hash}))
        .collect();
    let json = serde_json::to_string_pretty(&serde_json::json!({"version": 1, "servers": servers}))
        .unwrap_or_default()
        + "\n";
    let root = &scan.report.root;
    let out = root.join(crate::rules::policy::LOCK_FILE);
    match crate::sink::file(&out, json.as_bytes(), root) {
        Ok(()) => {
            note(&format!(
                "locked {} MCP server(s) in {}",
                servers.len(),
                out.display()
            ));
            ExitCode::SUCCESS
        }
        Err(e) => {
            note(&format!("error: cannot write {e}"));
            ExitCode::from(2)
        }
    }
}
