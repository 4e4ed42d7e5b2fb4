//! Rule metadata (secrets): codes, names, severities and documentation. No checks here: the
//! registry is a leaf every layer may read.

use super::{Confidence, Docs, Family, Rule, Severity};

pub static LOCAL_FILE_COMMITTED: Rule = Rule {
    code: "AG401",
    name: "local-file-committed",
    family: Family::Secrets,
    severity: Severity::Error,
    confidence: Confidence::Exact,
    summary: "A file that must stay on one machine is tracked by git",
    docs: Docs {
        what: "Reads the git index and reports tracked (or staged) personal and secret files: \
               `.claude/settings.local.json`, `CLAUDE.local.md`, `.env` and `.env.*` (except templates such as \
               `.env.example`, `.env.sample`, `.env.template`, `.env.dist`). Runs only inside a git repository; it \
               sees files even when `.gitignore` lists them (ignoring does not untrack).",
        why: "`settings.local.json` and `CLAUDE.local.md` are personal by design: committed, one developer's \
              permissions and notes apply to everyone (Claude Code treats a tracked local settings file as \
              repository-supplied). `.env` files hold credentials.",
        example: "`git add .claude/settings.local.json .env`",
        fix: "`git rm --cached <file>`, add it to `.gitignore`, and rotate any credential it held.",
        references: &["https://code.claude.com/docs/en/settings"],
    },
};

pub static LEAKED_SECRET: Rule = Rule {
    code: "AG402",
    name: "leaked-secret",
    family: Family::Secrets,
    severity: Severity::Error,
    confidence: Confidence::Exact,
    summary: "A credential with a distinctive format is in a file",
    docs: Docs {
        what: "Scans every text file agentgate visits (working tree, `--staged`) with the secrets rule pack \
               (`rules/secrets.yaml`, embedded): one pass over each file for all rules' keywords, each \
               rule's regex only around its keyword hits, then offline confirmation — placeholders dropped, entropy \
               floors, and structural validators (GitHub/npm CRC32 checksums, JWT headers, PEM bodies, AWS key-id \
               alphabets, PyPI macaroons). This rule reports the rules whose format is distinctive (fixed prefixes, \
               checksums, key blocks, a provider's canonical name with its exact shape). Values are never printed: a \
               short prefix and the length identify the finding; snippets are masked. Each finding names its pack \
               rule (`[rule-id]` in the message; `secret.rule` and `secret.provider` in JSON, `properties` in SARIF); \
               `agentgate rules --secrets` lists the pack and `agentgate explain <rule-id>` describes one rule.",
        why: "A committed credential is readable by everyone with access to the repository, its forks and its \
              history, and is harvested by scanners within minutes of reaching a public remote.",
        example: "```sh\nexport GITHUB_TOKEN=ghp_<36 characters with a valid checksum>\n```",
        fix: "Revoke and rotate the credential first (removing it from the file does not remove it from history), \
              then load it from the environment or a secret manager. For a deliberate test value, add \
              `agentgate:allow` on the line.",
        references: &[
            "https://docs.github.com/en/code-security/secret-scanning/about-secret-scanning",
        ],
    },
};

pub static POSSIBLE_SECRET: Rule = Rule {
    code: "AG403",
    name: "possible-secret",
    family: Family::Secrets,
    severity: Severity::Warning,
    confidence: Confidence::Heuristic,
    summary: "A high-entropy value is assigned to a credential-like name",
    docs: Docs {
        what: "The heuristic rules of the secrets pack: a credential-like key (`api_key`, `secret`, `token`, \
               `password`, …) assigned a random-looking literal (in assignments, maps, YAML/TOML/INI/properties, XML, \
               call arguments such as `setApiKey(\"…\")` and Gradle `buildConfigField`), tokens in `Authorization`, \
               `X-Api-Key` and `PRIVATE-TOKEN` headers, passwords in URLs and on command lines. They are skipped in \
               lockfiles, checksum files, minified bundles and source maps, where random strings are expected; in \
               test, fixture and example paths (the pack's `test_paths`) they are notes, not warnings.",
        why: "Many providers' keys have no recognisable format; the only signal is a random value in a \
              credential-shaped place.",
        example: "```python\nAPI_KEY = \"q7Zr2LmX9vKp4TnW8cYb3HsJ\"\n```",
        fix: "Load the value from the environment or a secret manager, and rotate it if it was real. Mark \
              deliberate non-secrets with `agentgate:allow` on the line.",
        references: &[],
    },
};
