//! The keyword pass for small inputs: an index of the keywords by their first three bytes,
//! searched leftmost-longest like the Aho-Corasick automaton it stands in for. It builds in
//! microseconds where the automaton takes about a millisecond, which is most of what a commit
//! hook checking a few files would pay; the engine builds the automaton only once a run has
//! scanned enough bytes for its faster search to pay for it.

/// Keywords (lower case, at least three bytes) indexed by their first three bytes.
pub struct KeywordIndex {
    /// One bit per (first, second) byte pair that starts a keyword: most positions of a text
    /// are rejected by this before any hashing.
    pairs: Vec<u64>,
    /// First three bytes → keyword indices, longest keyword first.
    by_prefix: foldhash::HashMap<[u8; 3], Vec<u32>>,
}

impl KeywordIndex {
    pub fn new(words: &[String]) -> Self {
        let mut pairs = vec![0u64; 1 << 10];
        let mut by_prefix: foldhash::HashMap<[u8; 3], Vec<u32>> = Default::default();
        for (i, w) in words.iter().enumerate() {
            let Some(&[a, b, c]) = w.as_bytes().first_chunk::<3>().map(|p| p as &[u8; 3]) else {
                continue;
            };
            let pair = (a as usize) << 8 | b as usize;
            pairs[pair >> 6] |= 1 << (pair & 63);
            by_prefix.entry([a, b, c]).or_default().push(i as u32);
        }
        for list in by_prefix.values_mut() {
            list.sort_by_key(|&i| std::cmp::Reverse(words[i as usize].len()));
        }
        KeywordIndex { pairs, by_prefix }
    }

    /// The keywords starting at `at` in `hay`, longest first.
    fn at<'a>(
        &'a self,
        words: &'a [String],
        hay: &'a [u8],
        at: usize,
    ) -> impl Iterator<Item = usize> + 'a {
        let rest = &hay[at..];
        let list = match rest.first_chunk::<3>() {
            Some(&[a, b, c]) => {
                let pair = (a as usize) << 8 | b as usize;
                if self.pairs[pair >> 6] & (1 << (pair & 63)) == 0 {
                    None
                } else {
                    self.by_prefix.get(&[a, b, c])
                }
            }
            None => None,
        };
        list.into_iter()
            .flatten()
            .map(|&i| i as usize)
            .filter(move |&i| rest.starts_with(words[i].as_bytes()))
    }

    /// Calls `f(keyword, start, end)` for each match of `words` in `hay` (already lower case),
    /// leftmost-longest and non-overlapping: the matches `MatchKind::LeftmostLongest` gives.
    pub fn find_iter(&self, words: &[String], hay: &[u8], mut f: impl FnMut(usize, usize, usize)) {
        let mut i = 0;
        while i + 3 <= hay.len() {
            match self.at(words, hay, i).next() {
                Some(w) => {
                    let end = i + words[w].len();
                    f(w, i, end);
                    i = end;
                }
                None => i += 1,
            }
        }
    }

    /// Every other keyword that occurs inside `words[w]`.
    pub fn inside(&self, words: &[String], w: usize) -> Vec<usize> {
        let bytes = words[w].as_bytes();
        (0..bytes.len())
            .flat_map(|at| self.at(words, bytes, at).collect::<Vec<_>>())
            .filter(|&j| j != w)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aho_corasick::{AhoCorasickBuilder, AhoCorasickKind, MatchKind};

    fn automaton_matches(words: &[String], hay: &[u8]) -> Vec<(usize, usize, usize)> {
        AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(AhoCorasickKind::ContiguousNFA))
            .build(words)
            .unwrap()
            .find_iter(hay)
            .map(|m| (m.pattern().as_usize(), m.start(), m.end()))
            .collect()
    }

    fn index_matches(words: &[String], hay: &[u8]) -> Vec<(usize, usize, usize)> {
        let mut out = Vec::new();
        KeywordIndex::new(words).find_iter(words, hay, |w, s, e| out.push((w, s, e)));
        out
    }

    #[test]
    fn same_matches_as_the_automaton() {
        let words: Vec<String> = [
            "key", "api_key", "apikey", "token", "tok", "sk-ant-", "ant-api", "xoxb-", "xox",
        ]
        .map(String::from)
        .into();
        for hay in [
            "my api_key=1 apikey tokens tok to",
            "sk-ant-api03-abc xoxb-1 xoxp",
            "",
            "ke",
            "keykeykey api_ke",
        ] {
            let hay = hay.as_bytes();
            assert_eq!(
                index_matches(&words, hay),
                automaton_matches(&words, hay),
                "{hay:?}"
            );
        }
    }

    #[test]
    fn same_matches_as_the_automaton_over_the_built_in_pack() {
        let engine = crate::secrets::Engine::builtin_with_examples();
        let words = engine.keyword_list();
        let mut n = 0;
        for r in engine.rules() {
            for e in r.examples.iter().chain(&r.negative_examples) {
                let hay = e.to_ascii_lowercase();
                let got = index_matches(words, hay.as_bytes());
                n += got.len();
                assert_eq!(got, automaton_matches(words, hay.as_bytes()), "{}", r.id);
            }
        }
        assert!(n > 500, "the examples hold keywords ({n})");
    }

    #[test]
    fn inside_finds_contained_keywords() {
        let words: Vec<String> = ["api_key", "key", "pi_", "token"].map(String::from).into();
        let index = KeywordIndex::new(&words);
        let mut got = index.inside(&words, 0);
        got.sort();
        assert_eq!(got, [1, 2]);
        assert!(index.inside(&words, 3).is_empty());
    }
}
