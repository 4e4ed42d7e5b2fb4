//! The secrets engine: a rule pack (YAML, same format for the built-in pack and org packs),
//! one pass over each file for every rule's keywords (see [`keywords`]), each rule's regex run only
//! in a window around its keyword hits and compiled on first use, then offline confirmation
//! (placeholders, entropy, structural validators).

pub(crate) mod anchor;
mod keywords;
mod shape;
pub mod validate;

use crate::pattern::{Captures, Regex};
use crate::registry::Confidence;
use regex_automata::Span;
use regex_automata::{Anchored, Input};
use serde::{Deserialize, Serialize};
use shape::{Shape, open_big_bounds};
use std::borrow::Cow;
use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{LazyLock, OnceLock};

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct PackFile {
    version: u32,
    /// Published example values (SDK samples, documentation keys) that are never findings:
    /// they are public by design and would otherwise fire in every clone of a sample app.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    allow: Vec<String>,
    /// Key formats that are public by design (the provider documents them as safe to
    /// publish, e.g. Supabase's `sb_publishable_`): a value starting with one is never a
    /// finding, whichever rule or key name matched it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    public_prefixes: Vec<PublicPrefix>,
    /// Path parts of tests, fixtures and examples: heuristic findings there are lowered to a
    /// note (never hidden); exact ones stay errors (a checksum-valid token is real anywhere).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    test_paths: Vec<String>,
    rules: Vec<SecretRule>,
}

/// A key format that is public by design, with where the provider says so.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PublicPrefix {
    pub prefix: String,
    pub provider: String,
    pub source: String,
    /// Lines with such a value: the built-in pack must find nothing in them (tested).
    #[serde(default)]
    pub examples: Vec<String>,
}

/// One rule of a pack.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SecretRule {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub provider: Option<String>,
    pub category: String,
    pub keywords: Vec<String>,
    pub regex: String,
    #[serde(default)]
    pub entropy: Option<f64>,
    #[serde(default)]
    pub validator: Option<String>,
    pub confidence: Confidence,
    /// Bytes after a keyword hit the regex may reach (multi-line secrets).
    #[serde(default)]
    pub window: Option<usize>,
    /// Where the format comes from (the provider's documentation, a changelog).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Words that, in the matched name before the value (lower-cased), say the value is not a
    /// credential (`id`, `url`, `version` …): such a match is dropped. For rules that take a
    /// name without a credential word in it (a provider's bare name), where the regex alone
    /// cannot tell `OKTA_CLIENT_ID` from `OKTA_APP`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub name_excludes: Vec<String>,
    #[serde(default)]
    pub examples: Vec<String>,
    #[serde(default)]
    pub negative_examples: Vec<String>,
}

/// A confirmed secret: which rule, and the byte range of the secret value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub rule: usize,
    pub secret: Range<usize>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Engine({} rules)", self.len())
    }
}

pub struct Engine {
    rules: Vec<Rule>,
    regexes: Vec<OnceLock<Option<Compiled>>>,
    /// The keyword pass ([`keywords`]), built in microseconds.
    keywords: keywords::KeywordIndex,
    words: Keywords,
    allow: std::collections::HashSet<String>,
    public_prefixes: Vec<PublicPrefix>,
    test_paths: Vec<String>,
}

/// A rule's compiled regex, and whether every match of it starts with one of the rule's
/// keywords ([`Shape::at_keyword`]): then the search runs anchored at each keyword the pass
/// found (a few bytes each) instead of over the keyword's whole line.
///
/// A rule whose matches start at a keyword is first searched with a regex built without lazy
/// DFAs (a backtracker and a PikeVM over the forward NFA: a third of the cost to build, and
/// on a search of a few bytes from a keyword no slower); most rules a run compiles see a few
/// windows. After [`HOT`] windows it gets the regex with lazy DFAs, built from `hir`.
struct Compiled {
    small: Option<Regex>,
    fast: OnceLock<Option<Regex>>,
    hir: crate::pattern::Hir,
    windows: AtomicUsize,
    at_keyword: bool,
}

/// Windows a keyword-anchored rule is searched in before it gets lazy DFAs.
const HOT: usize = 16;

impl Compiled {
    /// The regex for the next window: the same matches whichever it is.
    fn regex(&self) -> Option<&Regex> {
        if let Some(small) = &self.small {
            // A load first: once hot, the counter is only read (no cache line ping-pong).
            if self.windows.load(Ordering::Relaxed) < HOT
                && self.windows.fetch_add(1, Ordering::Relaxed) < HOT
            {
                return Some(small);
            }
        }
        self.fast
            .get_or_init(|| crate::pattern::build_hir(&self.hir).ok())
            .as_ref()
            .or(self.small.as_ref())
    }
}

/// One rule of an engine: read, or (the built-in pack's) kept as text and read on first use,
/// with what the keyword pass needs of it at hand.
struct Rule {
    text: Option<crate::builtin::Table<'static>>,
    read: OnceLock<SecretRule>,
    confidence: Confidence,
    window: Option<usize>,
    shape: Shape,
}

/// What the keyword pass needs of a built-in rule, and where its text is in
/// [`crate::builtin::SECRETS_RULES`], read without copying strings ([`tables::HEADS`]).
struct Head {
    confidence: Confidence,
    window: Option<usize>,
    at: usize,
    len: usize,
    at_keyword: bool,
    min_len: Option<usize>,
}

