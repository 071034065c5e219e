//! `walk::collect` on small folder trees built in a temporary folder.

use spoflint::walk::{collect, WalkOptions};
use std::fs;
use std::path::{Path, PathBuf};

/// Write `files` (path, content) under a fresh temporary folder.
fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (p, content) in files {
        let p = dir.path().join(p);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, content).unwrap();
    }
    dir
}

/// The files collected from `root` to be read, relative to it, with `/`
/// separators (links not followed, which are only noted, left out).
fn walk(root: &Path, opts: &WalkOptions) -> Vec<String> {
    let (files, errors) = collect(&[root.to_path_buf()], opts);
    assert!(errors.is_empty(), "{errors:?}");
    let read = files.iter().filter(|t| !t.unfollowed_link);
    rel(root, read.map(|t| t.path.clone()))
}

/// The links with a checked extension met and not followed under `root`.
fn unfollowed(root: &Path, opts: &WalkOptions) -> Vec<String> {
    let (files, _) = collect(&[root.to_path_buf()], opts);
    let links = files.iter().filter(|t| t.unfollowed_link);
    rel(root, links.map(|t| t.path.clone()))
}

fn rel(root: &Path, paths: impl Iterator<Item = PathBuf>) -> Vec<String> {
    paths
        .map(|p| {
            p.strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect()
}

#[test]
fn folders_are_walked_sorted_keeping_doc_extensions() {
    let d = tree(&[
        ("b.md", ""),
        ("a/z.mdx", ""),
        ("a/y.markdown", ""),
        ("c.MMD", ""),
        ("d.mermaid", ""),
        ("e.txt", ""),
        ("f.rs", ""),
    ]);
    assert_eq!(
        walk(d.path(), &WalkOptions::default()),
        ["a/y.markdown", "a/z.mdx", "b.md", "c.MMD", "d.mermaid"]
    );
}

#[test]
fn siblings_are_ordered_as_the_report_lists_their_paths() {
    // By the bytes of the paths, as the report is sorted: upper case before
    // lower case, `-` before `.` before `/` before digits, so the folder
    // `b` (its files' paths go on with `b/`) comes after `b-c.md`, `b.md`
    // and `b.md.md` and before `b0.md`.
    let d = tree(&[
        ("b.md", ""),
        ("b-c.md", ""),
        ("b.md.md", ""),
        ("B.md", ""),
        ("b/a.md", ""),
        ("b/c/d.md", ""),
        ("b/c.md", ""),
        ("b0.md", ""),
        ("é.md", ""),
        ("z.md", ""),
    ]);
    let walked = walk(d.path(), &WalkOptions::default());
    assert_eq!(
        walked,
        [
            "B.md", "b-c.md", "b.md", "b.md.md", "b/a.md", "b/c.md", "b/c/d.md", "b0.md", "z.md",
            "é.md"
        ]
    );
    let mut sorted = walked.clone();
    sorted.sort();
    assert_eq!(
        walked, sorted,
        "the walk's order is the paths' sorted order"
    );
}

#[test]
fn hidden_vendored_and_build_folders_are_skipped() {
    let d = tree(&[
        (".git/x.md", ""),
        (".github/x.md", ""),
        ("node_modules/pkg/README.md", ""),
        ("target/doc/x.md", ""),
        ("docs/.hidden.md", ""),
        ("docs/ok.md", ""),
    ]);
    assert_eq!(
        walk(d.path(), &WalkOptions::default()),
        ["docs/.hidden.md", "docs/ok.md"]
    );
}

#[test]
fn nested_gitignores_and_negations_are_obeyed() {
    let d = tree(&[
        (".gitignore", "*.gen.md\nbuild/\n"),
        ("a.md", ""),
        ("a.gen.md", ""),
        ("build/x.md", ""),
        ("docs/.gitignore", "!keep.gen.md\nold/\n"),
        ("docs/keep.gen.md", ""),
        ("docs/drop.gen.md", ""),
        ("docs/old/x.md", ""),
        ("docs/new/x.md", ""),
        ("other/old/x.md", ""),
    ]);
    assert_eq!(
        walk(d.path(), &WalkOptions::default()),
        [
            "a.md",
            "docs/keep.gen.md",
            "docs/new/x.md",
            "other/old/x.md"
        ]
    );
}

#[test]
fn dot_ignore_wins_over_gitignore_in_the_same_folder() {
    let d = tree(&[
        (".gitignore", "draft.md\n"),
        (".ignore", "!draft.md\nprivate.md\n"),
        ("draft.md", ""),
        ("private.md", ""),
    ]);
    assert_eq!(walk(d.path(), &WalkOptions::default()), ["draft.md"]);
}

#[test]
fn no_ignore_reads_no_ignore_file() {
    let d = tree(&[(".gitignore", "*.md\n"), ("a.md", "")]);
    let opts = WalkOptions {
        no_ignore: true,
        ..WalkOptions::default()
    };
    assert_eq!(walk(d.path(), &opts), ["a.md"]);
    assert!(walk(d.path(), &WalkOptions::default()).is_empty());
}

#[test]
fn ignore_files_above_the_walked_folder_count_inside_a_git_repository() {
    let d = tree(&[
        (".git/info/exclude", "secret.md\n"),
        (".gitignore", "docs/generated/\n"),
        ("docs/a.md", ""),
        ("docs/secret.md", ""),
        ("docs/generated/x.md", ""),
    ]);
    let docs = d.path().join("docs");
    assert_eq!(walk(&docs, &WalkOptions::default()), ["a.md"]);
}

#[test]
fn ignore_files_above_the_walked_folder_do_not_count_outside_a_repository() {
    let d = tree(&[(".gitignore", "docs/\n"), ("docs/a.md", "")]);
    let docs = d.path().join("docs");
    assert_eq!(walk(&docs, &WalkOptions::default()), ["a.md"]);
}

#[test]
fn exclude_globs_match_names_anywhere_or_paths_from_the_root() {
    let d = tree(&[
        ("a.md", ""),
        ("x.gen.md", ""),
        ("sub/y.gen.md", ""),
        ("sub/generated/z.md", ""),
        ("docs/old/w.md", ""),
        ("sub/docs/old/v.md", ""),
    ]);
    let opts = WalkOptions {
        exclude: vec!["*.gen.md".into(), "generated".into(), "/docs/old".into()],
        ..WalkOptions::default()
    };
    assert_eq!(walk(d.path(), &opts), ["a.md", "sub/docs/old/v.md"]);
}

#[test]
fn a_bad_exclude_glob_is_reported() {
    let d = tree(&[("a.md", "")]);
    let opts = WalkOptions {
        exclude: vec!["a{b".into()],
        ..WalkOptions::default()
    };
    let (files, errors) = collect(&[d.path().to_path_buf()], &opts);
    assert_eq!(files.len(), 1);
    assert_eq!(errors.len(), 1);
    assert!(errors[0].message.contains("a{b"), "{}", errors[0].message);
}

#[test]
fn files_named_explicitly_are_always_checked() {
    let d = tree(&[(".gitignore", "*\n"), ("notes.txt", ""), ("a.md", "")]);
    let named = vec![d.path().join("notes.txt"), d.path().join("a.md")];
    let opts = WalkOptions {
        exclude: vec!["*.md".into()],
        ..WalkOptions::default()
    };
    let (files, errors) = collect(&named, &opts);
    assert!(errors.is_empty());
    assert_eq!(
        rel(d.path(), files.into_iter().map(|t| t.path)),
        ["notes.txt", "a.md"]
    );
}

#[test]
fn a_missing_path_is_an_error_and_the_rest_goes_on() {
    let d = tree(&[("a.md", "")]);
    let (files, errors) = collect(
        &[d.path().join("nope"), d.path().to_path_buf()],
        &WalkOptions::default(),
    );
    assert_eq!(files.len(), 1);
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].path, d.path().join("nope"));
}

