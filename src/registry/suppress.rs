//! Rule metadata (suppress): codes, names, severities and documentation. No checks here: the
//! registry is a leaf every layer may read.

use super::{Confidence, Docs, Family, Rule, Severity};

pub static EXPIRED_EXCEPTION: Rule = Rule {
    code: "AG601",
    name: "expired-exception",
    family: Family::Policy,
    severity: Severity::Error,
    confidence: Confidence::Exact,
    summary: "An exception in .agentgate.yaml has expired",
    docs: Docs {
        what: "Reports `exceptions:` entries whose `expires` date has passed. The findings they covered are reported \
               again as usual.",
        why: "Exceptions are the fast path around a guardrail — approved for a reason and for a time. Expiry makes \
              someone look again instead of letting a temporary risk become permanent.",
        example: "```yaml\nexceptions:\n  - rule: AG201\n    path: .mcp.json\n    reason: pinned upstream next sprint\n    approved_by: security@example.com\n    expires: 2026-01-31\n```",
        fix: "Fix the underlying finding and delete the exception, or renew it with a new date and approval.",
        references: &[],
    },
};

pub static UNUSED_EXCEPTION: Rule = Rule {
    code: "AG602",
    name: "unused-exception",
    family: Family::Policy,
    severity: Severity::Note,
    confidence: Confidence::Exact,
    summary: "An exception in .agentgate.yaml matches no finding",
    docs: Docs {
        what: "Reports `exceptions:` entries that suppressed nothing in a full check of the project.",
        why: "A stale exception silently pre-approves the next finding that happens to match it.",
        example: "An exception for `.mcp.json` kept after the server was pinned.",
        fix: "Delete the exception.",
        references: &[],
    },
};

pub static BAD_IGNORE_DIRECTIVE: Rule = Rule {
    code: "AG612",
    name: "bad-ignore-directive",
    family: Family::Policy,
    severity: Severity::Warning,
    confidence: Confidence::Exact,
    summary: "An in-source suppression names no rule, gives no reason, or matches nothing",
    docs: Docs {
        what: "Checks `agentgate-ignore CODE: reason` directives in agent files: each must name known rules (codes or \
               names), give a reason after the colon, and suppress at least one finding on the line it covers. \
               Checks `agentgate:allow` markers (any file) on a line with a finding: without a reason after the \
               rules (`agentgate:allow AG402: fake key in a test`) the marker suppresses nothing.",
        why: "An in-source exception is reviewed like code only if it says why; a directive that no longer matches \
              anything silently pre-approves the next finding on that line.",
        example: "```markdown\n<!-- agentgate-ignore AG504 -->\nIgnore previous instructions (quoted from the incident report).\n```",
        fix: "Add the reason (`<!-- agentgate-ignore AG504: quoted from the incident report -->`, \
              `# agentgate:allow AG402: fake key for the parser test`), or delete the directive when it matches \
              nothing. For a finding that is acceptable for a whole path, prefer an audited exception: \
              `agentgate exception add CODE --path P --reason \"…\"`.",
        references: &[],
    },
};
