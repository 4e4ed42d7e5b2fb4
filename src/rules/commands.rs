//! The command knowledge of the permission rules, as data (`rules/commands.yaml`): exec
//! wrappers, network tools, destructive commands, read-only subcommands and the commands an
//! editor's terminal must not auto-approve. Parsed once, on first use.

use serde::Deserialize;
use std::sync::OnceLock;

const KNOWLEDGE: &str = include_str!("../../rules/commands.yaml");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct List {
    pub source: Vec<String>,
    pub checked: String,
    pub entries: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReadOnly {
    pub source: Vec<String>,
    pub checked: String,
    pub clis: Vec<String>,
    pub subcommands: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Commands {
    #[allow(dead_code)]
    version: u32,
    pub exec_wrappers: List,
    pub network_tools: List,
    pub destructive: List,
    pub read_only: ReadOnly,
    pub risky_terminal: List,
    #[cfg_attr(not(test), allow(dead_code))]
    examples: Vec<Example>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(not(test), allow(dead_code))]
struct Example {
    command: String,
    class: String,
}

pub fn commands() -> &'static Commands {
    static C: OnceLock<Commands> = OnceLock::new();
    C.get_or_init(|| {
        serde_saphyr::from_str(KNOWLEDGE).expect("rules/commands.yaml is valid (tested)")
    })
}

fn strs(list: &'static [String]) -> impl Iterator<Item = &'static str> {
    list.iter().map(String::as_str)
}

pub fn exec_wrappers() -> impl Iterator<Item = &'static str> {
    strs(&commands().exec_wrappers.entries)
}

pub fn network_tools() -> impl Iterator<Item = &'static str> {
    strs(&commands().network_tools.entries)
}

pub fn destructive() -> impl Iterator<Item = &'static str> {
    strs(&commands().destructive.entries)
}

pub fn risky_terminal() -> impl Iterator<Item = &'static str> {
    strs(&commands().risky_terminal.entries)
}

/// `pattern` names a look-only subcommand of `cmd`, a CLI made of subcommands.
pub fn read_only_subcommand(pattern: &str, cmd: &str) -> bool {
    let r = &commands().read_only;
    r.clis.iter().any(|c| c == cmd)
        && pattern
            .strip_prefix(cmd)
            .and_then(|rest| rest.strip_prefix(' '))
            .and_then(|rest| rest.split_whitespace().next())
            .is_some_and(|word| r.subcommands.iter().any(|s| s == word))
}

/// The facts for `agentgate rules --knowledge`.
pub fn knowledge() -> Vec<super::Knowledge> {
    let c = commands();
    let fact = |topic: &str, sources: &[String], checked: &str| super::Knowledge {
        agent: "commands".into(),
        topic: topic.to_string(),
        versions: checked.to_string(),
        sources: sources.to_vec(),
    };
    vec![
        fact(
            "exec wrappers (AG103)",
            &c.exec_wrappers.source,
            &c.exec_wrappers.checked,
        ),
        fact(
            "network tools (AG104)",
            &c.network_tools.source,
            &c.network_tools.checked,
        ),
        fact(
            "destructive commands (AG105)",
            &c.destructive.source,
            &c.destructive.checked,
        ),
        fact(
            "read-only subcommands (AG105)",
            &c.read_only.source,
            &c.read_only.checked,
        ),
        fact(
            "risky terminal auto-approvals (AG110)",
            &c.risky_terminal.source,
            &c.risky_terminal.checked,
        ),
    ]
}

#[cfg(test)]
mod tests {
    #[test]
    fn examples_classify_as_recorded() {
        let c = super::commands();
        assert!(c.examples.len() >= 8);
        for ex in &c.examples {
            let got = super::super::permissions::risky_command(&ex.command);
            let class = match got {
                None => "none",
                Some(p) if super::exec_wrappers().any(|w| w == p) => "exec-wrapper",
                Some(p) if super::network_tools().any(|w| w == p) => "network",
                Some(_) => "destructive",
            };
            assert_eq!(class, ex.class, "{}", ex.command);
        }
        for list in [
            &c.exec_wrappers,
            &c.network_tools,
            &c.destructive,
            &c.risky_terminal,
        ] {
            assert!(
                !list.entries.is_empty() && list.source.iter().all(|s| s.starts_with("https://"))
            );
        }
    }
}
