//! MCP server definitions across agents.

pub use crate::registry::mcp::*;

use super::{Emitter, FileCtx};
use crate::diagnostic::fingerprint;
use crate::model::mcp::{Dialect, McpServer, Text, Transport, is_loopback};
use crate::model::permissions::broad_path;
use crate::syntax::{Node, Value};

// ---- AG201: unpinned packages ----

fn check_unpinned(ctx: &FileCtx, emit: &mut Emitter<'_>) {
    for server in ctx.mcp_servers() {
        let argv = server.argv();
        let Some(launch) = unpinned(&argv) else {
            continue;
        };
        let yes = if launch.auto_yes {
            " and installs it without asking (`-y`)"
        } else {
            ""
        };
        emit.emit(
            &MCP_UNPINNED_NPX,
            Some(launch.span),
            format!(
                "MCP server `{}` runs `{}` without an exact version{yes}",
                server.name,
                crate::mask::printable(&launch.spec)
            ),
        )
        .help = Some(launch.hint);
    }
}

struct Unpinned {
    spec: String,
    span: std::ops::Range<usize>,
    auto_yes: bool,
    hint: String,
}

fn base(word: &str) -> &str {
    let b = word.rsplit(['/', '\\']).next().unwrap_or(word);
    b.strip_suffix(".cmd")
        .or_else(|| b.strip_suffix(".exe"))
        .unwrap_or(b)
}

/// Whether the package a server's launcher fetches is pinned: the one definition of "pinned"
/// (AG201 reports exactly the servers this calls unpinned; fleet scorecards show it).
pub fn is_pinned(server: &crate::model::mcp::McpServer) -> bool {
    unpinned(&server.argv()).is_none()
}

/// Finds the runner in `argv` and the package it would fetch; `None` when pinned or absent.
fn unpinned(argv: &[Text]) -> Option<Unpinned> {
    let words: Vec<&str> = argv.iter().map(|t| t.value.as_str()).collect();
    for (i, w) in words.iter().enumerate() {
        let next = words.get(i + 1).copied();
        let (kind, rest) = match (base(w), next) {
            ("npx" | "bunx", _) => (Runner::Npm, i + 1),
            ("pnpm" | "yarn", Some("dlx")) | ("npm", Some("exec" | "x")) | ("bun", Some("x")) => {
                (Runner::Npm, i + 2)
            }
            ("uvx", _) => (Runner::Python, i + 1),
            ("uv", Some("tool")) if words.get(i + 2) == Some(&"run") => (Runner::Python, i + 3),
            ("pipx", Some("run")) => (Runner::Python, i + 2),
            ("docker" | "podman", Some("run")) => (Runner::Docker, i + 2),
            _ => continue,
        };
        return kind.check(&argv[rest.min(argv.len())..]);
    }
    None
}

#[derive(Clone, Copy)]
enum Runner {
    Npm,
    Python,
    Docker,
}

impl Runner {
    fn check(self, rest: &[Text]) -> Option<Unpinned> {
        let mut auto_yes = false;
        let mut explicit: Vec<&Text> = Vec::new();
        let mut positional = None;
        let mut i = 0;
        while i < rest.len() {
            let w = rest[i].value.as_str();
            match (self, w) {
                (Runner::Npm, "-y" | "--yes") => auto_yes = true,
                // `--no` (`--yes=false`, `--no-install`): only a local install runs, nothing
                // is fetched.
                (Runner::Npm, "--no" | "--no-install" | "--yes=false") => return None,
                (Runner::Npm, "-p" | "--package")
                | (Runner::Python, "--from" | "--spec" | "--with") => {
                    if let Some(next) = rest.get(i + 1) {
                        explicit.push(next);
                        i += 1;
                    }
                }
                (Runner::Docker, _) if w.starts_with('-') => {
                    // Value-taking options (without `=`) consume the next word.
                    const WITH_VALUE: &[&str] = &[
                        "-e",
                        "--env",
                        "-v",
                        "--volume",
                        "-p",
                        "--publish",
                        "--name",
                        "--network",
                        "--entrypoint",
                        "-w",
                        "--workdir",
                        "-u",
                        "--user",
                        "--mount",
                        "--env-file",
                        "-l",
                        "--label",
                        "--platform",
                        "--pull",
                        "--add-host",
                        "--cap-add",
                        "--cap-drop",
                        "-m",
                        "--memory",
                        "--cpus",
                        "-h",
                        "--hostname",
                    ];
                    if WITH_VALUE.contains(&w) {
                        i += 1;
                    }
                }
                (_, "--") => {
                    positional = rest.get(i + 1);
                    break;
                }
                (_, w) if w.starts_with('-') => {}
                _ => {
                    positional = Some(&rest[i]);
                    break;
                }
            }
            i += 1;
        }
        let candidates: Vec<&Text> = match self {
            Runner::Python | Runner::Npm if !explicit.is_empty() => explicit,
            _ => positional.into_iter().collect(),
        };
        let spec = candidates.into_iter().find(|t| !self.pinned(&t.value))?;
        let name = self.name(&spec.value);
        let hint = match self {
            Runner::Npm => format!("pin an exact version: \"{name}@<x.y.z>\""),
            Runner::Python if spec.value.starts_with("git+") => {
                "pin a commit or tag: \"git+https://…/repo@<commit sha>\"".to_string()
            }
            Runner::Python => format!("pin an exact version: \"{name}==<x.y.z>\""),
            Runner::Docker => format!(
                "pin a version tag or digest: \"{name}:<version>\" or \"{name}@sha256:<digest>\""
            ),
        };
        Some(Unpinned {
            spec: spec.value.clone(),
            span: spec.span.clone(),
            auto_yes,
            hint,
        })
    }

