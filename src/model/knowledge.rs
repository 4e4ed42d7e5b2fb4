//! The pattern knowledge the rules consult, as data: the built-in tables in `rules/*.yaml`
//! (commands, hooks, prompt-injection phrases, database servers), extended by the
//! organisation's policy packs. A pack's `knowledge/<table>.yaml` has the built-in table's
//! format with every section optional; its entries are added to the built-in ones (a pack
//! can teach the gate, never make it forget), and its `examples` are judged by the real
//! rules before the scan (see `rules::knowledge_problems`). Built once per run; every file
//! the rules see carries it.

use crate::builtin::Table;
use serde::Deserialize;
use std::sync::{Arc, LazyLock};

/// One list of a table: its entries, where they are documented and the version checked.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct List {
    pub source: Vec<String>,
    pub checked: String,
    pub entries: Vec<String>,
}

impl List {
    fn add(&mut self, other: List) {
        self.source.extend(other.source);
        if self.checked.is_empty() {
            self.checked = other.checked;
        }
        self.entries.extend(other.entries);
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(String::as_str)
    }
}

/// Programs that run code, reach the network or destroy (AG103–AG105, AG110).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Commands {
    #[allow(dead_code)]
    version: u32,
    pub exec_wrappers: List,
    pub network_tools: List,
    pub destructive: List,
    pub read_only: ReadOnly,
    pub risky_terminal: List,
    pub examples: Vec<CommandExample>,
}

/// The subcommands that only look, for the CLIs made of subcommands.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReadOnly {
    pub source: Vec<String>,
    pub checked: String,
    pub clis: Vec<String>,
    pub subcommands: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommandExample {
    pub command: String,
    /// `exec-wrapper`, `network`, `destructive` or `none`.
    pub class: String,
}

/// What hook, status-line and helper commands are judged by (AG301–AG304).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Hooks {
    #[allow(dead_code)]
    version: u32,
    /// Programs that fetch from the network (`curl`, `iwr`).
    pub fetchers: List,
    /// Programs that run what they are fed (`sh`, `python`, `iex`).
    pub runners: List,
    /// Raw socket tools whose `HOST PORT` arguments send data off the machine.
    pub netcat: List,
    /// Copy tools whose `host:path` argument sends files off the machine.
    pub remote_copy: List,
    /// Claude Code settings keys whose value is a command that mints credentials.
    pub credential_helpers: List,
    /// Environment variables that reroute the agent's traffic (endpoints, proxies, CAs).
    pub endpoint_vars: List,
    pub examples: Vec<HookExample>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HookExample {
    pub command: String,
    /// `download-exec`, `exfiltration` or `none`.
    pub class: String,
}

/// Phrases that read like injected instructions in a context file (AG504).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Injection {
    #[allow(dead_code)]
    version: u32,
    pub source: Vec<String>,
    pub checked: String,
    pub phrases: Phrases,
    pub examples: Vec<InjectionExample>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Phrases {
    pub r#override: Vec<String>,
    pub concealment: Vec<String>,
    pub credentials: Vec<String>,
    pub download_exec: Vec<String>,
    pub exfiltration: Vec<String>,
}

/// What an injection phrase points at: one finding per problem and line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    Override,
    Concealment,
    Credentials,
    DownloadExec,
    Exfiltration,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InjectionExample {
    pub text: String,
    pub findings: usize,
}

/// Database MCP servers and what makes one read-only (AG206).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Databases {
    #[allow(dead_code)]
    version: u32,
    pub databases: List,
    pub read_only_flags: List,
    pub read_only_servers: List,
    pub production_words: List,
    pub examples: Vec<DatabaseExample>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseExample {
    /// The server's JSON entry.
    pub server: String,
    pub writable: bool,
}

/// An example a pack brought, with the pack file it came from.
#[derive(Debug, Clone)]
pub enum PackExample {
    Command(CommandExample),
    Hook(HookExample),
    Injection(InjectionExample),
    Database(DatabaseExample),
}

/// Every knowledge table, built-in plus the packs' additions.
#[derive(Debug, Default)]
pub struct Knowledge {
    pub commands: Commands,
    pub hooks: Hooks,
    pub injection: Injection,
    pub databases: Databases,
    /// Every injection phrase, lower-cased, with its problem (built from `injection`).
    phrases: Vec<(String, Problem)>,
    /// The packs' examples, each with its file, for `rules::knowledge_problems`.
    pub pack_examples: Vec<(String, PackExample)>,
    /// The pack files that extended the built-in tables.
    pub packs: Vec<String>,
}

