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
    /// The least confidence a single-point-of-failure finding needs to be
    /// reported (SPEC §3: thin evidence is not reported by default).
    pub min_confidence: crate::cli::Confidence,
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
    /// How Mermaid blocks are parsed (Mermaid's edge limit: `max-edges`).
    pub parse: crate::flowchart::ParseOptions,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            analyse: AnalyseMode::Auto,
            dotted_links_hard: false,
            min_confidence: crate::cli::Confidence::High,
            blocks: crate::markdown::BlockOptions::default(),
            levels: BTreeMap::new(),
            vocab: crate::vocab::Vocab::shared(),
            per_path_ignores: Vec::new(),
            parse: crate::flowchart::ParseOptions::default(),
        }
    }
}

// ---------------------------------------------------------------------------
// Loading `spoflint.toml` (owned by the CLI: discovery, validation, merging
// with command-line flags).

use crate::cli::{CheckArgs, Confidence, ConfigArgs, FailLevel};
use crate::error::{did_you_mean_help, Error};
use crate::rules::{self, RULES};
use crate::span::LineIndex;
use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use toml::Spanned;

/// Configuration file names, in the order they are looked for in each folder.
pub const CONFIG_FILE_NAMES: &[&str] = &["spoflint.toml", ".spoflint.toml"];

/// A rule level as written in a configuration file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LevelName {
    /// Not run.
    Off,
    /// Reported as a warning.
    Warning,
    /// Reported as an error.
    Error,
}

impl From<LevelName> for Level {
    fn from(l: LevelName) -> Self {
        match l {
            LevelName::Off => Level::Off,
            LevelName::Warning => Level::On(Severity::Warning),
            LevelName::Error => Level::On(Severity::Error),
        }
    }
}

/// `analyse = ...`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
enum AnalyseName {
    Auto,
    All,
}

/// `dotted-links = ...`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
enum DottedLinks {
    Soft,
    Hard,
}

type RuleLevels = Vec<(Spanned<String>, LevelName)>;

fn rule_levels<'de, D: serde::Deserializer<'de>>(d: D) -> Result<RuleLevels, D::Error> {
    let map: std::collections::BTreeMap<Spanned<String>, LevelName> =
        std::collections::BTreeMap::deserialize(d)?;
    let mut v: RuleLevels = map.into_iter().collect();
    v.sort_by_key(|(k, _)| k.span().start);
    Ok(v)
}

/// `[vocabulary]`: extensions of the built-in vocabulary.
///
/// Merged into the built-in vocabulary once, when the file is read
/// ([`crate::vocab::Vocab::with_config`]); a bad value is a config error.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawVocabulary {
    /// Extra kind words.
    pub kinds: Option<toml::Value>,
    /// Extra classes that mark a node as redundant.
    pub redundant_classes: Option<toml::Value>,
    /// Extra managed-service names.
    pub managed_services: Option<toml::Value>,
    /// Extra external-service names.
    pub external_services: Option<toml::Value>,
    /// Extra region patterns.
    pub region_patterns: Option<toml::Value>,
}

/// One `[[overrides]]` table.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOverride {
    paths: Spanned<Vec<Spanned<String>>>,
    #[serde(default, deserialize_with = "rule_levels")]
    rules: RuleLevels,
}

/// The file as written.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    #[serde(default)]
    exclude: Vec<Spanned<String>>,
    #[serde(default)]
    select: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    ignore: Vec<Spanned<String>>,
    #[serde(default, deserialize_with = "rule_levels")]
    rules: RuleLevels,
    analyse: Option<AnalyseName>,
    mermaid_info_strings: Option<Vec<String>>,
    max_edges: Option<Spanned<usize>>,
    dotted_links: Option<DottedLinks>,
    min_confidence: Option<Confidence>,
    fail_level: Option<FailLevel>,
    #[serde(default)]
    vocabulary: RawVocabulary,
    #[serde(default)]
    overrides: Vec<RawOverride>,
    baseline: Option<PathBuf>,
}

