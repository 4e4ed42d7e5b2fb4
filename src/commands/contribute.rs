//! `agentgate policy contribute ITEM`: a team's improvement back to the organisation's pack.
//! It produces what the platform team reviews: a patch that brings the team's version into
//! the pack (a skill with its version bumped, or a managed block of a template), the list of
//! repositories of the last fleet scan that vendor the version it replaces, and — when the
//! pack is a local git repository — a branch in it with that change committed.
//!
//! The branch is made with git plumbing on a temporary index (`hash-object`, `read-tree`,
//! `update-index`, `write-tree`, `commit-tree`, `update-ref`): the pack's working tree, index
//! and checked-out branch are never touched, and no hook, filter, fsmonitor or signing
//! program configured in that repository runs.

use crate::error::{Outcome, Result};
use crate::fix::Edit;
use crate::policy::Policy;
use crate::sink;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct ContributeArgs {
    /// What to contribute: `skill:NAME` (or the path of `.claude/skills/NAME/SKILL.md`),
    /// `block:ID` (a managed block of a pack template, as this repository has it), or
    /// `deny:RULE` (a Claude Code deny rule of this repository's settings, for the root
    /// pack's `require.claude_deny`).
    pub item: String,
    /// The last fleet report (`agentgate fleet scan --json FILE`): lists the repositories
    /// that vendor the version this replaces.
    #[arg(long, value_name = "FILE")]
    pub fleet: Option<PathBuf>,
    /// Write the patch to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Only the patch: no branch, even when the pack is a local git repository.
    #[arg(long)]
    pub no_branch: bool,
    #[command(flatten)]
    pub policy: super::PolicyArgs,
}

/// What is contributed, resolved against the pack.
struct Proposal {
    /// The pack directory the item lives in, and the file in it that changes.
    pack_dir: PathBuf,
    pack_file: PathBuf,
    before: String,
    after: String,
    /// One line for people and the commit message.
    summary: String,
    branch: String,
    /// (skill name, the library version it replaces), for the fleet lookup.
    skill: Option<(String, String)>,
    /// A git pack's `URL@ref (commit …)`: its directory is agentgate's cache, not a clone.
    origin: Option<String>,
}

pub fn run(args: ContributeArgs) -> Result<Outcome> {
    contribute(&args)
}

