//! The pipeline for one file: bytes → Markdown blocks → flowcharts →
//! diagnostics. Owns the order of the stages and the span rebasing between
//! them; prints nothing.

use crate::config::Settings;
use crate::diagnostic::FileReport;
use crate::flowchart::{self, DiagramKind};
use crate::markdown;
use crate::rules;
use std::sync::Arc;

/// Check one file's bytes. `path` is how the user named it; `standalone` is
/// true for `.mmd` / `.mermaid` files.
pub fn check_bytes(path: &str, bytes: &[u8], standalone: bool, settings: &Settings) -> FileReport {
    let (text, read_error) = match std::str::from_utf8(bytes) {
        Ok(t) => (t.to_string(), None),
        Err(e) => (
            String::from_utf8_lossy(bytes).into_owned(),
            Some(format!("not valid UTF-8 at byte {}", e.valid_up_to())),
        ),
    };
    let mut report = FileReport {
        path: path.to_string(),
        source: Arc::from(text.as_str()),
        diagrams: 0,
        diagnostics: Vec::new(),
        read_error,
    };
    if report.read_error.is_some() {
        return report;
    }
    for block in markdown::find_blocks(&text, standalone, &settings.blocks) {
        let parsed = flowchart::parse(&block.text);
        if parsed.kind != DiagramKind::Flowchart {
            continue;
        }
        report.diagrams += 1;
        for err in &parsed.errors {
            let mut err = err.clone();
            err.span = block.map.span(err.span);
            report
                .diagnostics
                .push(rules::parse_error::diagnostic(&err));
        }
        if let Some(mut diagram) = parsed.diagram {
            diagram.map_spans(|s| block.map.span(s));
            report.diagnostics.extend(rules::check_block(
                &diagram,
                settings,
                &block.leading_comments,
            ));
        }
    }
    crate::suppress::apply_path_ignores(&mut report.diagnostics, path, &settings.per_path_ignores);
    report
        .diagnostics
        .sort_by(|a, b| (a.span.start, a.rule).cmp(&(b.span.start, b.rule)));
    report
}
