//! Rule fixtures as small case directories: `tests/cases/<case>/` holds the files and
//! `expected.txt` the concise output. Each case runs in its own temporary copy, so the
//! repository's own config does not apply. `UPDATE_EXPECT=1 cargo test --test cases` rewrites
//! the expectations (review the diff!).

mod common;

use std::path::Path;

fn copy_tree(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_tree(&entry.path(), &target);
        } else if entry.file_name() != "expected.txt" {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[test]
fn rule_cases() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases");
    let mut cases: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    cases.sort();
    assert!(cases.len() >= 10, "cases went missing");
    let mut failures: Vec<String> = Vec::new();
    for case in cases {
        let tree = common::Tree::new();
        copy_tree(&case, tree.path());
        let run = tree.run(&[
            "check",
            "--format",
            "concise",
            "--quiet",
            "--no-color",
            "--select",
            "all",
        ]);
        assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
        // Every finding says what to do about it (issue 16: AG502 had no help line).
        let json = tree.run(&["check", "--format", "json", "--quiet", "--select", "all"]);
        let report: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
        for d in report["diagnostics"].as_array().unwrap() {
            if d["help"].as_str().is_none_or(str::is_empty) {
                failures.push(format!(
                    "{}: {} has no help line",
                    case.display(),
                    d["code"]
                ));
            }
        }
        let expected_path = case.join("expected.txt");
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        let want_code = if expected.contains(" error ") { 1 } else { 0 };
        if std::env::var_os("UPDATE_EXPECT").is_some() {
            std::fs::write(&expected_path, &run.stdout).unwrap();
        } else if run.stdout != expected || run.code != want_code {
            failures.push(format!(
                "{}: exit {} (want {want_code})\n--- expected\n{expected}--- actual\n{}",
                case.display(),
                run.code,
                run.stdout
            ));
        }
        // The case's own rule alone gives exactly its lines of the full run: no rule's
        // result depends on which other rules ran.
        let name = case.file_name().unwrap().to_string_lossy().to_string();
        let code = name.split('-').next().unwrap().to_ascii_uppercase();
        let alone = tree.run(&[
            "check",
            "--format",
            "concise",
            "--quiet",
            "--no-color",
            "--select",
            &code,
        ]);
        let want: String = expected
            .lines()
            .filter(|l| l.contains(&format!(" {code} ")))
            .map(|l| format!("{l}\n"))
            .collect();
        if alone.stdout != want {
            failures.push(format!(
                "{name} with --select {code}:\n--- expected\n{want}--- actual\n{}",
                alone.stdout
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
