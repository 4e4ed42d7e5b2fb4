//! Claude Code OpenTelemetry, as an OpenTelemetry Collector's file exporter writes it: JSON
//! lines, each an OTLP `MetricsData` or `LogsData` in the OTLP JSON encoding (64-bit integers
//! as decimal strings, attributes as `{key, value: {stringValue|intValue|doubleValue}}`).
//!
//! Metrics read: `claude_code.token.usage` (`type` = input, output, cacheRead,
//! cacheCreation), `claude_code.cost.usage` (USD), `claude_code.session.count`,
//! `claude_code.commit.count`, `claude_code.pull_request.count`; delta temporality (Claude
//! Code's default) is summed, cumulative is differenced per series. Events read:
//! `claude_code.api_request` (`input_tokens`, `output_tokens`, `cache_read_tokens`,
//! `cache_creation_tokens`, `cost_usd` / `cost_usd_micros`, `model`, `query_source`).
//! Resource attributes are the defaults for every datapoint and record, which override them.

use super::attribution::Hints;
use super::{FileCtx, Query, Row, Source};
use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};
use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};

/// A number that OTLP JSON writes as a JSON number or a decimal string.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum N {
    U(u64),
    F(f64),
}

impl N {
    pub fn as_f64(self) -> f64 {
        match self {
            N::U(u) => u as f64,
            N::F(f) => f,
        }
    }

    /// Non-negative whole value (counts); fractions are rounded, negatives are `None`.
    pub fn as_u64(self) -> Option<u64> {
        match self {
            N::U(u) => Some(u),
            N::F(f) if f.is_finite() && f >= 0.0 => Some(f.round() as u64),
            N::F(_) => None,
        }
    }
}

impl<'de> Deserialize<'de> for N {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<N, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = N;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a number or a decimal string")
            }
            fn visit_u64<E>(self, v: u64) -> Result<N, E> {
                Ok(N::U(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<N, E> {
                Ok(if v >= 0 {
                    N::U(v as u64)
                } else {
                    N::F(v as f64)
                })
            }
            fn visit_f64<E>(self, v: f64) -> Result<N, E> {
                Ok(N::F(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<N, E> {
                let v = v.trim();
                v.parse::<u64>()
                    .map(N::U)
                    .or_else(|_| v.parse::<f64>().map(N::F))
                    .map_err(|_| E::custom(format!("`{v}` is not a number")))
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct AnyValue<'a> {
    #[serde(rename = "stringValue", borrow, default)]
    pub string: Option<Cow<'a, str>>,
    #[serde(rename = "intValue", default)]
    pub int: Option<N>,
    #[serde(rename = "doubleValue", default)]
    pub double: Option<N>,
    #[serde(rename = "boolValue", default)]
    pub boolean: Option<bool>,
}

impl AnyValue<'_> {
    fn number(&self) -> Option<N> {
        self.int.or(self.double).or_else(|| {
            self.string
                .as_deref()
                .and_then(|s| s.trim().parse::<f64>().ok().map(N::F))
        })
    }

    fn hash_into(&self, h: &mut impl Hasher) {
        self.string.hash(h);
        self.int.map(|n| n.as_f64().to_bits()).hash(h);
        self.double.map(|n| n.as_f64().to_bits()).hash(h);
        self.boolean.hash(h);
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct KeyValue<'a> {
    #[serde(borrow)]
    pub key: Cow<'a, str>,
    #[serde(borrow, default)]
    pub value: AnyValue<'a>,
}

#[derive(Debug, Default, Deserialize)]
struct Resource<'a> {
    #[serde(borrow, default)]
    attributes: Vec<KeyValue<'a>>,
}

#[derive(Debug, Deserialize)]
struct MetricsData<'a> {
    #[serde(rename = "resourceMetrics", borrow, default)]
    resource_metrics: Vec<ResourceMetrics<'a>>,
}

#[derive(Debug, Deserialize)]
struct ResourceMetrics<'a> {
    #[serde(borrow, default)]
    resource: Resource<'a>,
    #[serde(rename = "scopeMetrics", borrow, default)]
    scope_metrics: Vec<ScopeMetrics<'a>>,
}

#[derive(Debug, Deserialize)]
struct ScopeMetrics<'a> {
    #[serde(borrow, default)]
    metrics: Vec<Metric<'a>>,
}

#[derive(Debug, Deserialize)]
struct Metric<'a> {
    #[serde(borrow)]
    name: Cow<'a, str>,
    #[serde(borrow, default)]
    sum: Option<Sum<'a>>,
}

#[derive(Debug, Deserialize)]
struct Sum<'a> {
    #[serde(rename = "dataPoints", borrow, default)]
    data_points: Vec<DataPoint<'a>>,
    #[serde(rename = "aggregationTemporality", default)]
    temporality: Option<serde_json::Value>,
}

