//! Runs a check's files on all cores while the walk is still finding them,
//! and hands the results back on the calling thread in output order. Owns
//! the worker threads, the job queue and the reordering; knows nothing of
//! files or reports.
//!
//! Why this shape:
//!
//! - the walk (and the configuration lookup, which caches by folder) stay
//!   on the calling thread, in input order, and each job is queued as soon
//!   as it is known, so the workers start on the first files while the walk
//!   goes on instead of waiting for the whole list;
//! - the output order (by path) is only known once the walk is over, so the
//!   results wait in the channel, then in one slot per job, until they and
//!   every job before them in output order are done. Jobs are taken in
//!   input order, which is the output order for most trees, so few results
//!   wait; a result holds what is to be written, never a file's text;
//! - nothing costs a system call per file: jobs are queued in batches, the
//!   workers' sends do not wake the calling thread (it looks a few times a
//!   second, and the last worker to finish wakes it);
//! - a run with one job starts no thread (an editor, a pre-commit hook on
//!   one file), and a run of fewer than [`HOLD`] jobs is walked whole before
//!   any job runs.

use crate::progress::Progress;
use std::collections::VecDeque;
use std::io;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Condvar, Mutex, MutexGuard};
use std::thread::Thread;
use std::time::Duration;

/// Jobs are handed to the workers this many at a time (one wake-up each).
const BATCH: usize = 32;

/// Checks start while the walk goes on only once it has found this many
/// files: a smaller run is walked whole first (which costs it well under a
/// millisecond), so `Progress::start` comes before any file is read there.
const HOLD: usize = 256;

/// How long the calling thread sleeps between looks at the results.
const LOOK_EVERY: Duration = Duration::from_millis(20);

/// Jobs waiting for a worker, and whether more may come.
struct Queue<J> {
    jobs: Mutex<(VecDeque<(usize, J)>, bool)>,
    ready: Condvar,
}

impl<J> Queue<J> {
    fn lock(&self) -> MutexGuard<'_, (VecDeque<(usize, J)>, bool)> {
        self.jobs.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn extend(&self, batch: &mut Vec<(usize, J)>) {
        if batch.is_empty() {
            return;
        }
        self.lock().0.extend(batch.drain(..));
        self.ready.notify_all();
    }

    /// No more jobs will come.
    fn close(&self) {
        self.lock().1 = true;
        self.ready.notify_all();
    }

    /// The next job, or `None` once the queue is closed and empty.
    fn next(&self, stop: &AtomicBool) -> Option<(usize, J)> {
        let mut q = self.lock();
        loop {
            if stop.load(Ordering::Relaxed) {
                return None;
            }
            if let Some(j) = q.0.pop_front() {
                return Some(j);
            }
            if q.1 {
                return None;
            }
            q = self.ready.wait(q).unwrap_or_else(|p| p.into_inner());
        }
    }
}

/// Counts a worker out when dropped, even by a panic (so the calling thread
/// stops waiting and the scope passes the panic on), and wakes the calling
/// thread when it is the last.
struct Finished<'a> {
    count: &'a AtomicUsize,
    of: usize,
    waiting: &'a Thread,
}

impl Drop for Finished<'_> {
    fn drop(&mut self) {
        if self.count.fetch_add(1, Ordering::AcqRel) + 1 == self.of {
            self.waiting.unpark();
        }
    }
}

/// What pushes the jobs (given the function to push one with) and then
/// returns the output order.
pub(crate) type Feed<'a, J> = dyn FnMut(&mut dyn FnMut(J)) -> io::Result<Vec<usize>> + 'a;

