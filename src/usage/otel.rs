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

#[derive(Debug, Default, Deserialize)]
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
    fn text(&self) -> Option<&str> {
        self.string.as_deref()
    }

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

#[derive(Debug, Deserialize)]
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
struct LogsData<'a> {
    #[serde(rename = "resourceLogs", borrow, default)]
    resource_logs: Vec<ResourceLogs<'a>>,
}

#[derive(Debug, Deserialize)]
struct ResourceLogs<'a> {
    #[serde(borrow, default)]
    resource: Resource<'a>,
    #[serde(rename = "scopeLogs", borrow, default)]
    scope_logs: Vec<ScopeLogs<'a>>,
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
    event: Option<&'b str>,
    session: Option<&'b str>,
    model: Option<&'b str>,
    query_source: Option<&'b str>,
    agent_name: Option<&'b str>,
    email: Option<&'b str>,
    account_id: Option<&'b str>,
    account_uuid: Option<&'b str>,
    user_id: Option<&'b str>,
    groups: Option<&'b str>,
    /// (priority in the configured keys, value): the first configured key wins.
    repo: Option<(usize, &'b str)>,
    team: Option<(usize, &'b str)>,
    token_type: Option<&'b str>,
    input: Option<N>,
    output: Option<N>,
    cache_read: Option<N>,
    cache_creation: Option<N>,
    cost_usd: Option<N>,
    cost_micros: Option<N>,
    timestamp: Option<&'b str>,
}

impl<'b> Slots<'b> {
    fn absorb(&mut self, attrs: &'b [KeyValue<'_>], repo_keys: &[String], team_keys: &[String]) {
        for kv in attrs {
            let v = &kv.value;
            match kv.key.as_ref() {
                "event.name" => self.event = v.text(),
                "session.id" => self.session = v.text(),
                "model" => self.model = v.text(),
                "query_source" => self.query_source = v.text(),
                "agent.name" => self.agent_name = v.text(),
                "user.email" => self.email = v.text(),
                "user.account_id" => self.account_id = v.text(),
                "user.account_uuid" => self.account_uuid = v.text(),
                "user.id" => self.user_id = v.text(),
                "user.groups" => self.groups = v.text(),
                "type" => self.token_type = v.text(),
                "input_tokens" => self.input = v.number(),
                "output_tokens" => self.output = v.number(),
                "cache_read_tokens" => self.cache_read = v.number(),
                "cache_creation_tokens" => self.cache_creation = v.number(),
                "cost_usd" => self.cost_usd = v.number(),
                "cost_usd_micros" => self.cost_micros = v.number(),
                "event.timestamp" => self.timestamp = v.text(),
                key => {
                    let Some(text) = v.text().filter(|t| !t.is_empty()) else {
                        continue;
                    };
                    if let Some(i) = repo_keys.iter().position(|k| k == key)
                        && self.repo.is_none_or(|(j, _)| i <= j)
                    {
                        self.repo = Some((i, text));
                    }
                    if let Some(i) = team_keys.iter().position(|k| k == key)
                        && self.team.is_none_or(|(j, _)| i <= j)
                    {
                        self.team = Some((i, text));
                    }
                }
            }
        }
    }

    fn user(&self) -> Option<&'b str> {
        self.email
            .or(self.account_id)
            .or(self.account_uuid)
            .or(self.user_id)
    }

    fn query(&self) -> Query {
        match self.query_source {
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
            session: ctx.opt(self.session),
            model: ctx.opt(self.model),
            query: self.query(),
            user,
            hints: Hints {
                repo: ctx.opt(self.repo.map(|r| r.1)),
                team: ctx.opt(self.team.map(|t| t.1)),
                user,
                groups: ctx.opt(self.groups),
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
        let data: MetricsData = super::reader::parse(bytes)?;
        let (repo_keys, team_keys) = (
            ctx.options().attribution.repo_keys.clone(),
            ctx.options().attribution.team_keys.clone(),
        );
        for rm in &data.resource_metrics {
            let mut base = Slots::default();
            base.absorb(&rm.resource.attributes, &repo_keys, &team_keys);
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
                        slots.absorb(&dp.attributes, &repo_keys, &team_keys);
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
                                match slots.token_type {
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

#[derive(Debug, Default)]
pub struct Logs;

fn is_api_request(r: &LogRecord, slots: &Slots) -> bool {
    let named = |s: &str| s == "claude_code.api_request" || s == "api_request";
    slots.event.is_some_and(named)
        || r.event_name.as_deref().is_some_and(named)
        || r.body.as_ref().and_then(|b| b.text()).is_some_and(named)
}

impl Logs {
    pub fn value(&mut self, ctx: &mut FileCtx, bytes: &[u8]) -> Result<(), serde_json::Error> {
        let data: LogsData = super::reader::parse(bytes)?;
        let (repo_keys, team_keys) = (
            ctx.options().attribution.repo_keys.clone(),
            ctx.options().attribution.team_keys.clone(),
        );
        for rl in &data.resource_logs {
            let mut base = Slots::default();
            base.absorb(&rl.resource.attributes, &repo_keys, &team_keys);
            for sl in &rl.scope_logs {
                for r in &sl.log_records {
                    let mut slots = base.clone();
                    slots.absorb(&r.attributes, &repo_keys, &team_keys);
                    if !is_api_request(r, &slots) {
                        continue;
                    }
                    let time = secs(r.time)
                        .or_else(|| slots.timestamp.and_then(super::time::parse))
                        .or(secs(r.observed))
                        .unwrap_or(0);
                    let mut row = slots.row(ctx, Source::OtelLog, time);
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
                    ctx.emit(row);
                }
            }
        }
        Ok(())
    }
}