#[derive(Debug, Deserialize)]
struct DataPoint<'a> {
    #[serde(borrow, default)]
    attributes: Vec<KeyValue<'a>>,
    #[serde(rename = "startTimeUnixNano", default)]
    start: Option<N>,
    #[serde(rename = "timeUnixNano", default)]
    time: Option<N>,
    #[serde(rename = "asInt", default)]
    as_int: Option<N>,
    #[serde(rename = "asDouble", default)]
    as_double: Option<N>,
}

#[derive(Debug, Deserialize)]
struct ScopeLogs<'a> {
    #[serde(rename = "logRecords", borrow, default)]
    log_records: Vec<LogRecord<'a>>,
}

#[derive(Debug, Deserialize)]
struct LogRecord<'a> {
    #[serde(rename = "timeUnixNano", default)]
    time: Option<N>,
    #[serde(rename = "observedTimeUnixNano", default)]
    observed: Option<N>,
    #[serde(borrow, default)]
    body: Option<AnyValue<'a>>,
    #[serde(rename = "eventName", borrow, default)]
    event_name: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    attributes: Vec<KeyValue<'a>>,
}

/// The attributes this reader uses, gathered in one pass over a record's attributes.
#[derive(Debug, Clone, Default)]
struct Slots<'b> {
    event: Option<Cow<'b, str>>,
    session: Option<Cow<'b, str>>,
    model: Option<Cow<'b, str>>,
    query_source: Option<Cow<'b, str>>,
    agent_name: Option<Cow<'b, str>>,
    email: Option<Cow<'b, str>>,
    account_id: Option<Cow<'b, str>>,
    account_uuid: Option<Cow<'b, str>>,
    user_id: Option<Cow<'b, str>>,
    groups: Option<Cow<'b, str>>,
    /// (priority in the configured keys, value): the first configured key wins.
    repo: Option<(usize, Cow<'b, str>)>,
    team: Option<(usize, Cow<'b, str>)>,
    token_type: Option<Cow<'b, str>>,
    input: Option<N>,
    output: Option<N>,
    cache_read: Option<N>,
    cache_creation: Option<N>,
    cost_usd: Option<N>,
    cost_micros: Option<N>,
    timestamp: Option<Cow<'b, str>>,
}

/// The attribute keys that name the repository and the team, in priority order.
#[derive(Clone, Copy)]
struct Keys<'k> {
    repo: &'k [String],
    team: &'k [String],
}

