//! Rule metadata (scan): codes, names, severities and documentation. No checks here: the
//! registry is a leaf every layer may read.

use super::{Confidence, Docs, Family, Rule, Severity};

pub static SYNTAX_ERROR: Rule = Rule {
    code: "AG001",
    name: "syntax-error",
    family: Family::Syntax,
    severity: Severity::Error,
    confidence: Confidence::Exact,
    summary: "An agent configuration file does not parse",
    docs: Docs {
        what: "Parses every agent configuration file the way its agent does: JSON with comments and \
               trailing commas (`.claude/settings.json`, `.mcp.json`, `.cursor/mcp.json`, `.vscode/*.json`, \
               `.gemini/settings.json`, …), TOML (`.codex/config.toml`), YAML (`.aider.conf.yml`) and the \
               YAML front matter of Markdown agent files (subagents, skills, commands, Cursor `.mdc` rules, \
               Copilot instructions and prompts). Reports the exact line and column of the first error.",
        why: "Agents skip or half-read a file they cannot parse, often silently: a subagent with broken \
              front matter simply disappears, and a settings file with a stray comma drops every permission \
              rule in it, including the `deny` rules that were meant to protect secrets.",
        example: "```json\n{\n  \"permissions\": {\n    \"deny\": [\"Read(./.env)\"]\n    \"allow\": [\"Bash(npm test)\"]\n  }\n}\n```\nThe missing comma after the `deny` array makes the whole file invalid.",
        fix: "Fix the syntax at the reported position. For JSON files, a formatter such as `jq .` or your \
              editor's JSON mode shows the same error.",
        references: &[
            "https://code.claude.com/docs/en/settings",
            "https://toml.io/en/v1.0.0",
            "https://yaml.org/spec/1.2.2/",
        ],
    },
};

pub static UNREADABLE_FILE: Rule = Rule {
    code: "AG002",
    name: "unreadable-file",
    family: Family::Scan,
    severity: Severity::Error,
    confidence: Confidence::Exact,
    summary: "A file could not be read, so it was not checked",
    docs: Docs {
        what: "Reports every file or directory that agentgate was asked to check but could not read: \
               permission denied, vanished during the scan, an I/O error, or a git object that is missing.",
        why: "A gate that silently skips what it cannot read passes exactly the files an attacker would \
              make unreadable. The scan is marked incomplete (SARIF `executionSuccessful: false`) and the \
              finding fails the run at the default `--fail-on error`.",
        example: "`chmod 000 .mcp.json` before running `agentgate check`.",
        fix: "Make the file readable by the user running agentgate, or exclude it in `.agentgate.yaml` \
              (`exclude: [\"path/**\"]`) if it should not be checked.",
        references: &[],
    },
};

pub static INVALID_ENCODING: Rule = Rule {
    code: "AG003",
    name: "invalid-encoding",
    family: Family::Scan,
    severity: Severity::Error,
    confidence: Confidence::Exact,
    summary: "An agent file is binary or not valid UTF-8",
    docs: Docs {
        what: "Reports agent configuration and context files (by path, see `agentgate rules`) that contain \
               NUL bytes or are not valid UTF-8. Other binary files are skipped silently, as ripgrep does.",
        why: "Agents read these files as UTF-8 text. A binary or mis-encoded CLAUDE.md or settings file is \
              ignored or garbled by the agent, and may hide content from reviewers.",
        example: "A `CLAUDE.md` saved as UTF-16 by a Windows editor.",
        fix: "Re-save the file as UTF-8 (without NUL bytes).",
        references: &[],
    },
};

