//! Human output: miette graphical diagnostics with source snippets and labels.

use super::{RenderOptions, Report};
use crate::diagnostic::{Diagnostic, Severity};
use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    NamedSource, SourceCode, SourceSpan, SpanContents,
};
use std::fmt;
use std::io::{self, Write};

pub fn render(report: &Report, opts: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    if opts.statistics {
        super::render_statistics(report, out)?;
    } else {
        let theme = if opts.color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::none()
        };
        let handler = GraphicalReportHandler::new_themed(theme)
            .with_links(false)
            .with_width(opts.width.max(60));
        // One redacted copy and one line table per file, shared by its findings.
        let mut sources: std::collections::HashMap<&str, Option<Source>> =
            std::collections::HashMap::new();
        for d in &report.diagnostics {
            let source = d.span.as_ref().and_then(|span| {
                let source = sources
                    .entry(d.path.as_str())
                    .or_insert_with(|| report.redacted_source(&d.path).map(Source::new))
                    .as_ref()?;
                source
                    .snippet_fits(span.start, span.end)
                    .then(|| source.clone())
            });
            let view = View {
                d,
                source: source.map(|s| NamedSource::new(d.path.clone(), s)),
            };
            let mut rendered = String::new();
            handler
                .render_report(&mut rendered, &view)
                .map_err(io::Error::other)?;
            out.write_all(rendered.as_bytes())?;
            out.write_all(b"\n")?;
        }
    }
    if !opts.quiet {
        writeln!(out, "{}", report.summary_line())?;
    }
    Ok(())
}

/// Snippets of very long lines (minified files, one-line JSON) are unreadable, and miette
/// cannot lay out labels past column 65535: such findings are shown without a snippet. The
/// lines around it count too, since the snippet shows them.
use super::MAX_SNIPPET_LINE;

/// Lines of context miette shows around a snippet (its default).
const CONTEXT_LINES: usize = 1;

/// A file's (redacted) text for snippets, shared by all its findings, with the ends of its
/// lines as miette counts them (`\n`, `\r\n` or a lone `\r`): miette reads a span by walking
/// the text from its start, which made many findings in one large file quadratic, so each
/// read is handed only the text from a few lines before the span.
#[derive(Clone)]
struct Source {
    text: std::sync::Arc<str>,
    /// Offset of the last byte of each line break, as miette counts them.
    breaks: std::sync::Arc<[usize]>,
    /// Offset of each `\n`.
    newlines: std::sync::Arc<[usize]>,
}

impl Source {
    fn new(text: std::sync::Arc<str>) -> Self {
        let bytes = text.as_bytes();
        let breaks: Vec<usize> = memchr::memchr2_iter(b'\r', b'\n', bytes)
            .filter(|&i| !(bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n')))
            .collect();
        let newlines: Vec<usize> = memchr::memchr_iter(b'\n', bytes).collect();
        Self {
            text,
            breaks: breaks.into(),
            newlines: newlines.into(),
        }
    }

    /// Where line `n` (0-based, miette's count) starts.
    fn line_start(&self, n: usize) -> usize {
        if n == 0 { 0 } else { self.breaks[n - 1] + 1 }
    }

    /// The line (0-based, miette's count) holding `offset`: the breaks before it.
    fn line_of(&self, offset: usize) -> usize {
        self.breaks.partition_point(|&b| b < offset)
    }

    /// Do the span's lines, and the context lines miette shows around them, fit a snippet?
    fn snippet_fits(&self, start: usize, end: usize) -> bool {
        let len = self.text.len();
        let (start, end) = (start.min(len), end.min(len));
        let before = self.newlines.partition_point(|&n| n < start);
        let line_start = before.checked_sub(1).map_or(0, |i| self.newlines[i] + 1);
        let after = self.newlines.partition_point(|&n| n < end);
        let line_end = self.newlines.get(after).copied().unwrap_or(len);
        if line_end - line_start > MAX_SNIPPET_LINE {
            return false;
        }
        let (first, last) = (self.line_of(start), self.line_of(end));
        let context = (first.saturating_sub(CONTEXT_LINES)..first)
            .chain(last + 1..=(last + CONTEXT_LINES).min(self.breaks.len()));
        context.into_iter().all(|n| {
            let end = self.breaks.get(n).map_or(len, |&b| b + 1);
            end - self.line_start(n) <= MAX_SNIPPET_LINE + 2
        })
    }
}

impl SourceCode for Source {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        // miette's own reading, started at a line start one more than `context_lines_before`
        // lines up (for an empty span it stops at the break just before): it sees the same
        // lines it would from the top, and its line numbers are shifted back.
        let first = self
            .line_of(span.offset())
            .saturating_sub(context_lines_before + 1);
        let from = self.line_start(first);
        let local = SourceSpan::new((span.offset() - from).into(), span.len());
        let inner =
            self.text[from..].read_span(&local, context_lines_before, context_lines_after)?;
        Ok(Box::new(MietteSpanContents::new(
            inner.data(),
            SourceSpan::new((inner.span().offset() + from).into(), inner.span().len()),
            inner.line() + first,
            inner.column(),
            inner.line_count() + first,
        )))
    }
}

/// Adapts a [`Diagnostic`] to miette without the diagnostic knowing about miette.
struct View<'a> {
    d: &'a Diagnostic,
    source: Option<NamedSource<Source>>,
}

