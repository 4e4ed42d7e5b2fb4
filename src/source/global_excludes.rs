//! The user's global git excludes file (`core.excludesFile`), found as the `ignore` crate finds
//! it, but read without the regex the crate compiles for it: that compile was a seventh of a
//! small repository's check, paid on every machine with a `~/.gitconfig`.

use std::path::PathBuf;

/// Where `ignore` looks, in its order: `$GIT_CONFIG_GLOBAL`, `~/.gitconfig`,
/// `$XDG_CONFIG_HOME/git/config`, the system config, then the default
/// `$XDG_CONFIG_HOME/git/ignore`. `None` when that file does not exist.
pub fn path() -> Option<PathBuf> {
    let read = |p: PathBuf| std::fs::read(p).ok();
    let env_path = |var: &str| {
        std::env::var_os(var)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    let xdg = || env_path("XDG_CONFIG_HOME").or_else(|| home().map(|h| h.join(".config")));
    let configured = env_path("GIT_CONFIG_GLOBAL")
        .and_then(read)
        .and_then(|c| excludes_file(&c))
        .or_else(|| {
            home()
                .and_then(|h| read(h.join(".gitconfig")))
                .and_then(|c| excludes_file(&c))
        })
        .or_else(|| {
            xdg()
                .and_then(|x| read(x.join("git/config")))
                .and_then(|c| excludes_file(&c))
        })
        .or_else(|| {
            read(env_path("GIT_CONFIG_SYSTEM").unwrap_or_else(|| "/etc/gitconfig".into()))
                .and_then(|c| excludes_file(&c))
        });
    configured
        .or_else(|| xdg().map(|x| x.join("git/ignore")))
        .filter(|p| p.is_file())
}

#[allow(deprecated)] // as `ignore` does: its corner cases are Windows ones
fn home() -> Option<PathBuf> {
    std::env::home_dir()
}

fn ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

fn trim_start(s: &[u8]) -> &[u8] {
    let n = s.iter().take_while(|&&b| ws(b)).count();
    &s[n..]
}

/// The value of the first `excludesfile = …` of a git config, read as `ignore` reads it (the
/// regex `(?im-u)^\s*excludesfile\s*=\s*"?\s*(\S+?)\s*"?\s*$`, in any section, its `\s`
/// spanning lines; the tests compare the two), with a leading `~` expanded.
fn excludes_file(config: &[u8]) -> Option<PathBuf> {
    let value = std::str::from_utf8(first_value(config)?).ok()?;
    Some(PathBuf::from(expand_tilde(value)))
}

fn first_value(text: &[u8]) -> Option<&[u8]> {
    const KEY: &[u8] = b"excludesfile";
    (0..text.len().saturating_sub(KEY.len() - 1)).find_map(|at| {
        if !text[at..at + KEY.len()].eq_ignore_ascii_case(KEY) {
            return None;
        }
        // `^\s*`: only spaces back to the start of a line.
        let before = &text[..at];
        let spaces = before.iter().rev().take_while(|&&b| ws(b)).count();
        if spaces != before.len() && !before[before.len() - spaces..].contains(&b'\n') {
            return None;
        }
        let rest = trim_start(trim_start(&text[at + KEY.len()..]).strip_prefix(b"=")?);
        // `"?` tries the quote first, then without it.
        rest.strip_prefix(b"\"")
            .and_then(|r| capture(trim_start(r)))
            .or_else(|| capture(rest))
    })
}

/// `\s*$`: spaces up to the end of a line (they may span lines).
fn ends_line(s: &[u8]) -> bool {
    let spaces = s.iter().take_while(|&&b| ws(b)).count();
    spaces == s.len() || s[..spaces].contains(&b'\n')
}

/// `(\S+?)\s*"?\s*$` at the start of `s`: the shortest run of non-space bytes after which only
/// spaces, at most one quote and the end of a line follow.
fn capture(s: &[u8]) -> Option<&[u8]> {
    let run = s.iter().take_while(|&&b| !ws(b)).count();
    (1..=run).map(|k| &s[..k]).find(|v| {
        let tail = &s[v.len()..];
        ends_line(tail) || trim_start(tail).strip_prefix(b"\"").is_some_and(ends_line)
    })
}

/// A leading `~` (alone or before a separator) is the home directory, as git and `ignore` read it.
fn expand_tilde(path: &str) -> String {
    match (path.strip_prefix('~'), home()) {
        (Some(rest), Some(home))
            if rest.is_empty() || rest.starts_with(std::path::is_separator) =>
        {
            format!("{}{rest}", home.to_string_lossy())
        }
        _ => path.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The hand reader against `ignore`'s regex, on configs built from the pieces such lines
    /// are made of (a fixed pseudo-random sequence: reproducible).
    #[test]
    fn reads_as_the_ignore_crates_regex() {
        let re = regex::bytes::Regex::new(r#"(?im-u)^\s*excludesfile\s*=\s*"?\s*(\S+?)\s*"?\s*$"#)
            .unwrap();
        let pieces: [&[u8]; 18] = [
            b"\texcludesfile = ",
            b"excludesFile=\"/p\"\n",
            b"excludesfile",
            b"ExcludesFile",
            b"core.",
            b" ",
            b"\t",
            b"=",
            b"\"",
            b"~/x",
            b"/a/b",
            b"\n",
            b"\r\n",
            b"[core]\n",
            b"\\",
            b"#",
            b"\xff",
            b"e",
        ];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut found = 0;
        for _ in 0..200_000 {
            let n = 1 + next() % 10;
            let text: Vec<u8> = (0..n)
                .flat_map(|_| pieces[(next() % pieces.len() as u64) as usize].to_vec())
                .collect();
            let want = re.captures(&text).map(|c| c.get(1).unwrap().as_bytes());
            let got = first_value(&text);
            assert_eq!(got, want, "{:?}", String::from_utf8_lossy(&text));
            found += usize::from(want.is_some());
        }
        assert!(found > 5_000, "{found}");
        let config = b"[user]\n\tname = x\n[core]\n\texcludesFile = \"/etc/ignore-me\"\n";
        assert_eq!(excludes_file(config), Some(PathBuf::from("/etc/ignore-me")));
        assert_eq!(excludes_file(b"[core]\n\teditor = vi\n"), None);
    }
}
