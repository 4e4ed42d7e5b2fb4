//! The aggregate: token, cost and activity sums keyed by (team, repository, user, model,
//! week, query source, source). Rows of a session are first kept per session, so that a
//! session two sources describe (OpenTelemetry events and metrics, or metrics and its
//! transcript) is counted once — from the most detailed source: events, then metrics, then
//! transcripts ([`super::Source`] order). Sessions are folded into the groups at the end.

use super::attribution::Via;
use super::{FastMap, Query, Row, Source, Sym};

/// Sums over rows. `ck_*` only over rows that report cache reads (the cache hit ratio's
/// population); `ex_*` over rows that count their own sessions.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sums {
    pub rows: u64,
    pub input: u64,
    pub output: u64,
    pub cache_read: u64,
    pub cache_creation: u64,
    pub ck_input: u64,
    pub ck_read: u64,
    pub ck_creation: u64,
    pub cost_micros: i64,
    pub cost_rows: u64,
    pub commits: u64,
    pub pull_requests: u64,
    pub ex_sessions: u64,
    pub ex_tokens: u64,
    pub ex_cost_micros: i64,
    pub ex_cost_rows: u64,
    /// Sessions of `ex_sessions` counted on rows that report a cost.
    pub ex_costed_sessions: u64,
}

impl Sums {
    pub fn tokens(&self) -> u64 {
        self.input + self.output + self.cache_read + self.cache_creation
    }

    pub fn add_row(&mut self, r: &Row) {
        self.rows += 1;
        let (input, output) = (r.input.unwrap_or(0), r.output.unwrap_or(0));
        let (read, creation) = (r.cache_read.unwrap_or(0), r.cache_creation.unwrap_or(0));
        self.input += input;
        self.output += output;
        self.cache_read += read;
        self.cache_creation += creation;
        if r.cache_read.is_some() {
            self.ck_input += input;
            self.ck_read += read;
            self.ck_creation += creation;
        }
        if let Some(c) = r.cost_micros {
            self.cost_micros += c;
            self.cost_rows += 1;
        }
        self.commits += r.commits.unwrap_or(0);
        self.pull_requests += r.pull_requests.unwrap_or(0);
        if r.session_scope {
            self.ex_sessions += r.sessions.unwrap_or(0);
            self.ex_tokens += input + output + read + creation;
            if let Some(c) = r.cost_micros {
                self.ex_cost_micros += c;
                self.ex_cost_rows += 1;
                self.ex_costed_sessions += r.sessions.unwrap_or(0);
            }
        }
    }

    pub fn add(&mut self, o: &Sums) {
        self.rows += o.rows;
        self.input += o.input;
        self.output += o.output;
        self.cache_read += o.cache_read;
        self.cache_creation += o.cache_creation;
        self.ck_input += o.ck_input;
        self.ck_read += o.ck_read;
        self.ck_creation += o.ck_creation;
        self.cost_micros += o.cost_micros;
        self.cost_rows += o.cost_rows;
        self.commits += o.commits;
        self.pull_requests += o.pull_requests;
        self.ex_sessions += o.ex_sessions;
        self.ex_tokens += o.ex_tokens;
        self.ex_cost_micros += o.ex_cost_micros;
        self.ex_cost_rows += o.ex_cost_rows;
        self.ex_costed_sessions += o.ex_costed_sessions;
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    pub team: Option<Sym>,
    pub repo: Option<Sym>,
    pub user: Option<Sym>,
    pub model: Option<Sym>,
    /// Monday of the ISO week, days since 1970.
    pub week: i32,
    pub query: Query,
    pub source: Source,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct SessionKey {
    session: Sym,
    source: Source,
    model: Option<Sym>,
    query: Query,
    week: i32,
}

/// Where a session belongs: its first row's attribution (later rows only fill gaps).
#[derive(Debug, Clone, Copy, Default)]
struct SessionMeta {
    team: Option<Sym>,
    repo: Option<Sym>,
    user: Option<Sym>,
    first: i64,
    /// Bit per [`Source`] that described it.
    sources: u16,
}

impl SessionMeta {
    fn absorb(&mut self, o: &SessionMeta) {
        if o.first < self.first {
            let sources = self.sources;
            let keep = *self;
            *self = *o;
            self.sources |= sources;
            self.team = self.team.or(keep.team);
            self.repo = self.repo.or(keep.repo);
            self.user = self.user.or(keep.user);
        } else {
            self.sources |= o.sources;
            self.team = self.team.or(o.team);
            self.repo = self.repo.or(o.repo);
            self.user = self.user.or(o.user);
        }
    }
}

/// One session after de-duplication: where it belongs and what it used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionFact {
    pub team: Option<Sym>,
    pub repo: Option<Sym>,
    pub user: Option<Sym>,
    /// Week of its first row.
    pub week: i32,
    pub source: Source,
    pub tokens: u64,
    pub cost_micros: i64,
    pub cost_rows: u64,
}

#[derive(Debug, Default)]
pub struct Agg {
    pub groups: FastMap<Key, Sums>,
    sessions: FastMap<SessionKey, Sums>,
    meta: FastMap<Sym, SessionMeta>,
    /// Rows by how their repository was found.
    pub via: [u64; 5],
    /// Filled by [`Agg::finish`].
    pub session_facts: Vec<SessionFact>,
    /// Rows of sessions a more detailed source also described (not counted twice).
    pub superseded_rows: u64,
}

fn via_index(v: Via) -> usize {
    Via::ALL.iter().position(|x| *x == v).unwrap_or(4)
}

fn source_bit(s: Source) -> u16 {
    1 << (s as u16)
}

impl Agg {
    pub fn add(&mut self, r: &Row, team: Option<Sym>, repo: Option<Sym>, via: Via) {
        self.via[via_index(via)] += 1;
        let week = super::time::week_of(r.time);
        match r.session {
            Some(session) => {
                let m = SessionMeta {
                    team,
                    repo,
                    user: r.user,
                    first: r.time,
                    sources: source_bit(r.source),
                };
                self.meta
                    .entry(session)
                    .and_modify(|e| e.absorb(&m))
                    .or_insert(m);
                self.sessions
                    .entry(SessionKey {
                        session,
                        source: r.source,
                        model: r.model,
                        query: r.query,
                        week,
                    })
                    .or_default()
                    .add_row(r);
            }
            None => self
                .groups
                .entry(Key {
                    team,
                    repo,
                    user: r.user,
                    model: r.model,
                    week,
                    query: r.query,
                    source: r.source,
                })
                .or_default()
                .add_row(r),
        }
    }