impl<'k> Keys<'k> {
    fn of(ctx: &FileCtx<'k>) -> Keys<'k> {
        let a = &ctx.options().attribution;
        Keys {
            repo: &a.repo_keys,
            team: &a.team_keys,
        }
    }
}

impl<'b> Slots<'b> {
    fn absorb(&mut self, attrs: &[KeyValue<'b>], keys: Keys) {
        for kv in attrs {
            self.absorb_one(kv.clone(), keys);
        }
    }

    fn absorb_one(&mut self, kv: KeyValue<'b>, keys: Keys) {
        let v = kv.value;
        match kv.key.as_ref() {
            "event.name" => self.event = v.string,
            "session.id" => self.session = v.string,
            "model" => self.model = v.string,
            "query_source" => self.query_source = v.string,
            "agent.name" => self.agent_name = v.string,
            "user.email" => self.email = v.string,
            "user.account_id" => self.account_id = v.string,
            "user.account_uuid" => self.account_uuid = v.string,
            "user.id" => self.user_id = v.string,
            "user.groups" => self.groups = v.string,
            "type" => self.token_type = v.string,
            "input_tokens" => self.input = v.number(),
            "output_tokens" => self.output = v.number(),
            "cache_read_tokens" => self.cache_read = v.number(),
            "cache_creation_tokens" => self.cache_creation = v.number(),
            "cost_usd" => self.cost_usd = v.number(),
            "cost_usd_micros" => self.cost_micros = v.number(),
            "event.timestamp" => self.timestamp = v.string,
            key => {
                let Some(text) = v.string.filter(|t| !t.is_empty()) else {
                    return;
                };
                let repo = keys.repo.iter().position(|k| k == key);
                let team = keys.team.iter().position(|k| k == key);
                if let Some(i) = repo
                    && self.repo.as_ref().is_none_or(|(j, _)| i <= *j)
                {
                    self.repo = Some((i, text.clone()));
                }
                if let Some(i) = team
                    && self.team.as_ref().is_none_or(|(j, _)| i <= *j)
                {
                    self.team = Some((i, text));
                }
            }
        }
    }

    fn user(&self) -> Option<&str> {
        self.email
            .as_deref()
            .or(self.account_id.as_deref())
            .or(self.account_uuid.as_deref())
            .or(self.user_id.as_deref())
    }

    fn query(&self) -> Query {
        match self.query_source.as_deref() {
            Some(q) => Query::from_claude(q),
            None if self.agent_name.is_some() => Query::Subagent,
            None => Query::Unknown,
        }
    }

    /// The row skeleton: who, where, which model.
    fn row(&self, ctx: &mut FileCtx, source: Source, time: i64) -> Row {
        let user = ctx.opt(self.user());
        Row {
            source,
            time,
            session: ctx.opt(self.session.as_deref()),
            model: ctx.opt(self.model.as_deref()),
            query: self.query(),
            user,
            hints: Hints {
                repo: ctx.opt(self.repo.as_ref().map(|r| r.1.as_ref())),
                team: ctx.opt(self.team.as_ref().map(|t| t.1.as_ref())),
                user,
                groups: ctx.opt(self.groups.as_deref()),
                ..Hints::default()
            },
            ..Row::default()
        }
    }
}

fn secs(n: Option<N>) -> Option<i64> {
    n.and_then(N::as_u64)
        .filter(|&n| n > 0)
        .map(super::time::from_nanos)
}

/// Reading state of a metrics file: the last value of each cumulative series.
#[derive(Debug, Default)]
pub struct Metrics {
    last: HashMap<u64, f64>,
}

fn is_cumulative(t: &Option<serde_json::Value>) -> bool {
    match t {
        Some(serde_json::Value::Number(n)) => n.as_u64() == Some(2),
        Some(serde_json::Value::String(s)) => s == "AGGREGATION_TEMPORALITY_CUMULATIVE",
        _ => false,
    }
}

impl Metrics {
    pub fn value(&mut self, ctx: &mut FileCtx, bytes: &[u8]) -> Result<(), serde_json::Error> {
        let data: MetricsData = super::json::parse(bytes)?;
        let keys = Keys::of(ctx);
        for rm in &data.resource_metrics {
            let mut base = Slots::default();
            base.absorb(&rm.resource.attributes, keys);
            for sm in &rm.scope_metrics {
                for m in &sm.metrics {
                    let name = m.name.as_ref();
                    if !matches!(
                        name,
                        "claude_code.token.usage"
                            | "claude_code.cost.usage"
                            | "claude_code.session.count"
                            | "claude_code.commit.count"
                            | "claude_code.pull_request.count"
                    ) {
                        continue;
                    }
                    let Some(sum) = &m.sum else { continue };
                    let cumulative = is_cumulative(&sum.temporality);
                    for dp in &sum.data_points {
                        let Some(raw) = dp.as_int.or(dp.as_double).map(N::as_f64) else {
                            continue;
                        };
                        let value = if cumulative {
                            let key = series(name, &rm.resource.attributes, dp);
                            let prev = self.last.insert(key, raw);
                            match prev {
                                Some(p) if raw >= p => raw - p,
                                _ => raw,
                            }
                        } else {
                            raw
                        };
                        let mut slots = base.clone();
                        slots.absorb(&dp.attributes, keys);
                        let time = secs(dp.time).or(secs(dp.start)).unwrap_or(0);
                        let mut row = slots.row(ctx, Source::OtelMetric, time);
                        // Without `session.id` (OTEL_METRICS_INCLUDE_SESSION_ID=false) the
                        // session counter is the only session count there is.
                        row.session_scope = row.session.is_none();
                        let count = N::F(value).as_u64();
                        match name {
                            "claude_code.token.usage" => {
                                let n = count.unwrap_or(0);
                                // The metric reports all four types: one missing from this
                                // datapoint is zero, not unknown.
                                row.input = Some(0);
                                row.output = Some(0);
                                row.cache_read = Some(0);
                                row.cache_creation = Some(0);
                                match slots.token_type.as_deref() {
                                    Some("input") => row.input = Some(n),
                                    Some("output") => row.output = Some(n),
                                    Some("cacheRead") => row.cache_read = Some(n),
                                    Some("cacheCreation") => row.cache_creation = Some(n),
                                    _ => continue,
                                }
                            }
                            "claude_code.cost.usage" => row.cost_micros = super::micros(value),
                            "claude_code.session.count" => {
                                if row.session.is_none() {
                                    row.sessions = count;
                                }
                            }
                            "claude_code.commit.count" => row.commits = count,
                            _ => row.pull_requests = count,
                        }
                        ctx.emit(row);
                    }
                }
            }
        }
        Ok(())
    }
}

/// Identity of a cumulative series: metric, resource and datapoint attributes, start time.
fn series(name: &str, resource: &[KeyValue], dp: &DataPoint) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    name.hash(&mut h);
    for kv in resource.iter().chain(&dp.attributes) {
        kv.key.hash(&mut h);
        kv.value.hash_into(&mut h);
    }
    dp.start.map(|s| s.as_f64().to_bits()).hash(&mut h);
    h.finish()
}

/// Reading state of a logs file: the rows of the line being read (emitted once the whole
/// line has parsed, so a malformed line adds nothing).
#[derive(Debug, Default)]
pub struct Logs {
    pending: Vec<Row>,
}

impl Logs {
    /// Streams the line's `LogsData` (no per-record allocation: records are visited as they
    /// are parsed, their attributes folded straight into [`Slots`]).
    pub fn value(&mut self, ctx: &mut FileCtx, bytes: &[u8]) -> Result<(), serde_json::Error> {
        self.pending.clear();
        let keys = Keys::of(ctx);
        let mut walk = Walk {
            ctx: &mut *ctx,
            keys,
            rows: &mut self.pending,
        };
        super::json::parse_seed(bytes, Level::Root(&mut walk))?;
        for row in self.pending.drain(..) {
            ctx.emit(row);
        }
        Ok(())
    }
}

/// The streaming reader's state: where rows are interned and collected.
struct Walk<'w, 'o, 'k> {
    ctx: &'w mut FileCtx<'o>,
    keys: Keys<'k>,
    rows: &'w mut Vec<Row>,
}

