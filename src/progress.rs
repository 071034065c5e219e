//! Progress for long runs: a trait the library reports to, and the
//! indicatif bar the binary plugs in when stderr is a terminal and `CI` is
//! not set. Owns when a bar appears and that it never shares a line with
//! output ([`Suspending`]); the library itself never draws.

use std::io::{self, Write};
use std::time::{Duration, Instant};

/// Told about each file as a run goes.
pub trait Progress {
    /// The run has found `total` files to check so far. A small run (a few
    /// hundred files) is walked whole before any file is read, and this is
    /// called once; a bigger one starts checking while the walk goes on and
    /// may call it again with a bigger total as the walk finds more files,
    /// the last call coming once the walk is over.
    fn start(&mut self, total: usize);
    /// One more file done.
    fn inc(&mut self);
    /// The run is over: remove any bar before the summary is printed.
    fn finish(&mut self);
}

/// No progress shown (pipes, CI, tests, `--quiet`).
#[derive(Debug, Default)]
pub struct Silent;

impl Progress for Silent {
    fn start(&mut self, _: usize) {}
    fn inc(&mut self) {}
    fn finish(&mut self) {}
}

/// An indicatif bar on stderr that only appears once a run has taken longer
/// than [`Bar::DELAY`], so quick runs never flicker.
#[derive(Debug)]
pub struct Bar {
    bar: indicatif::ProgressBar,
    /// When `start` was first called.
    started: Option<Instant>,
    shown: bool,
}

impl Bar {
    /// How long a run goes before the bar is drawn.
    pub const DELAY: Duration = Duration::from_millis(300);

    /// A hidden bar; drawn on stderr once the run is slow.
    pub fn new() -> Self {
        let bar = indicatif::ProgressBar::hidden();
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} files {elapsed}")
                .expect("the template is valid"),
        );
        Bar {
            bar,
            started: None,
            shown: false,
        }
    }
}

impl Bar {
    /// `inner` (standard output or error), written so that the bar is
    /// cleared before each line and drawn again after it.
    pub fn suspending<W: Write>(&self, inner: W) -> Suspending<W> {
        Suspending {
            inner,
            bar: Some(self.bar.clone()),
            line: Vec::new(),
        }
    }
}

/// A stream on the terminal that the bar is drawn on too: whole lines are
/// written with the bar taken off the screen first (indicatif's `suspend`),
/// so a finding or a note never lands on the bar's line (#16: on a
/// terminal, a 400-file run printed findings after the bar). A line is
/// kept until its end comes, or until [`Write::flush`]: a part of a line
/// would otherwise have the bar drawn after it.
pub struct Suspending<W: Write> {
    inner: W,
    /// `None`: no bar, written as it comes.
    bar: Option<indicatif::ProgressBar>,
    /// The start of a line not yet ended.
    line: Vec<u8>,
}

impl<W: Write> Suspending<W> {
    /// `inner` with no bar to suspend: written as it comes.
    pub fn plain(inner: W) -> Self {
        Suspending {
            inner,
            bar: None,
            line: Vec::new(),
        }
    }

    /// Write `bytes` with the bar off the screen, and flush them there.
    fn put(&mut self, bytes: &[u8]) -> io::Result<()> {
        let inner = &mut self.inner;
        let mut write = || inner.write_all(bytes).and_then(|()| inner.flush());
        match &self.bar {
            Some(bar) => bar.suspend(write),
            None => write(),
        }
    }
}

impl<W: Write> Write for Suspending<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.write_all(buf)?;
        Ok(buf.len())
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        if self.bar.is_none() {
            return self.inner.write_all(buf);
        }
        let Some(last) = memchr::memrchr(b'\n', buf) else {
            self.line.extend_from_slice(buf);
            return Ok(());
        };
        let (lines, rest) = buf.split_at(last + 1);
        if self.line.is_empty() {
            self.put(lines)?;
        } else {
            let mut whole = std::mem::take(&mut self.line);
            whole.extend_from_slice(lines);
            self.put(&whole)?;
        }
        self.line.extend_from_slice(rest);
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        if !self.line.is_empty() {
            let line = std::mem::take(&mut self.line);
            self.put(&line)?;
        }
        self.inner.flush()
    }
}

impl<W: Write> Drop for Suspending<W> {
    fn drop(&mut self) {
        let _ = self.flush();
    }
}

impl Default for Bar {
    fn default() -> Self {
        Bar::new()
    }
}

impl Progress for Bar {
    fn start(&mut self, total: usize) {
        self.bar.set_length(total as u64);
        self.started.get_or_insert_with(Instant::now);
    }

    fn inc(&mut self) {
        self.bar.inc(1);
        let slow = self.started.is_some_and(|t| t.elapsed() >= Self::DELAY);
        if !self.shown && slow {
            self.shown = true;
            self.bar
                .set_draw_target(indicatif::ProgressDrawTarget::stderr());
        }
    }

    fn finish(&mut self) {
        self.bar.finish_and_clear();
    }
}

/// Whether a bar may be shown: stderr is a terminal and `CI` is not set.
pub fn wanted(stderr_is_terminal: bool, ci: bool, quiet: bool) -> bool {
    stderr_is_terminal && !ci && !quiet
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bar_only_on_a_terminal_outside_ci() {
        assert!(wanted(true, false, false));
        assert!(!wanted(false, false, false), "stderr is a pipe");
        assert!(!wanted(true, true, false), "CI is set");
        assert!(!wanted(true, false, true), "--quiet");
    }

    #[test]
    fn with_a_bar_only_whole_lines_go_out() {
        let bar = Bar::new();
        let mut inner = Vec::new();
        let mut w = bar.suspending(&mut inner);
        w.write_all(b"docs/a.md: er").unwrap();
        w.write_all(b"ror\ndocs/b").unwrap();
        assert_eq!(w.inner.as_slice(), b"docs/a.md: error\n");
        w.write_all(b".md: error\n").unwrap();
        assert_eq!(w.inner.as_slice(), b"docs/a.md: error\ndocs/b.md: error\n");
        w.write_all(b"end").unwrap();
        w.flush().unwrap();
        drop(w);
        assert_eq!(inner, b"docs/a.md: error\ndocs/b.md: error\nend");
    }

    #[test]
    fn without_a_bar_written_as_it_comes() {
        let mut w = Suspending::plain(Vec::new());
        w.write_all(b"part").unwrap();
        assert_eq!(w.inner, b"part");
    }
}
