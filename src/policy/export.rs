//! The merged pack as an agent's runtime policy file (`agentgate policy export`): a pure
//! function of the policy, the reviewed MCP server identities and the provenance. The output
//! is deterministic (sorted, no timestamps), so a platform repository can commit it and
//! review its diffs; `--check` compares a committed file with it.

use super::Policy;
use super::vendor::{self, KNOWN, Target};
use serde_json::{Map, Value, json};

/// A reviewed MCP server (in `agentgate.lock`, definition unchanged, on the pack's
/// allowlist): what the targets that match on command or URL can pin.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Identity {
    pub name: String,
    /// The launch command and arguments (stdio servers); empty for remote ones.
    pub argv: Vec<String>,
    pub url: Option<String>,
    /// The `mcp.allow` entry it satisfies.
    pub allowed_by: String,
}

#[derive(Debug)]
pub struct Export {
    pub text: String,
    /// Pack keys (or entries) the target cannot express, for standard error.
    pub unexpressed: Vec<String>,
}

/// The first line of a TOML export's provenance; `--check` ignores these lines, since a
/// platform repository that commits the file next to the pack changes the commit by doing so.
pub const PROVENANCE_PREFIX: &str = "# agentgate-provenance: ";

pub fn export(
    policy: &Policy,
    target: Target,
    identities: &[Identity],
    provenance: &[String],
) -> Export {
    let mut unexpressed = Vec::new();
    let text = match target {
        Target::ClaudeManagedSettings | Target::CopilotManagedSettings => {
            let value = managed_settings(policy, target, identities, &mut unexpressed);
            serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
        }
        Target::CodexRequirements => {
            codex_requirements(policy, identities, provenance, &mut unexpressed)
        }
    };
    Export { text, unexpressed }
}

fn sorted(items: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut v: Vec<String> = items.into_iter().collect();
    v.sort();
    v.dedup();
    v
}

fn strings(v: &[String]) -> Value {
    Value::Array(v.iter().cloned().map(Value::String).collect())
}

fn is_url(allow: &str) -> bool {
    allow.contains("://")
}