impl fmt::Debug for View<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.d.message)
    }
}

impl fmt::Display for View<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.source.is_some() {
            f.write_str(&self.d.message)
        } else {
            write!(
                f,
                "{}: {}",
                crate::escape::line_start(&self.d.path),
                self.d.message
            )
        }
    }
}

impl std::error::Error for View<'_> {}

impl miette::Diagnostic for View<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(format!(
            "{} {}",
            self.d.rule.code, self.d.rule.name
        )))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.d.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Note => miette::Severity::Advice,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.d
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = self.d.span.as_ref()?;
        self.source.as_ref()?;
        let primary = LabeledSpan::new_primary_with_span(
            Some(self.d.rule.summary.to_string()),
            (span.start, span.end - span.start),
        );
        let secondary = self.d.labels.iter().map(|l| {
            LabeledSpan::new_with_span(
                Some(l.text.clone()),
                (l.span.start, l.span.end - l.span.start),
            )
        });
        Some(Box::new(std::iter::once(primary).chain(secondary)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What miette reads for a span: (data, offset, length, line, column, line count).
    fn read(
        source: &dyn SourceCode,
        span: (usize, usize),
        context: usize,
    ) -> Option<(Vec<u8>, usize, usize, usize, usize, usize)> {
        let c = source.read_span(&span.into(), context, context).ok()?;
        Some((
            c.data().to_vec(),
            c.span().offset(),
            c.span().len(),
            c.line(),
            c.column(),
            c.line_count(),
        ))
    }

    #[test]
    fn windowed_reads_match_miettes_own() {
        let mut rng = crate::TestRng(0x51f1_5eed);
        let mut below = |n| rng.below(n);
        for _ in 0..20_000 {
            let text: String = (0..below(30))
                .map(|_| ['a', 'b', '\n', '\r', 'é'][below(5)])
                .collect();
            let start = below(text.len() + 1);
            let len = below(12).min(text.len() - start);
            let source = Source::new(text.clone().into());
            for context in 0..3 {
                assert_eq!(
                    read(&source, (start, len), context),
                    read(&text, (start, len), context),
                    "{text:?} at {start}+{len}, context {context}"
                );
            }
        }
    }

    #[test]
    fn context_lines_too_long_for_a_snippet() {
        let long = "x".repeat(5000);
        let source = Source::new(format!("short\nfinding here\n{long}\nend\n").into());
        assert!(!source.snippet_fits(6, 13));
        let source = Source::new(format!("{long}\nshort\nfinding here\nend\n").into());
        assert!(source.snippet_fits(5007, 5010));
        assert!(!source.snippet_fits(5001, 5004));
        assert!(!source.snippet_fits(10, 12));
    }
}
