//! The Markdown structure rules need: headings, links, inline code, fenced code blocks and
//! `@path` imports, each with its byte span in the file.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use std::ops::Range;

#[derive(Debug, Default, PartialEq)]
pub struct Outline {
    pub headings: Vec<Heading>,
    pub links: Vec<Link>,
    pub inline_code: Vec<Spanned>,
    pub code_blocks: Vec<CodeBlock>,
    pub imports: Vec<Spanned>,
}

#[derive(Debug, PartialEq)]
pub struct Heading {
    pub level: u8,
    pub text: String,
    pub span: Range<usize>,
}

#[derive(Debug, PartialEq)]
pub struct Link {
    pub dest: String,
    pub span: Range<usize>,
}

#[derive(Debug, PartialEq)]
pub struct Spanned {
    pub text: String,
    pub span: Range<usize>,
}

#[derive(Debug, PartialEq)]
pub struct CodeBlock {
    /// The info string's first word (`bash` in ```` ```bash ````), empty when absent.
    pub lang: String,
    pub span: Range<usize>,
}

/// Parses `text[body_start..]` (after any front matter); spans are offsets in `text`.
pub fn parse(text: &str, body_start: usize) -> Outline {
    let body = &text[body_start..];
    let mut out = Outline::default();
    let mut code_ranges: Vec<Range<usize>> = Vec::new();
    let mut heading: Option<(u8, String, usize)> = None;
    let shift = |r: Range<usize>| r.start + body_start..r.end + body_start;

    for (event, range) in Parser::new_ext(body, Options::ENABLE_TABLES).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                heading = Some((level_num(level), String::new(), range.start))
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, text, start)) = heading.take() {
                    out.headings.push(Heading {
                        level,
                        text: text.trim().to_string(),
                        span: shift(start..range.end),
                    });
                }
            }
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                out.links.push(Link {
                    dest: dest_url.to_string(),
                    span: shift(range),
                });
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    pulldown_cmark::CodeBlockKind::Fenced(info) => {
                        info.split_whitespace().next().unwrap_or("").to_string()
                    }
                    pulldown_cmark::CodeBlockKind::Indented => String::new(),
                };
                code_ranges.push(range.clone());
                out.code_blocks.push(CodeBlock {
                    lang,
                    span: shift(range),
                });
            }
            Event::Code(code) => {
                if let Some((_, text, _)) = heading.as_mut() {
                    text.push_str(&code);
                }
                code_ranges.push(range.clone());
                out.inline_code.push(Spanned {
                    text: code.to_string(),
                    span: shift(range),
                });
            }
            Event::Text(t) => {
                if let Some((_, text, _)) = heading.as_mut() {
                    text.push_str(&t);
                }
            }
            Event::Html(_) | Event::InlineHtml(_) => code_ranges.push(range),
            _ => {}
        }
    }
    code_ranges.sort_by_key(|r| r.start);
    out.imports = imports(body, &code_ranges)
        .into_iter()
        .map(|s| Spanned {
            text: s.text,
            span: shift(s.span),
        })
        .collect();
    out
}

fn level_num(level: HeadingLevel) -> u8 {
    level as u8
}

/// `@path` tokens at the start of a line or after whitespace, outside code and HTML.
fn imports(body: &str, excluded: &[Range<usize>]) -> Vec<Spanned> {
    let bytes = body.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while let Some(off) = body[i..].find('@') {
        let at = i + off;
        i = at + 1;
        if at > 0 && !bytes[at - 1].is_ascii_whitespace() {
            continue;
        }
        if excluded.iter().any(|r| r.contains(&at)) {
            continue;
        }
        let end = body[at + 1..]
            .find(|c: char| c.is_whitespace())
            .map_or(body.len(), |e| at + 1 + e);
        let token =
            body[at + 1..end].trim_end_matches(['.', ',', ';', ':', ')', ']', '!', '?', '"', '\'']);
        let looks_like_path = token.starts_with(['.', '/', '~']) || token.contains(['/', '.']);
        if !token.is_empty() && looks_like_path {
            found.push(Spanned {
                text: token.to_string(),
                span: at..at + 1 + token.len(),
            });
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outline_of_a_context_file() {
        let text = "---\nx: 1\n---\n# Project `api`\n\nSee @AGENTS.md and [docs](docs/a.md).\nRun `npm test`.\n\n```bash\n@not/an/import\n```\nmail me@example.com, or @~/notes.md.\n## Security\n";
        let outline = parse(text, 13);
        let h: Vec<_> = outline
            .headings
            .iter()
            .map(|h| (h.level, h.text.as_str()))
            .collect();
        assert_eq!(h, [(1, "Project api"), (2, "Security")]);
        assert_eq!(
            &text[outline.headings[0].span.clone()].trim_end(),
            &"# Project `api`"
        );
        assert_eq!(outline.links[0].dest, "docs/a.md");
        assert_eq!(
            outline
                .inline_code
                .iter()
                .map(|c| c.text.as_str())
                .collect::<Vec<_>>(),
            ["api", "npm test"]
        );
        assert_eq!(outline.code_blocks[0].lang, "bash");
        let imports: Vec<_> = outline.imports.iter().map(|i| i.text.as_str()).collect();
        assert_eq!(imports, ["AGENTS.md", "~/notes.md"]);
        assert_eq!(&text[outline.imports[0].span.clone()], "@AGENTS.md");
    }
}
