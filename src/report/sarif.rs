//! SARIF 2.1.0 for GitHub code scanning and other SARIF consumers.

use super::{INFO_URI, Report, TOOL_NAME, TOOL_VERSION};
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::Rule;
use serde_json::json;
use serde_sarif::sarif::{
    ArtifactLocation, Invocation, Location, Message, MultiformatMessageString, PhysicalLocation,
    PropertyBag, Region, ReportingConfiguration, ReportingDescriptor, Result as SarifResult,
    ResultLevel, Run, Sarif, ToolComponent,
};
use std::collections::BTreeMap;
use std::io::{self, Write};

pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const SRCROOT: &str = "%SRCROOT%";

pub fn to_log(report: &Report) -> Sarif {
    let rules = report.enabled_rules();
    let descriptors: Vec<ReportingDescriptor> = rules.iter().map(|r| descriptor(r)).collect();
    let index = |d: &Diagnostic| rules.iter().position(|r| std::ptr::eq(*r, d.rule));
    let mut results: Vec<SarifResult> = report
        .diagnostics
        .iter()
        .map(|d| result(d, index(d)))
        .collect();
    // Baselined findings stay visible to code scanning as suppressed, not as new alerts.
    results.extend(report.suppressed.iter().map(|d| {
        let mut r = result(d, index(d));
        let help = d.help.as_deref().unwrap_or("");
        let in_source = super::suppression_kind(d) == super::Suppression::InSource;
        r.suppressions = Some(vec![
            serde_sarif::sarif::Suppression::builder()
                .kind(json!(if in_source { "inSource" } else { "external" }))
                .justification(help.to_string())
                .build(),
        ]);
        r
    }));
    let driver = ToolComponent::builder()
        .name(TOOL_NAME)
        .semantic_version(TOOL_VERSION)
        .version(TOOL_VERSION)
        .information_uri(INFO_URI)
        .rules(descriptors)
        .build();
    let mut base_ids = BTreeMap::new();
    let root = format!(
        "file://{}/",
        encode_path(&report.root.to_string_lossy().replace('\\', "/"))
    );
    base_ids.insert(
        SRCROOT.to_string(),
        ArtifactLocation::builder().uri(root).build(),
    );
    // What could not be checked, one notification a file: code scanning shows the run as
    // failed and says why, instead of an empty result list that reads as clean.
    let notifications: Vec<serde_sarif::sarif::Notification> = report
        .incomplete
        .iter()
        .map(|(path, why)| {
            let path = crate::mask::path(path);
            let text =
                crate::escape::line(&crate::mask::text(&format!("{path}: {why}"))).into_owned();
            serde_sarif::sarif::Notification::builder()
                .level(json!("error"))
                .message(Message::builder().text(text).build())
                .locations(vec![
                    Location::builder()
                        .physical_location(
                            PhysicalLocation::builder()
                                .artifact_location(
                                    ArtifactLocation::builder()
                                        .uri(encode_path(&path))
                                        .uri_base_id(SRCROOT)
                                        .build(),
                                )
                                .build(),
                        )
                        .build(),
                ])
                .build()
        })
        .collect();
    let invocation = if notifications.is_empty() {
        Invocation::builder()
            .execution_successful(!report.is_incomplete())
            .build()
    } else {
        Invocation::builder()
            .execution_successful(false)
            .tool_execution_notifications(notifications)
            .build()
    };
    let run = Run::builder()
        .tool(driver)
        .results(results)
        .invocations(vec![invocation])
        .original_uri_base_ids(base_ids)
        .column_kind(json!("unicodeCodePoints"))
        .build();
    Sarif::builder()
        .schema(SCHEMA)
        .version(json!("2.1.0"))
        .runs(vec![run])
        .build()
}

pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &to_log(report))?;
    writeln!(out)
}

fn level(severity: Severity) -> &'static str {
    severity.as_str()
}