fn managed_settings(
    policy: &Policy,
    target: Target,
    identities: &[Identity],
    unexpressed: &mut Vec<String>,
) -> Value {
    let copilot = target == Target::CopilotManagedSettings;
    let mut root = Map::new();
    let mut permissions = Map::new();
    let rules = |list: &[String], key: &str, unexpressed: &mut Vec<String>| -> Vec<String> {
        sorted(list.iter().filter_map(|r| {
            if !copilot {
                return Some(r.clone());
            }
            let out = vendor::copilot_rule(r);
            if out.is_none() {
                unexpressed.push(format!(
                    "require.{key} `{r}`: Copilot's permission grammar has no `{}` tool",
                    vendor::rule_tool(r)
                ));
            }
            out
        }))
    };
    let deny = rules(&policy.require.claude_deny, "claude_deny", unexpressed);
    let ask = rules(&policy.require.claude_ask, "claude_ask", unexpressed);
    if !deny.is_empty() {
        permissions.insert("deny".into(), strings(&deny));
    }
    if !ask.is_empty() {
        permissions.insert("ask".into(), strings(&ask));
    }
    if vendor::forbids_bypass(policy) {
        permissions.insert("disableBypassPermissionsMode".into(), json!("disable"));
    }
    // Other forbidden settings: a forbidden boolean is pinned to its opposite where the
    // target knows the key (managed settings win over the project's); the rest cannot be
    // said by a file that sets values.
    let spec = target.spec();
    for (key, value) in &policy.forbid.claude_settings {
        if KNOWN.mapping.bypass.iter().any(|(k, _)| k == key) {
            continue;
        }
        match (value, spec.keys.get(key)) {
            (Value::Bool(b), Some(vendor::KeyType::Named(t))) if t == "bool" => {
                insert_dotted(&mut root, key, Value::Bool(!b));
            }
            _ => unexpressed.push(format!(
                "forbid.claude_settings `{key}`: {} can pin a value, not forbid one",
                spec.client
            )),
        }
    }
    if !permissions.is_empty() {
        match root.get_mut("permissions") {
            Some(Value::Object(p)) => p.extend(permissions),
            _ => {
                root.insert("permissions".into(), Value::Object(permissions));
            }
        }
    }
    // The allowlist: URL prefixes as URL globs, packages as the exact commands of the
    // reviewed servers that run them. An allowlist with no entry would lock every server
    // out, so it is left out (and said so) when nothing of the pack's can be expressed.
    let allow = &policy.mcp.allow;
    let mut entries: Vec<Value> = Vec::new();
    for a in sorted(allow.iter().cloned()) {
        if is_url(&a) {
            let glob = url_glob(&a);
            entries.push(json!({ "serverUrl": glob }));
            continue;
        }
        let commands: Vec<&Identity> = identities
            .iter()
            .filter(|i| i.allowed_by == a && i.url.is_none() && !i.argv.is_empty())
            .collect();
        if commands.is_empty() {
            unexpressed.push(format!(
                "mcp.allow `{a}`: {} matches local servers by their exact command; no reviewed server in agentgate.lock runs it",
                spec.client
            ));
        }
        for i in commands {
            entries.push(json!({ "serverCommand": i.argv }));
        }
    }
    entries.sort_by_key(|e| e.to_string());
    entries.dedup();
    if !allow.is_empty() {
        if entries.is_empty() {
            unexpressed.push(
                "mcp.allow: no entry could be expressed; an empty allowedMcpServers would block every server, so none is written".into(),
            );
        } else {
            root.insert("allowedMcpServers".into(), Value::Array(entries));
            if !copilot {
                // The organisation's list is the only one: users cannot widen it.
                root.insert("allowManagedMcpServersOnly".into(), Value::Bool(true));
            }
        }
    }
    let models = &policy.models;
    if copilot {
        if !models.available.is_empty() || !models.denied.is_empty() {
            unexpressed.push(
                "models.available/denied: Copilot's managed settings set a default model only"
                    .into(),
            );
        }
    } else {
        if !models.available.is_empty() {
            root.insert(
                "availableModels".into(),
                strings(&sorted(models.available.iter().cloned())),
            );
        }
        if !models.denied.is_empty() {
            root.insert(
                "deniedModels".into(),
                strings(&sorted(models.denied.iter().cloned())),
            );
        }
    }
    if !models.forbid_default.is_empty() {
        unexpressed.push(format!(
            "models.forbid_default: {} can block a model, not only its use as the default",
            spec.client
        ));
    }
    Value::Object(root)
}

/// A URL prefix of `mcp.allow` as a client URL glob. A prefix that ends at the host gets its
/// path separator first: `https://mcp.example.com*` would also admit
/// `https://mcp.example.com.attacker.example/`.
fn url_glob(prefix: &str) -> String {
    if prefix.ends_with('*') {
        return prefix.to_string();
    }
    let after_scheme = prefix.split_once("://").map_or(prefix, |(_, rest)| rest);
    if after_scheme.contains('/') {
        format!("{prefix}*")
    } else {
        format!("{prefix}/*")
    }
}

