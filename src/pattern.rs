//! Regexes built for a short run: ASCII classes and no literal prefilter. A commit hook pays
//! each regex's compilation, and the prefilter (extracting an alternation's literals and
//! building a Teddy searcher) was most of it: a sixth of a small repository's `check` for one
//! regex of the context rules. Callers run these on short windows or lines, where a
//! prefilter buys nothing.

pub use regex_automata::meta::Regex;
pub use regex_automata::util::captures::Captures;
pub use regex_syntax::hir::Hir;

/// Compiles `pattern` (byte-oriented: `\w`, `\s`, `\b` are ASCII; matches may split UTF-8).
pub fn build(pattern: &str) -> Result<Regex, String> {
    build_hir(&parse(pattern)?)
}

/// Parses `pattern` as [`build`] does, for a caller that also inspects its syntax.
pub fn parse(pattern: &str) -> Result<Hir, String> {
    let syntax = regex_automata::util::syntax::Config::new()
        .unicode(false)
        .utf8(false);
    regex_automata::util::syntax::parse_with(pattern, &syntax).map_err(|e| e.to_string())
}

/// Compiles a pattern [`parse`] read.
pub fn build_hir(hir: &Hir) -> Result<Regex, String> {
    build_with(hir, Regex::config())
}

/// [`build_hir`] without lazy DFAs: a bounded backtracker and a PikeVM over the forward NFA
/// (no reverse NFA, no DFA states), for a regex searched a few bytes at a time, a few times.
pub fn build_hir_small(hir: &Hir) -> Result<Regex, String> {
    build_with(hir, Regex::config().hybrid(false).dfa(false))
}

fn build_with(hir: &Hir, config: regex_automata::meta::Config) -> Result<Regex, String> {
    let limit = 1 << 24;
    Regex::builder()
        .configure(
            config
                .auto_prefilter(false)
                // Captures come from the backtracker or the PikeVM on the span the lazy DFA
                // found: a one-pass DFA cost more to build than it saved on a run's searches.
                .onepass(false)
                .utf8_empty(false)
                .nfa_size_limit(Some(limit))
                .onepass_size_limit(Some(limit))
                .dfa_size_limit(Some(limit))
                .hybrid_cache_capacity(limit),
        )
        .build_from_hir(hir)
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    #[test]
    fn ascii_and_bytes() {
        let re = super::build(r"(\w+)=(\S+)").unwrap();
        let caps = re.captures_iter(&b"k\xe9y=v1"[..]).next().unwrap();
        // `\w` is ASCII: the non-ASCII byte splits the word, and the search goes on past it.
        assert_eq!(caps.get_group(1).map(|s| s.range()), Some(2..3));
        assert_eq!(caps.get_group(2).map(|s| s.range()), Some(4..6));
        assert!(super::build("(").is_err());
    }
}