/// The built-in pack's heads and keyword table, which build.rs writes as Rust statics: a run
/// reads them in place (parsing them cost a sixth of a tiny repository's run), and they hold
/// no pointers for the loader to relocate.
mod tables {
    use super::Head;
    use crate::registry::Confidence;
    include!(concat!(env!("OUT_DIR"), "/rules/secrets-tables.rs"));
}

/// The pack's keywords (lower case, de-duplicated, in order of first use) and the rules
/// owning each: `owners[starts[i]..starts[i + 1]]` for keyword `i`.
#[derive(Debug, PartialEq)]
struct Keywords {
    words: Vec<Cow<'static, str>>,
    starts: Vec<usize>,
    owners: Vec<usize>,
}

impl Keywords {
    fn of<'k, K: AsRef<str> + 'k>(rules: impl Iterator<Item = &'k [K]>) -> Self {
        let mut words: Vec<Cow<'static, str>> = Vec::new();
        let mut owners: Vec<Vec<usize>> = Vec::new();
        // Keyword → its index in `words`: a linear search per keyword was quadratic in the
        // pack's size.
        let mut index: foldhash::HashMap<String, usize> = foldhash::HashMap::default();
        for (i, keywords) in rules.enumerate() {
            for k in keywords {
                let k = k.as_ref().to_ascii_lowercase();
                let w = *index.entry(k.clone()).or_insert_with(|| {
                    words.push(Cow::Owned(k));
                    owners.push(Vec::new());
                    words.len() - 1
                });
                owners[w].push(i);
            }
        }
        let mut starts = vec![0];
        for o in &owners {
            starts.push(starts[starts.len() - 1] + o.len());
        }
        Keywords {
            words,
            starts,
            owners: owners.concat(),
        }
    }
}

/// Longest stretch of a line searched on either side of a keyword hit.
const CONTEXT: usize = 4096;

impl Engine {
    /// Parses and checks a pack. Regexes are compiled lazily; [`Engine::compile_all`] checks them.
    pub fn load(yaml: &str) -> Result<Self, crate::error::Error> {
        Self::from_pack(parse_yaml(yaml)?)
    }

    fn from_pack(mut pack: PackFile) -> Result<Self, crate::error::Error> {
        if pack.version != 1 {
            return Err(format!(
                "unsupported secrets pack version {} (expected 1)",
                pack.version
            )
            .into());
        }
        let mut seen = foldhash::HashSet::default();
        for r in &pack.rules {
            if !seen.insert(r.id.as_str()) {
                return Err(format!("duplicate secret rule id `{}`", r.id).into());
            }
            if let Some(v) = r
                .validator
                .as_deref()
                .filter(|v| !validate::VALIDATORS.contains(v))
            {
                return Err(format!(
                    "rule `{}`: unknown validator `{v}` (known: {})",
                    r.id,
                    validate::VALIDATORS.join(", ")
                )
                .into());
            }
            if r.keywords.is_empty() || r.keywords.iter().any(|k| k.len() < 3) {
                return Err(
                    format!("rule `{}`: needs keywords of at least 3 characters", r.id).into(),
                );
            }
            if r.name_excludes
                .iter()
                .any(|w| w.len() < 2 || w.bytes().any(|b| !b.is_ascii_lowercase()))
            {
                return Err(format!(
                    "rule `{}`: name_excludes must be lower-case ASCII letters, 2 or more",
                    r.id
                )
                .into());
            }
        }
        let words = Keywords::of(pack.rules.iter().map(|r| r.keywords.as_slice()));
        let keywords = keywords::KeywordIndex::anchored(&words.words);
        let rules = std::mem::take(&mut pack.rules)
            .into_iter()
            .map(|r| Rule {
                text: None,
                confidence: r.confidence,
                window: r.window,
                // A regex that does not parse is never compiled either: no shape to know.
                shape: shape::shape(&r.regex, &r.keywords).unwrap_or_default(),
                read: OnceLock::from(r),
            })
            .collect();
        Ok(Self::assemble(pack, rules, words, keywords))
    }

    /// The built-in pack, each rule kept as text until a keyword of it matches: a commit hook
    /// reads a handful of the pack's rules. Its checks are [`Engine::from_pack`]'s, which the
    /// tests run on it ([`Engine::builtin_with_examples`]).
    fn from_builtin() -> Result<Self, String> {
        use crate::builtin::{SECRETS, SECRETS_RULES};
        use tables::{ANCHORS, HEADS, OWNERS, STARTS, WORD_ENDS, WORDS};
        let pack: PackFile = SECRETS.parse()?;
        let heads = &HEADS;
        // De-duplicated and anchored by build.rs: the same functions, at compile time (tested).
        let words: Vec<&'static str> = (0..WORD_ENDS.len())
            .map(|i| {
                let from = i.checked_sub(1).map_or(0, |p| WORD_ENDS[p] as usize);
                WORDS.get(from..WORD_ENDS[i] as usize)
            })
            .collect::<Option<_>>()
            .ok_or("the built-in keyword table is inconsistent")?;
        let starts: Vec<usize> = STARTS.iter().map(|&s| s as usize).collect();
        let owners: Vec<usize> = OWNERS.iter().map(|&o| o as usize).collect();
        let anchors = ANCHORS.to_vec();
        let n = words.len();
        if starts.len() != n + 1
            || !starts.is_sorted()
            || starts.last().is_some_and(|&s| s > owners.len())
            || owners.iter().any(|&r| r >= heads.len())
            || anchors.len() != n
            || !anchors.is_sorted()
            || anchors
                .iter()
                .any(|&(_, w, at)| w as usize >= n || at as usize + 3 > words[w as usize].len())
        {
            return Err("the built-in keyword table is inconsistent".into());
        }
        let words = Keywords {
            words: words.into_iter().map(Cow::Borrowed).collect(),
            starts,
            owners,
        };
        let keywords = keywords::KeywordIndex::sorted(anchors);
        let rules = heads
            .iter()
            .map(|h| {
                let text = SECRETS_RULES
                    .get(h.at..h.at + h.len)
                    .ok_or("a rule's text is out of bounds")?;
                Ok(Rule {
                    text: Some(SECRETS.part(text)),
                    read: OnceLock::new(),
                    confidence: h.confidence,
                    window: h.window,
                    shape: Shape {
                        at_keyword: h.at_keyword,
                        min_len: h.min_len,
                    },
                })
            })
            .collect::<Result<_, String>>()?;
        Ok(Self::assemble(pack, rules, words, keywords))
    }