fn contribute(args: &ContributeArgs) -> Result<Outcome> {
    let opts = crate::engine::ScanOptions {
        config: args.policy.config.clone(),
        policy: args.policy.policy.clone(),
        ..crate::engine::ScanOptions::default()
    };
    let setup = crate::engine::setup(&opts).map_err(|e| e.to_string())?;
    let policy = &setup.config.policy;
    if policy.is_empty() {
        return Err(
            "no policy pack to contribute to: name one with `--policy DIR` or `extends:` in .agentgate.yaml"
                .into(),
        );
    }
    let root = &setup.project_root;
    let proposal = if let Some(name) = skill_item(&args.item) {
        skill(policy, root, &name)?
    } else if let Some(id) = args.item.strip_prefix("block:") {
        block(policy, root, id)?
    } else if let Some(rule) = args.item.strip_prefix("deny:") {
        deny(policy, root, rule)?
    } else {
        return Err(format!(
            "`{}`: expected skill:NAME, a .claude/skills/NAME/SKILL.md path, block:ID or deny:RULE",
            args.item
        )
        .into());
    };
    let Some(proposal) = proposal else {
        return Ok(Outcome::Clean);
    };
    // A credential in the contribution would reach every team: refused before anything is
    // printed or committed (exact detections only; the patch is masked anyway).
    if !crate::secrets::Engine::builtin()
        .scan(proposal.after.as_bytes(), false)
        .is_empty()
    {
        return Err(format!(
            "{} holds what looks like a credential: remove it before contributing",
            proposal.pack_file.display()
        )
        .into());
    }
    let repo_root = match proposal.origin {
        Some(_) => None, // agentgate's cache of a git pack, not a clone to branch in
        None => crate::source::git::workdir(&proposal.pack_dir).ok(),
    };
    let rel_base = repo_root.as_deref().unwrap_or(&proposal.pack_dir);
    let rel = proposal
        .pack_file
        .strip_prefix(rel_base)
        .unwrap_or(&proposal.pack_file)
        .to_string_lossy()
        .replace('\\', "/");
    let team = root.file_name().map_or_else(
        || root.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let mut patch = format!(
        "agentgate policy contribute: {}\nfrom repository {team}\n",
        proposal.summary
    );
    if let (Some(fleet), Some((name, old))) = (&args.fleet, &proposal.skill) {
        patch.push_str(&fleet_lines(fleet, name, old)?);
    } else if proposal.skill.is_some() {
        sink::note(
            "note: pass --fleet REPORT.json (from `agentgate fleet scan --json`) to list the repositories that vendor the old version",
        );
    }
    patch.push('\n');
    patch.push_str(&crate::fix::unified(&[Edit {
        path: rel.clone(),
        before: Some(proposal.before.clone()),
        after: proposal.after.clone(),
        changes: Vec::new(),
    }]));
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    match &args.output {
        Some(path) => sink::file(path, patch.as_bytes(), &cwd).map_err(|e| e.to_string())?,
        None => sink::stdout(patch.as_bytes()).map_err(|e| e.to_string())?,
    }
    sink::note(&proposal.summary);
    match repo_root {
        Some(repo) if !args.no_branch => {
            let commit = branch(&repo, &rel, &proposal)?;
            sink::note(&format!(
                "created branch {} in {} (commit {commit}); the pack's checkout is unchanged",
                proposal.branch,
                repo.display()
            ));
        }
        Some(_) => {}
        None => sink::note(&match &proposal.origin {
            Some(origin) => format!(
                "the pack comes from {origin}: apply the patch in a clone of it (its paths are relative to the pack's directory)"
            ),
            None => format!(
                "{} is not in a git repository: apply the patch there with `patch -p1`",
                proposal.pack_dir.display()
            ),
        }),
    }
    Ok(Outcome::Clean)
}

/// `skill:NAME`, or the path of a skill's SKILL.md.
fn skill_item(item: &str) -> Option<String> {
    if let Some(name) = item.strip_prefix("skill:") {
        return Some(name.to_string());
    }
    let path = item.replace('\\', "/");
    let rest = path.strip_suffix("/SKILL.md")?;
    rest.contains(".claude/skills/")
        .then(|| rest.rsplit('/').next().map(str::to_string))
        .flatten()
}

/// The pack directory a layer name (`Policy::layers`, `LibrarySkill::pack`) stands for, and
/// where a git pack came from.
fn layer_dir(layer: &str) -> (PathBuf, Option<String>) {
    match layer.split_once(" at /") {
        Some((origin, path)) => (PathBuf::from(format!("/{path}")), Some(origin.to_string())),
        None => (PathBuf::from(layer), None),
    }
}

fn read(path: &Path, root: &Path) -> Result<String, crate::error::Error> {
    crate::fsx::read_confined_text(path, root, crate::fsx::SMALL_FILE_CAP)
        .map_err(|e| format!("cannot read {e}").into())
}

fn skill(
    policy: &Policy,
    root: &Path,
    name: &str,
) -> Result<Option<Proposal>, crate::error::Error> {
    if name.is_empty() || name.contains(['/', '\\']) || name.starts_with('.') {
        return Err(format!("`{name}` is not a skill name").into());
    }
    let lib = policy.skills.get(name).ok_or_else(|| {
        format!("the policy's skill library has no `{name}`: add skills/{name}/SKILL.md to the pack (with `version:`) instead")
    })?;
    let (pack_dir, origin) = layer_dir(&lib.pack);
    let pack_file = pack_dir.join("skills").join(name).join("SKILL.md");
    let before = read(&pack_file, &pack_dir)?;
    let team = read(
        &root.join(".claude/skills").join(name).join("SKILL.md"),
        root,
    )?;
    if crate::policy::skill_hash(&team) == lib.hash {
        sink::note(&format!(
            "skill `{name}` is the library's {} unchanged: nothing to contribute",
            lib.version
        ));
        return Ok(None);
    }
    let team_version = crate::policy::skill_version(&team);
    let bumped = bump(&lib.version);
    let version = match &team_version {
        Some(v) if crate::rules::policy::version_cmp(v, &bumped).is_gt() => v.clone(),
        _ => bumped,
    };
    if let Some(v) = team_version
        .as_deref()
        .filter(|v| crate::rules::policy::version_cmp(v, &lib.version).is_lt())
    {
        sink::note(&format!(
            "warning: this copy is based on {v}, older than the library's {}: review the diff for changes it would undo",
            lib.version
        ));
    }
    let after = set_version(&team, &version);
    Ok(Some(Proposal {
        summary: format!(
            "skill {name}: {} -> {version} (the team's change)",
            lib.version
        ),
        branch: format!(
            "agentgate/contribute/skill-{}-{}",
            branch_safe(name),
            branch_safe(&version)
        ),
        skill: Some((name.to_string(), lib.version.clone())),
        origin,
        pack_dir,
        pack_file,
        before,
        after,
    }))
}

fn block(policy: &Policy, root: &Path, id: &str) -> Result<Option<Proposal>, crate::error::Error> {
    use crate::policy::template;
    let (path, tpl) = policy
        .templates
        .iter()
        .find(|(_, t)| t.blocks.iter().any(|b| b == id))
        .ok_or_else(|| format!("no template of the policy has a managed block `{id}`"))?;
    let text = read(&root.join(path), root)?;
    let found = template::blocks(&text).map_err(|(line, m)| format!("{path}:{line}: {m}"))?;
    let ours = found
        .iter()
        .find(|b| b.id == id)
        .ok_or_else(|| format!("{path} has no managed block `{id}`"))?;
    let (pack_dir, origin) = layer_dir(&tpl.pack);
    let pack_file = pack_dir.join("templates").join(path);
    let before = read(&pack_file, &pack_dir)?;
    let theirs = template::blocks(&before)
        .map_err(|(line, m)| format!("{}:{line}: {m}", pack_file.display()))?
        .into_iter()
        .find(|b| b.id == id)
        .ok_or_else(|| format!("the pack's template {path} has no block `{id}`"))?;
    let content = &text[ours.content.clone()];
    if template::normalize(content) == template::normalize(&before[theirs.content.clone()]) {
        sink::note(&format!(
            "managed block `{id}` of {path} is the pack's: nothing to contribute"
        ));
        return Ok(None);
    }
    let after = format!(
        "{}{}{}",
        &before[..theirs.content.start],
        content,
        &before[theirs.content.end..]
    );
    Ok(Some(Proposal {
        summary: format!(
            "managed block {id} of templates/{path} (the team's version; templates carry no version of their own)"
        ),
        branch: format!("agentgate/contribute/block-{}", branch_safe(id)),
        skill: None,
        origin,
        pack_dir,
        pack_file,
        before,
        after,
    }))
}

/// A deny rule the team added, for the root pack's `require.claude_deny`. The pack's
/// `policy.yaml` is edited as text (its comments and layout kept) and the result is parsed
/// again: an edit that does not come out as intended is refused, not written.
fn deny(policy: &Policy, root: &Path, rule: &str) -> Result<Option<Proposal>, crate::error::Error> {
    let rule = rule.trim();
    if rule.is_empty() || rule.contains(['\n', '\r']) {
        return Err("deny: needs a permission rule, e.g. deny:\"Bash(curl *)\"".into());
    }
    if policy.require.claude_deny.iter().any(|r| r == rule) {
        sink::note(&format!(
            "`{rule}` is in the pack's require.claude_deny already: nothing to contribute"
        ));
        return Ok(None);
    }
    // Only a rule the team actually denies: the proposal is what runs in this repository.
    let settings = root.join(".claude/settings.json");
    let text = read(&settings, root)?;
    let tree = crate::syntax::json::parse(&text).map_err(|e| {
        let (line, col) = crate::syntax::LineIndex::new(&text).line_col(&text, e.span.start);
        format!(".claude/settings.json:{line}:{col}: {}", e.message)
    })?;
    let denied = tree
        .pointer(&["permissions", "deny"])
        .map_or(&[][..], crate::syntax::Node::as_array)
        .iter()
        .any(|n| n.as_str() == Some(rule));
    if !denied {
        return Err(format!(
            "`{rule}` is not in permissions.deny of .claude/settings.json: contribute a rule the team runs with"
        ).into());
    }
    let layer = policy
        .layers
        .first()
        .ok_or("the policy has no pack layer")?;
    let (pack_dir, origin) = layer_dir(layer);
    let pack_file = pack_dir.join("policy.yaml");
    let before = read(&pack_file, &pack_dir)?;
    let after = add_required_deny(&before, rule)?;
    Ok(Some(Proposal {
        summary: format!(
            "require.claude_deny: add `{rule}` (the team's guardrail; policy.yaml carries no version of its own)"
        ),
        branch: format!(
            "agentgate/contribute/deny-{}",
            &crate::secrets::hash(rule)[..12]
        ),
        skill: None,
        origin,
        pack_dir,
        pack_file,
        before,
        after,
    }))
}

/// `policy.yaml` with `rule` added to `require.claude_deny`, checked by parsing it again.
fn add_required_deny(text: &str, rule: &str) -> Result<String, crate::error::Error> {
    let quoted = serde_json::to_string(rule).unwrap_or_default();
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let indent = |l: &str| l.len() - l.trim_start().len();
    let mut out: Option<String> = None;
    if let Some(i) = lines
        .iter()
        .position(|l| l.trim_start().starts_with("claude_deny:"))
    {
        let line = lines[i];
        let after_key = line.trim_start()["claude_deny:".len()..].trim();
        let mut edited: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        if after_key.starts_with('[') {
            if let Some(close) = line.rfind(']') {
                let inner = line[..close].trim_end();
                let sep = if inner.ends_with('[') { "" } else { ", " };
                edited[i] = format!("{inner}{sep}{quoted}{}", &line[close..]);
                out = Some(edited.concat());
            }
        } else if after_key.is_empty() || after_key.starts_with('#') {
            let items: Vec<usize> = (i + 1..lines.len())
                .take_while(|&j| lines[j].trim().is_empty() || indent(lines[j]) > indent(line))
                .filter(|&j| lines[j].trim_start().starts_with("- "))
                .collect();
            let at = items.last().map_or(i + 1, |&j| j + 1);
            let pad = items
                .first()
                .map_or(indent(line) + 2, |&j| indent(lines[j]));
            let mut item = format!("{}- {quoted}\n", " ".repeat(pad));
            if at > 0 && !edited[at - 1].ends_with('\n') {
                item.insert(0, '\n');
            }
            edited.insert(at, item);
            out = Some(edited.concat());
        }
    } else if let Some(i) = lines.iter().position(|l| l.trim_end() == "require:") {
        let mut edited: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        edited.insert(i + 1, format!("  claude_deny: [{quoted}]\n"));
        out = Some(edited.concat());
    } else {
        let sep = if text.is_empty() || text.ends_with('\n') {
            ""
        } else {
            "\n"
        };
        out = Some(format!("{text}{sep}require:\n  claude_deny: [{quoted}]\n"));
    }
    let out = out.ok_or(
        "policy.yaml: require.claude_deny has a form agentgate does not edit; add the rule by hand",
    )?;
    let parsed: Policy = serde_saphyr::from_str(&out).map_err(|e| {
        format!("policy.yaml would not parse after the edit ({e}); add the rule by hand")
    })?;
    if !parsed.require.claude_deny.iter().any(|r| r == rule) {
        return Err(
            "policy.yaml: the edit did not land in require.claude_deny; add the rule by hand"
                .into(),
        );
    }
    Ok(out)
}

/// The next version: the last number goes up by one (`1.2.0` → `1.2.1`, `v3` → `v4`).
fn bump(version: &str) -> String {
    let digits_at = version.rfind(|c: char| c.is_ascii_digit()).map(|end| {
        let start = version[..=end]
            .rfind(|c: char| !c.is_ascii_digit())
            .map_or(0, |i| i + 1);
        (start, end + 1)
    });
    match digits_at {
        Some((start, end)) => match version[start..end].parse::<u64>() {
            Ok(n) => format!("{}{}{}", &version[..start], n + 1, &version[end..]),
            Err(_) => format!("{version}.1"),
        },
        None => format!("{version}.1"),
    }
}

/// The skill text with its front matter's version set (added when it has none).
fn set_version(text: &str, version: &str) -> String {
    let fm = crate::syntax::yaml::front_matter(text).ok().flatten();
    if let Some(fm) = &fm
        && let Ok(tree) = crate::syntax::yaml::parse(fm.text, fm.start)
        && let Some(node) = tree
            .get("version")
            .or_else(|| tree.pointer(&["metadata", "version"]))
    {
        let old = &text[node.span.clone()];
        let quote = old.chars().next().filter(|c| *c == '"' || *c == '\'');
        let new = match quote {
            Some(q) => format!("{q}{version}{q}"),
            None => version.to_string(),
        };
        return format!(
            "{}{new}{}",
            &text[..node.span.start],
            &text[node.span.end..]
        );
    }
    match fm {
        Some(fm) => format!(
            "{}version: {version}\n{}",
            &text[..fm.start],
            &text[fm.start..]
        ),
        None => format!("---\nversion: {version}\n---\n{text}"),
    }
}

fn branch_safe(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' {
                c
            } else {
                '-'
            }
        })
        .collect::<String>()
        // Git refuses `..` in a ref name, and a component that starts or ends with a dot.
        .replace("..", "--")
        .trim_matches('.')
        .to_string()
}

