//! CLI cases as small files (tests/cmd/*.toml, trycmd): arguments, the tree the command runs
//! in (`NAME.in/`, copied to a sandbox), and the exact stdout, stderr and exit code.
//! `TRYCMD=overwrite cargo test --test cmd` rewrites the expected output after a deliberate
//! change.

#[test]
fn cli_cases() {
    trycmd::TestCases::new()
        .register_bin("agentgate", trycmd::cargo::cargo_bin!("agentgate"))
        .case("tests/cmd/*.toml");
}