fn insert_dotted(root: &mut Map<String, Value>, key: &str, value: Value) {
    let mut parts: Vec<&str> = key.split('.').collect();
    let last = parts.pop().unwrap_or(key);
    let mut node = root;
    for p in parts {
        let entry = node
            .entry(p.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
        if !entry.is_object() {
            *entry = Value::Object(Map::new());
        }
        node = entry.as_object_mut().expect("just made an object");
    }
    node.insert(last.to_string(), value);
}

/// A TOML basic string.
fn toml_str(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// A TOML key: bare when it can be, quoted otherwise.
fn toml_key(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        s.to_string()
    } else {
        toml_str(s)
    }
}

fn codex_requirements(
    policy: &Policy,
    identities: &[Identity],
    provenance: &[String],
    unexpressed: &mut Vec<String>,
) -> String {
    let mut out = String::from(
        "# Written by `agentgate policy export --target codex-requirements` from the policy pack.\n# Edit the pack, not this file.\n",
    );
    for p in provenance {
        out.push_str(PROVENANCE_PREFIX);
        // One line each, whatever the path holds.
        out.extend(p.chars().map(|c| if c.is_control() { ' ' } else { c }));
        out.push('\n');
    }
    if vendor::forbids_bypass(policy) {
        for (key, values) in &KNOWN.mapping.codex_without_bypass {
            let list: Vec<String> = values.iter().map(|v| toml_str(v)).collect();
            out.push_str(&format!("{key} = [{}]\n", list.join(", ")));
        }
    }
    if !policy.require.claude_deny.is_empty() || !policy.require.claude_ask.is_empty() {
        unexpressed.push(
            "require.claude_deny/claude_ask: requirements.toml has no per-command permission rules"
                .into(),
        );
    }
    for key in policy.forbid.claude_settings.keys() {
        if !KNOWN.mapping.bypass.iter().any(|(k, _)| k == key) {
            unexpressed.push(format!(
                "forbid.claude_settings `{key}`: a Claude Code setting; Codex has no equivalent"
            ));
        }
    }
    if !policy.models.available.is_empty()
        || !policy.models.denied.is_empty()
        || !policy.models.forbid_default.is_empty()
    {
        unexpressed.push("models: requirements.toml does not constrain models".into());
    }
    // The allowlist needs a server name and its identity: both come from reviewed servers.
    let mut servers: Vec<&Identity> = identities
        .iter()
        .filter(|i| i.url.is_some() || !i.argv.is_empty())
        .collect();
    servers.sort();
    servers.dedup_by(|a, b| a.name == b.name);
    for a in sorted(policy.mcp.allow.iter().cloned()) {
        if !servers.iter().any(|i| i.allowed_by == a) {
            unexpressed.push(format!(
                "mcp.allow `{a}`: Codex allowlists servers by name and identity; no reviewed server in agentgate.lock uses it"
            ));
        }
    }
    if !policy.mcp.allow.is_empty() && servers.is_empty() {
        unexpressed.push(
            "mcp.allow: no entry could be expressed; an empty mcp_servers allowlist would disable every server, so none is written".into(),
        );
    }
    for i in servers {
        out.push_str(&format!("\n[mcp_servers.{}.identity]\n", toml_key(&i.name)));
        match &i.url {
            Some(url) => out.push_str(&format!("url = {}\n", toml_str(url))),
            None => out.push_str(&format!("command = {}\n", toml_str(&i.argv[0]))),
        }
    }
    out
}

/// The text `--check` compares: provenance lines left out.
pub fn comparable(text: &str) -> String {
    text.replace("\r\n", "\n")
        .lines()
        .filter(|l| !l.starts_with(PROVENANCE_PREFIX))
        .map(|l| format!("{l}\n"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pack(yaml: &str) -> Policy {
        serde_saphyr::from_str(yaml).unwrap()
    }

    #[test]
    fn claude_export_maps_the_pack() {
        let p = pack(
            "require:\n  claude_deny: [\"Read(./.env)\", \"Bash(curl *)\"]\n  claude_ask: [\"Bash(git push *)\"]\nforbid:\n  claude_settings:\n    permissions.defaultMode: bypassPermissions\n    enableAllProjectMcpServers: true\n    apiKeyHelper: \"*\"\nmcp:\n  allow: [\"https://mcp.example.com/\", \"pkg@1.0.0\"]\nmodels:\n  available: [sonnet, haiku]\n  denied: [opus]\n",
        );
        let ids = [Identity {
            name: "pkg".into(),
            argv: vec!["npx".into(), "-y".into(), "pkg@1.0.0".into()],
            url: None,
            allowed_by: "pkg@1.0.0".into(),
        }];
        let e = export(&p, Target::ClaudeManagedSettings, &ids, &[]);
        let v: Value = serde_json::from_str(&e.text).unwrap();
        assert_eq!(v["permissions"]["disableBypassPermissionsMode"], "disable");
        assert_eq!(
            v["permissions"]["deny"],
            json!(["Bash(curl *)", "Read(./.env)"])
        );
        assert_eq!(v["permissions"]["ask"], json!(["Bash(git push *)"]));
        assert_eq!(v["enableAllProjectMcpServers"], false);
        assert_eq!(
            v["allowedMcpServers"],
            json!([{"serverCommand": ["npx", "-y", "pkg@1.0.0"]}, {"serverUrl": "https://mcp.example.com/*"}])
        );
        assert_eq!(v["availableModels"], json!(["haiku", "sonnet"]));
        assert_eq!(v["deniedModels"], json!(["opus"]));
        assert!(e.unexpressed.iter().any(|u| u.contains("apiKeyHelper")));
        // Deterministic.
        assert_eq!(
            e.text,
            export(&p, Target::ClaudeManagedSettings, &ids, &[]).text
        );
    }

    #[test]
    fn url_prefixes_never_widen_past_the_host() {
        assert_eq!(
            url_glob("https://mcp.example.com"),
            "https://mcp.example.com/*"
        );
        assert_eq!(
            url_glob("https://mcp.example.com/"),
            "https://mcp.example.com/*"
        );
        assert_eq!(
            url_glob("https://mcp.example.com/v1"),
            "https://mcp.example.com/v1*"
        );
        assert_eq!(
            url_glob("https://*.example.com/*"),
            "https://*.example.com/*"
        );
    }

    #[test]
    fn copilot_export_translates_rules_and_never_writes_an_empty_allowlist() {
        let p = pack(
            "require:\n  claude_deny: [\"Bash(curl *)\", \"WebFetch(domain:evil.example)\", \"WebSearch\"]\nmcp:\n  allow: [\"pkg@1.0.0\"]\n",
        );
        let e = export(&p, Target::CopilotManagedSettings, &[], &[]);
        let v: Value = serde_json::from_str(&e.text).unwrap();
        assert_eq!(
            v["permissions"]["deny"],
            json!(["Domain(evil.example)", "Shell(curl *)"])
        );
        assert!(v.get("allowedMcpServers").is_none());
        assert!(e.unexpressed.iter().any(|u| u.contains("WebSearch")));
        assert!(
            e.unexpressed
                .iter()
                .any(|u| u.contains("empty allowedMcpServers"))
        );
    }

    #[test]
    fn codex_export_names_its_provenance_and_identities() {
        let p = pack(
            "forbid:\n  claude_settings:\n    permissions.defaultMode: bypassPermissions\nmcp:\n  allow: [\"https://mcp.example.com/\"]\n",
        );
        let ids = [Identity {
            name: "docs".into(),
            argv: vec![],
            url: Some("https://mcp.example.com/mcp".into()),
            allowed_by: "https://mcp.example.com/".into(),
        }];
        let e = export(
            &p,
            Target::CodexRequirements,
            &ids,
            &["packs/org @ abc123".into()],
        );
        assert!(
            e.text
                .contains("# agentgate-provenance: packs/org @ abc123\n")
        );
        let v: toml::Value = toml::from_str(&e.text).unwrap();
        assert_eq!(
            v["allowed_sandbox_modes"],
            toml::Value::Array(vec!["read-only".into(), "workspace-write".into()])
        );
        assert_eq!(
            v["mcp_servers"]["docs"]["identity"]["url"].as_str(),
            Some("https://mcp.example.com/mcp")
        );
        assert!(!comparable(&e.text).contains("provenance"));
    }
}