    /// Adds another file's aggregate; `map` turns its symbols into this one's.
    pub fn merge(&mut self, o: Agg, map: &[Sym]) {
        let m = |s: Option<Sym>| s.map(|i| map[i as usize]);
        for (k, v) in o.groups {
            let k = Key {
                team: m(k.team),
                repo: m(k.repo),
                user: m(k.user),
                model: m(k.model),
                ..k
            };
            self.groups.entry(k).or_default().add(&v);
        }
        for (k, v) in o.sessions {
            let k = SessionKey {
                session: map[k.session as usize],
                model: m(k.model),
                ..k
            };
            self.sessions.entry(k).or_default().add(&v);
        }
        for (s, v) in o.meta {
            let v = SessionMeta {
                team: m(v.team),
                repo: m(v.repo),
                user: m(v.user),
                ..v
            };
            self.meta
                .entry(map[s as usize])
                .and_modify(|e| e.absorb(&v))
                .or_insert(v);
        }
        for i in 0..5 {
            self.via[i] += o.via[i];
        }
        self.superseded_rows += o.superseded_rows;
        self.session_facts.extend(o.session_facts);
    }

    /// Folds the sessions into the groups, each from its most detailed source.
    pub fn finish(&mut self) {
        let mut facts: FastMap<Sym, SessionFact> = FastMap::default();
        for (k, v) in std::mem::take(&mut self.sessions) {
            let Some(meta) = self.meta.get(&k.session) else {
                continue;
            };
            let best = Source::ALL
                .into_iter()
                .find(|s| meta.sources & source_bit(*s) != 0)
                .unwrap_or(k.source);
            if k.source != best {
                self.superseded_rows += v.rows;
                continue;
            }
            let key = Key {
                team: meta.team,
                repo: meta.repo,
                user: meta.user,
                model: k.model,
                week: k.week,
                query: k.query,
                source: k.source,
            };
            self.groups.entry(key).or_default().add(&v);
            let f = facts.entry(k.session).or_insert(SessionFact {
                team: meta.team,
                repo: meta.repo,
                user: meta.user,
                week: super::time::week_of(meta.first),
                source: best,
                tokens: 0,
                cost_micros: 0,
                cost_rows: 0,
            });
            f.tokens += v.tokens();
            f.cost_micros += v.cost_micros;
            f.cost_rows += v.cost_rows;
        }
        self.meta.clear();
        self.session_facts.extend(facts.into_values());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(source: Source, session: Option<Sym>, input: u64, time: i64) -> Row {
        Row {
            source,
            session,
            time,
            input: Some(input),
            output: Some(0),
            cache_read: Some(0),
            cache_creation: Some(0),
            ..Row::default()
        }
    }

    #[test]
    fn a_session_from_two_sources_counts_once() {
        let mut a = Agg::default();
        // Session 7: events (100 + 50 tokens) and metrics (150) describe the same requests.
        a.add(
            &row(Source::OtelMetric, Some(7), 150, 1000),
            None,
            Some(1),
            Via::Attribute,
        );
        a.add(
            &row(Source::OtelLog, Some(7), 100, 1001),
            None,
            Some(1),
            Via::Attribute,
        );
        a.add(
            &row(Source::OtelLog, Some(7), 50, 1002),
            None,
            None,
            Via::None,
        );
        // Session 8 only has a transcript.
        a.add(
            &row(Source::Transcript, Some(8), 30, 2000),
            None,
            None,
            Via::None,
        );
        a.finish();
        let total: u64 = a.groups.values().map(|s| s.input).sum();
        assert_eq!(total, 180);
        assert_eq!(a.superseded_rows, 1);
        let mut facts: Vec<(Source, u64, Option<Sym>)> = a
            .session_facts
            .iter()
            .map(|f| (f.source, f.tokens, f.repo))
            .collect();
        facts.sort();
        // The session keeps its first row's repository (1) for all its rows.
        assert_eq!(
            facts,
            [
                (Source::OtelLog, 150, Some(1)),
                (Source::Transcript, 30, None)
            ]
        );
        assert_eq!(a.via, [2, 0, 0, 0, 2]);
    }

    #[test]
    fn cache_population_excludes_rows_without_cache_fields() {
        let mut s = Sums::default();
        s.add_row(&Row {
            input: Some(100),
            cache_read: Some(300),
            cache_creation: Some(100),
            ..Row::default()
        });
        // A Copilot-like row: no cache fields at all.
        s.add_row(&Row {
            input: Some(1000),
            ..Row::default()
        });
        assert_eq!(
            (s.input, s.ck_input, s.ck_read, s.ck_creation),
            (1100, 100, 300, 100)
        );
    }
}
