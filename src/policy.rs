//! Organisation policy packs: a directory with `policy.yaml`, named by `extends:` in
//! `.agentgate.yaml` and able to extend another pack (org → department → team). Later layers
//! add to earlier ones; map entries of a later layer replace the earlier value.

use crate::config::ConfigError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One or several pack paths.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Extends {
    One(String),
    Many(Vec<String>),
}

impl Extends {
    pub fn paths(&self) -> Vec<&str> {
        match self {
            Extends::One(p) => vec![p.as_str()],
            Extends::Many(v) => v.iter().map(String::as_str).collect(),
        }
    }
}

#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    #[serde(default, skip_serializing)]
    pub extends: Option<Extends>,
    #[serde(default)]
    pub require: Require,
    #[serde(default)]
    pub forbid: Forbid,
    #[serde(default)]
    pub mcp: McpPolicy,
    /// The packs this policy was assembled from, root first (filled in by [`load`]).
    #[serde(default, skip_deserializing)]
    pub layers: Vec<String>,
}

#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Require {
    /// Repository paths that must exist (e.g. `AGENTS.md`).
    #[serde(default)]
    pub context_files: Vec<String>,
    /// Headings each context file must contain, by path.
    #[serde(default)]
    pub sections: BTreeMap<String, Vec<String>>,
    /// Claude Code deny rules the effective project settings must contain.
    #[serde(default)]
    pub claude_deny: Vec<String>,
}

#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Forbid {
    /// Dotted Claude Code settings keys and the value they must not have (`"*"`: any value).
    #[serde(default)]
    pub claude_settings: BTreeMap<String, serde_json::Value>,
}

#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct McpPolicy {
    /// Approved servers: `package@version` (npm), `package==version` (Python), `image:tag`, or a
    /// remote URL prefix. When the list is non-empty, every other server is reported.
    #[serde(default)]
    pub allow: Vec<String>,
}

impl Policy {
    fn merge(&mut self, later: Policy) {
        let union = |a: &mut Vec<String>, b: Vec<String>| {
            for x in b {
                if !a.contains(&x) {
                    a.push(x);
                }
            }
        };
        union(&mut self.require.context_files, later.require.context_files);
        for (k, v) in later.require.sections {
            self.require.sections.insert(k, v);
        }
        union(&mut self.require.claude_deny, later.require.claude_deny);
        for (k, v) in later.forbid.claude_settings {
            self.forbid.claude_settings.insert(k, v);
        }
        union(&mut self.mcp.allow, later.mcp.allow);
    }

    pub fn is_empty(&self) -> bool {
        self.layers.is_empty()
    }
}

/// Loads the packs named by `extends` (relative to `base`), each after the packs it extends.
pub fn load(extends: &Extends, base: &Path) -> Result<Policy, Box<ConfigError>> {
    let mut policy = Policy::default();
    let mut stack = Vec::new();
    for p in extends.paths() {
        load_into(&base.join(p), &mut policy, &mut stack)?;
    }
    Ok(policy)
}

fn load_into(
    dir: &Path,
    policy: &mut Policy,
    stack: &mut Vec<PathBuf>,
) -> Result<(), Box<ConfigError>> {
    let canonical = std::fs::canonicalize(dir).map_err(|e| {
        ConfigError::plain(format!(
            "policy pack {}: {e} (only local directories are supported so far)",
            dir.display()
        ))
    })?;
    if stack.contains(&canonical) {
        let chain: Vec<String> = stack
            .iter()
            .chain([&canonical])
            .map(|p| p.display().to_string())
            .collect();
        return Err(ConfigError::plain(format!(
            "policy packs extend each other in a cycle: {}",
            chain.join(" → ")
        )));
    }
    let file = canonical.join("policy.yaml");
    let text = std::fs::read_to_string(&file)
        .map_err(|e| ConfigError::plain(format!("cannot read {}: {e}", file.display())))?;
    let layer: Policy = serde_saphyr::from_str(&text).map_err(|e| {
        let offset = e
            .location()
            .and_then(|l| l.span().byte_offset())
            .unwrap_or(0) as usize;
        let message = e.without_snippet().to_string();
        ConfigError::at_pub(
            &file,
            &text,
            offset,
            format!(
                "invalid policy pack: {}",
                message.lines().next().unwrap_or("")
            ),
        )
    })?;
    stack.push(canonical.clone());
    if let Some(parent) = &layer.extends {
        for p in parent.paths() {
            load_into(&canonical.join(p), policy, stack)?;
        }
    }
    stack.pop();
    policy.layers.push(canonical.display().to_string());
    policy.merge(layer);
    Ok(())
}
