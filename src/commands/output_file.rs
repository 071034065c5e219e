//! Where a check's report goes: standard output, or `--output-file`.
//! Owns the promise that the report never replaces a file the run reads
//! and never leaves a truncated or mixed file behind; renders nothing.
//!
//! A regular output file (or one to create) is written to a temporary
//! file in the same folder and renamed into place at the end, after the
//! last file was read: until then the target is untouched, and two runs
//! writing the same file each rename a whole report (the last one wins).
//! Before the rename the target is compared by identity (device and
//! inode, links resolved; `same_file`) with every input and configuration
//! file of the run; a match is refused with an error (exit 2) and the
//! target is left as it was. A target that exists and is not a regular
//! file (`/dev/stdout`, `/dev/null`, a FIFO) is written directly, as
//! there is nothing to replace.

use crate::error::{io_message, Error};
use crate::inputs::shown;
use same_file::Handle;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The output file's identity, taken before the walk, and the first file
/// the run reads that is the same file.
pub(crate) struct Guard {
    /// The working folder: files are named relative to it.
    cwd: PathBuf,
    /// The output file as the user named it.
    named: PathBuf,
    /// Its identity, when it exists.
    target: Option<Handle>,
    /// The first input or configuration file found to be the target.
    clash: Option<PathBuf>,
    /// What is written: `report` or `baseline` (for the refusal).
    what: &'static str,
}

impl Guard {
    /// A guard for `--output-file path`, run from the folder `cwd`.
    pub(crate) fn new(path: &Path, cwd: &Path) -> Guard {
        Guard {
            cwd: cwd.to_path_buf(),
            named: path.to_path_buf(),
            target: Handle::from_path(path).ok(),
            clash: None,
            what: "report",
        }
    }

    /// A guard for the baseline file written by `--create-baseline`.
    pub(crate) fn for_baseline(path: &Path, cwd: &Path) -> Guard {
        Guard {
            what: "baseline",
            ..Guard::new(path, cwd)
        }
    }

    /// Note that the run reads `input` (a file named or found by the walk,
    /// or a configuration file).
    pub(crate) fn reads(&mut self, input: &Path) {
        if self.clash.is_some() {
            return;
        }
        let Some(target) = &self.target else {
            return;
        };
        if Handle::from_path(input).is_ok_and(|h| &h == target) {
            self.clash = Some(input.to_path_buf());
        }
    }

    /// The error to report when the target is a file the run reads.
    fn refusal(&self) -> Option<Error> {
        self.clash.as_ref().map(|input| Error::OutputIsInput {
            what: self.what,
            path: shown(&self.named),
            input: shown(input.strip_prefix(&self.cwd).unwrap_or(input)),
        })
    }
}

/// Whether `path` is a device or stream rather than a document: it exists
/// and is not a regular file or folder, or it lies under `/dev` or `/proc`
/// (`/dev/stdout` resolves to whatever standard output is, a regular file
/// when the shell redirected it, and that file must be written, not
/// replaced).
fn is_device(path: &Path) -> bool {
    if cfg!(unix) && (path.starts_with("/dev") || path.starts_with("/proc")) {
        return true;
    }
    std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir())
}

/// A temporary file in `target`'s folder, with the permissions `target`
/// has, or those of a new file (the umask applies) when it does not exist.
fn temp_beside(target: &Path) -> io::Result<tempfile::NamedTempFile> {
    let folder = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".spoflint-report-").suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let temp = builder.tempfile_in(folder)?;
    if let Ok(m) = std::fs::metadata(target) {
        temp.as_file().set_permissions(m.permissions())?;
    }
    Ok(temp)
}

/// Where a check's report goes.
pub(crate) enum Dest {
    /// Standard output.
    Out,
    /// A regular file: written to `temp` beside `target`, renamed into
    /// place by [`Dest::close`].
    File {
        /// The output file as named (for messages).
        named: PathBuf,
        /// Where the rename goes: the named file, links resolved.
        target: PathBuf,
        temp: io::BufWriter<tempfile::NamedTempFile>,
    },
    /// An existing file that is not a regular file: written directly.
    Device(PathBuf, io::BufWriter<std::fs::File>),
    /// An output file that could not be opened or written: the error is
    /// said at the end, after the files' notes.
    Failed(PathBuf, io::Error),
}

impl Dest {
    /// Open `--output-file path` (standard output without one). Call it
    /// after the walk, so the temporary file is never an input.
    pub(crate) fn open(output_file: Option<&Path>) -> Dest {
        let Some(named) = output_file else {
            return Dest::Out;
        };
        // The process's own standard output, at its own offset: opening
        // the path would truncate a file the shell redirected it to.
        if named == Path::new("/dev/stdout") {
            return Dest::Out;
        }
        if is_device(named) {
            return match std::fs::File::create(named) {
                Ok(f) => Dest::Device(named.to_path_buf(), io::BufWriter::new(f)),
                Err(e) => Dest::Failed(named.to_path_buf(), e),
            };
        }
        // Through a link, the file it points to is replaced (the link stays).
        let target = std::fs::canonicalize(named).unwrap_or_else(|_| named.to_path_buf());
        let temp = temp_beside(&target).and_then(|t| {
            if named.is_dir() {
                Err(io::Error::other("Is a directory"))
            } else {
                Ok(t)
            }
        });
        match temp {
            Ok(t) => Dest::File {
                named: named.to_path_buf(),
                target,
                temp: io::BufWriter::new(t),
            },
            Err(e) => Dest::Failed(named.to_path_buf(), e),
        }
    }

    /// Write `bytes`; an error on standard output ends the run, one on the
    /// output file is said at the end.
    pub(crate) fn write(&mut self, bytes: &[u8], out: &mut dyn Write) -> io::Result<()> {
        if bytes.is_empty() {
            return Ok(());
        }
        let failed = match self {
            Dest::Out => return out.write_all(bytes),
            Dest::File { named, temp, .. } => temp.write_all(bytes).err().map(|e| (named, e)),
            Dest::Device(named, w) => w.write_all(bytes).err().map(|e| (named, e)),
            Dest::Failed(..) => None,
        };
        if let Some((named, e)) = failed {
            *self = Dest::Failed(std::mem::take(named), e);
        }
        Ok(())
    }

    /// Finish the output file, if any: refuse it when `guard` found it to
    /// be a file the run read (the target is left as it was), else rename
    /// the report into place.
    pub(crate) fn close(self, guard: Option<&Guard>) -> Result<(), Error> {
        let io_err = |named: &Path, e: &io::Error| Error::Io {
            path: shown(named),
            message: io_message(e),
        };
        match self {
            Dest::Out => Ok(()),
            Dest::Device(named, mut w) => w.flush().map_err(|e| io_err(&named, &e)),
            Dest::Failed(named, e) => Err(io_err(&named, &e)),
            Dest::File {
                named,
                target,
                temp,
            } => {
                // Dropping the temporary file deletes it.
                let temp = temp.into_inner().map_err(|e| io_err(&named, e.error()))?;
                if let Some(refusal) = guard.and_then(Guard::refusal) {
                    return Err(refusal);
                }
                temp.as_file().sync_all().map_err(|e| io_err(&named, &e))?;
                temp.persist(&target)
                    .map(drop)
                    .map_err(|e| io_err(&named, &e.error))
            }
        }
    }
}
