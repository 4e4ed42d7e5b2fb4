//! `exclude:` globs of `.agentgate.yaml`, as the walk and the git index apply them.

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

/// Exclude globs, gitignore-style: a pattern without `/` matches at any depth, and a pattern
/// that matches a directory excludes everything below it.
#[derive(Debug, Default, Clone)]
pub struct Excludes {
    /// Directory of the config file relative to the project root (`""` at the root).
    base: String,
    set: Option<GlobSet>,
}

impl Excludes {
    pub fn new(base: &str, patterns: &[String]) -> Result<Self, globset::Error> {
        if patterns.is_empty() {
            return Ok(Self {
                base: base.to_string(),
                set: None,
            });
        }
        let mut builder = GlobSetBuilder::new();
        for p in patterns {
            for glob in Self::compile_one(p)? {
                builder.add(glob);
            }
        }
        Ok(Self {
            base: base.trim_matches('/').to_string(),
            set: Some(builder.build()?),
        })
    }

    pub fn compile_one(pattern: &str) -> Result<Vec<globset::Glob>, globset::Error> {
        let p = pattern.trim_start_matches("./").trim_end_matches('/');
        let p = match p.strip_prefix('/') {
            Some(anchored) => anchored.to_string(),
            None if !p.contains('/') => format!("**/{p}"),
            None => p.to_string(),
        };
        let build = |g: &str| GlobBuilder::new(g).literal_separator(true).build();
        Ok(vec![build(&p)?, build(&format!("{p}/**"))?])
    }

    /// `path` is project-relative and `/`-separated.
    pub fn is_excluded(&self, path: &str) -> bool {
        let Some(set) = &self.set else { return false };
        let rel = if self.base.is_empty() {
            path
        } else {
            match path
                .strip_prefix(&self.base)
                .and_then(|r| r.strip_prefix('/'))
            {
                Some(r) => r,
                None => return false,
            }
        };
        set.is_match(rel)
    }
}
