//! What a run reads: the command line's paths expanded into inputs
//! (folders walked, paths that do not exist said), and files read into a
//! buffer kept per thread.

use crate::error::{io_message, Error};
use crate::{config, report_error, walk};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

/// A file to check: where to read it, and how to show it.
pub(crate) struct Input {
    /// Read from standard input; otherwise from the file at `name`.
    pub(crate) stdin: bool,
    /// The name shown and used for configuration and file-type detection.
    pub(crate) name: PathBuf,
    /// Named on the command line (`exclude` does not apply, unless
    /// `--force-exclude`).
    pub(crate) explicit: bool,
    /// A symbolic link found by walking, not followed: skipped with a note.
    pub(crate) unfollowed_link: bool,
}

/// Why a symbolic link found by walking a folder is not checked.
pub(crate) const UNFOLLOWED_LINK: &str =
    "a symbolic link found by walking a folder; links are not followed there (name the file it points to on the command line to check it)";

/// `./docs/a.md` → `docs/a.md`, as ruff and typos show paths.
pub(crate) fn shown(p: &Path) -> String {
    // A UTF-8 name (nearly all) is copied as it is: `display`, which
    // replaces what is not UTF-8, costs several times more per file.
    match p.to_str() {
        Some(s) => without_dot(s).to_string(),
        None => without_dot(&p.display().to_string()).to_string(),
    }
}

fn without_dot(s: &str) -> &str {
    match s.strip_prefix("./") {
        Some(rest) if !rest.is_empty() => rest,
        _ => s,
    }
}

/// Expand the command-line paths into inputs, walking folders.
pub(crate) fn inputs(
    paths: &[PathBuf],
    stdin_filename: Option<&Path>,
    walk_opts: &walk::WalkOptions,
    err: &mut dyn Write,
    trouble: &mut bool,
) -> io::Result<Vec<Input>> {
    let mut out = Vec::new();
    expand(
        paths,
        stdin_filename,
        walk_opts,
        false,
        err,
        trouble,
        &mut |i| out.push(i),
    )?;
    Ok(out)
}

/// Whether walking `paths` one after another (`cwd` being where they are
/// relative to) reaches files in the report's order, each once: each
/// path's shown form sorts after the one before it without starting with
/// it (so every file under it does too), and none lies inside another.
/// True of one path, and of a pre-commit hook's sorted list of files or
/// `docs guides`: such a run is reported as the walk goes, with nothing
/// kept per file.
pub(crate) fn paths_in_report_order(paths: &[PathBuf], cwd: &Path) -> bool {
    let shown: Vec<String> = paths.iter().map(|p| shown(p)).collect();
    let sorted = shown
        .windows(2)
        .all(|w| w[0] < w[1] && !w[1].starts_with(w[0].as_str()));
    if !sorted {
        return false;
    }
    // Sorted by components, a path's descendants come right after it.
    let mut abs: Vec<PathBuf> = paths.iter().map(|p| config::normalize(cwd, p)).collect();
    abs.sort();
    abs.windows(2).all(|w| !w[1].starts_with(&w[0]))
}