/// A rule level set in a config file, resolved to a rule.
#[derive(Clone, Debug)]
struct RuleSetting {
    rule: &'static str,
    level: Level,
}

/// An `[[overrides]]` entry, compiled.
#[derive(Clone, Debug)]
struct Override {
    paths: GlobSet,
    rules: Vec<RuleSetting>,
}

/// A loaded, validated configuration file.
#[derive(Clone, Debug)]
pub struct Config {
    /// The file it came from.
    pub path: PathBuf,
    /// The folder its globs are relative to (the file's folder).
    pub root: PathBuf,
    /// `exclude` globs as written.
    pub exclude: Vec<String>,
    exclude_set: GlobSet,
    select: Option<Vec<&'static str>>,
    ignore: Vec<&'static str>,
    rules: Vec<RuleSetting>,
    analyse: Option<AnalyseMode>,
    info_strings: Option<Vec<String>>,
    max_edges: Option<usize>,
    dotted_hard: Option<bool>,
    min_confidence: Option<Confidence>,
    /// `fail-level`, if set.
    pub fail_level: Option<FailLevel>,
    /// The built-in vocabulary extended by `[vocabulary]`, if the file has one.
    pub vocab: Option<std::sync::Arc<crate::vocab::Vocab>>,
    overrides: Vec<Override>,
    /// `baseline`: the baseline file, relative paths resolved against
    /// this file's folder.
    pub baseline: Option<PathBuf>,
}

/// A helper that turns byte offsets into `Error::Config`.
struct Located<'a> {
    path: &'a Path,
    text: &'a str,
    index: LineIndex,
}

impl Located<'_> {
    fn error(&self, offset: usize, message: impl Into<String>, help: Option<String>) -> Error {
        let lc = self.index.line_col(self.text, offset);
        Error::Config {
            path: self.path.to_path_buf(),
            line: lc.line,
            column: lc.column,
            message: message.into(),
            help,
        }
    }

    fn rule(&self, name: &Spanned<String>) -> Result<&'static str, Error> {
        rules::find(name.get_ref()).map(|r| r.name).ok_or_else(|| {
            self.error(
                name.span().start,
                format!("unknown rule `{}`", name.get_ref()),
                rule_help(name.get_ref()),
            )
        })
    }

    fn globs(&self, globs: &[Spanned<String>]) -> Result<GlobSet, Error> {
        let mut b = GlobSetBuilder::new();
        for g in globs {
            let glob = Glob::new(g.get_ref()).map_err(|e| {
                self.error(
                    g.span().start,
                    format!("invalid glob `{}`: {}", g.get_ref(), e.kind()),
                    None,
                )
            })?;
            b.add(glob);
        }
        b.build()
            .map_err(|e| self.error(0, format!("invalid globs: {e}"), None))
    }
}

/// The did-you-mean hint for an unknown rule name or code.
pub fn rule_help(name: &str) -> Option<String> {
    did_you_mean_help(name, RULES.iter().flat_map(|r| [r.name, r.code]))
        .or_else(|| Some("`spoflint rules` lists the rules".to_string()))
}

/// Names inside backticks in a serde message: "unknown field `x`, expected one of `a`, `b`".
fn backticked(message: &str) -> Vec<&str> {
    message.split('`').skip(1).step_by(2).collect()
}

/// Turn a toml/serde error into a config error with position and hint.
fn toml_error(loc: &Located<'_>, e: &toml::de::Error) -> Error {
    let message = e.message().trim().to_string();
    let offset = e.span().map_or(0, |s| s.start);
    let help = if message.starts_with("unknown field") || message.starts_with("unknown variant") {
        let names = backticked(&message);
        match names.split_first() {
            Some((word, candidates)) => did_you_mean_help(word, candidates.iter().copied()),
            None => None,
        }
    } else {
        None
    };
    // serde says "field"; users of a TOML file think in keys.
    let message = if message == "wanted string or table" {
        // toml's words for a non-string where a level or mode is expected.
        "expected a quoted string".to_string()
    } else {
        message
            .replace("unknown field", "unknown key")
            .replace("missing field", "missing key")
    };
    loc.error(offset, message, help)
}