    fn assemble(
        pack: PackFile,
        rules: Vec<Rule>,
        words: Keywords,
        keywords: keywords::KeywordIndex,
    ) -> Self {
        let regexes = rules.iter().map(|_| OnceLock::new()).collect();
        Self {
            allow: pack.allow.into_iter().collect(),
            public_prefixes: pack.public_prefixes,
            test_paths: pack
                .test_paths
                .into_iter()
                .map(|p| p.to_ascii_lowercase())
                .collect(),
            rules,
            regexes,
            keywords,
            words,
        }
    }

    /// Rule `i` of the pack.
    pub fn rule(&self, i: usize) -> &SecretRule {
        let r = &self.rules[i];
        r.read.get_or_init(|| match &r.text {
            Some(text) => text.load(),
            None => unreachable!("an engine's own rules are read when it is made"),
        })
    }

    /// The pack's rules, in order.
    pub fn rules(&self) -> impl Iterator<Item = &SecretRule> {
        (0..self.rules.len()).map(|i| self.rule(i))
    }

    pub fn len(&self) -> usize {
        self.rules.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// An engine for an organisation's own rules (a policy pack's `rules/*.yaml`): each file is
    /// a pack in the built-in format; ids must not clash with built-in ones, regexes must
    /// compile and every example must be found by its rule.
    pub fn org(packs: &[(String, String)]) -> Result<Self, crate::error::Error> {
        let mut rules: Vec<SecretRule> = Vec::new();
        for (name, yaml) in packs {
            let pack = parse_yaml(yaml).map_err(|e| format!("{name}: {e}"))?;
            if pack.version != 1 {
                return Err(format!("{name}: unsupported pack version {}", pack.version).into());
            }
            for r in pack.rules {
                if Self::builtin().rules().chain(&rules).any(|b| b.id == r.id) {
                    return Err(format!("{name}: rule id `{}` is already taken", r.id).into());
                }
                rules.push(r);
            }
        }
        let engine = Self::from_pack(PackFile {
            version: 1,
            allow: Vec::new(),
            public_prefixes: Vec::new(),
            test_paths: Vec::new(),
            rules,
        })?;
        engine.compile_all()?;
        for (i, r) in engine.rules().enumerate() {
            // The example is a credential: name it by position, never by value.
            if let Some(n) = r
                .examples
                .iter()
                .position(|e| !engine.scan_rule(i, e.as_bytes()))
            {
                return Err(format!(
                    "rule `{}`: its example {} ({} chars) is not found",
                    r.id,
                    n + 1,
                    r.examples[n].len()
                )
                .into());
            }
        }
        Ok(engine)
    }

    /// The provider whose public-by-design key format `value` has (`Supabase` for
    /// `sb_publishable_…`), if any.
    pub fn public_by_design(&self, value: &str) -> Option<&str> {
        let v = value.trim().trim_matches(['"', '\'']);
        self.public_prefixes
            .iter()
            .find(|p| v.starts_with(p.prefix.as_str()))
            .map(|p| p.provider.as_str())
    }

    pub fn builtin() -> &'static Engine {
        static ENGINE: LazyLock<Engine> = LazyLock::new(|| {
            // Embedded by build.rs, each rule read when first needed: start-up time is what
            // a pre-commit hook pays (the YAML took about twenty milliseconds to parse).
            Engine::from_builtin().expect("the built-in secrets pack is valid (tested)")
        });
        &ENGINE
    }

