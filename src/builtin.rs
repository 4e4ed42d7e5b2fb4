//! The built-in knowledge tables, embedded as JSON that `build.rs` converts from
//! `rules/**/*.yaml` (the one source). Org packs stay YAML: [`Table`] reads either, so a
//! loader has one code path for both.

use serde::de::DeserializeOwned;

/// The JSON form of `rules/<name>.yaml`, embedded at build time.
macro_rules! json {
    ($name:literal) => {
        include_str!(concat!(env!("OUT_DIR"), "/rules/", $name, ".json"))
    };
}

pub const COMMANDS: Table = Table::builtin("commands", json!("commands"));
pub const HOOKS: Table = Table::builtin("hooks", json!("hooks"));
pub const INJECTION: Table = Table::builtin("injection", json!("injection"));
pub const DATABASES: Table = Table::builtin("databases", json!("databases"));
pub const KINDS: Table = Table::builtin("kinds", json!("kinds"));
pub const MASKING: Table = Table::builtin("masking", json!("masking"));
pub const ENV: Table = Table::builtin("env", json!("env"));
pub const GUARDRAILS: Table = Table::builtin("guardrails", json!("guardrails"));
pub const NO_EFFECT: Table = Table::builtin("no-effect", json!("no-effect"));
pub const VENDOR_POLICY: Table = Table::builtin("vendor-policy", json!("vendor-policy"));
pub const SECRETS: Table = Table::builtin("secrets", json!("secrets"));
pub const SCHEMAS: [Table; 5] = [
    Table::builtin("schemas/claude-code", json!("schemas/claude-code")),
    Table::builtin("schemas/codex", json!("schemas/codex")),
    Table::builtin("schemas/gemini-cli", json!("schemas/gemini-cli")),
    Table::builtin("schemas/vscode", json!("schemas/vscode")),
    Table::builtin("schemas/copilot-cli", json!("schemas/copilot-cli")),
];

/// One table's text: built-in (JSON) or a pack's file (YAML).
#[derive(Clone, Copy)]
pub struct Table<'a> {
    name: &'a str,
    text: &'a str,
    json: bool,
}

impl<'a> Table<'a> {
    const fn builtin(name: &'a str, json: &'a str) -> Self {
        Table {
            name,
            text: json,
            json: true,
        }
    }

    /// A pack's YAML file.
    pub fn yaml(name: &'a str, text: &'a str) -> Self {
        Table {
            name,
            text,
            json: false,
        }
    }

    pub fn name(&self) -> &'a str {
        self.name
    }

    pub fn parse<T: DeserializeOwned>(&self) -> Result<T, String> {
        if self.json {
            serde_json::from_str(self.text).map_err(|e| e.to_string())
        } else {
            serde_saphyr::from_str(self.text).map_err(|e| e.to_string())
        }
    }

    /// A built-in table, which the tests load: a failure here is a bug, not bad input.
    pub fn load<T: DeserializeOwned>(&self) -> T {
        self.parse()
            .unwrap_or_else(|e| panic!("rules/{}.yaml is valid (tested): {e}", self.name))
    }
}