impl Walk<'_, '_, '_> {
    /// One log record: its row if it is an API request event.
    fn record(&mut self, r: &RecordHead, slots: &Slots) {
        let named = |s: &str| s == "claude_code.api_request" || s == "api_request";
        let api = slots.event.as_deref().is_some_and(named)
            || r.event_name.as_deref().is_some_and(named)
            || r.body.as_deref().is_some_and(named);
        if !api {
            return;
        }
        let time = secs(r.time)
            .or_else(|| slots.timestamp.as_deref().and_then(super::time::parse))
            .or(secs(r.observed))
            .unwrap_or(0);
        let mut row = slots.row(self.ctx, Source::OtelLog, time);
        let count = |n: Option<N>| n.and_then(N::as_u64);
        row.input = count(slots.input);
        row.output = count(slots.output);
        row.cache_read = count(slots.cache_read);
        row.cache_creation = count(slots.cache_creation);
        row.cost_micros = match (slots.cost_micros, slots.cost_usd) {
            (Some(m), _) => Some(m.as_f64().round() as i64),
            (None, Some(usd)) => super::micros(usd.as_f64()),
            (None, None) => None,
        };
        self.rows.push(row);
    }
}

/// A string borrowed from the input when it has no escapes (serde's own `Cow<str>` would
/// always allocate).
struct Text<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Text<'de>, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v.to_string())))
            }
        }
        d.deserialize_str(V)
    }
}

/// A log record's fields besides its attributes.
#[derive(Default)]
struct RecordHead<'de> {
    time: Option<N>,
    observed: Option<N>,
    body: Option<Cow<'de, str>>,
    event_name: Option<Cow<'de, str>>,
}