    /// The built-in pack with its rules' examples and negative examples, which
    /// [`Engine::builtin`] leaves out (only tests read them). Same rules, same order.
    #[doc(hidden)]
    pub fn builtin_with_examples() -> &'static Engine {
        static ENGINE: LazyLock<Engine> = LazyLock::new(|| {
            Engine::from_pack(crate::builtin::SECRETS_WITH_EXAMPLES.load())
                .expect("the built-in secrets pack is valid (tested)")
        });
        &ENGINE
    }

    /// `agentgate explain <pack-rule-id>`: what a pack rule finds, which agentgate rule
    /// reports it, and where its format comes from. Examples are not shown (they look like
    /// credentials, and output masks them anyway).
    pub fn explain(&self, id: &str) -> Option<String> {
        let r = self.rules().find(|r| r.id.eq_ignore_ascii_case(id))?;
        let (code, name) = match r.confidence {
            Confidence::Exact => ("AG402", "leaked-secret"),
            _ => ("AG403", "possible-secret"),
        };
        let mut out = format!(
            "# {id}: {name}\n\n\
             - Provider: {provider}\n\
             - Category: {category}\n\
             - Reported as: {code} ({rule}, {severity})\n\
             - Keywords: {keywords}\n",
            id = r.id,
            name = r.name,
            provider = r.provider.as_deref().unwrap_or("Generic"),
            category = r.category,
            rule = name,
            severity = if code == "AG402" { "error" } else { "warning" },
            keywords = r
                .keywords
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", "),
        );
        if let Some(v) = &r.validator {
            out.push_str(&format!("- Validator: {v}\n"));
        }
        if let Some(e) = r.entropy {
            out.push_str(&format!("- Entropy floor: {e} bits per character\n"));
        }
        out.push_str(&format!(
            "- Source: {}\n\nSee `agentgate explain {code}` for how secret findings are handled.\n",
            r.source
                .as_deref()
                .unwrap_or("the provider's documented token format")
        ));
        Some(out)
    }

    /// Is `path` a test, fixture or example file (by the pack's `test_paths`)? Each entry is
    /// a directory name (`tests/`), or a file-name part (`_test.`, `.spec.`).
    pub fn is_test_path(&self, path: &str) -> bool {
        let p = format!("/{}", path.to_ascii_lowercase());
        let name = p.rsplit('/').next().unwrap_or(&p);
        self.test_paths.iter().any(|t| match t.strip_suffix('/') {
            Some(dir) => p.contains(&format!("/{dir}/")),
            None => name.contains(t.as_str()),
        })
    }

    fn regex(&self, i: usize) -> Option<&Regex> {
        self.compiled(i).and_then(Compiled::regex)
    }

    fn compiled(&self, i: usize) -> Option<&Compiled> {
        self.regexes[i]
            .get_or_init(|| compile(&self.rule(i).regex, self.rules[i].shape.at_keyword).ok())
            .as_ref()
    }

    /// Compiles every regex now; errors name the rule (for tests and org-pack validation).
    pub fn compile_all(&self) -> Result<(), crate::error::Error> {
        for r in self.rules() {
            build_regex(&r.regex).map_err(|e| format!("rule `{}`: invalid regex: {e}", r.id))?;
        }
        Ok(())
    }

    /// Scans `text` once. `heuristic` is false for files where generic rules are noise
    /// (lockfiles, checksums, minified bundles).
    ///
    /// The keyword pass reports every occurrence of every keyword, overlapping ones too (the
    /// `key` inside `api_key`), and each tries the rules that own it on its line.
    pub fn scan(&self, text: &[u8], heuristic: bool) -> Vec<Finding> {
        self.scan_with(text, heuristic, true)
    }

    /// [`Engine::scan`]; `anchor` false searches every window whole (the tests compare).
    fn scan_with(&self, text: &[u8], heuristic: bool, anchor: bool) -> Vec<Finding> {
        // (rule, window start, window end, keyword start)
        let mut windows: Vec<(usize, usize, usize, usize)> = Vec::new();
        self.keywords
            .find_iter(&self.words.words, text, |keyword, m_start, m_end| {
                // The keyword's own line (capped), found once for all the rules owning it, or
                // a rule's explicit window for multi-line secrets.
                let mut line = None;
                for &rule in self.owners(keyword) {
                    let r = &self.rules[rule];
                    if !heuristic && r.confidence == Confidence::Heuristic {
                        continue;
                    }
                    let (start, line_end) = *line.get_or_insert_with(|| {
                        (
                            line_start(text, m_start, CONTEXT),
                            line_end(text, m_end, CONTEXT),
                        )
                    });
                    let end = match r.window {
                        Some(w) => (m_end + w).min(text.len()),
                        None => line_end,
                    };
                    windows.push((rule, start, end, m_start));
                }
            });
        windows.sort_unstable();
        let mut findings = Vec::new();
        let mut starts = Vec::new();
        let mut i = 0;
        while i < windows.len() {
            let (rule, start, mut end, at) = windows[i];
            starts.clear();
            starts.push(at);
            i += 1;
            while i < windows.len() && windows[i].0 == rule && windows[i].1 <= end {
                end = end.max(windows[i].2);
                starts.push(windows[i].3);
                i += 1;
            }
            if !self.may_match(rule, start, end, &starts, anchor) {
                continue;
            }
            let Some(c) = self.compiled(rule) else {
                continue;
            };
            let Some(re) = c.regex() else {
                continue;
            };
            let hay = &text[start..end];
            let mut found = |caps: &Captures| {
                if let Some(g) = secret_group(caps) {
                    let range = start + g.start..start + g.end;
                    let name = &hay[caps.get_match().map_or(g.start, |m| m.start())..g.start];
                    if self.confirm(rule, name, &text[range.clone()]) {
                        findings.push(Finding {
                            rule,
                            secret: range,
                        });
                    }
                }
            };
            if anchor && c.at_keyword {
                // Every match starts at a keyword, and the pass found every keyword: one
                // anchored search at each, past the last match (as an iteration would go).
                // Captures are made for the few windows that match.
                starts.sort_unstable();
                starts.dedup();
                let mut caps = None;
                let mut from = 0;
                for &at in &starts {
                    if at - start < from {
                        continue;
                    }
                    let input = Input::new(hay)
                        .span(at - start..hay.len())
                        .anchored(Anchored::Yes);
                    if re.search_half(&input).is_none() {
                        continue;
                    }
                    let caps = caps.get_or_insert_with(|| re.create_captures());
                    re.search_captures(&input, caps);
                    if let Some(m) = caps.get_match() {
                        from = m.end().max(at - start + 1);
                        found(caps);
                    }
                }
            } else if re.is_match(hay) {
                for caps in re.captures_iter(hay) {
                    found(&caps);
                }
            }
        }
        self.dedupe(findings)
    }

    /// Can rule `rule`'s regex match in `start..end`, by its shortest match? Where every match
    /// starts at a keyword (and the search is anchored at them), one of `starts` must leave it
    /// room. A window that cannot is not searched, nor its regex compiled: in small runs the
    /// keywords hit are mostly words in short lines (`"secret": null` in JSON output).
    fn may_match(
        &self,
        rule: usize,
        start: usize,
        end: usize,
        starts: &[usize],
        anchor: bool,
    ) -> bool {
        let shape = self.rules[rule].shape;
        let Some(min) = shape.min_len else {
            return false;
        };
        match anchor && shape.at_keyword {
            true => starts.iter().any(|&at| end - at >= min),
            false => end - start >= min,
        }
    }

    /// The keywords of the pass (lower case, de-duplicated).
    pub fn keyword_list(&self) -> &[Cow<'static, str>] {
        &self.words.words
    }

    /// The rules owning keyword `w` of [`Engine::keyword_list`].
    fn owners(&self, w: usize) -> &[usize] {
        let k = &self.words;
        k.owners
            .get(k.starts[w]..k.starts[w + 1])
            .unwrap_or_default()
    }

    /// Does rule `i` alone (no deduplication against other rules) report something in `text`?
    /// Used to check each rule's examples.
    pub fn scan_rule(&self, i: usize, text: &[u8]) -> bool {
        let r = self.rule(i);
        let hit = r.keywords.iter().any(|k| {
            text.to_ascii_lowercase()
                .windows(k.len())
                .any(|w| w == k.to_ascii_lowercase().as_bytes())
        });
        hit && self.regex(i).is_some_and(|re| {
            re.captures_iter(text).any(|c| {
                secret_group(&c).is_some_and(|g| {
                    let name = &text[c.get_match().map_or(g.start, |m| m.start())..g.start];
                    self.confirm(i, name, &text[g.range()])
                })
            })
        })
    }

    /// Is `secret`, matched after `name` (the match's text before it), reported?
    fn confirm(&self, rule: usize, name: &[u8], secret: &[u8]) -> bool {
        let r = self.rule(rule);
        if !r.name_excludes.is_empty()
            && name_words(name).any(|w| r.name_excludes.iter().any(|x| x.as_bytes() == w))
        {
            return false;
        }
        let Ok(secret) = std::str::from_utf8(secret) else {
            return false;
        };
        if secret.is_empty()
            || validate::is_placeholder(secret)
            || self.allow.contains(secret)
            || self.public_by_design(secret).is_some()
        {
            return false;
        }
        // Rules for values that may be short (URL and command-line passwords) set no floor:
        // n characters carry at most log2(n) bits each, so a floor would rule them all out.
        if r.entropy.is_some_and(|min| validate::entropy(secret) < min) {
            return false;
        }
        r.validator
            .as_deref()
            .is_none_or(|v| validate::validate(v, secret))
    }

    /// One finding per secret: exact rules win over heuristic ones on overlapping ranges.
    fn dedupe(&self, mut findings: Vec<Finding>) -> Vec<Finding> {
        let rank = |f: &Finding| {
            (
                self.rules[f.rule].confidence == Confidence::Heuristic,
                f.rule,
            )
        };
        findings.sort_by(|a, b| {
            rank(a)
                .cmp(&rank(b))
                .then(a.secret.start.cmp(&b.secret.start))
        });
        // Kept ranges are non-empty and never overlap, so the one that starts last before `f`
        // ends is the only candidate: a map lookup, not a scan of every kept finding (many
        // secrets on one line stay n log n).
        let mut kept: std::collections::BTreeMap<usize, Finding> = Default::default();
        for f in findings {
            let overlaps = kept
                .range(..f.secret.end)
                .next_back()
                .is_some_and(|(_, k)| f.secret.start < k.secret.end);
            if !overlaps {
                kept.insert(f.secret.start, f);
            }
        }
        kept.into_values().collect()
    }
}