impl Config {
    /// Read and validate the configuration file at `path`.
    pub fn load(path: &Path) -> Result<Config, Error> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::Io {
            path: path.display().to_string(),
            message: crate::error::io_message(&e),
        })?;
        Config::parse(path, &text)
    }

    /// Validate configuration `text` read from `path`.
    pub fn parse(path: &Path, text: &str) -> Result<Config, Error> {
        let loc = Located {
            path,
            text,
            index: LineIndex::new(text),
        };
        let raw: RawConfig = toml::from_str(text).map_err(|e| toml_error(&loc, &e))?;
        let rules_of = |list: &[Spanned<String>]| -> Result<Vec<&'static str>, Error> {
            list.iter().map(|n| loc.rule(n)).collect()
        };
        let settings_of = |list: &RuleLevels| -> Result<Vec<RuleSetting>, Error> {
            list.iter()
                .map(|(name, level)| {
                    Ok(RuleSetting {
                        rule: loc.rule(name)?,
                        level: (*level).into(),
                    })
                })
                .collect()
        };
        let mut overrides = Vec::new();
        for o in &raw.overrides {
            if o.paths.get_ref().is_empty() {
                return Err(loc.error(
                    o.paths.span().start,
                    "`paths` of an override must name at least one glob",
                    None,
                ));
            }
            overrides.push(Override {
                paths: loc.globs(o.paths.get_ref())?,
                rules: settings_of(&o.rules)?,
            });
        }
        let vocab = vocabulary_of(&loc, &raw.vocabulary)?;
        let root = path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        Ok(Config {
            path: path.to_path_buf(),
            exclude: raw.exclude.iter().map(|g| g.get_ref().clone()).collect(),
            exclude_set: loc.globs(&raw.exclude)?,
            select: raw.select.as_deref().map(rules_of).transpose()?,
            ignore: rules_of(&raw.ignore)?,
            rules: settings_of(&raw.rules)?,
            analyse: raw.analyse.map(|a| match a {
                AnalyseName::Auto => AnalyseMode::Auto,
                AnalyseName::All => AnalyseMode::All,
            }),
            info_strings: raw.mermaid_info_strings,
            max_edges: match raw.max_edges {
                Some(m) if *m.get_ref() == 0 => {
                    return Err(loc.error(
                        m.span().start,
                        "`max-edges` must be at least 1",
                        Some("Mermaid's default is 500".into()),
                    ))
                }
                m => m.map(|m| *m.get_ref()),
            },
            dotted_hard: raw.dotted_links.map(|d| d == DottedLinks::Hard),
            min_confidence: raw.min_confidence,
            fail_level: raw.fail_level,
            vocab,
            overrides,
            baseline: raw.baseline.map(|b| root.join(b)),
            root,
        })
    }

    /// `path` relative to this file's folder, when it is inside it.
    fn relative<'p>(&self, path: &'p Path) -> Option<&'p Path> {
        path.strip_prefix(&self.root).ok()
    }

    /// Whether the settings this file gives depend on the checked file's
    /// path (only `[[overrides]]` do), so they cannot be shared by all files.
    pub fn settings_vary_by_path(&self) -> bool {
        !self.overrides.is_empty()
    }

    /// Whether `exclude` leaves `path` (absolute, normalised) out.
    pub fn excludes(&self, path: &Path) -> bool {
        self.relative(path).is_some_and(|rel| {
            rel.ancestors()
                .filter(|a| !a.as_os_str().is_empty())
                .any(|a| self.exclude_set.is_match(a))
        })
    }
}