/// [`inputs`], handing each input to `found` as soon as it is known, so
/// files can be checked while the walk goes on. Paths that do not exist are
/// said first, then (after the walk) the walk's errors. `disjoint` (see
/// [`paths_in_report_order`]): no path lies inside another, so no file can be
/// reached twice and none is remembered to find out.
pub(crate) fn expand(
    paths: &[PathBuf],
    stdin_filename: Option<&Path>,
    walk_opts: &walk::WalkOptions,
    disjoint: bool,
    err: &mut dyn Write,
    trouble: &mut bool,
    found: &mut dyn FnMut(Input),
) -> io::Result<()> {
    let default = [PathBuf::from(".")];
    let paths = if paths.is_empty() {
        &default[..]
    } else {
        paths
    };
    let mut on_disk = Vec::new();
    for p in paths {
        if p.as_os_str() == "-" {
            found(Input {
                stdin: true,
                name: stdin_filename.map_or_else(|| PathBuf::from("-"), Path::to_path_buf),
                explicit: true,
                unfollowed_link: false,
            });
        } else {
            match std::fs::metadata(p) {
                Err(e) => {
                    // Said here rather than by the walker, in the words of `ls` and `rg`.
                    *trouble = true;
                    let e = Error::Io {
                        path: shown(p),
                        message: io_message(&e),
                    };
                    report_error(err, &e)?;
                }
                Ok(m) => on_disk.push((p.clone(), m.is_dir())),
            }
        }
    }
    if on_disk.is_empty() {
        return Ok(());
    }
    let mut seen = std::collections::HashSet::new();
    // A set, not a scan of the list: pre-commit names thousands of files.
    // Only files: a folder's files are named by the folder, not explicitly.
    let named: std::collections::HashSet<&Path> = on_disk
        .iter()
        .filter(|(_, dir)| !dir)
        .map(|(p, _)| p.as_path())
        .collect();
    let roots: Vec<PathBuf> = on_disk.iter().map(|(p, _)| p.clone()).collect();
    // One path walked gives each file once already (the walker drops
    // repeats); this check costs a path normalisation per file.
    let overlap_possible = roots.len() > 1 && !disjoint;
    let mut walk_errors = Vec::new();
    let mut each = |t: walk::Target| {
        // `spoflint docs docs/a.md` checks docs/a.md once.
        if overlap_possible && !seen.insert(config::normalize(Path::new(""), &t.path)) {
            return;
        }
        // A walk of folders alone (the usual run) hashes no path here.
        let explicit = !named.is_empty() && named.contains(t.path.as_path());
        found(Input {
            stdin: false,
            name: t.path,
            explicit,
            unfollowed_link: t.unfollowed_link,
        });
    };
    if disjoint {
        // Walked one at a time: the walker keeps no set of the files seen.
        for root in &roots {
            walk_errors.extend(walk::visit(
                std::slice::from_ref(root),
                walk_opts,
                &mut each,
            ));
        }
    } else {
        walk_errors = walk::visit(&roots, walk_opts, &mut each);
    }
    for e in &walk_errors {
        *trouble = true;
        let e = Error::Io {
            path: shown(&e.path),
            message: e.message.clone(),
        };
        report_error(err, &e)?;
    }
    Ok(())
}

/// Read an input's bytes (standard input is read once, then reused), at
/// most [`MAX_FILE_BYTES`] of them.
pub(crate) fn read_input(
    input: &Input,
    stdin: &mut dyn Read,
    stdin_cache: &mut Option<Vec<u8>>,
) -> Result<Vec<u8>, Error> {
    let io_error = |e: io::Error| Error::Io {
        path: shown(&input.name),
        message: io_message(&e),
    };
    match (!input.stdin).then_some(&input.name) {
        Some(p) => {
            let mut buf = Vec::new();
            let len = read_into(p, &mut buf, input.explicit).map_err(io_error)?;
            buf.truncate(len);
            Ok(buf)
        }
        None => {
            if stdin_cache.is_none() {
                *stdin_cache = Some(read_stdin(stdin).map_err(io_error)?);
            }
            Ok(stdin_cache.clone().unwrap_or_default())
        }
    }
}

/// The most bytes of one file (or of standard input) a run reads. A file
/// larger than this is reported as too large (exit 2) and the rest are
/// checked; a device or pipe named on the command line (`/dev/zero`) is
/// read no further than this. Checking a 100 MB file takes about 600 MB
/// and 8 s, so a larger one is far more likely a mistake than a doc.
pub const MAX_FILE_BYTES: u64 = 128 * 1024 * 1024;

/// The error for a file over [`MAX_FILE_BYTES`].
fn too_large() -> io::Error {
    io::Error::other(format!(
        "file too large: over {MAX_FILE_BYTES} bytes ({} MiB, the most spoflint reads of one file); not checked",
        MAX_FILE_BYTES >> 20
    ))
}

/// Read standard input, at most [`MAX_FILE_BYTES`] of it.
pub(crate) fn read_stdin(stdin: &mut dyn Read) -> io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    stdin.take(MAX_FILE_BYTES + 1).read_to_end(&mut buf)?;
    if buf.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large());
    }
    Ok(buf)
}

/// This thread's read buffer, to fill with [`read_into`] and give back
/// with [`keep_read_buf`].
pub(crate) fn take_read_buf() -> Vec<u8> {
    READ_BUF.take()
}

thread_local! {
    /// The buffer files are read into on this thread, kept from file to
    /// file: no allocation (and no page faults on fresh memory) per file.
    static READ_BUF: std::cell::Cell<Vec<u8>> = const { std::cell::Cell::new(Vec::new()) };
}

/// What [`READ_BUF`] starts at: most docs are smaller, so most files are
/// read with one `read` (and one more to see the end).
const READ_CHUNK: usize = 64 * 1024;