/// Run `work` on every job `feed` pushes, on all cores, starting while
/// `feed` is still running, and give the results to `each` on this thread
/// in the order `feed` returns: a list of job numbers (jobs are numbered
/// from 0 in the order they were pushed), each exactly once. `progress` is
/// started with the number of jobs once `feed` is done (before any job is
/// run if there are fewer than [`HOLD`]) and told of each result handed to
/// `each`.
///
/// If `feed` or `each` fails, the workers stop taking jobs and the error is
/// returned.
pub(crate) fn run<J: Send, R: Send>(
    feed: &mut Feed<'_, J>,
    work: &(dyn Fn(J) -> R + Sync),
    each: &mut dyn FnMut(R) -> io::Result<()>,
    progress: &mut dyn Progress,
) -> io::Result<()> {
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let queue = Queue {
        jobs: Mutex::new((VecDeque::new(), false)),
        ready: Condvar::new(),
    };
    let stop = AtomicBool::new(false);
    let finished = AtomicUsize::new(0);
    let me = std::thread::current();
    let (tx, rx) = mpsc::channel::<(usize, R)>();
    std::thread::scope(|s| {
        let spawn = || {
            for _ in 0..threads {
                let tx = tx.clone();
                let (queue, stop, finished, me) = (&queue, &stop, &finished, &me);
                s.spawn(move || {
                    let _out = Finished {
                        count: finished,
                        of: threads,
                        waiting: me,
                    };
                    while let Some((k, job)) = queue.next(stop) {
                        if tx.send((k, work(job))).is_err() {
                            break;
                        }
                    }
                });
            }
        };
        let mut pushed = 0;
        let mut started = false;
        // The first jobs wait here until there are `HOLD` of them: a small
        // run is walked whole before any file is read, and one job alone
        // starts no thread.
        let mut batch = Vec::with_capacity(BATCH);
        let mut push = |job: J| {
            batch.push((pushed, job));
            pushed += 1;
            if !started && batch.len() >= HOLD {
                started = true;
                spawn();
            }
            if started && batch.len() >= BATCH {
                queue.extend(&mut batch);
            }
        };
        let fed = feed(&mut push);
        let order = match fed {
            Ok(o) => o,
            Err(e) => {
                stop.store(true, Ordering::Relaxed);
                queue.close();
                return Err(e);
            }
        };
        progress.start(pushed);
        if !started && pushed == 1 {
            if let Some((k, job)) = batch.pop() {
                let _ = tx.send((k, work(job)));
            }
        } else if !started && pushed > 1 {
            started = true;
            spawn();
        }
        queue.extend(&mut batch);
        queue.close();
        drop(tx);
        let n = pushed;
        let mut rank = vec![usize::MAX; n];
        for (pos, &k) in order.iter().enumerate() {
            if let Some(r) = rank.get_mut(k) {
                *r = pos;
            }
        }
        // Boxed: a slot is one word until its result arrives.
        let mut slots: Vec<Option<Box<R>>> = (0..n).map(|_| None).collect();
        let mut cursor = 0;
        loop {
            let all_done = !started || finished.load(Ordering::Acquire) == threads;
            while let Ok((k, r)) = rx.try_recv() {
                if let Some(slot) = rank.get(k).and_then(|&p| slots.get_mut(p)) {
                    *slot = Some(Box::new(r));
                }
            }
            while let Some(r) = slots.get_mut(cursor).and_then(Option::take) {
                progress.inc();
                cursor += 1;
                if let Err(e) = each(*r) {
                    stop.store(true, Ordering::Relaxed);
                    return Err(e);
                }
            }
            if cursor >= order.len() || all_done {
                return Ok(());
            }
            std::thread::park_timeout(LOOK_EVERY);
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Counts progress ticks.
    #[derive(Default)]
    struct Count(usize, usize);

    impl Progress for Count {
        fn start(&mut self, n: usize) {
            self.1 = n;
        }
        fn inc(&mut self) {
            self.0 += 1;
        }
        fn finish(&mut self) {}
    }

    #[test]
    fn results_come_in_the_order_given_once_each() {
        for n in [0, 1, 2, 33, 1000] {
            let mut count = Count::default();
            // Uneven work, so workers finish out of order.
            let work = |i: usize| {
                if i % 7 == 0 {
                    std::thread::sleep(std::time::Duration::from_micros(200));
                }
                i * 2
            };
            let mut feed = |push: &mut dyn FnMut(usize)| {
                for i in 0..n {
                    push(i);
                }
                // Output order: odd jobs first, then even, both descending.
                let mut order: Vec<usize> = (0..n).collect();
                order.sort_by_key(|&i| (i % 2 == 0, std::cmp::Reverse(i)));
                Ok(order)
            };
            let mut out = Vec::new();
            let mut each = |t: usize| {
                out.push(t);
                Ok(())
            };
            run(&mut feed, &work, &mut each, &mut count).unwrap();
            let mut want: Vec<usize> = (0..n).collect();
            want.sort_by_key(|&i| (i % 2 == 0, std::cmp::Reverse(i)));
            let want: Vec<usize> = want.into_iter().map(|i| i * 2).collect();
            assert_eq!(out, want);
            assert_eq!((count.0, count.1), (n, n));
        }
    }

    /// Tells when `start` was called.
    struct Flag<'a>(&'a AtomicBool);

    impl Progress for Flag<'_> {
        fn start(&mut self, _: usize) {
            self.0.store(true, Ordering::SeqCst);
        }
        fn inc(&mut self) {}
        fn finish(&mut self) {}
    }

    // The hostile-file tests change the tree in `start`: "after the walk,
    // before any file is read" must hold for small runs.
    #[test]
    fn a_small_run_is_fed_whole_before_any_job_runs() {
        for n in [1, 2, HOLD - 1] {
            let started = AtomicBool::new(false);
            let work = |_: usize| started.load(Ordering::SeqCst);
            let mut feed = |push: &mut dyn FnMut(usize)| {
                for i in 0..n {
                    push(i);
                }
                Ok((0..n).collect())
            };
            let mut seen = Vec::new();
            let mut each = |s: bool| {
                seen.push(s);
                Ok(())
            };
            run(&mut feed, &work, &mut each, &mut Flag(&started)).unwrap();
            assert_eq!(seen, vec![true; n]);
        }
    }

    #[test]
    fn a_failing_writer_stops_the_workers() {
        let work = |i: usize| i;
        let mut feed = |push: &mut dyn FnMut(usize)| {
            for i in 0..100_000 {
                push(i);
            }
            Ok((0..100_000).collect())
        };
        let mut each = |k: usize| {
            if k == 3 {
                Err(io::Error::other("full"))
            } else {
                Ok(())
            }
        };
        let e = run(&mut feed, &work, &mut each, &mut Count::default());
        assert!(e.is_err());
    }

    #[test]
    fn a_failing_feed_is_returned() {
        let work = |i: usize| i;
        let mut feed = |push: &mut dyn FnMut(usize)| {
            push(1);
            push(2);
            Err(io::Error::other("stderr closed"))
        };
        let mut each = |_: usize| Ok(());
        assert!(run(&mut feed, &work, &mut each, &mut Count::default()).is_err());
    }
}