/// The repositories of a fleet report that vendor skill `name` at `old` (the version this
/// replaces), and those on older versions.
fn fleet_lines(report: &Path, name: &str, old: &str) -> Result<String, crate::error::Error> {
    let text = std::fs::read_to_string(report)
        .map_err(|e| format!("cannot read {}: {e}", report.display()))?;
    let report: crate::fleet::model::FleetReport = serde_json::from_str(&text)
        .map_err(|e| format!("{} is not a fleet report: {e}", report.display()))?;
    let Some(s) = report.summary.skills.iter().find(|s| s.name == name) else {
        return Ok(format!(
            "no repository of the fleet report ({}) vendors skill {name}\n",
            report.generated_at
        ));
    };
    let on_old: Vec<&str> = s
        .versions
        .iter()
        .filter(|(_, v)| v.as_str() == old)
        .map(|(r, _)| r.as_str())
        .collect();
    let older: Vec<String> = s
        .outdated_repos
        .iter()
        .map(|r| format!("{r} ({})", s.versions.get(r).map_or("none", String::as_str)))
        .collect();
    let mut out = format!(
        "repositories vendoring {name} {old} in the fleet report of {}: {}\n",
        report.generated_at,
        if on_old.is_empty() {
            "none".to_string()
        } else {
            on_old.join(", ")
        }
    );
    if !older.is_empty() {
        out.push_str(&format!("on older versions: {}\n", older.join(", ")));
    }
    if !s.modified_repos.is_empty() {
        out.push_str(&format!(
            "modified locally (compare before merging): {}\n",
            s.modified_repos.join(", ")
        ));
    }
    sink::note(out.trim_end());
    Ok(out)
}