pub static FILE_TOO_LARGE: Rule = Rule {
    code: "AG004",
    name: "file-too-large",
    family: Family::Scan,
    severity: Severity::Note,
    confidence: Confidence::Exact,
    summary: "A file is over the size cap and was not checked",
    docs: Docs {
        what: "Files larger than `max_file_size` (default 10 MiB, set in `.agentgate.yaml`) are not read. \
               Each one is reported so that nothing is dropped silently.",
        why: "Reading huge generated files would make the hook slow; reporting them keeps the scan honest \
              about what it did not look at.",
        example: "A 40 MiB `dist/bundle.js` in the tree.",
        fix: "Exclude generated files in `.agentgate.yaml` (`exclude: [\"dist/**\"]`) or raise \
              `max_file_size`.",
        references: &[],
    },
};

pub static BROKEN_SYMLINK: Rule = Rule {
    code: "AG005",
    name: "broken-symlink",
    family: Family::Scan,
    severity: Severity::Warning,
    confidence: Confidence::Exact,
    summary: "A symbolic link points at nothing, or loops",
    docs: Docs {
        what: "Reports symbolic links whose target does not exist or that form a loop.",
        why: "A common set-up is `CLAUDE.md -> AGENTS.md`. When the target is renamed, the link breaks and \
              the agent silently loses its instructions.",
        example: "`ln -s AGENTS.md CLAUDE.md` followed by `git mv AGENTS.md docs/AGENTS.md`.",
        fix: "Point the link at the existing file, or replace it with a small file that imports the \
              target (`@AGENTS.md` in CLAUDE.md).",
        references: &[],
    },
};

pub static SYMLINK_OUTSIDE_ROOT: Rule = Rule {
    code: "AG006",
    name: "symlink-outside-root",
    family: Family::Scan,
    severity: Severity::Note,
    confidence: Confidence::Exact,
    summary: "A symbolic link points outside the scanned directory and was not followed",
    docs: Docs {
        what: "agentgate never follows a link out of the scan root. Each such link is reported.",
        why: "Agents do follow such links: a repository can make its CLAUDE.md or settings come from \
              anywhere on the developer's machine, which reviewers of the repository never see.",
        example: "`.claude/settings.json -> /home/alice/.claude/settings.json`",
        fix: "Commit the file itself instead of a link to a machine-specific location.",
        references: &[],
    },
};

pub static NON_UTF8_PATH: Rule = Rule {
    code: "AG007",
    name: "non-utf8-path",
    family: Family::Scan,
    severity: Severity::Note,
    confidence: Confidence::Exact,
    summary: "A file name is not valid UTF-8",
    docs: Docs {
        what: "Reports file names that are not valid UTF-8. The file is still checked; its name is shown \
               with replacement characters.",
        why: "Such names cannot be shown faithfully in reports, code scanning or most agents' tools, so \
              findings in them are easy to miss.",
        example: "A file named `notes-\\xff.md` (Latin-1 bytes).",
        fix: "Rename the file to a UTF-8 name.",
        references: &[],
    },
};

pub static IGNORED_TRACKED_FILE: Rule = Rule {
    code: "AG008",
    name: "ignored-tracked-file",
    family: Family::Scan,
    severity: Severity::Warning,
    confidence: Confidence::Exact,
    summary: "An ignore file hides a tracked agent file; it was checked anyway",
    docs: Docs {
        what: "In a git repository every tracked file is checked, whatever `.gitignore`, `.ignore` or \
               `.git/info/exclude` say: ignore files only keep untracked files out of the scan. When an \
               ignore rule matches a tracked agent file or `.env` file, that file is checked anyway and \
               this finding names it. (`--no-ignore` turns ignore files off altogether.)",
        why: "A committed `.ignore` containing `*`, or a plausible `.claude/` line next to force-added \
              files, would otherwise hide every agent file from the gate while the agents still read them.",
        example: "`.ignore` with `.claude/` and a force-added `.claude/settings.json` that allows `Bash(*)`.",
        fix: "Remove the ignore rule, or stop tracking the file. Use `exclude:` in `.agentgate.yaml` to \
              leave files out of the check on purpose: it is visible in review and in diff mode.",
        references: &["https://git-scm.com/docs/gitignore"],
    },
};
