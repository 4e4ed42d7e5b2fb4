//! The paved road both ways: the fleet shows which library skills teams modified, adopted or
//! left behind, and `agentgate policy contribute` turns a team's change into a patch and a
//! branch of the pack's repository — tested end to end against a local pack repository.

mod common;

use common::{Tree, git_in};
use std::path::Path;

const LIBRARY_SKILL: &str = "---\nname: release-notes\nversion: 1.2.0\n---\n# Release notes\n\nSummarise merged pull requests by label.\n";
const TEMPLATE: &str = "# {{project}}\n\n## Security\n\n<!-- agentgate:begin security -->\n- Never read `.env` files.\n<!-- agentgate:end security -->\n";
const AGENTS: &str = "# Project\n\n## Security\n\n<!-- agentgate:begin security -->\n- Never read `.env` files.\n<!-- agentgate:end security -->\n";

fn git_out(dir: &Path, args: &[&str]) -> String {
    let out = git_in(dir, args, &[]);
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `platform/`: the pack's git repository (the pack in `pack/`). `fleet/`: four teams.
fn org() -> Tree {
    let t = Tree::new();
    t.write(
        "platform/pack/policy.yaml",
        "severity:\n  vendored-skill-drift: warning\n",
    );
    t.write("platform/pack/skills/release-notes/SKILL.md", LIBRARY_SKILL);
    t.write("platform/pack/templates/AGENTS.md", TEMPLATE);
    let platform = t.path().join("platform");
    git_out(&platform, &["init", "-q"]);
    git_out(&platform, &["add", "-A"]);
    git_out(&platform, &["commit", "-qm", "pack 1.2.0"]);
    let modified = LIBRARY_SKILL.replace(
        "by label.\n",
        "by label.\nLink each entry to its pull request.\n",
    );
    for (repo, skill) in [
        ("alpha", Some(LIBRARY_SKILL.to_string())),
        ("bravo", Some(modified)),
        ("charlie", Some(LIBRARY_SKILL.replace("1.2.0", "1.0.0"))),
        ("delta", None),
    ] {
        t.write(
            &format!("fleet/{repo}/.agentgate.yaml"),
            "extends: ../../platform/pack\n",
        );
        t.write(&format!("fleet/{repo}/AGENTS.md"), AGENTS);
        if let Some(s) = skill {
            t.write(
                &format!("fleet/{repo}/.claude/skills/release-notes/SKILL.md"),
                s,
            );
        }
    }
    t.write(
        "fleet/delta/.claude/skills/deploy/SKILL.md",
        "---\nname: deploy\nversion: 0.1.0\n---\n# Deploy\n",
    );
    t
}

fn run_in(t: &Tree, dir: &str, args: &[&str], env: &[(&str, &str)]) -> common::Run {
    let out = std::process::Command::new(common::bin())
        .args(args)
        .current_dir(t.path().join(dir))
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .envs(env.iter().copied())
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run agentgate");
    common::Run::from(out)
}

#[test]
fn fleet_shows_adoption_outdated_and_modified_skills() {
    let t = org();
    t.run(&[
        "fleet",
        "scan",
        "fleet",
        "--json",
        "fleet.json",
        "--markdown",
        "fleet.md",
    ])
    .code(0);
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(t.path().join("fleet.json")).unwrap())
            .unwrap();
    let skills = report["summary"]["skills"].as_array().unwrap();
    assert_eq!(
        skills.len(),
        1,
        "the team's own skills are not the library's: {skills:?}"
    );
    let s = &skills[0];
    assert_eq!(s["name"], "release-notes");
    assert_eq!(s["library_version"], "1.2.0");
    assert_eq!(s["repos"], serde_json::json!(["alpha", "bravo", "charlie"]));
    assert_eq!(s["outdated_repos"], serde_json::json!(["charlie"]));
    assert_eq!(s["modified_repos"], serde_json::json!(["bravo"]));
    assert_eq!(s["versions"]["charlie"], "1.0.0");
    let card = |name: &str| {
        report["repos"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == name)
            .unwrap()
            .clone()
    };
    assert_eq!(card("alpha")["skills"][0]["state"], "current");
    assert_eq!(card("delta")["skills"][0]["name"], "deploy");
    assert_eq!(card("delta")["skills"][0]["state"], "own");
    let md = std::fs::read_to_string(t.path().join("fleet.md")).unwrap();
    assert!(md.contains("## Skill library"), "{md}");
    assert!(
        md.contains("| release-notes | 1.2.0 | 3 | charlie (1.0.0) | bravo |"),
        "{md}"
    );
    t.run(&["fleet", "scan", "fleet", "--html", "fleet.html"])
        .code(0);
    let html = std::fs::read_to_string(t.path().join("fleet.html")).unwrap();
    assert!(html.contains("<section id=\"skills\"><h2>Skill library</h2>"));
}

