//! Turns the paths a user names into the list of files to check. Owns which
//! files are Markdown or Mermaid and which folders and files are skipped;
//! reads no file's content beyond ignore files.
//!
//! Rules, as ripgrep, typos and ruff apply them:
//!
//! - a file named explicitly is always checked, whatever its extension and
//!   even if an ignore file or `exclude` would leave it out (the check
//!   applies `exclude` to it with `--force-exclude`, through [`Excluder`]);
//! - a folder is walked in the order its files are reported (by the bytes
//!   of their paths; see [`in_report_order`]), keeping files whose
//!   extension is in [`EXTENSIONS`]; folders whose name starts with `.`
//!   (so `.git`), `node_modules` and `target` are not entered;
//! - `.gitignore` and `.ignore` files are obeyed, nested ones included, with
//!   negations (`!keep.md`), `.ignore` winning over `.gitignore` in the same
//!   folder and deeper folders over shallower ones; the ignore files of the
//!   folders above the walked one count too, up to the root of the Git
//!   repository holding it, as does that repository's `.git/info/exclude`.
//!   They are obeyed in or out of a Git repository. `no_ignore` turns all of
//!   this off;
//! - `exclude` globs use gitignore syntax relative to each walked folder: a
//!   glob without a `/` matches a file or folder name at any depth
//!   (`generated`, `*.gen.md`, as ruff's `exclude`), a glob with a `/` is
//!   anchored at the walked folder (`docs/old/**`), a trailing `/` matches
//!   folders only, `!` re-includes;
//! - symbolic links are not followed unless asked (`follow_symlinks`); a
//!   link loop is reported, never walked round;
//! - a path that does not exist, an unreadable folder or an entry that
//!   vanishes during the walk becomes a [`WalkError`] and the walk goes on.

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use ignore::Match;
use std::cmp::Ordering;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// File name endings that are checked when a folder is walked.
pub const EXTENSIONS: &[&str] = &["md", "markdown", "mdx", "mmd", "mermaid"];

/// Folder names never entered (besides hidden ones).
const SKIP_DIRS: &[&str] = &["node_modules", "target"];

/// Ignore files read in every walked folder, weakest first.
const IGNORE_FILES: &[&str] = &[".gitignore", ".ignore"];

/// A file to check.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Target {
    /// The path as it should be shown.
    pub path: PathBuf,
    /// A symbolic link with a checked extension met in a walked folder and
    /// not followed: not read, but said (it was once left out without a word).
    pub unfollowed_link: bool,
}

/// A path that could not be walked.
#[derive(Clone, Debug)]
pub struct WalkError {
    /// The path.
    pub path: PathBuf,
    /// Why.
    pub message: String,
}

fn has_checked_extension(p: &Path) -> bool {
    p.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.iter().any(|x| x.eq_ignore_ascii_case(e)))
}

/// Siblings in the order the report lists files: by the bytes of the
/// paths they lead to, a folder standing for its name followed by `/`. So
/// the folder `b` comes after `b-c.md` and `b.md` (`-` and `.` are below
/// `/`) and before `b0.md`, and a walk of one folder reaches its files in
/// exactly the report's order: the report is written as the files are
/// checked, with nothing kept per file (`pipeline::Order::Pushed`).
///
/// Siblings share their folder's path, so comparing whole paths orders
/// them by name, without taking each path apart at every comparison (which
/// cost a third of the walk). A name that is not UTF-8 is compared as it is
/// shown, with `�` for what is not UTF-8.
fn in_report_order(a: &walkdir::DirEntry, b: &walkdir::DirEntry) -> Ordering {
    let (x, y) = (a.path().as_os_str(), b.path().as_os_str());
    let (a_dir, b_dir) = (a.file_type().is_dir(), b.file_type().is_dir());
    // ASCII (nearly every path) is checked faster than UTF-8; valid UTF-8
    // is shown (and borrowed) as it is.
    if x.is_ascii() && y.is_ascii() {
        return key_order(x.as_encoded_bytes(), a_dir, y.as_encoded_bytes(), b_dir);
    }
    let (x, y) = (x.to_string_lossy(), y.to_string_lossy());
    key_order(x.as_bytes(), a_dir, y.as_bytes(), b_dir)
}

/// Orders `x` and `y`, each followed by `/` if it is a folder's.
fn key_order(x: &[u8], x_dir: bool, y: &[u8], y_dir: bool) -> Ordering {
    let common = x.len().min(y.len());
    match x[..common].cmp(&y[..common]) {
        Ordering::Equal => {}
        o => return o,
    }
    // One is the start of the other: the byte after it decides, a folder's
    // `/` or nothing (the end of a file's name, which comes first).
    let after = |s: &[u8], dir: bool| s.get(common).copied().or(dir.then_some(b'/'));
    after(x, x_dir).cmp(&after(y, y_dir))
}

fn is_skipped_dir(name: &str) -> bool {
    (name.starts_with('.') && name != "." && name != "..") || SKIP_DIRS.contains(&name)
}