/// Rules named on the command line, resolved.
fn cli_rules(names: &[String]) -> Result<Vec<&'static str>, Error> {
    names
        .iter()
        .filter(|n| !n.trim().is_empty())
        .map(|n| {
            rules::find(n.trim())
                .map(|r| r.name)
                .ok_or_else(|| Error::UnknownRule {
                    name: n.clone(),
                    help: rule_help(n.trim()),
                })
        })
        .collect()
}

/// Where configuration comes from for a run, with a per-folder cache of
/// discovered files.
#[derive(Clone, Debug)]
pub struct Resolver {
    cwd: PathBuf,
    fixed: Option<Option<Arc<Config>>>,
    cache: HashMap<PathBuf, Option<Arc<Config>>>,
    /// The folder of the last file looked up, as named, and its answer: a
    /// walk hands over a folder's files one after another, and comparing
    /// the folder's bytes costs far less than making the path absolute and
    /// hashing it for `cache` (a tenth of the walk's time otherwise).
    last: Option<(PathBuf, Option<Arc<Config>>)>,
    select: Vec<&'static str>,
    ignore: Vec<&'static str>,
    all: bool,
    dotted_hard: bool,
    min_confidence: Option<Confidence>,
    /// Every configuration file this resolver has read (absolute, as
    /// found): `--output-file` must not replace one of them.
    read: Vec<PathBuf>,
    /// Configuration files found above a repository's root (a folder
    /// holding `.git`) and used for its files, with that root: said on
    /// standard error, since a stray file there silently changed runs.
    outside: Vec<(PathBuf, PathBuf)>,
}