/// The tables a pack may extend, by file name (without `.yaml`).
pub const TABLES: &[&str] = &["commands", "hooks", "injection", "databases", KINDS];

/// The file-kind table's additions (`knowledge/kinds.yaml`): read by `classify::Classifier`,
/// which the walk and the engine use, not by the rules.
pub const KINDS: &str = "kinds";

const BUILTIN_TABLES: [Table; 4] = [
    crate::builtin::COMMANDS,
    crate::builtin::HOOKS,
    crate::builtin::INJECTION,
    crate::builtin::DATABASES,
];

static BUILTIN: LazyLock<Arc<Knowledge>> = LazyLock::new(|| {
    let mut k = Knowledge::builtin_tables();
    k.index();
    Arc::new(k)
});

impl Knowledge {
    /// The built-in tables (parsed on first use, shared).
    pub fn builtin() -> Arc<Knowledge> {
        Arc::clone(&BUILTIN)
    }

    /// The built-in tables extended by the packs' `knowledge/*.yaml` files: (path, text).
    /// `Ok(builtin)` without any. An unknown table or a malformed file is an error naming
    /// the file and the position.
    pub fn extended(packs: &[(String, String)]) -> Result<Arc<Knowledge>, crate::error::Error> {
        if packs.is_empty() {
            return Ok(Self::builtin());
        }
        let mut k = Knowledge::builtin_tables();
        for (path, text) in packs {
            let table = std::path::Path::new(path)
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or("");
            let before = k.examples_len();
            k.add(Table::yaml(table, text))
                .map_err(|e| format!("{path}: {e}"))?;
            k.take_pack_examples(path, before);
            k.packs.push(path.clone());
        }
        k.index();
        Ok(Arc::new(k))
    }

    fn builtin_tables() -> Knowledge {
        let mut k = Knowledge::default();
        for table in BUILTIN_TABLES {
            k.add(table)
                .unwrap_or_else(|e| panic!("rules/{}.yaml is valid (tested): {e}", table.name()));
        }
        k
    }

    /// Adds one table (the built-in format; sections optional) to `self`.
    fn add(&mut self, table: Table) -> Result<(), crate::error::Error> {
        match table.name() {
            "commands" => {
                let t: Commands = table.parse()?;
                let c = &mut self.commands;
                c.exec_wrappers.add(t.exec_wrappers);
                c.network_tools.add(t.network_tools);
                c.destructive.add(t.destructive);
                c.risky_terminal.add(t.risky_terminal);
                c.read_only.source.extend(t.read_only.source);
                if c.read_only.checked.is_empty() {
                    c.read_only.checked = t.read_only.checked;
                }
                c.read_only.clis.extend(t.read_only.clis);
                c.read_only.subcommands.extend(t.read_only.subcommands);
                c.examples.extend(t.examples);
            }
            "hooks" => {
                let t: Hooks = table.parse()?;
                let h = &mut self.hooks;
                h.fetchers.add(t.fetchers);
                h.runners.add(t.runners);
                h.netcat.add(t.netcat);
                h.remote_copy.add(t.remote_copy);
                h.credential_helpers.add(t.credential_helpers);
                h.endpoint_vars.add(t.endpoint_vars);
                h.examples.extend(t.examples);
            }
            "injection" => {
                let t: Injection = table.parse()?;
                let i = &mut self.injection;
                i.source.extend(t.source);
                if i.checked.is_empty() {
                    i.checked = t.checked;
                }
                let (p, q) = (&mut i.phrases, t.phrases);
                p.r#override.extend(q.r#override);
                p.concealment.extend(q.concealment);
                p.credentials.extend(q.credentials);
                p.download_exec.extend(q.download_exec);
                p.exfiltration.extend(q.exfiltration);
                i.examples.extend(t.examples);
            }
            "databases" => {
                let t: Databases = table.parse()?;
                let d = &mut self.databases;
                d.databases.add(t.databases);
                d.read_only_flags.add(t.read_only_flags);
                d.read_only_servers.add(t.read_only_servers);
                d.production_words.add(t.production_words);
                d.examples.extend(t.examples);
            }
            KINDS => {}
            other => {
                return Err(format!(
                    "`{other}` is not a knowledge table (expected one of: {})",
                    TABLES.join(", ")
                )
                .into());
            }
        }
        Ok(())
    }

    fn examples_len(&self) -> [usize; 4] {
        [
            self.commands.examples.len(),
            self.hooks.examples.len(),
            self.injection.examples.len(),
            self.databases.examples.len(),
        ]
    }