/// How folders are walked.
#[derive(Clone, Debug, Default)]
pub struct WalkOptions {
    /// Do not read `.gitignore` / `.ignore` files (`--no-ignore`).
    pub no_ignore: bool,
    /// Globs of paths to leave out (`--exclude`, config `exclude`), in
    /// gitignore syntax relative to each walked folder.
    pub exclude: Vec<String>,
    /// Follow symbolic links (off by default).
    pub follow_symlinks: bool,
}

/// `--exclude` globs matched against any path, relative to the working
/// folder (`--force-exclude`: the walk matches them relative to each
/// walked folder, and never against a path named on the command line). A
/// glob without a `/` matches a file or folder name at any depth, as in
/// the walk; a glob that does not parse is left out (the walk reports it).
#[derive(Debug)]
pub struct Excluder {
    cwd: PathBuf,
    matcher: Gitignore,
}

impl Excluder {
    /// The globs, relative to `cwd` (absolute).
    pub fn new(cwd: &Path, globs: &[String]) -> Self {
        let mut b = GitignoreBuilder::new(cwd);
        for g in globs {
            let _ = b.add_line(None, g);
        }
        Excluder {
            cwd: cwd.to_path_buf(),
            matcher: b.build().unwrap_or_else(|_| Gitignore::empty()),
        }
    }

    /// Whether the file at `abs` (absolute, normalised), or a folder it
    /// lies in, matches. A file outside the working folder is matched by
    /// its name alone.
    pub fn excludes(&self, abs: &Path) -> bool {
        if self.matcher.is_empty() {
            return false;
        }
        match abs.strip_prefix(&self.cwd) {
            Ok(rel) if !rel.as_os_str().is_empty() => self
                .matcher
                .matched_path_or_any_parents(rel, false)
                .is_ignore(),
            _ => abs
                .file_name()
                .is_some_and(|n| self.matcher.matched(Path::new(n), false).is_ignore()),
        }
    }
}

/// Expand `paths` into files: named files always, folders walked in sorted
/// order with the skipping rules of the module docs. Files come out in the
/// order of `paths`, each folder's sorted, a file reached twice only once.
pub fn collect(paths: &[PathBuf], opts: &WalkOptions) -> (Vec<Target>, Vec<WalkError>) {
    let mut files = Vec::new();
    let errors = visit(paths, opts, &mut |t| files.push(t));
    (files, errors)
}

/// [`collect`], handing each file to `found` as soon as the walk reaches
/// it (so the files can be checked while the walk goes on).
pub fn visit(
    paths: &[PathBuf],
    opts: &WalkOptions,
    found: &mut dyn FnMut(Target),
) -> Vec<WalkError> {
    let mut errors = Vec::new();
    // One path walked reaches each file once; only several can overlap.
    let mut seen = (paths.len() > 1).then(HashSet::new);
    let mut once = |t: Target| {
        let new = match seen.as_mut() {
            Some(s) => s.insert(t.path.clone()),
            None => true,
        };
        if new {
            found(t);
        }
    };
    for root in paths {
        match std::fs::metadata(root) {
            Err(e) => errors.push(WalkError {
                path: root.clone(),
                message: e.to_string(),
            }),
            Ok(m) if m.is_dir() => walk_dir(root, opts, &mut once, &mut errors),
            Ok(_) => once(Target {
                path: root.clone(),
                unfollowed_link: false,
            }),
        }
    }
    errors
}

/// The ignore files of one folder, and the depth of that folder in the walk
/// (they apply to entries deeper than it).
struct Level {
    depth: usize,
    matcher: Gitignore,
}

fn walk_dir(
    root: &Path,
    opts: &WalkOptions,
    found: &mut dyn FnMut(Target),
    errors: &mut Vec<WalkError>,
) {
    // Matchers see absolute paths, so those built for folders above `root`
    // and those built inside it agree on what a path is relative to.
    let abs_root = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
    let exclude = exclude_matcher(&abs_root, &opts.exclude, root, errors);
    let mut outer = if opts.no_ignore {
        Vec::new()
    } else {
        outer_matchers(&abs_root)
    };
    // Matchers without a rule say nothing: dropped, so a tree without
    // ignore files or excludes (common) needs no absolute path per file.
    outer.retain(|m| !m.is_empty());
    let mut levels: Vec<Level> = Vec::new();
    let mut it = WalkDir::new(root)
        .follow_links(opts.follow_symlinks)
        .sort_by(in_report_order)
        .into_iter();
    loop {
        let entry = match it.next() {
            None => break,
            Some(Ok(e)) => e,
            Some(Err(e)) => {
                errors.push(WalkError {
                    path: e
                        .path()
                        .map_or_else(|| root.to_path_buf(), Path::to_path_buf),
                    message: e.to_string(),
                });
                continue;
            }
        };
        let depth = entry.depth();
        while levels.last().is_some_and(|l| l.depth >= depth) {
            levels.pop();
        }
        let is_dir = entry.file_type().is_dir();
        let abs = || match entry.path().strip_prefix(root) {
            Ok(rel) if depth > 0 => abs_root.join(rel),
            _ => abs_root.clone(),
        };
        if depth > 0 {
            if is_dir && is_skipped_dir(&entry.file_name().to_string_lossy()) {
                it.skip_current_dir();
                continue;
            }
            let ruled = !exclude.is_empty() || !levels.is_empty() || !outer.is_empty();
            if ruled {
                let abs = abs();
                let excluded = exclude.matched(&abs, is_dir).is_ignore();
                let ignored = !opts.no_ignore && is_ignored(&levels, &outer, &abs, is_dir);
                if excluded || ignored {
                    if is_dir {
                        it.skip_current_dir();
                    }
                    continue;
                }
            }
        }
        if is_dir {
            if !opts.no_ignore {
                let matcher = dir_matcher(entry.path(), &abs());
                if !matcher.is_empty() {
                    levels.push(Level { depth, matcher });
                }
            }
        } else if entry.file_type().is_file() && has_checked_extension(entry.path()) {
            found(Target {
                path: entry.into_path(),
                unfollowed_link: false,
            });
        } else if entry.path_is_symlink() && has_checked_extension(entry.path()) {
            found(Target {
                path: entry.into_path(),
                unfollowed_link: true,
            });
        }
    }
}

