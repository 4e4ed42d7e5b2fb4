//! The knowledge tables as the rules judge them: the facts `agentgate rules --knowledge`
//! prints, and the check that every example a table carries (built-in or from a pack) is
//! judged by the real rules as the table says.

use crate::model::knowledge::{Knowledge as Tables, List, PackExample};
use crate::registry::Selection;

/// The facts for `agentgate rules --knowledge`.
pub fn facts() -> Vec<super::Knowledge> {
    let k = Tables::builtin();
    let fact = |agent: &str, topic: &str, list: &List| super::Knowledge {
        agent: agent.into(),
        topic: topic.to_string(),
        versions: list.checked.clone(),
        sources: list.source.clone(),
    };
    let (c, h, d) = (&k.commands, &k.hooks, &k.databases);
    let read_only = List {
        source: c.read_only.source.clone(),
        checked: c.read_only.checked.clone(),
        entries: Vec::new(),
    };
    let injection = List {
        source: k.injection.source.clone(),
        checked: k.injection.checked.clone(),
        entries: Vec::new(),
    };
    vec![
        fact("commands", "exec wrappers (AG103)", &c.exec_wrappers),
        fact("commands", "network tools (AG104)", &c.network_tools),
        fact("commands", "destructive commands (AG105)", &c.destructive),
        fact("commands", "read-only subcommands (AG105)", &read_only),
        fact(
            "commands",
            "risky terminal auto-approvals (AG110)",
            &c.risky_terminal,
        ),
        fact("hooks", "download-and-run fetchers (AG301)", &h.fetchers),
        fact("hooks", "download-and-run runners (AG301)", &h.runners),
        fact("hooks", "raw-socket uploads (AG302)", &h.netcat),
        fact("hooks", "remote copies (AG302)", &h.remote_copy),
        fact(
            "Claude Code",
            "credential helpers (AG303)",
            &h.credential_helpers,
        ),
        fact(
            "Claude Code",
            "endpoint overrides (AG304)",
            &h.endpoint_vars,
        ),
        fact(
            "context files",
            "prompt-injection phrases (AG504)",
            &injection,
        ),
        fact("MCP", "database servers (AG206)", &d.databases),
        fact("MCP", "read-only switches (AG206)", &d.read_only_flags),
        fact("MCP", "read-only servers (AG206)", &d.read_only_servers),
    ]
}

/// How the rules class a command (AG103–AG105): `exec-wrapper`, `network`, `destructive`
/// or `none`.
fn command_class(k: &Tables, command: &str) -> &'static str {
    match super::permissions::risky_command(k, command) {
        None => "none",
        Some(p) if k.commands.exec_wrappers.iter().any(|w| w == p) => "exec-wrapper",
        Some(p) if k.commands.network_tools.iter().any(|w| w == p) => "network",
        Some(_) => "destructive",
    }
}

/// How the hook rules class a command (AG301, AG302).
fn hook_class(k: &Tables, command: &str) -> &'static str {
    if super::hooks::downloads_and_runs(k, command) {
        "download-exec"
    } else if super::hooks::sends_off_host(k, command) {
        "exfiltration"
    } else {
        "none"
    }
}

/// The findings of `code` on one in-memory file, judged with `k`.
fn count(k: &std::sync::Arc<Tables>, code: &str, path: &str, text: &str) -> usize {
    let selection = Selection::new(&[code.to_string()], &[], &[]).expect("a known rule");
    super::check_one_with(path, text, &selection, k)
        .iter()
        .filter(|d| d.rule.code == code)
        .count()
}

/// One example judged: `Err` says what the rules made of it instead.
fn judge(k: &std::sync::Arc<Tables>, example: &PackExample) -> Result<(), crate::error::Error> {
    let (what, want, got) = match example {
        PackExample::Command(e) => (
            format!("command `{}`", e.command),
            e.class.clone(),
            command_class(k, &e.command).to_string(),
        ),
        PackExample::Hook(e) => (
            format!("hook command `{}`", e.command),
            e.class.clone(),
            hook_class(k, &e.command).to_string(),
        ),
        PackExample::Injection(e) => {
            let text = format!("# Notes\n\n{}\n", e.text);
            (
                format!("text `{}`", e.text),
                format!("{} AG504 finding(s)", e.findings),
                format!("{} AG504 finding(s)", count(k, "AG504", "CLAUDE.md", &text)),
            )
        }
        PackExample::Database(e) => {
            let text = format!("{{\"mcpServers\": {{\"db\": {}}}}}", e.server);
            let writable = count(k, "AG206", ".mcp.json", &text) > 0;
            let say = |w: bool| if w { "writable" } else { "read-only" }.to_string();
            (
                format!("server {}", e.server),
                say(e.writable),
                say(writable),
            )
        }
    };
    if want == got {
        Ok(())
    } else {
        Err(format!("{what} is judged {got}, the example says {want}").into())
    }
}

/// Every pack example the rules do not judge as its table says, as `file: problem`. A pack
/// whose examples fail teaches the gate something other than its author meant.
pub fn knowledge_problems(k: &std::sync::Arc<Tables>) -> Vec<String> {
    k.pack_examples
        .iter()
        .filter_map(|(file, e)| judge(k, e).err().map(|p| format!("{file}: {p}")))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The built-in tables' examples, as the packs' are judged.
    #[test]
    fn builtin_examples_are_judged_as_recorded() {
        let k = Tables::builtin();
        let examples = k
            .commands
            .examples
            .iter()
            .cloned()
            .map(PackExample::Command)
            .chain(k.hooks.examples.iter().cloned().map(PackExample::Hook))
            .chain(
                k.injection
                    .examples
                    .iter()
                    .cloned()
                    .map(PackExample::Injection),
            )
            .chain(
                k.databases
                    .examples
                    .iter()
                    .cloned()
                    .map(PackExample::Database),
            );
        let mut n = 0;
        for e in examples {
            n += 1;
            if let Err(p) = judge(&k, &e) {
                panic!("{p}");
            }
        }
        assert!(n >= 30, "{n}");
    }

    #[test]
    fn a_pack_entry_changes_what_the_rules_find_and_a_wrong_example_is_named() {
        let pack = |text: &str| {
            Tables::extended(&[("acme/knowledge/commands.yaml".into(), text.into())]).unwrap()
        };
        let base = Tables::builtin();
        assert_eq!(command_class(&base, "acme-run build"), "none");
        let k = pack(
            "exec_wrappers:\n  entries: [acme-run]\nexamples:\n  - {command: acme-run build, class: exec-wrapper}\n",
        );
        assert_eq!(command_class(&k, "acme-run build"), "exec-wrapper");
        assert!(knowledge_problems(&k).is_empty());
        let k = pack("examples:\n  - {command: acme-run build, class: exec-wrapper}\n");
        let p = knowledge_problems(&k);
        assert_eq!(p.len(), 1);
        assert!(
            p[0].starts_with(
                "acme/knowledge/commands.yaml: command `acme-run build` is judged none"
            ),
            "{p:?}"
        );
    }
}