/// Where in `LogsData` a value is: each level is a seed that visits its value.
enum Level<'a, 'w, 'o, 'k, 'de> {
    /// `{resourceLogs: [...]}`
    Root(&'a mut Walk<'w, 'o, 'k>),
    /// `resourceLogs`: `[{resource, scopeLogs}]`
    ResourceLogsList(&'a mut Walk<'w, 'o, 'k>),
    ResourceLogs(&'a mut Walk<'w, 'o, 'k>),
    /// `scopeLogs`: `[{logRecords: [...]}]`, under the resource's attributes.
    ScopeLogsList(&'a mut Walk<'w, 'o, 'k>, &'a Slots<'de>),
    ScopeLogs(&'a mut Walk<'w, 'o, 'k>, &'a Slots<'de>),
    RecordList(&'a mut Walk<'w, 'o, 'k>, &'a Slots<'de>),
    Record(&'a mut Walk<'w, 'o, 'k>, &'a Slots<'de>),
    /// `attributes`: `[{key, value}]`, folded into the slots.
    Attributes(&'a mut Slots<'de>, Keys<'k>),
}

impl<'de> de::DeserializeSeed<'de> for Level<'_, '_, '_, '_, 'de> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        match self {
            Level::ResourceLogsList(..)
            | Level::ScopeLogsList(..)
            | Level::RecordList(..)
            | Level::Attributes(..) => d.deserialize_seq(self),
            _ => d.deserialize_map(self),
        }
    }
}