/// Whether the ignore files say `abs` is ignored: the deepest folder that
/// has a say decides (an ignore or a `!` negation), then the folders above
/// the walk.
fn is_ignored(levels: &[Level], outer: &[Gitignore], abs: &Path, is_dir: bool) -> bool {
    let inner = levels.iter().rev().map(|l| &l.matcher);
    for m in inner.chain(outer.iter()) {
        match m.matched(abs, is_dir) {
            Match::None => continue,
            Match::Ignore(_) => return true,
            Match::Whitelist(_) => return false,
        }
    }
    false
}

/// The `.gitignore` and `.ignore` of folder `dir` (known as `abs`), later
/// lines and files winning. Lines that are not valid globs are skipped, as
/// Git skips them.
fn dir_matcher(dir: &Path, abs: &Path) -> Gitignore {
    let mut b = GitignoreBuilder::new(abs);
    for name in IGNORE_FILES {
        let f = dir.join(name);
        if f.is_file() {
            let _ = b.add(f);
        }
    }
    b.build().unwrap_or_else(|_| Gitignore::empty())
}

/// The ignore files of the folders above `abs_root`, deepest first, up to
/// the root of the Git repository holding it, then that repository's
/// `.git/info/exclude`. None outside a Git repository (a stray
/// `~/.gitignore` must not hide a project's docs). Includes `abs_root`'s own
/// `.git/info/exclude` when it is the repository root.
fn outer_matchers(abs_root: &Path) -> Vec<Gitignore> {
    let mut out = Vec::new();
    let mut dir = Some(abs_root);
    let mut first = true;
    while let Some(d) = dir {
        if !first {
            out.push(dir_matcher(d, d));
        }
        first = false;
        if d.join(".git").exists() {
            let mut b = GitignoreBuilder::new(d);
            let exclude = d.join(".git").join("info").join("exclude");
            if exclude.is_file() {
                let _ = b.add(exclude);
            }
            out.push(b.build().unwrap_or_else(|_| Gitignore::empty()));
            return out;
        }
        dir = d.parent();
    }
    Vec::new()
}

/// The `exclude` globs, relative to the walked folder. A glob that does not
/// parse is reported once and left out.
fn exclude_matcher(
    abs_root: &Path,
    globs: &[String],
    root: &Path,
    errors: &mut Vec<WalkError>,
) -> Gitignore {
    let mut b = GitignoreBuilder::new(abs_root);
    for g in globs {
        if let Err(e) = b.add_line(None, g) {
            errors.push(WalkError {
                path: root.to_path_buf(),
                message: format!("invalid exclude glob {g:?}: {e}"),
            });
        }
    }
    b.build().unwrap_or_else(|_| Gitignore::empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excluder_matches_as_the_walk_does_from_the_working_folder() {
        let cwd = Path::new("/p");
        let globs = [
            "drafts".to_string(),
            "docs/old/**".into(),
            "*.gen.md".into(),
        ];
        let x = Excluder::new(cwd, &globs);
        assert!(x.excludes(Path::new("/p/drafts/a.md")), "a folder by name");
        assert!(x.excludes(Path::new("/p/docs/drafts/a.md")), "at any depth");
        assert!(x.excludes(Path::new("/p/docs/old/x/a.md")), "anchored");
        assert!(
            !x.excludes(Path::new("/p/guide/docs/old/a.md")),
            "anchored at /p"
        );
        assert!(x.excludes(Path::new("/p/docs/a.gen.md")));
        assert!(!x.excludes(Path::new("/p/docs/a.md")));
        assert!(
            x.excludes(Path::new("/elsewhere/a.gen.md")),
            "by name outside"
        );
        assert!(!Excluder::new(cwd, &[]).excludes(Path::new("/p/drafts/a.md")));
    }
}