/// `git` in `repo` with nothing of that repository's configuration that runs a program.
fn git(
    repo: &Path,
    args: &[&str],
    index: Option<&Path>,
    stdin: Option<&str>,
) -> Result<String, crate::error::Error> {
    use std::io::Write;
    let mut cmd = crate::policy::fetch::git_command();
    cmd.arg("-C")
        .arg(repo)
        .args([
            "-c",
            "core.hooksPath=/dev/null",
            "-c",
            "core.fsmonitor=false",
            "-c",
            "commit.gpgSign=false",
        ])
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .stdin(if stdin.is_some() {
            std::process::Stdio::piped()
        } else {
            std::process::Stdio::null()
        });
    if let Some(index) = index {
        cmd.env("GIT_INDEX_FILE", index);
    }
    let mut child = cmd.spawn().map_err(|e| format!("cannot run git: {e}"))?;
    if let (Some(text), Some(mut pipe)) = (stdin, child.stdin.take()) {
        pipe.write_all(text.as_bytes())
            .map_err(|e| format!("git {}: {e}", args[0]))?;
    }
    let out = child
        .wait_with_output()
        .map_err(|e| format!("git {}: {e}", args[0]))?;
    if !out.status.success() {
        return Err(format!(
            "git {} in {}: {}",
            args[0],
            repo.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        )
        .into());
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// A path for a temporary git index, removed when dropped (git writes the file itself).
struct TempIndex(PathBuf);

impl TempIndex {
    fn new() -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        Self(std::env::temp_dir().join(format!(
            "agentgate-contribute-{}-{nanos}.index",
            std::process::id()
        )))
    }
}

impl Drop for TempIndex {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
        let _ = std::fs::remove_file(self.0.with_extension("index.lock"));
    }
}

