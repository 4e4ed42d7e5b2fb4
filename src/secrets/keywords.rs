//! The keyword pass: every occurrence of every keyword, ASCII case-insensitively, in one pass.
//!
//! Each keyword is anchored on its least common three bytes ([`super::anchor`]). The pass tests each position's three bytes,
//! case folded, against a bitset of the anchors' hashes and looks closer only where a bit is
//! set: about 2 % of the positions of real code. The test at one position does not wait on the
//! last, so it runs several times faster than an Aho-Corasick DFA over the ~900 keywords
//! (whose every step waits on the state the previous byte led to), and the index builds in
//! microseconds, which a commit hook checking a few files pays.

use super::anchor::{HASH_BITS, fold, hash};

/// Keywords (lower case, at least three bytes) by the hash of their anchor.
pub struct KeywordIndex {
    bits: Box<[u64]>,
    /// (anchor hash, keyword, offset of the anchor in the keyword), sorted.
    anchors: Vec<(u32, u32, u32)>,
}

impl KeywordIndex {
    /// `anchor(i)`: the offset of keyword `i`'s anchor ([`super::anchor::anchor`]).
    pub fn new(words: &[impl AsRef<str>], anchor: impl Fn(usize) -> usize) -> Self {
        let words = words.iter().map(|w| w.as_ref().as_bytes());
        Self::sorted(super::anchor::sorted_anchors(words, anchor))
    }

    /// An index of [`super::anchor::sorted_anchors`]' anchors (build.rs computes the built-in
    /// pack's).
    pub fn sorted(anchors: Vec<(u32, u32, u32)>) -> Self {
        let mut bits = vec![0u64; 1 << (HASH_BITS - 6)].into_boxed_slice();
        for &(h, _, _) in &anchors {
            bits[(h >> 6) as usize % bits.len()] |= 1 << (h & 63);
        }
        KeywordIndex { bits, anchors }
    }

    /// An index anchored by [`super::anchor::anchor`] now (an organisation's pack; the tests).
    pub fn anchored(words: &[impl AsRef<str>]) -> Self {
        let ranks = super::anchor::ranks();
        Self::new(words, |i| {
            super::anchor::anchor(words[i].as_ref().as_bytes(), &ranks)
        })
    }

    /// Calls `f(keyword, start, end)` for every occurrence of every keyword in `hay` (ASCII
    /// case-insensitively, overlapping ones too), in the order of their anchors.
    pub fn find_iter(
        &self,
        words: &[impl AsRef<str>],
        hay: &[u8],
        mut f: impl FnMut(usize, usize, usize),
    ) {
        for (i, piece) in hay.windows(3).enumerate() {
            let h = hash(fold([piece[0], piece[1], piece[2]]));
            if self.bits[(h >> 6) as usize] >> (h & 63) & 1 == 0 {
                continue;
            }
            let from = self.anchors.partition_point(|a| a.0 < h);
            for &(_, w, at) in self.anchors[from..].iter().take_while(|a| a.0 == h) {
                let word = words[w as usize].as_ref().as_bytes();
                let Some(start) = i.checked_sub(at as usize) else {
                    continue;
                };
                let end = start + word.len();
                if hay
                    .get(start..end)
                    .is_some_and(|s| s.eq_ignore_ascii_case(word))
                {
                    f(w as usize, start, end);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::anchor::{ranks, unescape};
    use super::*;
    use aho_corasick::{AhoCorasickBuilder, AhoCorasickKind, MatchKind};

    fn automaton_matches(words: &[String], hay: &[u8]) -> Vec<(usize, usize, usize)> {
        let mut got: Vec<_> = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::ContiguousNFA))
            .build(words)
            .unwrap()
            .find_overlapping_iter(hay)
            .map(|m| (m.pattern().as_usize(), m.start(), m.end()))
            .collect();
        got.sort_unstable();
        got
    }

    fn index_matches(words: &[String], hay: &[u8]) -> Vec<(usize, usize, usize)> {
        let mut out = Vec::new();
        KeywordIndex::anchored(words).find_iter(words, hay, |w, s, e| out.push((w, s, e)));
        out.sort_unstable();
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
            "my API_KEY=1 apikey tokens tok to",
            "sk-ant-api03-abc XOXB-1 xoxp",
            "",
            "ke",
            "key",
            "keykeykey api_ke",
            "\u{e9}key\u{e9}",
        ] {
            let hay = hay.as_bytes();
            let got = index_matches(&words, hay);
            assert_eq!(got, automaton_matches(&words, hay), "{hay:?}");
        }
        // Exact positions: both occurrences of `key` inside `keykey`, and the one in `api_key`.
        assert_eq!(
            index_matches(&words, b"keykey api_key"),
            [(0, 0, 3), (0, 3, 6), (0, 11, 14), (1, 7, 14)]
        );
    }

    #[test]
    fn fold_collisions_are_looked_at_but_not_reported() {
        // `_` and DEL fold alike; `@` and `` ` `` too. The closer look rejects them.
        let words: Vec<String> = ["a_b", "x@y"].map(String::from).into();
        assert!(index_matches(&words, b"a\x7fb x`y").is_empty());
        assert_eq!(index_matches(&words, b"A_B x@Y").len(), 2);
    }

    #[test]
    fn same_matches_as_the_automaton_over_the_built_in_pack() {
        let engine = crate::secrets::Engine::builtin_with_examples();
        let words = engine.keyword_list();
        let index = KeywordIndex::anchored(words);
        let automaton = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .build(words.iter().map(|w| w.as_bytes()))
            .unwrap();
        let mut n = 0;
        for r in engine.rules() {
            for e in r.examples.iter().chain(&r.negative_examples) {
                let mut got = Vec::new();
                index.find_iter(words, e.as_bytes(), |w, s, e| got.push((w, s, e)));
                got.sort_unstable();
                let mut want: Vec<_> = automaton
                    .find_overlapping_iter(e.as_bytes())
                    .map(|m| (m.pattern().as_usize(), m.start(), m.end()))
                    .collect();
                want.sort_unstable();
                n += got.len();
                assert_eq!(got, want, "{}", r.id);
            }
        }
        assert!(n > 500, "the examples hold keywords ({n})");
    }

    #[test]
    fn the_built_in_pack_is_anchored_as_at_run_time() {
        // build.rs anchors the built-in keywords with the same function.
        let engine = crate::secrets::Engine::builtin();
        let now = KeywordIndex::anchored(engine.keyword_list());
        assert_eq!(engine.keywords.anchors, now.anchors);
        assert_eq!(engine.keywords.bits, now.bits);
    }

    #[test]
    fn the_common_list_reads_whole() {
        let ranks = ranks();
        assert_eq!(
            ranks.len(),
            4000,
            "every line of common-trigrams.txt is a 3-byte piece"
        );
        assert_eq!(unescape("\\x20th"), Some(*b" th"));
        assert_eq!(unescape("ab"), None);
        // Anchors avoid common pieces: `token` is anchored on its rarest piece, not `tok`.
        let index = KeywordIndex::anchored(&["token".to_string()]);
        let at = index.anchors[0].2 as usize;
        let piece = fold(*b"token"[at..at + 3].first_chunk().unwrap());
        assert!(
            ranks
                .get(&piece)
                .is_none_or(|&r| r >= ranks[&fold(*b"tok")])
        );
    }
}