/// The secret in a match: the first capture group that took part (a rule may offer several
/// alternatives, each with its own group), else the whole match.
/// The words of a name, lower-cased: split at every byte that is not a letter or digit and
/// where lower case turns upper (`OKTA_CLIENT_ID`, `oktaClientId` → okta, client, id), so that
/// an excluded word never matches inside a provider's name (`id` in `plaid`).
fn name_words(name: &[u8]) -> impl Iterator<Item = Vec<u8>> + '_ {
    let mut words = Vec::new();
    let mut word = Vec::new();
    let mut prev_lower = false;
    for &b in name {
        if (!b.is_ascii_alphanumeric() || (prev_lower && b.is_ascii_uppercase()))
            && !word.is_empty()
        {
            words.push(std::mem::take(&mut word));
        }
        if b.is_ascii_alphanumeric() {
            word.push(b.to_ascii_lowercase());
        }
        prev_lower = b.is_ascii_lowercase() || b.is_ascii_digit();
    }
    if !word.is_empty() {
        words.push(word);
    }
    words.into_iter()
}

fn secret_group(caps: &Captures) -> Option<Span> {
    (1..caps.group_len())
        .find_map(|g| caps.get_group(g))
        .or_else(|| caps.get_match().map(|m| m.span()))
}

fn parse_yaml(yaml: &str) -> Result<PackFile, crate::error::Error> {
    serde_saphyr::from_str(yaml).map_err(|e| e.without_snippet().to_string().into())
}

