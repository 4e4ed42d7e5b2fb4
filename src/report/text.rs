//! Human output: miette graphical diagnostics with source snippets and labels.

use super::{RenderOptions, Report};
use crate::report::diagnostic::{Diagnostic, Severity};
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode};
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
        let mut sources = std::collections::HashMap::new();
        for d in &report.diagnostics {
            let source = d.span.as_ref().and_then(|span| {
                let text = sources
                    .entry(d.path.as_str())
                    .or_insert_with(|| report.redacted_source(&d.path))
                    .clone()?;
                snippet_fits(&text, span.start, span.end).then_some(text)
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
/// cannot lay out labels past column 65535: such findings are shown without a snippet.
use super::MAX_SNIPPET_LINE;

fn snippet_fits(text: &str, start: usize, end: usize) -> bool {
    let (start, end) = (start.min(text.len()), end.min(text.len()));
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i);
    line_end - line_start <= MAX_SNIPPET_LINE
}

/// Adapts a [`Diagnostic`] to miette without the diagnostic knowing about miette.
struct View<'a> {
    d: &'a Diagnostic,
    source: Option<NamedSource<std::sync::Arc<str>>>,
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
                super::escape::line_start(&self.d.path),
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