#[test]
fn contribute_a_modified_skill_makes_a_branch_a_bumped_version_and_a_diff() {
    let t = org();
    t.run(&["fleet", "scan", "fleet", "--json", "fleet.json"])
        .code(0);
    let platform = t.path().join("platform");
    let head_before = git_out(&platform, &["rev-parse", "HEAD"]);
    // AG610 names the command.
    let check = run_in(
        &t,
        "fleet/bravo",
        &["check", "--select", "AG610", "--format", "json"],
        &[],
    );
    assert!(
        check
            .stdout
            .contains("agentgate policy contribute skill:release-notes"),
        "{}",
        check.stdout
    );
    // Inside a git hook GIT_DIR points elsewhere: the pack's repository is still the one used.
    let run = run_in(
        &t,
        "fleet/bravo",
        &[
            "policy",
            "contribute",
            "skill:release-notes",
            "--fleet",
            "../../fleet.json",
        ],
        &[
            ("GIT_DIR", "/nonexistent"),
            ("GIT_INDEX_FILE", "/nonexistent/index"),
        ],
    );
    run.code(0);
    // The patch: the version bumped, the team's line added, against the pack's file.
    assert!(
        run.stdout
            .contains("--- a/pack/skills/release-notes/SKILL.md"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("-version: 1.2.0\n+version: 1.2.1\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("+Link each entry to its pull request.\n")
    );
    assert!(run.stdout.contains("skill release-notes: 1.2.0 -> 1.2.1"));
    // Who vendors the version it replaces, from the last fleet scan.
    assert!(
        run.stdout
            .contains("repositories vendoring release-notes 1.2.0 in the fleet report of ")
            && run.stdout.contains(": alpha, bravo\n"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("on older versions: charlie (1.0.0)"));
    // The branch, with the change committed on the pack's HEAD.
    let branch = "agentgate/contribute/skill-release-notes-1.2.1";
    assert!(
        run.stderr.contains(&format!("created branch {branch}")),
        "{}",
        run.stderr
    );
    let shown = git_out(
        &platform,
        &[
            "show",
            &format!("{branch}:pack/skills/release-notes/SKILL.md"),
        ],
    );
    assert!(
        shown.contains("version: 1.2.1\n") && shown.contains("Link each entry"),
        "{shown}"
    );
    assert_eq!(
        git_out(&platform, &["rev-parse", &format!("{branch}^")]),
        head_before
    );
    // The pack's checkout, index and branch are untouched.
    assert_eq!(git_out(&platform, &["rev-parse", "HEAD"]), head_before);
    assert_eq!(git_out(&platform, &["status", "--porcelain"]), "");
    assert_eq!(
        std::fs::read_to_string(platform.join("pack/skills/release-notes/SKILL.md")).unwrap(),
        LIBRARY_SKILL
    );
    // Again: the branch exists, nothing is overwritten.
    run_in(
        &t,
        "fleet/bravo",
        &["policy", "contribute", "skill:release-notes"],
        &[],
    )
    .code(2);
    // A patch file that applies to the pack's repository.
    run_in(
        &t,
        "fleet/bravo",
        &[
            "policy",
            "contribute",
            ".claude/skills/release-notes/SKILL.md",
            "--no-branch",
            "-o",
            "contribution.patch",
        ],
        &[],
    )
    .code(0);
    git_out(
        &platform,
        &["apply", "--check", "../fleet/bravo/contribution.patch"],
    );
}

#[test]
fn contribute_a_managed_block_and_nothing_when_unchanged() {
    let t = org();
    // alpha's skill is the library's: nothing to contribute, no branch.
    let same = run_in(
        &t,
        "fleet/alpha",
        &["policy", "contribute", "skill:release-notes"],
        &[],
    );
    same.code(0);
    assert!(same.stderr.contains("nothing to contribute"));
    assert_eq!(
        git_out(
            &t.path().join("platform"),
            &["branch", "--list", "agentgate/*"]
        ),
        ""
    );
    // A refined guardrail in a managed block.
    t.write(
        "fleet/alpha/AGENTS.md",
        AGENTS.replace("files.\n", "files or anything under `secrets/`.\n"),
    );
    let run = run_in(
        &t,
        "fleet/alpha",
        &["policy", "contribute", "block:security"],
        &[],
    );
    run.code(0);
    assert!(
        run.stdout.contains("--- a/pack/templates/AGENTS.md"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("+- Never read `.env` files or anything under `secrets/`.")
    );
    let shown = git_out(
        &t.path().join("platform"),
        &[
            "show",
            "agentgate/contribute/block-security:pack/templates/AGENTS.md",
        ],
    );
    assert!(
        shown.starts_with("# {{project}}\n"),
        "the template around the block is kept: {shown}"
    );
    assert!(shown.contains("anything under `secrets/`"));
    // Unknown items and skills are usage errors.
    run_in(
        &t,
        "fleet/alpha",
        &["policy", "contribute", "skill:nope"],
        &[],
    )
    .code(2);
    run_in(
        &t,
        "fleet/alpha",
        &["policy", "contribute", "whatever"],
        &[],
    )
    .code(2);
}

#[test]
fn contribute_a_deny_rule_to_the_root_pack() {
    let t = org();
    t.write(
        "fleet/charlie/.claude/settings.json",
        "{\n  \"permissions\": { \"deny\": [\"Bash(curl *)\"] }\n}\n",
    );
    // Only what the team denies itself.
    run_in(
        &t,
        "fleet/charlie",
        &["policy", "contribute", "deny:Bash(wget *)"],
        &[],
    )
    .code(2);
    let run = run_in(
        &t,
        "fleet/charlie",
        &["policy", "contribute", "deny:Bash(curl *)"],
        &[],
    );
    run.code(0);
    assert!(
        run.stdout.contains("--- a/pack/policy.yaml"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("+require:\n+  claude_deny: [\"Bash(curl *)\"]\n"),
        "{}",
        run.stdout
    );
    let branch = git_out(
        &t.path().join("platform"),
        &["branch", "--list", "agentgate/contribute/deny-*"],
    );
    let branch = branch.trim().trim_start_matches("* ").to_string();
    let shown = git_out(
        &t.path().join("platform"),
        &["show", &format!("{branch}:pack/policy.yaml")],
    );
    assert_eq!(
        shown,
        "severity:\n  vendored-skill-drift: warning\nrequire:\n  claude_deny: [\"Bash(curl *)\"]\n"
    );
}

#[test]
fn a_contribution_holding_a_credential_is_refused() {
    let t = org();
    let token = format!("ghp_{}", "aKw7idBp7Flhhvj8D8DVgLCyLkSUo21qv45K");
    t.write(
        "fleet/bravo/.claude/skills/release-notes/SKILL.md",
        LIBRARY_SKILL.replace("by label.\n", &format!("by label with {token}.\n")),
    );
    let run = run_in(
        &t,
        "fleet/bravo",
        &["policy", "contribute", "skill:release-notes"],
        &[],
    );
    run.code(2);
    assert!(
        run.stderr.contains("looks like a credential"),
        "{}",
        run.stderr
    );
    assert!(!run.stdout.contains(&token) && !run.stderr.contains(&token));
    assert_eq!(
        git_out(
            &t.path().join("platform"),
            &["branch", "--list", "agentgate/*"]
        ),
        ""
    );
}

/// The pack's repository configures programs git would run (fsmonitor, hooks, a signing
/// program): contributing runs none of them.
#[cfg(unix)]
#[test]
fn nothing_the_pack_repository_configures_runs() {
    use std::os::unix::fs::PermissionsExt;
    let t = org();
    let platform = t.path().join("platform");
    let marker = t.path().join("ran");
    let script = t.path().join("evil.sh");
    std::fs::write(&script, format!("#!/bin/sh\ntouch {}\n", marker.display())).unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let hooks = platform.join("hooks");
    std::fs::create_dir_all(&hooks).unwrap();
    for hook in [
        "reference-transaction",
        "post-commit",
        "pre-commit",
        "post-index-change",
    ] {
        std::fs::copy(&script, hooks.join(hook)).unwrap();
    }
    let s = script.display().to_string();
    for (k, v) in [
        ("core.fsmonitor", s.as_str()),
        ("core.hooksPath", hooks.to_str().unwrap()),
        ("commit.gpgSign", "true"),
        ("gpg.program", s.as_str()),
    ] {
        git_out(&platform, &["config", k, v]);
    }
    let run = run_in(
        &t,
        "fleet/bravo",
        &["policy", "contribute", "skill:release-notes"],
        &[],
    );
    run.code(0);
    assert!(run.stderr.contains("created branch"), "{}", run.stderr);
    assert!(
        !marker.exists(),
        "a program configured in the pack's repository ran"
    );
}