/// Compiles a rule's regex. Every match is confined to a keyword window, so a large upper
/// bound (`{64,10000}`) only bloats the automaton: bounds of 1000 or more become open (`{64,}`).
fn build_regex(pattern: &str) -> Result<Regex, String> {
    // ASCII classes: tokens are ASCII, and Unicode `\w`/`\s`/`\b` made some rules cost
    // ~20 M instructions (a third of a commit hook's run) to compile. No literal prefilter:
    // the keyword pass already chose the window.
    crate::pattern::build(&open_big_bounds(pattern))
}

/// A rule's regex as [`Compiled`] searches it: keyword-anchored ones start small.
fn compile(pattern: &str, at_keyword: bool) -> Result<Compiled, String> {
    let hir = crate::pattern::parse(&open_big_bounds(pattern))?;
    let (small, fast) = if at_keyword {
        (
            Some(crate::pattern::build_hir_small(&hir)?),
            OnceLock::new(),
        )
    } else {
        (None, OnceLock::from(Some(crate::pattern::build_hir(&hir)?)))
    };
    Ok(Compiled {
        small,
        fast,
        hir,
        windows: AtomicUsize::new(0),
        at_keyword,
    })
}

/// Start of the line holding `at`, looking back at most `limit` bytes: an unbounded search
/// per keyword hit made one long line (a minified bundle) quadratic.
fn line_start(text: &[u8], at: usize, limit: usize) -> usize {
    let at = at.min(text.len());
    let from = at.saturating_sub(limit);
    memchr::memrchr(b'\n', &text[from..at]).map_or(from, |i| from + i + 1)
}

/// End of the line holding `at`, looking ahead at most `limit` bytes.
fn line_end(text: &[u8], at: usize, limit: usize) -> usize {
    let at = at.min(text.len());
    let to = at.saturating_add(limit).min(text.len());
    memchr::memchr(b'\n', &text[at..to]).map_or(to, |i| at + i)
}

/// Files where generic (heuristic) rules only produce noise: lockfiles, checksum lists,
/// minified bundles and source maps.
pub fn heuristic_applies(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    const LOCKFILES: &[&str] = &[
        "package-lock.json",
        "npm-shrinkwrap.json",
        "yarn.lock",
        "pnpm-lock.yaml",
        "bun.lock",
        "Cargo.lock",
        "go.sum",
        "poetry.lock",
        "Pipfile.lock",
        "uv.lock",
        "composer.lock",
        "Gemfile.lock",
        "packages.lock.json",
        "flake.lock",
        "pubspec.lock",
        "mix.lock",
    ];
    !(LOCKFILES.contains(&name)
        || name.ends_with(".min.js")
        || name.ends_with(".min.css")
        || name.ends_with(".map")
        || name.ends_with(".sum"))
}