impl<'de> Visitor<'de> for Level<'_, '_, '_, '_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str(match self {
            Level::ResourceLogsList(..)
            | Level::ScopeLogsList(..)
            | Level::RecordList(..)
            | Level::Attributes(..) => "an array",
            _ => "an object",
        })
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        match self {
            Level::ResourceLogsList(w) => {
                while seq.next_element_seed(Level::ResourceLogs(w))?.is_some() {}
            }
            Level::ScopeLogsList(w, base) => {
                while seq.next_element_seed(Level::ScopeLogs(w, base))?.is_some() {}
            }
            Level::RecordList(w, base) => {
                while seq.next_element_seed(Level::Record(w, base))?.is_some() {}
            }
            Level::Attributes(slots, keys) => {
                while let Some(kv) = seq.next_element::<KeyValue<'de>>()? {
                    slots.absorb_one(kv, keys);
                }
            }
            _ => return Err(de::Error::invalid_type(de::Unexpected::Seq, &self)),
        }
        Ok(())
    }

    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        match self {
            Level::Root(w) => {
                while let Some(key) = map.next_key::<Text<'de>>()? {
                    match key.0.as_ref() {
                        "resourceLogs" => map.next_value_seed(Level::ResourceLogsList(w))?,
                        _ => map.next_value::<de::IgnoredAny>().map(drop)?,
                    }
                }
            }
            Level::ResourceLogs(w) => {
                // `resource` comes first as the collector writes it; scope logs seen before it
                // are held (as parsed values) until it is known.
                let mut base: Option<Slots<'de>> = None;
                let mut early: Vec<ScopeLogs<'de>> = Vec::new();
                while let Some(key) = map.next_key::<Text<'de>>()? {
                    match key.0.as_ref() {
                        "resource" => {
                            let r: Option<Resource<'de>> = map.next_value()?;
                            let mut s = Slots::default();
                            for kv in r.map(|r| r.attributes).unwrap_or_default() {
                                s.absorb_one(kv, w.keys);
                            }
                            base = Some(s);
                        }
                        "scopeLogs" => match &base {
                            Some(b) => map.next_value_seed(Level::ScopeLogsList(w, b))?,
                            None => early.extend(map.next_value::<Vec<ScopeLogs<'de>>>()?),
                        },
                        _ => map.next_value::<de::IgnoredAny>().map(drop)?,
                    }
                }
                let base = base.unwrap_or_default();
                for sl in early {
                    for r in sl.log_records {
                        let mut slots = base.clone();
                        for kv in r.attributes {
                            slots.absorb_one(kv, w.keys);
                        }
                        let head = RecordHead {
                            time: r.time,
                            observed: r.observed,
                            body: r.body.and_then(|b| b.string),
                            event_name: r.event_name,
                        };
                        w.record(&head, &slots);
                    }
                }
            }
            Level::ScopeLogs(w, base) => {
                while let Some(key) = map.next_key::<Text<'de>>()? {
                    match key.0.as_ref() {
                        "logRecords" => map.next_value_seed(Level::RecordList(w, base))?,
                        _ => map.next_value::<de::IgnoredAny>().map(drop)?,
                    }
                }
            }
            Level::Record(w, base) => {
                let mut slots = base.clone();
                let mut head = RecordHead::default();
                while let Some(key) = map.next_key::<Text<'de>>()? {
                    match key.0.as_ref() {
                        "timeUnixNano" => head.time = map.next_value()?,
                        "observedTimeUnixNano" => head.observed = map.next_value()?,
                        "body" => {
                            head.body = map
                                .next_value::<Option<AnyValue<'de>>>()?
                                .and_then(|b| b.string)
                        }
                        "eventName" => {
                            head.event_name = map.next_value::<Option<Text<'de>>>()?.map(|t| t.0)
                        }
                        "attributes" => {
                            map.next_value_seed(Level::Attributes(&mut slots, w.keys))?
                        }
                        _ => map.next_value::<de::IgnoredAny>().map(drop)?,
                    }
                }
                w.record(&head, &slots);
            }
            _ => return Err(de::Error::invalid_type(de::Unexpected::Map, &self)),
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::usage::{Options, attribution::Attributor, ingest_bytes};

    const RECORD: &str = r#"{"timeUnixNano":"1754388000000000000","body":{"stringValue":"claude_code.api_request"},"attributes":[{"key":"session.id","value":{"stringValue":"s-1"}},{"value":{"intValue":"7"},"key":"input_tokens"},{"key":"output_tokens","value":{"intValue":"5"}},{"key":"cache_read_tokens","value":{"intValue":"20"}},{"key":"cache_creation_tokens","value":{"intValue":"3"}},{"key":"cost_usd","value":{"doubleValue":0.25}}]}"#;
    const RESOURCE: &str = r#""resource":{"attributes":[{"key":"repo","value":{"stringValue":"api"}},{"key":"team.id","value":{"stringValue":"pay\u006dents"}}]}"#;

    /// (rows, tokens, cost, repositories and teams) of one file.
    fn read(text: &str) -> (u64, u64, i64, Vec<String>) {
        let opts = Options {
            attribution: Attributor::plain(),
            ..Options::default()
        };
        let ing = ingest_bytes("logs.jsonl", text.as_bytes(), &opts);
        let mut names: Vec<String> = ing
            .agg
            .groups
            .keys()
            .flat_map(|k| [k.repo, k.team])
            .flatten()
            .map(|s| ing.strings.get(s).to_string())
            .collect();
        names.sort();
        names.dedup();
        let sums = ing.agg.groups.values().fold((0, 0, 0), |(r, t, c), s| {
            (r + s.rows, t + s.tokens(), c + s.cost_micros)
        });
        (sums.0, sums.1, sums.2, names)
    }

    #[test]
    fn scope_logs_before_the_resource_get_its_attributes() {
        let resource_first = format!(
            r#"{{"resourceLogs":[{{{RESOURCE},"scopeLogs":[{{"logRecords":[{RECORD}]}}]}}]}}"#
        );
        let scope_first = format!(
            r#"{{"resourceLogs":[{{"scopeLogs":[{{"logRecords":[{RECORD}]}}],{RESOURCE}}}]}}"#
        );
        let want = (
            1,
            35,
            250_000,
            vec!["api".to_string(), "payments".to_string()],
        );
        assert_eq!(read(&resource_first), want);
        assert_eq!(read(&scope_first), want);
    }

    #[test]
    fn a_line_that_breaks_after_a_record_adds_nothing() {
        let good = format!(
            r#"{{"resourceLogs":[{{{RESOURCE},"scopeLogs":[{{"logRecords":[{RECORD}]}}]}}]}}"#
        );
        let broken = format!(
            r#"{{"resourceLogs":[{{{RESOURCE},"scopeLogs":[{{"logRecords":[{RECORD},{{"attributes":7}}]}}]}}]}}"#
        );
        assert_eq!(read(&format!("{good}\n{broken}\n")).0, 1);
    }
}