#[test]
fn a_file_reached_twice_is_listed_once() {
    let d = tree(&[("a.md", "")]);
    let (files, _) = collect(
        &[d.path().join("a.md"), d.path().to_path_buf()],
        &WalkOptions::default(),
    );
    assert_eq!(files.len(), 1);
}

#[cfg(unix)]
#[test]
fn symlinks_are_not_followed_by_default_and_loops_never_hang() {
    let d = tree(&[("docs/a.md", ""), ("elsewhere/b.md", "")]);
    std::os::unix::fs::symlink(d.path().join("elsewhere"), d.path().join("docs/link")).unwrap();
    std::os::unix::fs::symlink(d.path().join("docs"), d.path().join("docs/loop")).unwrap();
    std::os::unix::fs::symlink(d.path().join("elsewhere/b.md"), d.path().join("docs/c.md"))
        .unwrap();
    let docs = d.path().join("docs");
    assert_eq!(walk(&docs, &WalkOptions::default()), ["a.md"]);
    // Not followed, but not left out without a word: the check notes it.
    assert_eq!(unfollowed(&docs, &WalkOptions::default()), ["c.md"]);

    let opts = WalkOptions {
        follow_symlinks: true,
        ..WalkOptions::default()
    };
    let (files, errors) = collect(std::slice::from_ref(&docs), &opts);
    assert_eq!(
        rel(&docs, files.into_iter().map(|t| t.path)),
        ["a.md", "c.md", "link/b.md"]
    );
    assert_eq!(errors.len(), 1, "the loop is reported: {errors:?}");
}

#[cfg(unix)]
#[test]
fn an_unreadable_folder_is_reported_and_the_walk_goes_on() {
    use std::os::unix::fs::PermissionsExt;
    let d = tree(&[("a/x.md", ""), ("b/y.md", "")]);
    let locked = d.path().join("a");
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
    if fs::read_dir(&locked).is_ok() {
        // Running as root: permissions do not lock anything out.
        fs::set_permissions(&locked, fs::Permissions::from_mode(0o755)).unwrap();
        return;
    }
    let (files, errors) = collect(&[d.path().to_path_buf()], &WalkOptions::default());
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(rel(d.path(), files.into_iter().map(|t| t.path)), ["b/y.md"]);
    assert_eq!(errors.len(), 1);
}

#[cfg(unix)]
#[test]
fn a_dangling_link_is_reported_when_links_are_followed() {
    // Stands in for a file that vanishes during the walk.
    let d = tree(&[("a.md", "")]);
    std::os::unix::fs::symlink(d.path().join("gone.md"), d.path().join("b.md")).unwrap();
    assert_eq!(walk(d.path(), &WalkOptions::default()), ["a.md"]);
    let opts = WalkOptions {
        follow_symlinks: true,
        ..WalkOptions::default()
    };
    let (files, errors) = collect(&[d.path().to_path_buf()], &opts);
    assert_eq!(files.len(), 1);
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].path, d.path().join("b.md"));
}