pub fn hash(secret: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(secret.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const PACK: &str = r#"
version: 1
rules:
  - id: demo-token
    name: Demo token
    category: saas
    keywords: ["dmo_"]
    regex: '\b(dmo_[A-Za-z0-9]{20})\b'
    entropy: 3.0
    confidence: exact
    examples: ["k = dmo_Zq8Rk2mVx7LpT4nWc9Yb"]
    negative_examples: ["dmo_xxxxxxxxxxxxxxxxxxxx"]
  - id: generic
    name: Generic secret
    category: generic
    keywords: ["secret"]
    regex: '(?i)secret\s*[:=]\s*"?([A-Za-z0-9_]{16,64})'
    entropy: 3.0
    confidence: heuristic
"#;

    #[test]
    fn name_words_split_at_separators_and_camel_case() {
        let words = |s: &str| -> Vec<String> {
            name_words(s.as_bytes())
                .map(|w| String::from_utf8(w).unwrap())
                .collect()
        };
        assert_eq!(words("OKTA_CLIENT_ID= "), ["okta", "client", "id"]);
        assert_eq!(words("oktaClientId: \""), ["okta", "client", "id"]);
        assert_eq!(words("plaid2Id = '"), ["plaid2", "id"]);
        assert_eq!(words("PLAID = "), ["plaid"]);
    }

    #[test]
    fn name_excludes_drop_a_match_by_whole_word_of_its_name() {
        let engine = Engine::builtin();
        let rule = (0..engine.len())
            .find(|&i| engine.rule(i).id == "generic-provider-named-assignment")
            .unwrap();
        let line = b"x\nPLAID_PROD = \"Zq81mXr2VtL9pKc4WnB7yHd3\"\nPLAID_ID = \"Zq81mXr2VtL9pKc4WnB7yHd4\"\n";
        let found: Vec<_> = engine
            .scan(line, true)
            .into_iter()
            .map(|f| (f.rule, f.secret))
            .collect();
        // `id` inside `plaid` excludes nothing; the word `ID` does.
        assert_eq!(found, [(rule, 16..40)]);
    }

    #[test]
    fn small_then_fast_regex_find_the_same() {
        // Each line is its own window: the first HOT are searched without lazy DFAs, the
        // rest with them, and every token is found at its place either way.
        let engine = Engine::load(PACK).unwrap();
        let rule = 0;
        let lines: Vec<String> = (0..HOT + 8)
            .map(|i| format!("k{i:02} = dmo_Zq8Rk2mVx7LpT4nW{i:04}\n"))
            .collect();
        let text = lines.concat();
        let c = engine.compiled(rule).unwrap();
        assert!(c.at_keyword && c.small.is_some() && c.fast.get().is_none());
        let found = engine.scan(text.as_bytes(), true);
        assert!(c.fast.get().is_some_and(Option::is_some));
        let want: Vec<_> = (0..HOT + 8)
            .map(|i| Finding {
                rule,
                secret: i * 31 + 6..i * 31 + 30,
            })
            .collect();
        assert_eq!(found, want);
    }

    #[test]
    fn keyword_window_regex_confirm() {
        let engine = Engine::load(PACK).unwrap();
        engine.compile_all().unwrap();
        let text = b"line one\nSECRET = \"dmo_Zq8Rk2mVx7LpT4nWc9Yb\"\nother = dmo_xxxxxxxxxxxxxxxxxxxx\nsecret: Hq2Lp9Zx4Rt7Mn3Kv8Wc\n";
        let found = engine.scan(text, true);
        let got: Vec<(&str, &[u8])> = found
            .iter()
            .map(|f| (engine.rule(f.rule).id.as_str(), &text[f.secret.clone()]))
            .collect();
        assert_eq!(
            got,
            [
                ("demo-token", &b"dmo_Zq8Rk2mVx7LpT4nWc9Yb"[..]),
                ("generic", &b"Hq2Lp9Zx4Rt7Mn3Kv8Wc"[..])
            ]
        );
        // Without heuristic rules (e.g. in a lockfile) only the exact one remains.
        assert_eq!(engine.scan(text, false).len(), 1);
    }

    #[test]
    fn big_bounds_open_as_the_regex_replacement_does() {
        let re = regex::Regex::new(r"\{(\d+),\d{4,}\}").unwrap();
        let mut cases: Vec<String> = Engine::builtin_with_examples()
            .rules()
            .map(|r| r.regex.clone())
            .collect();
        let pieces = [
            "{",
            "}",
            ",",
            "1",
            "16",
            "1000",
            "99999",
            "a",
            "{{",
            "é",
            "{16,1000}",
            "{0,12345}",
        ];
        let mut seed = 0x1234_5678_9abc_def1u64;
        for _ in 0..20_000 {
            let mut s = String::new();
            for _ in 0..1 + seed % 8 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                s.push_str(pieces[(seed % pieces.len() as u64) as usize]);
            }
            cases.push(s);
        }
        let mut opened = 0;
        for c in &cases {
            let want = re.replace_all(c, "{$1,}");
            assert_eq!(super::open_big_bounds(c), want, "{c}");
            opened += usize::from(want != *c);
        }
        assert!(opened > 4_000, "{opened}");
    }

    /// The run's engine (rules read on first use, without examples) holds the same rules as
    /// the checked one, in the same order, and the same keyword index.
    #[test]
    fn the_lazy_built_in_pack_is_the_checked_one() {
        let lazy = Engine::from_builtin().unwrap();
        let full = Engine::builtin_with_examples();
        assert_eq!(lazy.len(), full.len());
        assert!(lazy.rules.iter().all(|r| r.read.get().is_none()));
        assert_eq!(lazy.words, full.words);
        for i in 0..full.len() {
            let mut want = serde_json::to_value(full.rule(i)).unwrap();
            want["examples"] = serde_json::json!([]);
            want["negative_examples"] = serde_json::json!([]);
            assert_eq!(serde_json::to_value(lazy.rule(i)).unwrap(), want);
            assert_eq!(lazy.rules[i].confidence, full.rule(i).confidence);
            assert_eq!(lazy.rules[i].window, full.rule(i).window);
            // build.rs's shapes are the ones a pack's loader works out.
            assert_eq!(
                lazy.rules[i].shape,
                full.rules[i].shape,
                "{}",
                full.rule(i).id
            );
        }
    }

    #[test]
    fn public_by_design_examples_are_never_findings() {
        let engine = Engine::builtin_with_examples();
        engine.compile_all().unwrap();
        assert!(!engine.public_prefixes.is_empty());
        for p in &engine.public_prefixes {
            assert!(p.source.starts_with("https://") && !p.examples.is_empty());
            for ex in &p.examples {
                assert!(ex.contains(&p.prefix), "{ex}");
                assert!(engine.scan(ex.as_bytes(), true).is_empty(), "{ex}");
            }
        }
        assert_eq!(
            engine.public_by_design("\"sb_publishable_EgBhAsd9vVJMdtfDsL5_FK7a5g6DOpg\""),
            Some("Supabase")
        );
        // The secret counterpart is still a finding.
        let secret = b"SUPABASE_SECRET_KEY=sb_secret_rlkHjlWIKKJJEFKdC_qx17UsHU0UjUU"; // agentgate:allow: a fake key for this test
        assert!(!engine.scan(secret, true).is_empty());
        let fake = "sb_secret_rlkHjlWIKKJJEFKdC_qx17UsHU0UjUU"; // agentgate:allow: a fake key for this test
        assert_eq!(engine.public_by_design(fake), None);
    }

    #[test]
    fn pack_errors() {
        assert!(Engine::load("version: 2\nrules: []\n").is_err());
        assert!(
            Engine::load(&PACK.replace(
                "entropy: 3.0\n    confidence: exact",
                "entropy: 3.0\n    validator: nope\n    confidence: exact"
            ))
            .is_err()
        );
        assert!(Engine::load(&PACK.replace("  - id: generic", "  - id: demo-token")).is_err());
        assert!(
            Engine::load(&PACK.replace("category: saas", "category: saas\n    colour: red"))
                .is_err()
        );
    }

    /// Searching anchored at the keywords finds what searching each window whole finds: over
    /// every example and near miss of the pack, alone, joined on one line, each behind a
    /// keyword-bearing prefix, and in a text of repeated and overlapping keywords.
    #[test]
    fn anchored_search_finds_what_the_whole_window_finds() {
        let engine = Engine::builtin_with_examples();
        let anchored = (0..engine.len())
            .filter(|&i| engine.compiled(i).is_some_and(|c| c.at_keyword))
            .count();
        // Most rules start with their keyword; a regression to none would pass silently.
        assert!(
            anchored * 2 > engine.len(),
            "{anchored} of {}",
            engine.len()
        );
        let mut texts: Vec<String> = Vec::new();
        let mut all = Vec::new();
        for r in engine.rules() {
            for e in r.examples.iter().chain(&r.negative_examples) {
                texts.push(e.clone());
                texts.push(format!("key token {e} {e}{e}"));
                all.push(e.as_str());
            }
        }
        texts.push(all.join(" "));
        texts.push(all.join("\n"));
        texts.push("keykeykey=tokentoken secret=secretsecretsecret0123 pat pat.patpat".repeat(20));
        for t in &texts {
            for heuristic in [true, false] {
                assert_eq!(
                    engine.scan_with(t.as_bytes(), heuristic, true),
                    engine.scan_with(t.as_bytes(), heuristic, false),
                    "{}",
                    crate::mask::text(t)
                );
            }
        }
    }

    /// The shapes are worked out on the syntax the engine compiles, and no match is shorter
    /// than its rule's shortest (over the pack's examples and near misses, and their
    /// windows): a window the scan skips for its length holds no match.
    #[test]
    fn shapes_hold_for_the_pack() {
        let engine = Engine::builtin_with_examples();
        let mut anchored = 0;
        for (i, r) in engine.rules().enumerate() {
            let pattern = open_big_bounds(&r.regex);
            let hir = crate::pattern::parse(&pattern).unwrap();
            let shape = engine.rules[i].shape;
            assert_eq!(shape.min_len, hir.properties().minimum_len(), "{}", r.id);
            assert_eq!(
                shape.at_keyword,
                shape::starts_with_keyword(&hir, &r.keywords),
                "{}",
                r.id
            );
            anchored += usize::from(shape.at_keyword);
            let min = shape.min_len.unwrap_or(usize::MAX);
            let re = engine.regex(i).unwrap();
            for e in r.examples.iter().chain(&r.negative_examples) {
                for m in re.find_iter(e.as_bytes()) {
                    assert!(m.len() >= min, "{}: {} < {min}", r.id, m.len());
                }
            }
        }
        assert!(anchored * 2 > engine.len(), "{anchored}");
    }

    /// A keyword whose window is shorter than any match of its rules compiles no regex: what
    /// a tiny repository's run meets (`secret` and `pat` in the JSON report's keys).
    #[test]
    fn short_windows_are_not_searched() {
        let engine = Engine::from_builtin().unwrap();
        let report = b"{\n  \"path\": \"AGENTS.md\",\n  \"secret\": null,\n  \"token\": 1\n}\n";
        assert!(engine.scan(report, true).is_empty());
        assert!(engine.regexes.iter().all(|r| r.get().is_none()));
        // With room for a value, the rule is searched and finds it.
        let text = b"{\n  \"secret\": \"Hq2Lp9Zx4Rt7Mn3Kv8Wc\"\n}\n";
        let found: Vec<_> = engine
            .scan(text, true)
            .into_iter()
            .map(|f| f.secret)
            .collect();
        assert_eq!(found, vec![Range { start: 15, end: 35 }]);
        assert!(engine.regexes.iter().any(|r| r.get().is_some()));
    }

    #[test]
    fn keyword_starts_are_recognised() {
        use super::shape::starts_with_keyword;
        let hir = |p: &str| crate::pattern::parse(p).unwrap();
        let kw = |k: &[&str]| k.iter().map(|k| k.to_string()).collect::<Vec<_>>();
        assert!(starts_with_keyword(
            &hir(r"\b(ghp_[A-Za-z0-9]{36})\b"),
            &kw(&["ghp_"])
        ));
        assert!(starts_with_keyword(
            &hir(r"(?i)(?:secret|token)[a-z]{0,3}=(\w+)"),
            &kw(&["secret", "token"])
        ));
        // A prefix shorter than its keyword, text before the keyword, an unbounded prefix.
        assert!(!starts_with_keyword(
            &hir(r"(?:k|key)=(\w+)"),
            &kw(&["key"])
        ));
        assert!(!starts_with_keyword(&hir(r"x?ghp_(\w+)"), &kw(&["ghp_"])));
        assert!(!starts_with_keyword(
            &hir(r"[a-z]*ghp_(\w+)"),
            &kw(&["ghp_"])
        ));
        assert!(!starts_with_keyword(
            &hir(r"(?:^|\W)ghp_(\w+)"),
            &kw(&["ghp_"])
        ));
    }
}
