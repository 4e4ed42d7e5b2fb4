//! Context-file staleness against real git history with fixed commit dates.

mod common;

use common::Tree;

fn commit_at(t: &Tree, date: &str, message: &str) {
    let env = [("GIT_AUTHOR_DATE", date), ("GIT_COMMITTER_DATE", date)];
    t.git_env(&["add", "-A"], &env);
    t.git_env(&["commit", "-qm", message], &env);
}

#[test]
fn stale_context_files_carry_the_numbers() {
    let t = Tree::new();
    t.git(&["init", "-q"]);
    t.write(
        ".agentgate.yaml",
        "context:\n  stale_commits: 3\n  stale_files: 100\n  stale_days: 10\n",
    );
    t.write("AGENTS.md", "# Repo\n");
    t.write("services/api/AGENTS.md", "# API\n");
    t.write("services/api/main.go", "package main\n");
    t.write("web/AGENTS.md", "# Web\n");
    commit_at(&t, "2026-03-02T10:00:00Z", "start");
    for (i, day) in [
        "2026-04-01",
        "2026-04-02",
        "2026-04-03",
        "2026-04-04",
        "2026-04-05",
    ]
    .iter()
    .enumerate()
    {
        t.write(&format!("services/api/h{i}.go"), "package main\n");
        if i == 4 {
            t.write("services/api/main.go", "package main // changed\n");
            t.write("services/api/util.go", "package main\n");
        }
        commit_at(&t, &format!("{day}T10:00:00Z"), "api work");
    }
    // The web context file was kept up to date.
    t.write("web/AGENTS.md", "# Web (current)\n");
    t.write("web/app.ts", "export {};\n");
    commit_at(&t, "2026-04-10T10:00:00Z", "web");

    let r = t.run(&["check", "--select", "AG509", "--format", "concise", "-q"]);
    r.code(0); // warnings
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(
        lines,
        [
            "AGENTS.md:1:1: AG509 warning AGENTS.md last changed 2026-03-02; since then 6 commits changed 8 files in the repository (39 days)",
            "services/api/AGENTS.md:1:1: AG509 warning services/api/AGENTS.md last changed 2026-03-02; since then 5 commits changed 7 files under services/api/ (39 days)",
        ],
        "{}",
        r.stdout
    );
    // A subdirectory check judges its own context files; file names (pre-commit) do not.
    let r = t.run(&[
        "check", "services", "--select", "AG509", "--format", "concise", "-q",
    ]);
    assert!(
        r.stdout.starts_with("services/api/AGENTS.md:1:1: AG509"),
        "{}",
        r.stdout
    );
    let r = t.run(&["check", "services/api/AGENTS.md", "--select", "AG509", "-q"]);
    assert_eq!(r.stdout, "", "file-list mode skips the history walk");
    // Default thresholds (50 commits / 200 files): nothing is stale in so small a history.
    t.write(".agentgate.yaml", "");
    t.run(&["check", "--select", "AG509", "--fail-on", "warning"])
        .code(0);
}
