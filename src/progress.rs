//! Progress for long runs: a trait the library reports to, and the
//! indicatif bar the binary plugs in when stderr is a terminal and `CI` is
//! not set. Owns when a bar appears; the library itself never draws.

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
}
