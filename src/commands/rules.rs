//! `agentgate rules` (the registry, the secrets pack, the knowledge tables) and `agentgate
//! explain RULE`.

use super::clean;
use crate::error::{Outcome, Result};
use crate::rules::{self, RULES};
use clap::ValueEnum;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
}

pub fn run(format: Format, secrets: bool, knowledge: bool) -> Result<Outcome> {
    if knowledge {
        clean(print_knowledge(format))
    } else if secrets {
        clean(print_secret_rules(format))
    } else {
        clean(print_rules(format))
    }
}

/// The documentation of a registry rule or a secrets-pack rule.
pub fn explain(rule: &str) -> Result<Outcome> {
    match rules::lookup(rule) {
        Some(r) => clean(crate::sink::stdout(r.markdown().as_bytes())),
        None => match crate::secrets::Engine::builtin().explain(rule) {
            Some(text) => clean(crate::sink::stdout(text.as_bytes())),
            None => Err(format!(
                "unknown rule `{rule}`; `agentgate rules` lists them (`agentgate rules --secrets` the secrets pack)"
            )
            .into()),
        },
    }
}

fn print_knowledge(format: Format) -> std::io::Result<()> {
    let facts = crate::rules::knowledge();
    let text = match format {
        Format::Json => serde_json::to_string_pretty(&facts)? + "\n",
        Format::Table => {
            let mut s = format!("{:<14} {:<72} {}\n", "AGENT", "FACT", "VERSIONS / SOURCES");
            for f in &facts {
                s.push_str(&format!("{:<14} {:<72} {}\n", f.agent, f.topic, f.versions));
                for src in &f.sources {
                    s.push_str(&format!("{:<14} {:<72}   {src}\n", "", ""));
                }
            }
            s
        }
    };
    crate::sink::stdout(text.as_bytes())
}

fn print_rules(format: Format) -> std::io::Result<()> {
    let text = match format {
        Format::Json => {
            let rules: Vec<_> = RULES
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "code": r.code, "name": r.name, "family": r.family, "severity": r.severity,
                        "confidence": r.confidence, "summary": r.summary,
                    })
                })
                .collect();
            serde_json::to_string_pretty(&rules)? + "\n"
        }
        Format::Table => {
            let mut s = format!(
                "{:<6} {:<26} {:<12} {:<8} {:<10} {}\n",
                "CODE", "NAME", "FAMILY", "SEVERITY", "CONFIDENCE", "SUMMARY"
            );
            for r in RULES {
                let confidence = serde_json::to_value(r.confidence)
                    .ok()
                    .and_then(|v| v.as_str().map(String::from))
                    .unwrap_or_default();
                s.push_str(&format!(
                    "{:<6} {:<26} {:<12} {:<8} {:<10} {}\n",
                    r.code,
                    r.name,
                    r.family.as_str(),
                    r.severity,
                    confidence,
                    r.summary
                ));
            }
            s
        }
    };
    crate::sink::stdout(text.as_bytes())
}

fn print_secret_rules(format: Format) -> std::io::Result<()> {
    let engine = crate::secrets::Engine::builtin();
    let text = match format {
        Format::Json => {
            let rules: Vec<_> = engine
                .rules()
                .map(|r| serde_json::json!({"id": r.id, "name": r.name, "provider": r.provider, "category": r.category, "confidence": r.confidence}))
                .collect();
            serde_json::to_string_pretty(&rules)? + "\n"
        }
        Format::Table => {
            let mut s = format!(
                "{:<40} {:<14} {:<10} {}\n",
                "ID", "CATEGORY", "CONFIDENCE", "NAME"
            );
            for r in engine.rules() {
                let confidence = if r.confidence == rules::Confidence::Exact {
                    "exact"
                } else {
                    "heuristic"
                };
                s.push_str(&format!(
                    "{:<40} {:<14} {:<10} {}\n",
                    r.id, r.category, confidence, r.name
                ));
            }
            s.push_str(&format!("{} rules\n", engine.len()));
            s
        }
    };
    crate::sink::stdout(text.as_bytes())
}