    fn pinned(self, spec: &str) -> bool {
        let local = spec.starts_with(['.', '/', '~', '$'])
            || spec.contains('\\')
            || spec.ends_with(".tgz")
            || spec.ends_with(".whl");
        match self {
            Runner::Npm => local || spec.contains(':') || exact_semver_after_at(spec),
            Runner::Python => {
                // A VCS URL is pinned only by a commit or a version tag after `@`
                // (`git+https://host/org/repo@<sha>`); a plain archive URL is a fixed file.
                local
                    || (spec.contains("://") && !spec.starts_with("git+"))
                    || (spec.starts_with("git+") && git_ref_pinned(spec))
                    || exact_semver_after_at(spec)
                    || spec.split_once("==").is_some_and(|(_, v)| {
                        !v.is_empty()
                            && v.chars().next().is_some_and(|c| c.is_ascii_digit())
                            && !v.contains('*')
                    })
            }
            Runner::Docker => {
                let last = spec.rsplit('/').next().unwrap_or(spec);
                spec.contains("@sha256:")
                    || last
                        .split_once(':')
                        .is_some_and(|(_, tag)| !tag.is_empty() && tag != "latest")
            }
        }
    }

    fn name(self, spec: &str) -> String {
        match self {
            Runner::Npm => strip_version(spec).to_string(),
            Runner::Python => spec
                .split(['=', '>', '<', '~', '!', '@'])
                .next()
                .unwrap_or(spec)
                .to_string(),
            Runner::Docker => spec
                .rsplit_once(':')
                .filter(|(_, t)| !t.contains('/'))
                .map_or(spec, |(n, _)| n)
                .to_string(),
        }
    }
}

/// `git+https://host/org/repo@<ref>[#…]`: is `<ref>` a commit (7+ hex digits) or a version
/// tag (`v1.2.3`, `1.2`)? A branch (`@main`) or no ref follows whatever is pushed next.
fn git_ref_pinned(spec: &str) -> bool {
    let rest = spec.split_once("://").map_or(spec, |(_, r)| r);
    let path = rest.split_once('/').map_or("", |(_, p)| p);
    let Some((_, reference)) = path.rsplit_once('@') else {
        return false;
    };
    let reference = reference.split('#').next().unwrap_or("");
    let commit = reference.len() >= 7 && reference.bytes().all(|b| b.is_ascii_hexdigit());
    let tag = reference.trim_start_matches('v');
    let version = !tag.is_empty()
        && tag.split('.').count() >= 2
        && tag
            .split('.')
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    commit || version
}

/// `pkg@1.2.3` or `@scope/pkg@1.2.3-rc.1`: the version after the name's last `@` is exact semver.
fn exact_semver_after_at(spec: &str) -> bool {
    let name_start = usize::from(spec.starts_with('@'));
    let Some(at) = spec[name_start..].rfind('@').map(|i| i + name_start) else {
        return false;
    };
    let core = spec[at + 1..].split(['-', '+']).next().unwrap_or("");
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

fn strip_version(spec: &str) -> &str {
    let name_start = usize::from(spec.starts_with('@'));
    spec[name_start..]
        .rfind('@')
        .map_or(spec, |i| &spec[..i + name_start])
}

// ---- AG202 / AG203: credentials and interpolation ----

/// Is `value` (or part of it) a reference the client expands?
fn has_reference(value: &str, dialect: Dialect) -> bool {
    references(value).iter().any(|r| valid_in(r, dialect))
}

/// Reference-looking tokens: `${…}` and `$NAME` (upper-case env style).
fn references(value: &str) -> Vec<String> {
    let mut out = Vec::new();
    let b = value.as_bytes();
    let mut i = 0;
    // Once no `}` follows, none follows a later `${` either: searching again for each of
    // them was quadratic in a value of `${${${…`.
    let mut unclosed = false;
    while i < b.len() {
        if b[i] == b'$' {
            if b.get(i + 1) == Some(&b'{') {
                match (!unclosed).then(|| value[i..].find('}')).flatten() {
                    Some(end) => {
                        out.push(value[i..i + end + 1].to_string());
                        i += end + 1;
                        continue;
                    }
                    None => unclosed = true,
                }
            } else {
                let name: String = value[i + 1..]
                    .chars()
                    .take_while(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == '_')
                    .collect();
                let prev_ok = i == 0 || !b[i - 1].is_ascii_alphanumeric();
                if name.len() >= 2 && name.starts_with(|c: char| c.is_ascii_uppercase()) && prev_ok
                {
                    out.push(format!("${name}"));
                    i += 1 + name.len();
                    continue;
                }
            }
        }
        i += 1;
    }
    out
}

const VSCODE_VARIABLES: &[&str] = &[
    "workspaceFolder",
    "workspaceFolderBasename",
    "userHome",
    "pathSeparator",
    "/",
    "cwd",
    "file",
    "fileDirname",
    "relativeFile",
    "execPath",
    "defaultBuildTask",
    "lineNumber",
    "selectedText",
    "fileBasename",
    "fileExtname",
];

fn valid_in(reference: &str, dialect: Dialect) -> bool {
    let inner = reference
        .strip_prefix("${")
        .and_then(|r| r.strip_suffix('}'));
    let is_name = |s: &str| {
        !s.is_empty()
            && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !s.starts_with(|c: char| c.is_ascii_digit())
    };
    match dialect {
        Dialect::Lenient => true,
        Dialect::Codex => false,
        Dialect::Claude => inner.is_some_and(|i| is_name(i.split(":-").next().unwrap_or(i))),
        Dialect::Gemini => inner.is_none_or(is_name),
        Dialect::Cursor | Dialect::VsCode => inner.is_some_and(|i| {
            i.starts_with("env:")
                || i.starts_with("input:")
                || i.starts_with("config:")
                || i.starts_with("command:")
                || VSCODE_VARIABLES.contains(&i)
        }),
    }
}

fn dialect_name(d: Dialect) -> &'static str {
    match d {
        Dialect::Claude => "Claude Code expands ${VAR} and ${VAR:-default}",
        Dialect::Cursor => "Cursor expands ${env:VAR}, ${userHome} and ${workspaceFolder}",
        Dialect::VsCode => "VS Code expands ${env:VAR}, ${input:id} and its predefined variables",
        Dialect::Gemini => "Gemini CLI expands $VAR and ${VAR}",
        Dialect::Codex => "Codex does not expand variables in config.toml",
        Dialect::Lenient => "",
    }
}