/// `path` made absolute against `cwd`, with `.` and `..` removed lexically.
pub fn normalize(cwd: &Path, path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in cwd.join(path).components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

impl Resolver {
    /// A resolver for the `check` flags (`select`/`ignore` checked here).
    pub fn for_check(args: &CheckArgs, cwd: &Path) -> Result<Resolver, Error> {
        let mut r = Resolver::new(&args.config, cwd)?;
        r.select = cli_rules(&args.select)?;
        r.ignore = cli_rules(&args.ignore)?;
        Ok(r)
    }

    /// A resolver for the settings flags alone.
    pub fn new(args: &ConfigArgs, cwd: &Path) -> Result<Resolver, Error> {
        let mut read = Vec::new();
        let fixed = if args.isolated {
            Some(None)
        } else if let Some(p) = &args.config {
            read.push(normalize(cwd, p));
            Some(Some(Arc::new(Config::load(p)?)))
        } else {
            None
        };
        Ok(Resolver {
            cwd: cwd.to_path_buf(),
            fixed,
            cache: HashMap::new(),
            last: None,
            select: Vec::new(),
            ignore: Vec::new(),
            all: args.all,
            dotted_hard: args.dotted_hard,
            min_confidence: args.min_confidence,
            read,
            outside: Vec::new(),
        })
    }

    /// The configuration files read so far (absolute).
    pub fn files_read(&self) -> &[PathBuf] {
        &self.read
    }

    /// Configuration files used for files of a repository whose root (the
    /// folder holding `.git`) is below them, with that root, in the order
    /// found (each pair once).
    pub fn outside_repository(&self) -> &[(PathBuf, PathBuf)] {
        &self.outside
    }

    /// The configuration for a file at `path` (as the user named it):
    /// `--config`, none with `--isolated`, else the nearest
    /// `spoflint.toml` / `.spoflint.toml` in its folder or above.
    pub fn config_for(&mut self, path: &Path) -> Result<Option<Arc<Config>>, Error> {
        if let Some(fixed) = &self.fixed {
            return Ok(fixed.clone());
        }
        let named_dir = path.parent();
        if let (Some(d), Some((last, found))) = (named_dir, &self.last) {
            if d.as_os_str() == last.as_os_str() {
                return Ok(found.clone());
            }
        }
        let abs = normalize(&self.cwd, path);
        let dir = abs.parent().unwrap_or(&abs).to_path_buf();
        let found = self.config_in(&dir)?;
        if let Some(d) = named_dir {
            self.last = Some((d.to_path_buf(), found.clone()));
        }
        Ok(found)
    }

    /// The configuration that applies in folder `dir` (absolute), cached.
    fn config_in(&mut self, dir: &Path) -> Result<Option<Arc<Config>>, Error> {
        if let Some(hit) = self.cache.get(dir) {
            return Ok(hit.clone());
        }
        let mut found = None;
        for name in CONFIG_FILE_NAMES {
            let candidate = dir.join(name);
            if candidate.is_file() {
                self.read.push(candidate.clone());
                let shown = self.shown(&candidate);
                let mut c = Config::load(&candidate).map_err(|e| match e {
                    Error::Config {
                        line,
                        column,
                        message,
                        help,
                        ..
                    } => Error::Config {
                        path: shown.clone(),
                        line,
                        column,
                        message,
                        help,
                    },
                    other => other,
                })?;
                c.root = dir.to_path_buf();
                found = Some(Some(Arc::new(c)));
                break;
            }
        }
        let result = match found {
            Some(c) => c,
            None => match dir.parent() {
                Some(up) => {
                    let above = self.config_in(up)?;
                    // Once per folder (the answer is cached below).
                    if let Some(c) = &above {
                        if dir.join(".git").exists() {
                            self.outside.push((c.path.clone(), dir.to_path_buf()));
                        }
                    }
                    above
                }
                None => None,
            },
        };
        self.cache.insert(dir.to_path_buf(), result.clone());
        Ok(result)
    }

    /// A path relative to the working folder when it is inside it.
    fn shown(&self, p: &Path) -> PathBuf {
        p.strip_prefix(&self.cwd)
            .map(Path::to_path_buf)
            .unwrap_or_else(|_| p.to_path_buf())
    }

    /// The configuration for the run as a whole (`--config`, or the one found
    /// from the working folder): its `exclude` and `fail-level` apply to the walk.
    pub fn root_config(&mut self) -> Result<Option<Arc<Config>>, Error> {
        if let Some(fixed) = &self.fixed {
            return Ok(fixed.clone());
        }
        let cwd = self.cwd.clone();
        self.config_in(&cwd)
    }

    /// The settings for the file at `path` under `config`.
    pub fn settings(&self, config: Option<&Config>, path: &Path) -> Settings {
        let mut s = Settings::default();
        let mut severity: BTreeMap<&str, Severity> =
            RULES.iter().map(|r| (r.name, r.default_severity)).collect();
        let mut enabled: BTreeMap<&str, bool> = RULES.iter().map(|r| (r.name, true)).collect();
        let apply = |list: &[RuleSetting],
                     severity: &mut BTreeMap<&str, Severity>,
                     enabled: &mut BTreeMap<&str, bool>| {
            for rs in list {
                match rs.level {
                    Level::Off => {
                        enabled.insert(rs.rule, false);
                    }
                    Level::On(sev) => {
                        enabled.insert(rs.rule, true);
                        severity.insert(rs.rule, sev);
                    }
                }
            }
        };
        if let Some(c) = config {
            if let Some(sel) = &c.select {
                for (name, on) in enabled.iter_mut() {
                    *on = sel.contains(name);
                }
            }
            for name in &c.ignore {
                enabled.insert(name, false);
            }
            apply(&c.rules, &mut severity, &mut enabled);
            let abs = normalize(&self.cwd, path);
            if let Some(rel) = c.relative(&abs) {
                for o in &c.overrides {
                    if o.paths.is_match(rel) {
                        apply(&o.rules, &mut severity, &mut enabled);
                    }
                }
            }
            if let Some(a) = c.analyse {
                s.analyse = a;
            }
            if let Some(d) = c.dotted_hard {
                s.dotted_links_hard = d;
            }
            if let Some(m) = c.min_confidence {
                s.min_confidence = m;
            }
            if let Some(m) = c.max_edges {
                s.parse.max_edges = m;
            }
            if let Some(i) = &c.info_strings {
                s.blocks.info_strings = i.clone();
            }
            if let Some(v) = &c.vocab {
                s.vocab = v.clone();
            }
        }
        if !self.select.is_empty() {
            for (name, on) in enabled.iter_mut() {
                *on = self.select.contains(name);
            }
        }
        for name in &self.ignore {
            enabled.insert(name, false);
        }
        if self.all {
            s.analyse = AnalyseMode::All;
        }
        if self.dotted_hard {
            s.dotted_links_hard = true;
        }
        if let Some(m) = self.min_confidence {
            s.min_confidence = m;
        }
        s.levels = RULES
            .iter()
            .map(|r| {
                let level = if enabled[r.name] {
                    Level::On(severity[r.name])
                } else {
                    Level::Off
                };
                (r.name.to_string(), level)
            })
            .collect();
        s
    }
}

/// The built-in vocabulary extended by `[vocabulary]`, or `None` when the
/// file does not extend it. Errors point at the `[vocabulary]` table.
fn vocabulary_of(
    loc: &Located<'_>,
    v: &RawVocabulary,
) -> Result<Option<std::sync::Arc<crate::vocab::Vocab>>, Error> {
    let given = [
        &v.kinds,
        &v.redundant_classes,
        &v.managed_services,
        &v.external_services,
        &v.region_patterns,
    ];
    if given.iter().all(|x| x.is_none()) {
        return Ok(None);
    }
    crate::vocab::Vocab::builtin()
        .with_config(
            v.kinds.as_ref(),
            v.redundant_classes.as_ref(),
            v.managed_services.as_ref(),
            v.external_services.as_ref(),
            v.region_patterns.as_ref(),
        )
        .map(|voc| Some(std::sync::Arc::new(voc)))
        .map_err(|message| {
            let at = loc.text.find("vocabulary").unwrap_or(0);
            loc.error(at, message, None)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, Error> {
        Config::parse(Path::new("spoflint.toml"), text)
    }

    fn message(e: Error) -> String {
        match &e {
            Error::Config { help, .. } => format!("{e} | {}", help.as_deref().unwrap_or("-")),
            other => other.to_string(),
        }
    }

    #[test]
    fn full_config_is_accepted() {
        let c = parse(
            r#"
exclude = ["vendor/**"]
select = ["parse-error"]
ignore = []
analyse = "all"
mermaid-info-strings = ["mermaid", "mmd"]
dotted-links = "hard"
fail-level = "warning"

[rules]
SPOF000 = "warning"

[vocabulary]
kinds = { database = ["db"] }

[[overrides]]
paths = ["legacy/**"]
rules = { parse-error = "off" }
"#,
        )
        .unwrap();
        assert_eq!(c.fail_level, Some(FailLevel::Warning));
        let r = Resolver::new(&ConfigArgs::default(), Path::new("/p")).unwrap();
        let s = r.settings(Some(&c), Path::new("a.md"));
        assert_eq!(s.analyse, AnalyseMode::All);
        assert!(s.dotted_links_hard);
        assert_eq!(s.levels["parse-error"], Level::On(Severity::Warning));
    }

    #[test]
    fn max_edges_follows_the_sites_mermaid_setting() {
        let c = parse("max-edges = 1000\n").unwrap();
        let s = Resolver::new(&ConfigArgs::default(), Path::new("/"))
            .unwrap()
            .settings(Some(&c), Path::new("/a.md"));
        assert_eq!(s.parse.max_edges, 1000);
        let default = Resolver::new(&ConfigArgs::default(), Path::new("/"))
            .unwrap()
            .settings(None, Path::new("/a.md"));
        assert_eq!(default.parse.max_edges, 500);
        let e = parse("max-edges = 0\n").unwrap_err();
        assert!(message(e).starts_with("spoflint.toml:1:13: `max-edges` must be at least 1"));
    }

    #[test]
    fn unknown_key_has_position_and_hint() {
        let e = parse("fail-level = \"error\"\nexlude = []\n").unwrap_err();
        assert_eq!(
            message(e),
            "spoflint.toml:2:1: unknown key `exlude`, expected one of `exclude`, `select`, \
             `ignore`, `rules`, `analyse`, `mermaid-info-strings`, `max-edges`, `dotted-links`, \
             `min-confidence`, `fail-level`, `vocabulary`, `overrides`, `baseline` | did you mean `exclude`?"
        );
    }

    #[test]
    fn bad_value_has_position_and_hint() {
        let e = parse("[rules]\nparse-error = \"eror\"\n").unwrap_err();
        let m = message(e);
        assert!(
            m.starts_with("spoflint.toml:2:15: unknown variant `eror`"),
            "{m}"
        );
        assert!(m.ends_with("did you mean `error`?"), "{m}");
    }

    #[test]
    fn level_that_is_not_a_string() {
        let e = parse("[rules]\nparse-error = 3\n").unwrap_err();
        assert_eq!(
            message(e),
            "spoflint.toml:2:15: expected a quoted string | -"
        );
    }

    #[test]
    fn unknown_rule_points_at_its_name() {
        let e = parse("[rules]\nparse-eror = \"off\"\n").unwrap_err();
        assert_eq!(
            message(e),
            "spoflint.toml:2:1: unknown rule `parse-eror` | did you mean `parse-error`?"
        );
    }

    #[test]
    fn override_applies_to_matching_paths_only() {
        let mut c = parse(
            "[[overrides]]\npaths = [\"legacy/**\"]\n[overrides.rules]\nparse-error = \"off\"\n",
        )
        .unwrap();
        c.root = PathBuf::from("/p");
        let r = Resolver::new(&ConfigArgs::default(), Path::new("/p")).unwrap();
        let off = r.settings(Some(&c), Path::new("legacy/old/a.md"));
        assert_eq!(off.levels["parse-error"], Level::Off);
        let on = r.settings(Some(&c), Path::new("docs/a.md"));
        assert_eq!(on.levels["parse-error"], Level::On(Severity::Error));
    }

    #[test]
    fn command_line_beats_the_file() {
        let c = parse("ignore = [\"parse-error\"]\nanalyse = \"auto\"\n").unwrap();
        let args = CheckArgs {
            select: vec!["SPOF000".into()],
            config: ConfigArgs {
                all: true,
                dotted_hard: true,
                ..ConfigArgs::default()
            },
            ..CheckArgs::default()
        };
        let r = Resolver::for_check(&args, Path::new("/p")).unwrap();
        let s = r.settings(Some(&c), Path::new("a.md"));
        assert_eq!(s.levels["parse-error"], Level::On(Severity::Error));
        assert_eq!(s.analyse, AnalyseMode::All);
        assert!(s.dotted_links_hard);
        let args = CheckArgs {
            ignore: vec!["parse-error".into()],
            ..CheckArgs::default()
        };
        let r = Resolver::for_check(&args, Path::new("/p")).unwrap();
        assert_eq!(
            r.settings(None, Path::new("a.md")).levels["parse-error"],
            Level::Off
        );
    }

    #[test]
    fn unknown_rule_on_the_command_line() {
        let args = CheckArgs {
            select: vec!["spof00".into()],
            ..CheckArgs::default()
        };
        let e = Resolver::for_check(&args, Path::new("/p")).unwrap_err();
        assert_eq!(e.to_string(), "unknown rule `spof00`");
        assert_eq!(e.help(), Some("did you mean `SPOF000`?"));
    }

    #[test]
    fn exclude_matches_folders_and_files() {
        let mut c = parse("exclude = [\"vendor\", \"*.draft.md\"]\n").unwrap();
        c.root = PathBuf::from("/p");
        assert!(c.excludes(Path::new("/p/vendor/x/a.md")));
        assert!(c.excludes(Path::new("/p/a.draft.md")));
        assert!(!c.excludes(Path::new("/p/docs/a.md")));
    }
}
