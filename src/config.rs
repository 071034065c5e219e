//! The settings a check runs with: defaults, overridden by `spoflint.toml`
//! and command-line flags. Owns what can be configured; reads no files yet.

use crate::diagnostic::Severity;
use std::collections::BTreeMap;

/// Which flowcharts are analysed for failure points.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum AnalyseMode {
    /// Those that look like architectures (SPEC §5).
    #[default]
    Auto,
    /// Every flowchart.
    All,
}

/// A rule's configured level.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// Not run.
    Off,
    /// Reported at this severity.
    On(Severity),
}

/// Everything a check needs to know besides the file.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Which diagrams are analysed.
    pub analyse: AnalyseMode,
    /// Whether dotted links are dependencies (SPEC §1: soft by default).
    pub dotted_links_hard: bool,
    /// Fence info strings that count as Mermaid.
    pub blocks: crate::markdown::BlockOptions,
    /// Per-rule level overrides, by rule name.
    pub levels: BTreeMap<String, Level>,
    /// The vocabulary (kind words, redundant classes, managed services, ...):
    /// the built-in one, or `Vocab::extended(toml)` with the config's additions.
    pub vocab: std::sync::Arc<crate::vocab::Vocab>,
    /// Path-based suppressions (config `per-path-ignores`), applied to whole
    /// files by `check::check_bytes`.
    pub per_path_ignores: Vec<crate::suppress::PathIgnore>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            analyse: AnalyseMode::Auto,
            dotted_links_hard: false,
            blocks: crate::markdown::BlockOptions::default(),
            levels: BTreeMap::new(),
            vocab: crate::vocab::Vocab::shared(),
            per_path_ignores: Vec::new(),
        }
    }
}