/// Credential-like names: `GITHUB_TOKEN`, `x-api-key`, `DB_PASSWORD`, `SENTRY_DSN`.
fn credential_name(name: &str) -> bool {
    let n = name.to_ascii_uppercase().replace('-', "_");
    const PARTS: &[&str] = &[
        "TOKEN",
        "SECRET",
        "PASSWORD",
        "PASSWD",
        "API_KEY",
        "APIKEY",
        "ACCESS_KEY",
        "PRIVATE_KEY",
        "AUTH",
        "CREDENTIAL",
        "DSN",
        "CONNECTION_STRING",
        "COOKIE",
        "SESSION_KEY",
        "CLIENT_KEY",
    ];
    PARTS.iter().any(|p| n.contains(p))
        || n == "PAT"
        || n.ends_with("_PAT")
        || n.starts_with("PAT_")
        || n.ends_with("_KEY")
        || n == "KEY"
}

/// Values that are obviously not real secrets: the secrets engine's placeholders (judged on
/// the whole value), plus values too short, numeric or wordy to be a credential in config.
/// Anything else under a credential-named key is reported whether or not a provider rule
/// knows its format (a Slack token of an unusual layout is still a literal credential).
fn is_placeholder(value: &str) -> bool {
    let v = value.trim();
    let lower = v.to_ascii_lowercase();
    v.chars().count() < 6
        || (v.len() < 8 && v.bytes().all(|b| b.is_ascii_digit()))
        || v.contains(char::is_whitespace)
        || crate::secrets::validate::is_placeholder(v)
        // Public by design (rules/secrets.yaml `public_prefixes`): Supabase publishable keys.
        || crate::secrets::Engine::builtin().public_by_design(v).is_some()
        || ["todo", "replace", "...", "…"]
            .iter()
            .any(|m| lower.contains(m))
        || matches!(
            lower.as_str(),
            "true" | "false" | "null" | "none" | "undefined" | "disabled" | "enabled"
        )
}

/// The credential part of a header value: the token after `Bearer `/`Basic `/`token `.
fn header_secret(value: &str) -> &str {
    let v = value.trim();
    for scheme in ["Bearer ", "bearer ", "Basic ", "basic ", "token ", "Token "] {
        if let Some(rest) = v.strip_prefix(scheme) {
            return rest.trim();
        }
    }
    v
}

fn literal_secret(value: &str, dialect: Dialect) -> bool {
    !has_reference(value, dialect)
        && !is_placeholder(value)
        && !value.starts_with('$')
        && !value.starts_with("%")
}