fn descriptor(rule: &Rule) -> ReportingDescriptor {
    let mut extra = BTreeMap::new();
    extra.insert(
        "precision".to_string(),
        json!(match rule.confidence {
            crate::rules::Confidence::Exact => "very-high",
            crate::rules::Confidence::Heuristic => "medium",
        }),
    );
    let mut tags = vec![rule.family.as_str().to_string()];
    if let Some(score) = rule.security_severity() {
        extra.insert("security-severity".to_string(), json!(score));
        tags.push("security".to_string());
    } else {
        extra.insert(
            "problem.severity".to_string(),
            json!(match rule.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Note => "recommendation",
            }),
        );
    }
    ReportingDescriptor::builder()
        .id(rule.code)
        .name(rule.name)
        .short_description(
            MultiformatMessageString::builder()
                .text(rule.summary)
                .build(),
        )
        .full_description(
            MultiformatMessageString::builder()
                .text(first_paragraph(rule.docs.what))
                .build(),
        )
        .help(
            MultiformatMessageString::builder()
                .text(rule.docs.fix.trim())
                .markdown(rule.markdown())
                .build(),
        )
        .help_uri(format!("{INFO_URI}/blob/main/docs/rules/{}.md", rule.code))
        .default_configuration(
            ReportingConfiguration::builder()
                .level(json!(level(rule.severity)))
                .build(),
        )
        .properties(
            PropertyBag::builder()
                .tags(tags)
                .additional_properties(extra)
                .build(),
        )
        .build()
}

fn result(d: &Diagnostic, rule_index: Option<usize>) -> SarifResult {
    let region = match &d.span {
        Some(s) => Region::builder()
            .start_line(s.line as i64)
            .start_column(s.col as i64)
            .end_line(s.end_line as i64)
            .end_column(s.end_col as i64)
            .build(),
        None => Region::builder().start_line(1).build(),
    };
    let location = Location::builder()
        .physical_location(
            PhysicalLocation::builder()
                .artifact_location(
                    ArtifactLocation::builder()
                        .uri(encode_path(&d.path))
                        .uri_base_id(SRCROOT)
                        .build(),
                )
                .region(region)
                .build(),
        )
        .build();
    let mut fingerprints = BTreeMap::new();
    fingerprints.insert("agentgate/v1".to_string(), d.fingerprint.clone());
    let level = match d.severity {
        Severity::Error => ResultLevel::Error,
        Severity::Warning => ResultLevel::Warning,
        Severity::Note => ResultLevel::Note,
    };
    let message = match &d.help {
        Some(help) => format!("{} ({help})", d.message),
        None => d.message.clone(),
    };
    // Secret findings say which pack rule and provider, as AG402/AG403 cover the whole pack.
    let properties = d.secret.as_ref().map(|k| {
        let extra: BTreeMap<String, serde_json::Value> = [
            ("secretRule", &k.rule),
            ("secretProvider", &k.provider),
            ("secretCategory", &k.category),
        ]
        .into_iter()
        .map(|(name, v)| (name.to_string(), json!(v)))
        .collect();
        PropertyBag::builder().additional_properties(extra).build()
    });
    let builder = SarifResult::builder()
        .rule_id(d.rule.code)
        .level(level)
        .message(Message::builder().text(message).build())
        .locations(vec![location])
        .partial_fingerprints(fingerprints);
    match (rule_index, properties) {
        (Some(i), Some(p)) => builder.rule_index(i as i64).properties(p).build(),
        (Some(i), None) => builder.rule_index(i as i64).build(),
        (None, Some(p)) => builder.properties(p).build(),
        (None, None) => builder.build(),
    }
}

fn first_paragraph(text: &str) -> String {
    let p = text.trim().split("\n\n").next().unwrap_or("");
    p.chars().take(1000).collect()
}

/// Percent-encodes a `/`-separated path for a URI reference (RFC 3986 unreserved kept).
fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn encodes_paths() {
        assert_eq!(super::encode_path("a b/\u{e9}.md"), "a%20b/%C3%A9.md");
    }
}
