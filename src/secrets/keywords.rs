//! The keyword pass: every occurrence of every keyword, ASCII case-insensitively, in one pass.
//!
//! Each keyword is anchored on its least common three bytes ([`super::anchor`]). The pass
//! tests each position's three bytes, case folded, against a bitset of the anchors' hashes and
//! looks closer only where a bit is set: about 2 % of the positions of real code. The test at
//! one position does not wait on the last, so it runs several times faster than an
//! Aho-Corasick DFA over the ~1,900 keywords (whose every step waits on the state the previous
//! byte led to); with AVX2 it tests eight positions at a time (hashes in vector lanes, bits
//! gathered), a quarter less time for a whole scan of real code. The index is built by build.rs
//! for the built-in pack and in microseconds for an organisation's.

use super::anchor::{HASH_BITS, hash};

/// Keywords (lower case, at least three bytes) by the hash of their anchor.
pub struct KeywordIndex {
    bits: Box<[u64]>,
    /// The set bits before each word of `bits`: a set bit's rank is its hash's index in
    /// `groups`, found without a search.
    ranks: Box<[u32]>,
    /// Where each distinct hash's anchors start in `anchors`, and where the last ends.
    groups: Box<[u32]>,
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
        let mut groups = Vec::new();
        for (i, &(h, _, _)) in anchors.iter().enumerate() {
            let h = h & ((1 << HASH_BITS) - 1);
            if i == 0 || anchors[i - 1].0 != h {
                groups.push(i as u32);
            }
            bits[(h >> 6) as usize] |= 1 << (h & 63);
        }
        groups.push(anchors.len() as u32);
        let ranks = bits
            .iter()
            .scan(0, |before, w| {
                let r = *before;
                *before += w.count_ones();
                Some(r)
            })
            .collect();
        KeywordIndex {
            bits,
            ranks,
            groups: groups.into(),
            anchors,
        }
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
        f: impl FnMut(usize, usize, usize),
    ) {
        #[cfg(target_arch = "x86_64")]
        let simd = std::arch::is_x86_feature_detected!("avx2");
        #[cfg(not(target_arch = "x86_64"))]
        let simd = false;
        self.find(words, hay, simd, f)
    }

    /// [`KeywordIndex::find_iter`], with the eight-position pass where `simd` (the CPU has
    /// AVX2) or one position at a time.
    fn find(
        &self,
        words: &[impl AsRef<str>],
        hay: &[u8],
        simd: bool,
        mut f: impl FnMut(usize, usize, usize),
    ) {
        let mut from = 0;
        #[cfg(not(target_arch = "x86_64"))]
        let _ = simd;
        #[cfg(target_arch = "x86_64")]
        if simd {
            // SAFETY: the CPU has AVX2.
            from = unsafe { self.filter_avx2(hay, |i, h| self.look(words, hay, i, h, &mut f)) };
        }
        // One 4-byte load per position (its first three bytes), the last three bytes apart.
        let last = hay.len().checked_sub(3).filter(|&i| i >= from);
        let last = last.map(|i| (i, u32::from_le_bytes([hay[i], hay[i + 1], hay[i + 2], 0])));
        let rest = hay.get(from..).unwrap_or_default().windows(4);
        let pieces = rest.map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]]));
        let pieces = (from..).zip(pieces).chain(last);
        for (i, piece) in pieces {
            let h = hash(fold_piece(piece));
            if self.bits[(h >> 6) as usize] >> (h & 63) & 1 != 0 {
                self.look(words, hay, i, h, &mut f);
            }
        }
    }

    /// The bitset test of [`KeywordIndex::find_iter`], eight positions at a time: their pieces
    /// shuffled into eight lanes, folded, hashed and their bits gathered, `hit(position, hash)`
    /// called where one is set. Returns the position it stopped at (the rest is left to the
    /// scalar loop): the last eight positions whose 16-byte load fits in `hay`.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn filter_avx2(&self, hay: &[u8], mut hit: impl FnMut(usize, u32)) -> usize {
        use std::arch::x86_64::*;
        // The gather reads 32-bit words of the bitset: hash `h` is bit `h & 31` of word
        // `h >> 5` (little-endian), and every hash is below 2^HASH_BITS, inside the bitset.
        const { assert!(HASH_BITS <= 32) };
        assert_eq!(self.bits.len(), 1 << (HASH_BITS - 6));
        let base = self.bits.as_ptr().cast::<i32>();
        // Lane k takes bytes k, k+1, k+2 of the load and a zero (-128 selects zero).
        let pieces = _mm256_setr_epi8(
            0, 1, 2, -128, 1, 2, 3, -128, 2, 3, 4, -128, 3, 4, 5, -128, 4, 5, 6, -128, 5, 6, 7,
            -128, 6, 7, 8, -128, 7, 8, 9, -128,
        );
        let fold = _mm256_set1_epi32(0x0020_2020);
        let mul = _mm256_set1_epi32(0x9E37_79B1_u32 as i32);
        let low5 = _mm256_set1_epi32(31);
        let mut i = 0;
        while i + 16 <= hay.len() {
            // SAFETY: bytes i..i + 16 are in `hay`.
            let x = unsafe { _mm_loadu_si128(hay.as_ptr().add(i).cast()) };
            let v = _mm256_shuffle_epi8(_mm256_broadcastsi128_si256(x), pieces);
            let h = _mm256_mullo_epi32(_mm256_or_si256(v, fold), mul);
            let h = _mm256_srli_epi32::<{ 32 - HASH_BITS as i32 }>(h);
            // SAFETY: `h >> 5` is below 2^(HASH_BITS - 5), the bitset's length in 32-bit words.
            let words = unsafe { _mm256_i32gather_epi32::<4>(base, _mm256_srli_epi32::<5>(h)) };
            let bits = _mm256_srlv_epi32(words, _mm256_and_si256(h, low5));
            let set = _mm256_castsi256_ps(_mm256_slli_epi32::<31>(bits));
            let mut mask = _mm256_movemask_ps(set) as u32;
            if mask != 0 {
                let mut hashes = [0u32; 8];
                // SAFETY: `hashes` is 32 bytes.
                unsafe { _mm256_storeu_si256(hashes.as_mut_ptr().cast(), h) };
                while mask != 0 {
                    let k = mask.trailing_zeros() as usize;
                    hit(i + k, hashes[k]);
                    mask &= mask - 1;
                }
            }
            i += 8;
        }
        i
    }

    /// The keywords anchored at `i` on a hash whose bit is set.
    #[inline(never)]
    fn look(
        &self,
        words: &[impl AsRef<str>],
        hay: &[u8],
        i: usize,
        h: u32,
        f: &mut impl FnMut(usize, usize, usize),
    ) {
        let word = self.bits[(h >> 6) as usize];
        let rank = self.ranks[(h >> 6) as usize] + (word & ((1 << (h & 63)) - 1)).count_ones();
        let group = self.groups[rank as usize] as usize..self.groups[rank as usize + 1] as usize;
        for &(_, w, at) in &self.anchors[group] {
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

/// [`super::anchor::fold`] of the first three bytes of a little-endian 4-byte load.
fn fold_piece(piece: u32) -> u32 {
    piece & 0x00ff_ffff | 0x0020_2020
}

#[cfg(test)]
mod tests {
    use super::super::anchor::{fold, ranks, unescape};
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

    /// The matches of the index, the same one position at a time as eight at a time.
    fn index_matches(words: &[String], hay: &[u8]) -> Vec<(usize, usize, usize)> {
        let index = KeywordIndex::anchored(words);
        let mut out = Vec::new();
        index.find_iter(words, hay, |w, s, e| out.push((w, s, e)));
        let mut scalar = Vec::new();
        index.find(words, hay, false, |w, s, e| scalar.push((w, s, e)));
        assert_eq!(out, scalar);
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
    fn every_alignment_of_long_text_as_the_automaton() {
        // Long enough for the eight-position pass, with keywords at every offset of its loads,
        // overlapping its ends and the scalar tail.
        let words: Vec<String> = ["key", "api_key", "token", "xoxb-", "sk-ant-"]
            .map(String::from)
            .into();
        let text = "..API_KEY=x token xoxb-1 keykey sk-ant-api03 tok.en aPi_kEy;";
        for pad in 0..40 {
            let hay = format!("{}{text}{}{text}", "#".repeat(pad), "~".repeat(pad % 7));
            let got = index_matches(&words, hay.as_bytes());
            assert_eq!(got, automaton_matches(&words, hay.as_bytes()), "{pad}");
            assert_eq!(got.len(), 18, "{pad}");
        }
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
        // And all of them as one text, mostly read eight positions at a time.
        let all: Vec<&str> = engine
            .rules()
            .flat_map(|r| r.examples.iter().chain(&r.negative_examples))
            .map(String::as_str)
            .collect();
        let hay = all.join("\n");
        let mut got = Vec::new();
        index.find_iter(words, hay.as_bytes(), |w, s, e| got.push((w, s, e)));
        let mut scalar = Vec::new();
        index.find(words, hay.as_bytes(), false, |w, s, e| {
            scalar.push((w, s, e))
        });
        assert_eq!(got, scalar);
        got.sort_unstable();
        let mut want: Vec<_> = automaton
            .find_overlapping_iter(hay.as_bytes())
            .map(|m| (m.pattern().as_usize(), m.start(), m.end()))
            .collect();
        want.sort_unstable();
        assert_eq!(got, want);
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