/// URL with a password (`scheme://user:pass@`) or a credential in its query.
fn url_secret(url: &str, dialect: Dialect) -> bool {
    let Some((_, rest)) = url.split_once("://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let password = authority
        .rsplit_once('@')
        .and_then(|(user, _)| user.split_once(':'))
        .map(|(_, p)| p);
    let query_secret = rest.split_once('?').is_some_and(|(_, q)| {
        q.split('&').any(|kv| {
            kv.split_once('=')
                .is_some_and(|(k, v)| credential_name(k) && literal_secret(v, dialect))
        })
    });
    password.is_some_and(|p| literal_secret(p, dialect)) || query_secret
}

fn check_literal_credential(ctx: &FileCtx, emit: &mut Emitter<'_>) {
    for server in ctx.mcp_servers() {
        let d = server.dialect;
        let mut hits: Vec<(String, &Text)> = Vec::new();
        for kv in &server.env {
            let v = &kv.value.value;
            let secret = if kv.key.to_ascii_uppercase().contains("DSN") || v.contains("://") {
                url_secret(v, d)
            } else {
                credential_name(&kv.key) && literal_secret(v, d)
            };
            if secret {
                hits.push((format!("env `{}`", kv.key), &kv.value));
            }
        }
        for kv in &server.headers {
            if (credential_name(&kv.key) || kv.key.eq_ignore_ascii_case("authorization"))
                && literal_secret(header_secret(&kv.value.value), d)
            {
                hits.push((format!("header `{}`", kv.key), &kv.value));
            }
        }
        let args = &server.args;
        for (i, a) in args.iter().enumerate() {
            let (flag, value) = match a.value.split_once('=') {
                Some((f, v)) if f.starts_with('-') => (f, Some((v, a))),
                _ => (
                    a.value.as_str(),
                    args.get(i + 1).map(|n| (n.value.as_str(), n)),
                ),
            };
            if flag.starts_with('-') && credential_name(flag.trim_start_matches('-')) {
                if let Some((v, node)) =
                    value.filter(|(v, _)| !v.starts_with('-') && literal_secret(v, d))
                {
                    let _ = v;
                    hits.push((format!("argument `{flag}`"), node));
                }
            } else if a.value.contains("://") && url_secret(&a.value, d) {
                hits.push(("a URL argument".into(), a));
            }
        }
        if let Some(url) = server.url.as_ref().filter(|u| url_secret(&u.value, d)) {
            hits.push(("`url`".into(), url));
        }
        for (place, text) in hits {
            let key = place.clone();
            let var = place
                .split('`')
                .nth(1)
                .unwrap_or("TOKEN")
                .trim_start_matches('-')
                .to_ascii_uppercase()
                .replace('-', "_");
            let diag = emit.emit(
                &MCP_LITERAL_CREDENTIAL,
                Some(text.span.clone()),
                format!(
                    "MCP server `{}` has a literal credential in {place}",
                    server.name
                ),
            );
            diag.help = Some(format!(
                "rotate it, then reference the environment instead: {}",
                d.env_reference(&var)
            ));
            diag.redact = vec![text.span.clone()];
            diag.fingerprint =
                fingerprint(&[MCP_LITERAL_CREDENTIAL.code, &diag.path, &server.name, &key]);
        }
    }
}

fn check_interpolation(ctx: &FileCtx, emit: &mut Emitter<'_>) {
    let inputs: std::collections::HashSet<String> = match (ctx.kind, ctx.tree()) {
        (crate::classify::FileKind::VscodeMcp, Some(tree)) => tree
            .get("inputs")
            .map_or(&[][..], Node::as_array)
            .iter()
            .filter_map(|i| i.get("id")?.as_str().map(String::from))
            .collect(),
        _ => Default::default(),
    };
    for server in ctx.mcp_servers() {
        let d = server.dialect;
        if d == Dialect::Lenient {
            continue;
        }
        let mut strings: Vec<&Text> = server
            .command
            .iter()
            .chain(&server.args)
            .chain(server.url.iter())
            .collect();
        strings.extend(server.env.iter().chain(&server.headers).map(|kv| &kv.value));
        for text in strings {
            for r in references(&text.value) {
                let undefined_input = d == Dialect::VsCode
                    && r.strip_prefix("${input:")
                        .and_then(|x| x.strip_suffix('}'))
                        .is_some_and(|id| !inputs.contains(id));
                if !valid_in(&r, d) {
                    emit.emit(
                        &MCP_WRONG_INTERPOLATION,
                        Some(text.span.clone()),
                        format!(
                            "`{r}` in MCP server `{}` is not expanded: {}",
                            server.name,
                            dialect_name(d)
                        ),
                    )
                    .help = Some(format!(
                        "write it as {}",
                        d.env_reference(&reference_name(&r))
                    ));
                } else if undefined_input {
                    emit.emit(&MCP_WRONG_INTERPOLATION, Some(text.span.clone()), format!("`{r}` in MCP server `{}` names no entry in `inputs`", server.name))
                        .help = Some("declare it: \"inputs\": [{ \"type\": \"promptString\", \"id\": \"…\", \"password\": true }]".into());
                }
            }
        }
    }
}

fn reference_name(r: &str) -> String {
    let inner = r
        .trim_start_matches('$')
        .trim_start_matches('{')
        .trim_end_matches('}');
    let inner = inner.rsplit(':').next().unwrap_or(inner);
    inner.split(":-").next().unwrap_or(inner).to_string()
}

// ---- AG204 – AG209 ----

fn check_insecure_http(ctx: &FileCtx, emit: &mut Emitter<'_>) {
    for server in ctx.mcp_servers() {
        if let Some(url) = server.url.as_ref().filter(|u| {
            u.value.trim().to_ascii_lowercase().starts_with("http://") && !is_loopback(&u.value)
        }) {
            emit.emit(
                &MCP_INSECURE_HTTP,
                Some(url.span.clone()),
                format!("MCP server `{}` is reached over plain http://", server.name),
            )
            .help = Some("use https://".into());
        }
    }
}

fn check_filesystem_root(ctx: &FileCtx, emit: &mut Emitter<'_>) {
    for server in ctx.mcp_servers() {
        let argv = server.argv();
        let Some(pkg) = argv.iter().position(|t| t.value.contains("filesystem")) else {
            continue;
        };
        for arg in argv[pkg + 1..].iter().filter(|a| !a.value.starts_with('-')) {
            if let Some(why) = broad_path(&arg.value) {
                emit.emit(
                    &MCP_FILESYSTEM_ROOT,
                    Some(arg.span.clone()),
                    format!(
                        "filesystem MCP server `{}` exposes {why} (`{}`)",
                        server.name, arg.value
                    ),
                )
                .help = Some("root it at the project: \".\" or \"${workspaceFolder}\"".into());
            }
        }
    }
}

/// Database servers and what makes them read-only, as data (`rules/databases.yaml`).
fn check_database(ctx: &FileCtx, emit: &mut Emitter<'_>) {
    for server in ctx.mcp_servers() {
        let argv = server.argv();
        let launch: String = argv
            .iter()
            .map(|t| t.value.to_ascii_lowercase())
            .collect::<Vec<_>>()
            .join(" ");
        let known = &ctx.knowledge().databases;
        let is_db = known.databases.entries.iter().any(|db| {
            launch.contains(db.as_str()) || server.name.to_ascii_lowercase().contains(db.as_str())
        });
        if !is_db {
            continue;
        }
        let env_text: String = server
            .env
            .iter()
            .map(|kv| format!("{}={} ", kv.key, kv.value.value).to_ascii_lowercase())
            .collect();
        // Servers with one switch per kind of write (the MySQL server's
        // `ALLOW_INSERT_OPERATION`, `ALLOW_UPDATE_OPERATION`, …): read-only when every such
        // switch is off.
        let switches: Vec<&str> = server
            .env
            .iter()
            .filter(|kv| {
                let k = kv.key.to_ascii_uppercase();
                k.starts_with("ALLOW_") && k.ends_with("_OPERATION")
            })
            .map(|kv| kv.value.value.trim())
            .collect();
        let switches_off = !switches.is_empty()
            && switches
                .iter()
                .all(|v| matches!(v.to_ascii_lowercase().as_str(), "false" | "0" | "no"));
        let read_only = switches_off
            || known
                .read_only_servers
                .entries
                .iter()
                .any(|p| launch.contains(p.as_str()))
            || known
                .read_only_flags
                .entries
                .iter()
                .any(|r| launch.contains(r.as_str()))
            || server.env.iter().any(|kv| {
                let k = kv.key.to_ascii_uppercase();
                (k.contains("READ_ONLY") || k.contains("READONLY"))
                    && matches!(
                        kv.value.value.to_ascii_lowercase().as_str(),
                        "1" | "true" | "yes"
                    )
            });
        let prod = known.production_words.entries.iter().any(|p| {
            let hay = format!("{launch} {env_text}");
            hay.split(|c: char| !c.is_ascii_alphanumeric())
                .any(|w| w == p)
        });
        let message = match (prod, read_only) {
            (true, _) => format!(
                "database MCP server `{}` points at what looks like production",
                server.name
            ),
            (false, false) => format!(
                "database MCP server `{}` has no read-only mode set",
                server.name
            ),
            (false, true) => continue,
        };
        emit.emit(&MCP_DATABASE_WRITE, Some(server.name_span.clone()), message)
            .help = Some(
            "enable the server's read-only mode and use a development or replica database".into(),
        );
    }
}

fn check_shell_command(ctx: &FileCtx, emit: &mut Emitter<'_>) {
    for server in ctx
        .mcp_servers()
        .iter()
        .filter(|s| s.transport == Transport::Stdio || s.command.is_some())
    {
        let Some(command) = &server.command else {
            continue;
        };
        let shell = matches!(
            base(command.value.split_whitespace().next().unwrap_or(""))
                .to_ascii_lowercase()
                .as_str(),
            "sh" | "bash" | "zsh" | "dash" | "ksh" | "cmd" | "powershell" | "pwsh"
        );
        let script_flag = server.args.iter().find(|a| {
            matches!(
                a.value.to_ascii_lowercase().as_str(),
                "-c" | "/c" | "-command" | "/k" | "-lc" | "-ic" | "-encodedcommand"
            )
        });
        let metachar = ["|", "&&", ";", "$(", "`"]
            .iter()
            .any(|m| command.value.contains(m));
        if shell && script_flag.is_some() {
            emit.emit(
                &MCP_SHELL_COMMAND,
                Some(command.span.clone()),
                format!(
                    "MCP server `{}` starts through `{} {}` with a script string",
                    server.name,
                    command.value,
                    script_flag.map_or("", |a| a.value.as_str())
                ),
            )
            .help = Some("launch the server binary directly with `command` and `args`".into());
        } else if metachar {
            emit.emit(
                &MCP_SHELL_COMMAND,
                Some(command.span.clone()),
                format!(
                    "MCP server `{}` has shell syntax in its command",
                    server.name
                ),
            )
            .help = Some("launch the server binary directly with `command` and `args`".into());
        }
    }
}

fn is_true(n: &Node) -> bool {
    n.value == Value::Bool(true)
}

fn check_trusted(ctx: &FileCtx, emit: &mut Emitter<'_>) {
    for server in ctx
        .mcp_servers()
        .iter()
        .filter(|s| s.dialect == Dialect::Gemini)
    {
        if let Some(t) = server.entry.get("trust").filter(|n| is_true(n)) {
            emit.emit(
                &MCP_SERVER_TRUSTED,
                Some(t.span.clone()),
                format!(
                    "MCP server `{}` has `trust: true`: its tool calls run without confirmation",
                    server.name
                ),
            )
            .help = Some("remove `trust`, and limit the server with `includeTools`".into());
        }
    }
    if ctx.kind.is_claude_settings()
        && let Some(n) = ctx
            .tree()
            .and_then(|t| t.get("enableAllProjectMcpServers"))
            .filter(|n| is_true(n))
    {
        emit.emit(
            &MCP_SERVER_TRUSTED,
            Some(n.span.clone()),
            "`enableAllProjectMcpServers: true` approves every server in .mcp.json without asking",
        )
        .help = Some(
            "remove it; list reviewed servers in `enabledMcpjsonServers` in personal settings"
                .into(),
        );
    }
}

fn check_auto_approved_tools(ctx: &FileCtx, emit: &mut Emitter<'_>) {
    for server in ctx.mcp_servers() {
        for key in ["autoApprove", "alwaysAllow"] {
            if let Some(list) = server.entry.get(key).filter(|n| !n.as_array().is_empty()) {
                let n = list.as_array().len();
                emit.emit(
                    &MCP_AUTO_APPROVED_TOOLS,
                    Some(list.span.clone()),
                    format!(
                        "MCP server `{}` pre-approves {n} tool{} with `{key}`",
                        server.name,
                        crate::diagnostic::plural(n)
                    ),
                )
                .help = Some("keep only read-only tools in the list".into());
            }
        }
    }
    if ctx.kind == crate::classify::FileKind::ClaudeSettings
        && let Some(list) = ctx
            .tree()
            .and_then(|t| t.get("enabledMcpjsonServers"))
            .filter(|n| !n.as_array().is_empty())
    {
        emit.emit(
            &MCP_AUTO_APPROVED_TOOLS,
            Some(list.span.clone()),
            "`enabledMcpjsonServers` in the shared settings approves servers for everyone",
        )
        .help = Some("move it to .claude/settings.local.json".into());
    }
}

fn check_conflicts(repo: &super::Repo, emit: &mut super::RepoEmitter<'_>) {
    let mut first: std::collections::HashMap<&str, (&FileCtx, &McpServer)> =
        std::collections::HashMap::new();
    for file in &repo.files {
        for server in file.mcp_servers() {
            if server.name.is_empty() {
                continue;
            }
            match first.get(server.name.as_str()) {
                None => {
                    first.insert(&server.name, (file, server));
                }
                Some((other_file, other))
                    if other_file.path != file.path && other.signature() != server.signature() =>
                {
                    let what = match (other.package(), server.package()) {
                        (Some(a), Some(b)) if a != b => {
                            format!(
                                "runs `{}` here but `{}` in {}",
                                crate::mask::printable(&b),
                                crate::mask::printable(&a),
                                other_file.path
                            )
                        }
                        _ if other.url.is_some() != server.url.is_some() => {
                            format!("uses a different transport than in {}", other_file.path)
                        }
                        _ if other.url.is_some() => {
                            format!("uses a different URL than in {}", other_file.path)
                        }
                        _ => format!("is launched differently than in {}", other_file.path),
                    };
                    emit.emit(
                        file,
                        &MCP_SERVER_CONFLICT,
                        Some(server.name_span.clone()),
                        format!("MCP server `{}` {what}", server.name),
                    )
                    .help = Some("make the entries identical, or rename one of the servers".into());
                }
                Some(_) => {}
            }
        }
    }
}

/// The check behind each rule of this module that is not run by the engine itself.
pub(crate) const CHECKS: &[(&super::Rule, super::Check)] = &[
    (&MCP_UNPINNED_NPX, super::Check::File(check_unpinned)),
    (
        &MCP_LITERAL_CREDENTIAL,
        super::Check::File(check_literal_credential),
    ),
    (
        &MCP_WRONG_INTERPOLATION,
        super::Check::File(check_interpolation),
    ),
    (&MCP_INSECURE_HTTP, super::Check::File(check_insecure_http)),
    (
        &MCP_FILESYSTEM_ROOT,
        super::Check::File(check_filesystem_root),
    ),
    (&MCP_DATABASE_WRITE, super::Check::File(check_database)),
    (&MCP_SHELL_COMMAND, super::Check::File(check_shell_command)),
    (&MCP_SERVER_TRUSTED, super::Check::File(check_trusted)),
    (
        &MCP_AUTO_APPROVED_TOOLS,
        super::Check::File(check_auto_approved_tools),
    ),
    (&MCP_SERVER_CONFLICT, super::Check::Repo(check_conflicts)),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::run;

    fn codes(path: &str, text: &str) -> Vec<(&'static str, u32, u32)> {
        run(path, text)
            .iter()
            .map(|d| (d.rule.code, d.line(), d.col()))
            .collect()
    }

    #[test]
    fn unpinned_across_runners() {
        let mcp = "{\n  \"mcpServers\": {\n    \"fs\": {\n      \"command\": \"npx\",\n      \"args\": [\"-y\", \"@modelcontextprotocol/server-filesystem\", \".\"]\n    }\n  }\n}\n";
        let d = run(".mcp.json", mcp);
        assert_eq!((d[0].rule.code, d[0].line(), d[0].col()), ("AG201", 5, 22));
        assert!(d[0].message.contains("`-y`"));
        for args in ["[\"server-x@latest\"]", "[\"dlx\", \"x\"]"] {
            let cmd = if args.contains("dlx") { "pnpm" } else { "npx" };
            let text = format!(
                "{{\"mcpServers\": {{\"s\": {{\"command\": \"{cmd}\", \"args\": {args}}}}}}}"
            );
            assert_eq!(codes(".cursor/mcp.json", &text).len(), 1, "{args}");
        }
        let codex = "[mcp_servers.docs]\ncommand = \"uvx\"\nargs = [\"mcp-server-fetch\"]\n";
        assert_eq!(codes(".codex/config.toml", codex), [("AG201", 3, 9)]);
        let docker = r#"{"mcpServers": {"d": {"command": "docker", "args": ["run", "-i", "--rm", "-e", "TOKEN", "ghcr.io/org/server"]}}}"#;
        assert_eq!(
            run(".mcp.json", docker)[0].message,
            "MCP server `d` runs `ghcr.io/org/server` without an exact version"
        );
    }

    #[test]
    fn messages_never_echo_a_credential_taken_for_a_package() {
        // A token where the package name should be (a misplaced argument) is not printed.
        let token = "Zq8Rk2mVx7LpT4nWc9YbH3sJd6FgA1eQ"; // agentgate:allow: a fake credential for this test
        let text = format!(
            "{{\"mcpServers\": {{\"s\": {{\"command\": \"npx\", \"args\": [\"-y\", \"{token}\"]}}}}}}"
        );
        let d = run(".mcp.json", &text);
        assert_eq!(d[0].rule.code, "AG201");
        assert!(
            !d[0].message.contains(token) && d[0].message.contains(" chars)"),
            "{}",
            d[0].message
        );
    }

    #[test]
    fn pinned_and_local_servers_are_fine() {
        for (cmd, args) in [
            (
                "npx",
                "[\"-y\", \"@modelcontextprotocol/server-filesystem@2025.8.21\", \".\"]",
            ),
            ("npx", "[\"./local/server.js\"]"),
            ("npx", "[\"-y\", \"github:org/repo#abc123\"]"),
            ("npx", "[\"-y\", \"-p\", \"tool@1.0.0\", \"tool-cli\"]"),
            ("uvx", "[\"mcp-server-fetch==2025.1.17\"]"),
            ("uvx", "[\"--from\", \"mcp-x==1.2\", \"mcp-x\"]"),
            (
                "docker",
                "[\"run\", \"-i\", \"--rm\", \"ghcr.io/org/server:1.4.2\"]",
            ),
            ("docker", "[\"run\", \"-i\", \"mcp/fetch@sha256:abc\"]"),
            ("node", "[\"server.js\"]"),
        ] {
            let text = format!(
                "{{\"mcpServers\": {{\"s\": {{\"command\": \"{cmd}\", \"args\": {args}}}}}}}"
            );
            assert!(
                run(".mcp.json", &text).is_empty(),
                "{cmd} {args}: {:?}",
                run(".mcp.json", &text)
            );
        }
        assert!(
            run(
                "config/mcp.json",
                "{\"mcpServers\": {\"s\": {\"command\": \"npx\", \"args\": [\"x\"]}}}"
            )
            .is_empty()
        );
    }

    #[test]
    fn literal_credentials_are_found_and_redacted() {
        // Fake credentials for the test (agentgate's own scan skips these lines).
        let bearer = "sk-live-9f8e7d6c5b4a3f2e1d0c"; // agentgate:allow: a fake credential for this test
        let dsn = "postgres://admin:Zx9Kq2Lm7Rt4Wp@db.internal:5432/app"; // agentgate:allow: a fake credential for this test
        let key = "k8s7d6f5g4h3j2k1"; // agentgate:allow: a fake credential for this test
        let token = "ghp_Zq8Rk2mVx7LpT4nWc9YbH3sJd6FgA1eQu5Ko"; // agentgate:allow: a fake credential for this test
        let text = format!(
            r#"{{"mcpServers": {{
  "gh": {{"command": "github-mcp@1.0.0", "env": {{"GITHUB_TOKEN": "{token}", "LOG": "debug"}}}},
  "api": {{"type": "http", "url": "https://api.example.net/mcp", "headers": {{"Authorization": "Bearer {bearer}"}}}},
  "db": {{"command": "dbhub@1.0.0", "args": ["--dsn={dsn}", "--api-key", "{key}"]}}
}}}}"#
        );
        let d = run(".mcp.json", &text);
        let creds: Vec<_> = d.iter().filter(|d| d.rule.code == "AG202").collect();
        assert_eq!(creds.len(), 4, "{d:?}");
        for c in &creds {
            assert_eq!(c.redact.len(), 1);
            for secret in [
                "ghp_Zq8Rk2m",
                "sk-live-9f8e",
                "Zx9Kq2Lm7Rt4Wp",
                "k8s7d6f5g4h3j2k1",
            ] {
                assert!(
                    !c.message.contains(secret)
                        && !c.help.as_deref().unwrap_or("").contains(secret)
                );
            }
        }
        assert!(
            creds[0]
                .help
                .as_deref()
                .unwrap()
                .contains("${GITHUB_TOKEN}")
        );
    }

    #[test]
    fn references_and_placeholders_are_fine() {
        let claude = r#"{"mcpServers": {"gh": {"command": "x@1.0.0", "env": {"GITHUB_TOKEN": "${GITHUB_TOKEN}", "API_KEY": "<your-api-key>", "DB_PASSWORD": "${DB_PASSWORD:-devpass}"}, "headers": {"Authorization": "Bearer ${TOKEN}"}}}}"#;
        assert!(
            run(".mcp.json", claude).is_empty(),
            "{:?}",
            run(".mcp.json", claude)
        );
        let vscode = r#"{"inputs": [{"type": "promptString", "id": "key", "password": true}], "servers": {"p": {"type": "stdio", "command": "x@1.0.0", "env": {"API_KEY": "${input:key}", "T": "${env:T}"}}}}"#;
        assert!(run(".vscode/mcp.json", vscode).is_empty());
        let gemini = r#"{"mcpServers": {"g": {"httpUrl": "https://x.example.com", "headers": {"Authorization": "Bearer $GITHUB_PAT"}}}}"#;
        assert!(run(".gemini/settings.json", gemini).is_empty());
    }

    #[test]
    fn wrong_dialects() {
        let claude = r#"{"mcpServers": {"gh": {"command": "x@1.0.0", "env": {"GITHUB_TOKEN": "${env:GITHUB_TOKEN}", "B": "$HOME_DIR"}}}}"#;
        let d = run(".mcp.json", claude);
        assert_eq!(
            d.iter().filter(|d| d.rule.code == "AG203").count(),
            2,
            "{d:?}"
        );
        assert!(d[0].help.as_deref().unwrap().contains("${GITHUB_TOKEN}"));
        let cursor =
            r#"{"mcpServers": {"c": {"command": "x@1.0.0", "env": {"T": "${GH_TOKEN}"}}}}"#;
        assert!(
            run(".cursor/mcp.json", cursor)[0]
                .help
                .as_deref()
                .unwrap()
                .contains("${env:GH_TOKEN}")
        );
        let codex = "[mcp_servers.c]\ncommand = \"x\"\n[mcp_servers.c.env]\nT = \"${GH_TOKEN}\"\n";
        assert_eq!(codes(".codex/config.toml", codex), [("AG203", 4, 5)]);
        let vscode = r#"{"servers": {"p": {"type": "stdio", "command": "x", "env": {"K": "${input:missing}"}}}}"#;
        assert!(
            run(".vscode/mcp.json", vscode)[0]
                .message
                .contains("names no entry in `inputs`")
        );
    }

    #[test]
    fn transport_roots_databases_shells_trust() {
        let text = r#"{"mcpServers": {
  "plain": {"type": "http", "url": "http://mcp.example.com/mcp"},
  "local": {"type": "http", "url": "http://localhost:3000/mcp"},
  "fs": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem@2025.8.21", "~", "."]},
  "postgres": {"command": "npx", "args": ["-y", "@bytebase/dbhub@1.2.3", "--dsn", "${DB_URL}"]},
  "ro": {"command": "dbhub@1.0.0", "args": ["--readonly"], "env": {"X": "postgres"}},
  "sh": {"command": "sh", "args": ["-c", "x-server --port 1"]}
}}"#;
        let got: Vec<(&str, u32)> = run(".mcp.json", text)
            .iter()
            .map(|d| (d.rule.code, d.line()))
            .collect();
        assert_eq!(
            got,
            [("AG204", 2), ("AG205", 4), ("AG206", 5), ("AG207", 7)]
        );
        let gemini = r#"{"mcpServers": {"g": {"httpUrl": "https://x.example.com", "trust": true}, "h": {"httpUrl": "https://y.example.com", "trust": false}}}"#;
        assert_eq!(codes(".gemini/settings.json", gemini), [("AG208", 1, 68)]);
        assert_eq!(
            codes(
                ".claude/settings.json",
                r#"{"enableAllProjectMcpServers": true}"#
            )[0]
            .0,
            "AG208"
        );
        let cline = r#"{"mcpServers": {"c": {"command": "x@1.0.0", "autoApprove": ["read", "write"]}, "d": {"command": "y@1.0.0", "autoApprove": []}}}"#;
        assert_eq!(codes(".roo/mcp.json", cline).len(), 1);
    }

    #[test]
    fn conflicts_across_agents() {
        use crate::classify::FileKind;
        use crate::rules::{FileCtx, Repo, RepoEmitter, Selection};
        let a = FileCtx::new(
            ".mcp.json",
            FileKind::McpJson,
            r#"{"mcpServers": {"gh": {"command": "npx", "args": ["-y", "@m/server-github@2025.4.8"]}, "same": {"url": "https://a.example"}}}"#,
        );
        let b = FileCtx::new(
            ".cursor/mcp.json",
            FileKind::CursorMcp,
            r#"{"mcpServers": {"gh": {"command": "npx", "args": ["-y", "@m/server-github@2025.1.1"]}, "same": {"url": "https://a.example"}}}"#,
        );
        let repo = Repo::new(vec![a, b], Default::default(), None, Default::default());
        let sel = Selection::all();
        let mut emit = RepoEmitter::new(&sel);
        check_conflicts(&repo, &mut emit);
        assert_eq!(emit.out.len(), 1);
        assert_eq!(emit.out[0].path, ".mcp.json");
        assert!(emit.out[0].message.contains("`@m/server-github@2025.4.8` here but `@m/server-github@2025.1.1` in .cursor/mcp.json"), "{}", emit.out[0].message);
    }
}