/// A buffer grown past this for a big file is dropped after it, so the
/// threads do not each keep a huge file's size for the rest of the run.
/// Below it the buffer is kept: a docs tree's big files (generated API
/// pages, changelogs of a few MB) are then read without fresh pages to
/// fault in and zero each time, and a thread holds at most the largest
/// such file it has read.
const READ_KEEP: usize = 16 * 1024 * 1024;

/// Read the file at `path` into `buf` (grown as needed) and return its
/// length. Small files are read until end of file without asking their
/// size (one `statx` less per file than `std::fs::read`); a file that
/// outgrows the buffer is asked once, so the buffer grows to its size in
/// one step rather than by doubling.
///
/// At most [`MAX_FILE_BYTES`] are read: a larger regular file is refused
/// from its size, unread. The type is checked on the opened handle, not on
/// the path, so a file swapped for something else after the walk is caught:
/// a file found by walking a folder (`explicit` false) must still be a
/// regular file, and is opened without blocking so that one turned into a
/// FIFO cannot hang the run (opening a FIFO waits for a writer). A device
/// or pipe named on the command line is read as `cat` reads it, up to the
/// bound (`spoflint /dev/zero` stops there).
pub(crate) fn read_into(path: &Path, buf: &mut Vec<u8>, explicit: bool) -> io::Result<usize> {
    let mut f = open(path, explicit)?;
    let meta = f.metadata()?;
    if meta.is_file() {
        if meta.len() > MAX_FILE_BYTES {
            return Err(too_large());
        }
    } else if !explicit && !meta.is_dir() {
        return Err(io::Error::other(
            "not a regular file (it was replaced after the folder was walked); not read",
        ));
    }
    let mut len = 0;
    let mut asked = !meta.is_file();
    loop {
        if len as u64 > MAX_FILE_BYTES {
            return Err(too_large());
        }
        if len == buf.len() {
            let mut want = (len * 2).max(READ_CHUNK);
            if len > 0 && !asked {
                asked = true;
                // One byte more than the size, so the end is seen without
                // growing again.
                let size = f.metadata().map_or(0, |m| m.len()) as usize;
                want = want.max(size.saturating_add(1));
            }
            // Never past the bound (and the byte that shows a file is over it).
            buf.resize(want.min(MAX_FILE_BYTES as usize + 1), 0);
        }
        // One byte past the bound at most, to see that the file is over it.
        let room = (MAX_FILE_BYTES as usize + 1 - len).min(buf.len() - len);
        match f.read(&mut buf[len..len + room]) {
            Ok(0) => return Ok(len),
            Ok(n) => len += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

/// Open `path` for reading; a file found by walking without blocking (see
/// [`read_into`]).
fn open(path: &Path, explicit: bool) -> io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    if !explicit {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    #[cfg(not(unix))]
    let _ = explicit;
    options.open(path)
}

/// Give `buf` back to this thread for the next file, unless a big file
/// grew it.
pub(crate) fn keep_read_buf(buf: Vec<u8>) {
    if buf.len() <= READ_KEEP {
        READ_BUF.set(buf);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ordered(paths: &[&str]) -> bool {
        let paths: Vec<PathBuf> = paths.iter().map(PathBuf::from).collect();
        paths_in_report_order(&paths, Path::new("/repo"))
    }

    #[test]
    fn paths_in_report_order_are_sorted_and_none_inside_another() {
        assert!(ordered(&[]));
        assert!(ordered(&["docs"]));
        assert!(ordered(&["README.md", "docs/a.md", "docs/b.md", "guides"]));
        assert!(ordered(&["./a-b", "a.b", "a0"]), "shown without `./`");
        assert!(!ordered(&["docs/b.md", "docs/a.md"]), "not sorted");
        assert!(!ordered(&["docs", "docs"]), "named twice");
        assert!(!ordered(&["docs", "docs/a.md"]), "a file inside a folder");
        // `docs`'s files (`docs/…`) sort after `docs-x.md`: a path that
        // starts another is never taken as ordered.
        assert!(!ordered(&["docs", "docs-x.md"]));
        assert!(!ordered(&["/repo/docs", "docs"]), "the same folder twice");
        assert!(!ordered(&["/repo", "docs"]), "a folder inside another");
        assert!(
            !ordered(&["docs/../guides", "guides"]),
            "the same folder twice"
        );
    }
}