    /// Records the examples added since `before` as `path`'s.
    fn take_pack_examples(&mut self, path: &str, before: [usize; 4]) {
        let p = |e| (path.to_string(), e);
        let c = &self.commands.examples[before[0]..];
        let h = &self.hooks.examples[before[1]..];
        let i = &self.injection.examples[before[2]..];
        let d = &self.databases.examples[before[3]..];
        let new: Vec<_> = c
            .iter()
            .cloned()
            .map(PackExample::Command)
            .chain(h.iter().cloned().map(PackExample::Hook))
            .chain(i.iter().cloned().map(PackExample::Injection))
            .chain(d.iter().cloned().map(PackExample::Database))
            .map(p)
            .collect();
        self.pack_examples.extend(new);
    }

    fn index(&mut self) {
        let p = &self.injection.phrases;
        self.phrases = [
            (&p.r#override, Problem::Override),
            (&p.concealment, Problem::Concealment),
            (&p.credentials, Problem::Credentials),
            (&p.download_exec, Problem::DownloadExec),
            (&p.exfiltration, Problem::Exfiltration),
        ]
        .into_iter()
        .flat_map(|(list, problem)| list.iter().map(move |s| (s.to_ascii_lowercase(), problem)))
        .filter(|(s, _)| !s.is_empty())
        .collect();
    }

    /// Every injection phrase, lower-cased, with the problem it points at.
    pub fn phrases(&self) -> &[(String, Problem)] {
        &self.phrases
    }

    /// `pattern` names a look-only subcommand of `cmd`, a CLI made of subcommands.
    pub fn read_only_subcommand(&self, pattern: &str, cmd: &str) -> bool {
        let r = &self.commands.read_only;
        r.clis.iter().any(|c| c == cmd)
            && pattern
                .strip_prefix(cmd)
                .and_then(|rest| rest.strip_prefix(' '))
                .and_then(|rest| rest.split_whitespace().next())
                .is_some_and(|word| r.subcommands.iter().any(|s| s == word))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_tables_are_complete_and_sourced() {
        let k = Knowledge::builtin();
        let lists = [
            &k.commands.exec_wrappers,
            &k.commands.network_tools,
            &k.commands.destructive,
            &k.commands.risky_terminal,
            &k.hooks.fetchers,
            &k.hooks.runners,
            &k.hooks.netcat,
            &k.hooks.remote_copy,
            &k.hooks.credential_helpers,
            &k.hooks.endpoint_vars,
            &k.databases.databases,
            &k.databases.read_only_flags,
            &k.databases.read_only_servers,
            &k.databases.production_words,
        ];
        for list in lists {
            assert!(!list.entries.is_empty(), "{list:?}");
            assert!(!list.checked.is_empty(), "{list:?}");
            assert!(
                !list.source.is_empty() && list.source.iter().all(|s| s.starts_with("https://")),
                "{list:?}"
            );
        }
        assert!(k.phrases().len() >= 20);
        assert!(k.pack_examples.is_empty() && k.packs.is_empty());
    }

    #[test]
    fn packs_add_entries_and_their_examples_are_kept_apart() {
        let pack = (
            "org/knowledge/commands.yaml".to_string(),
            "exec_wrappers:\n  source: [https://example.com/acme-run]\n  entries: [acme-run]\nexamples:\n  - {command: acme-run build, class: exec-wrapper}\n".to_string(),
        );
        let k = Knowledge::extended(&[pack]).unwrap();
        assert!(k.commands.exec_wrappers.iter().any(|w| w == "acme-run"));
        assert!(k.commands.exec_wrappers.iter().any(|w| w == "npx"));
        assert_eq!(k.pack_examples.len(), 1);
        assert_eq!(k.pack_examples[0].0, "org/knowledge/commands.yaml");
    }

    #[test]
    fn unknown_tables_and_keys_are_errors_with_their_file() {
        let e = Knowledge::extended(&[("p/knowledge/kinds2.yaml".into(), "{}".into())])
            .unwrap_err()
            .to_string();
        assert!(e.contains("p/knowledge/kinds2.yaml") && e.contains("not a knowledge table"));
        let e = Knowledge::extended(&[(
            "p/knowledge/hooks.yaml".into(),
            "fetcher:\n  entries: [x]\n".into(),
        )])
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("p/knowledge/hooks.yaml") && e.contains("fetcher"),
            "{e}"
        );
    }
}