/// Commits the proposal on a new branch of the pack's repository, from its HEAD, without
/// touching its working tree or index. Returns the commit.
fn branch(repo: &Path, rel: &str, p: &Proposal) -> Result<String, crate::error::Error> {
    let head = git(
        repo,
        &["rev-parse", "--verify", "HEAD^{commit}"],
        None,
        None,
    )?;
    let refname = format!("refs/heads/{}", p.branch);
    if git(
        repo,
        &["rev-parse", "--verify", "--quiet", &refname],
        None,
        None,
    )
    .is_ok()
    {
        return Err(format!(
            "branch {} exists already in {}: delete it or merge it first",
            p.branch,
            repo.display()
        )
        .into());
    }
    let blob = git(
        repo,
        &["hash-object", "-w", "--no-filters", "--stdin"],
        None,
        Some(&p.after),
    )?;
    let index = TempIndex::new();
    let index = index.0.as_path();
    git(repo, &["read-tree", &head], Some(index), None)?;
    let cacheinfo = format!("100644,{blob},{rel}");
    git(
        repo,
        &["update-index", "--add", "--cacheinfo", &cacheinfo],
        Some(index),
        None,
    )?;
    let tree = git(repo, &["write-tree"], Some(index), None)?;
    let message = format!(
        "{}\n\nProposed with `agentgate policy contribute`.\n",
        p.summary
    );
    let identity = git(repo, &["var", "GIT_COMMITTER_IDENT"], None, None).is_ok();
    let mut args: Vec<&str> = Vec::new();
    if !identity {
        args.extend([
            "-c",
            "user.name=agentgate",
            "-c",
            "user.email=agentgate@localhost",
        ]);
    }
    args.extend([
        "commit-tree",
        "--no-gpg-sign",
        &tree,
        "-p",
        &head,
        "-F",
        "-",
    ]);
    let commit = git(repo, &args, None, Some(&message))?;
    // An empty old value: the ref must not exist (no race with a branch made meanwhile).
    git(repo, &["update-ref", &refname, &commit, ""], None, None)?;
    Ok(commit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_go_up_by_one() {
        assert_eq!(bump("1.2.0"), "1.2.1");
        assert_eq!(bump("1.2.9"), "1.2.10");
        assert_eq!(bump("v3"), "v4");
        assert_eq!(bump("2.0.0-rc1"), "2.0.0-rc2");
        assert_eq!(bump("beta"), "beta.1");
    }

    #[test]
    fn the_front_matter_version_is_replaced_in_place() {
        let t = "---\nname: notes\nversion: 1.2.0\n---\n# Notes\n";
        assert_eq!(
            set_version(t, "1.2.1"),
            "---\nname: notes\nversion: 1.2.1\n---\n# Notes\n"
        );
        let q = "---\nmetadata:\n  version: \"1.0\"\n---\nx\n";
        assert_eq!(
            set_version(q, "1.1"),
            "---\nmetadata:\n  version: \"1.1\"\n---\nx\n"
        );
        assert_eq!(
            set_version("---\nname: a\n---\nx\n", "1.0.1"),
            "---\nversion: 1.0.1\nname: a\n---\nx\n"
        );
    }

    #[test]
    fn deny_rules_join_the_list_in_its_own_form() {
        let flow = "require:\n  claude_deny: [\"Read(./.env)\"]  # baseline\n";
        assert_eq!(
            add_required_deny(flow, "Bash(curl *)").unwrap(),
            "require:\n  claude_deny: [\"Read(./.env)\", \"Bash(curl *)\"]  # baseline\n"
        );
        let block = "require:\n  claude_deny:\n    - \"Read(./.env)\"\nmcp:\n  allow: []\n";
        assert_eq!(
            add_required_deny(block, "Bash(curl *)").unwrap(),
            "require:\n  claude_deny:\n    - \"Read(./.env)\"\n    - \"Bash(curl *)\"\nmcp:\n  allow: []\n"
        );
        assert_eq!(
            add_required_deny("mcp:\n  allow: []\n", "Read(./x)").unwrap(),
            "mcp:\n  allow: []\nrequire:\n  claude_deny: [\"Read(./x)\"]\n"
        );
        assert_eq!(
            add_required_deny("require:\n  context_files: [AGENTS.md]\n", "Read(./x)").unwrap(),
            "require:\n  claude_deny: [\"Read(./x)\"]\n  context_files: [AGENTS.md]\n"
        );
    }

    #[test]
    fn items() {
        assert_eq!(skill_item("skill:notes").as_deref(), Some("notes"));
        assert_eq!(
            skill_item(".claude/skills/notes/SKILL.md").as_deref(),
            Some("notes")
        );
        assert_eq!(skill_item("docs/SKILL.md"), None);
        assert_eq!(branch_safe("a b/../c"), "a-b----c");
    }
}
