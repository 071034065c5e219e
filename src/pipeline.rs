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
//! - when the walk reaches the files in output order (one folder walked,
//!   [`Order::Pushed`]), results are handed out while the walk goes on, and
//!   the walk waits whenever [`WINDOW`] files are found and not yet handed
//!   out: memory is bounded by the files in flight, not by the tree. This
//!   is the usual run;
//! - otherwise ([`Order::Returned`]: several paths, whose order is only
//!   known once the walk is over) the results wait in the channel, then in
//!   one slot per job, until they and every job before them in output order
//!   are done. Jobs are taken in input order, which is the output order for
//!   most runs, so few results wait; a result holds what is to be written,
//!   never a file's text;
//! - nothing costs a system call per file: jobs are queued in batches, the
//!   workers' sends do not wake the calling thread (it looks a few times a
//!   second, and the last worker to finish, or the one with the result it
//!   waits for, wakes it);
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
/// thread when it is the last, or at once on a panic: a job that panicked
/// gives no result, so a run handing results out in push order would wait
/// for it forever.
struct Finished<'a> {
    count: &'a AtomicUsize,
    of: usize,
    stop: &'a AtomicBool,
    waiting: &'a Thread,
}

impl Drop for Finished<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.stop.store(true, Ordering::SeqCst);
            self.waiting.unpark();
        }
        if self.count.fetch_add(1, Ordering::AcqRel) + 1 == self.of {
            self.waiting.unpark();
        }
    }
}

/// Closes the queue and stops the workers when the calling thread leaves
/// the scope, however it leaves: a panic there must not leave the workers
/// waiting for jobs while the scope waits for them.
struct Closing<'a, J> {
    queue: &'a Queue<J>,
    stop: &'a AtomicBool,
}

impl<J> Drop for Closing<'_, J> {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        self.queue.close();
    }
}

/// How workers wake the calling thread when, under [`Order::Pushed`], it
/// waits for results: once a number of results are sent, or once one job's
/// result is. One wake-up per half window, not one per file.
struct Wake {
    /// Results sent so far.
    sent: AtomicUsize,
    /// Wake the calling thread when `sent` reaches this.
    at_count: AtomicUsize,
    /// Wake it when this job's result is sent.
    on_job: AtomicUsize,
}

impl Wake {
    /// A worker has sent job `k`'s result. (Each side stores before it
    /// loads, all `SeqCst`: either the worker sees what the calling thread
    /// waits for, or the calling thread sees the result and does not park.)
    fn sent(&self, k: usize, waiting: &Thread) {
        let n = self.sent.fetch_add(1, Ordering::SeqCst) + 1;
        std::sync::atomic::fence(Ordering::SeqCst);
        if n == self.at_count.load(Ordering::SeqCst) || k == self.on_job.load(Ordering::SeqCst) {
            waiting.unpark();
        }
    }
}

/// The order results are handed out in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Order {
    /// The order the jobs are pushed in. Results are handed out while the
    /// feed is still pushing, and the feed waits (inside `push`) whenever
    /// [`WINDOW`] jobs are pushed and not yet handed out: what a run holds
    /// is bounded by that window, whatever the number of jobs.
    Pushed,
    /// The order the feed returns once it is done: results wait for it.
    Returned,
}

/// Under [`Order::Pushed`], how many jobs may be pushed and not yet handed
/// out: enough that the workers never run dry while one of them is on a
/// big file, few enough that the jobs and results held stay small.
const WINDOW: usize = 1024;

/// What pushes the jobs (given the function to push one with) and then,
/// under [`Order::Returned`], returns the output order (under
/// [`Order::Pushed`] what it returns is not used).
pub(crate) type Feed<'a, J> = dyn FnMut(&mut dyn FnMut(J)) -> io::Result<Vec<usize>> + 'a;

/// Results waiting to be handed out in push order ([`Order::Pushed`]).
struct InOrder<R> {
    /// Results of jobs `next..`, where they have arrived.
    slots: VecDeque<Option<R>>,
    /// The first job not handed out yet.
    next: usize,
}

impl<R> InOrder<R> {
    fn put(&mut self, k: usize, r: R) {
        // Every job below `next` has been handed out, so `k >= next`.
        let i = k.saturating_sub(self.next);
        if self.slots.len() <= i {
            self.slots.resize_with(i + 1, || None);
        }
        self.slots[i] = Some(r);
    }

    fn take(&mut self) -> Option<R> {
        let r = self.slots.front_mut().and_then(Option::take)?;
        self.slots.pop_front();
        self.next += 1;
        Some(r)
    }

    /// Hand out what has arrived, in push order, waiting until job
    /// `upto - 1` has been handed out or the workers are `gone`.
    fn hand_out(
        &mut self,
        upto: usize,
        rx: &mpsc::Receiver<(usize, R)>,
        wake: &Wake,
        gone: &dyn Fn() -> bool,
        each: &mut dyn FnMut(R) -> io::Result<()>,
        progress: &mut dyn Progress,
    ) -> io::Result<()> {
        loop {
            // Looked at before the results are taken, so none sent before
            // the workers went is left behind.
            let gone = gone();
            while let Ok((k, r)) = rx.try_recv() {
                self.put(k, r);
            }
            while let Some(r) = self.take() {
                progress.inc();
                each(r)?;
            }
            if self.next >= upto || gone {
                return Ok(());
            }
            if wake.sent.load(Ordering::SeqCst) < upto {
                // Woken once `upto` results are sent (jobs are taken in
                // order, so those are nearly always the ones needed).
                wake.on_job.store(usize::MAX, Ordering::SeqCst);
                wake.at_count.store(upto, Ordering::SeqCst);
                if wake.sent.load(Ordering::SeqCst) >= upto {
                    continue;
                }
            } else {
                // Enough results are sent, but not one before them: a
                // worker is still on it (a big file). Woken when it is.
                wake.at_count.store(usize::MAX, Ordering::SeqCst);
                wake.on_job.store(self.next, Ordering::SeqCst);
                std::sync::atomic::fence(Ordering::SeqCst);
                if let Ok((k, r)) = rx.try_recv() {
                    self.put(k, r);
                    continue;
                }
            }
            std::thread::park_timeout(LOOK_EVERY);
        }
    }
}

/// Run `work` on every job `feed` pushes, on all cores, starting while
/// `feed` is still running, and give the results to `each` on this thread
/// in `order`: the order of the pushes, or the order `feed` returns (a
/// list of job numbers, jobs being numbered from 0 in the order they were
/// pushed, each exactly once). `progress` is started with the number of
/// jobs found so far (again as the walk finds more, under
/// [`Order::Pushed`]) and, last, with their total once `feed` is done,
/// before any job is run if there are fewer than [`HOLD`]; it is told of
/// each result handed to `each`.
///
/// If `feed` or `each` fails, the workers stop taking jobs and the error is
/// returned.
pub(crate) fn run<J: Send, R: Send>(
    order: Order,
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
    let wake = Wake {
        sent: AtomicUsize::new(0),
        at_count: AtomicUsize::new(usize::MAX),
        on_job: AtomicUsize::new(usize::MAX),
    };
    let me = std::thread::current();
    let (tx, rx) = mpsc::channel::<(usize, R)>();
    std::thread::scope(|s| {
        let _closing = Closing {
            queue: &queue,
            stop: &stop,
        };
        let spawn = || {
            for _ in 0..threads {
                let tx = tx.clone();
                let (queue, stop, finished, wake, me) = (&queue, &stop, &finished, &wake, &me);
                s.spawn(move || {
                    let _out = Finished {
                        count: finished,
                        of: threads,
                        stop,
                        waiting: me,
                    };
                    while let Some((k, job)) = queue.next(stop) {
                        if tx.send((k, work(job))).is_err() {
                            break;
                        }
                        wake.sent(k, me);
                    }
                });
            }
        };
        let mut in_order = InOrder {
            slots: VecDeque::new(),
            next: 0,
        };
        // Workers that are all gone have sent everything they will send.
        let gone = || stop.load(Ordering::SeqCst) || finished.load(Ordering::Acquire) == threads;
        let mut pushed = 0;
        let mut started = false;
        let mut failed = None;
        // The first jobs wait here until there are `HOLD` of them: a small
        // run is walked whole before any file is read, and one job alone
        // starts no thread.
        let mut batch = Vec::with_capacity(BATCH);
        let mut push = |job: J| {
            if failed.is_some() || stop.load(Ordering::Relaxed) {
                return;
            }
            batch.push((pushed, job));
            pushed += 1;
            if !started && batch.len() >= HOLD {
                started = true;
                spawn();
            }
            if started && batch.len() >= BATCH {
                queue.extend(&mut batch);
            }
            if order == Order::Pushed && started && pushed - in_order.next >= WINDOW {
                progress.start(pushed);
                if let Err(e) =
                    in_order.hand_out(pushed - WINDOW / 2, &rx, &wake, &gone, each, progress)
                {
                    stop.store(true, Ordering::SeqCst);
                    failed = Some(e);
                }
            }
        };
        let fed = feed(&mut push);
        // Leaving the scope (`_closing`) stops the workers and closes the
        // queue, on an error as on a panic.
        if let Some(e) = failed {
            return Err(e);
        }
        let returned = fed?;
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
        if order == Order::Pushed {
            return in_order.hand_out(pushed, &rx, &wake, &gone, each, progress);
        }
        let n = pushed;
        let mut rank = vec![usize::MAX; n];
        for (pos, &k) in returned.iter().enumerate() {
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
                each(*r)?;
            }
            if cursor >= returned.len() || all_done {
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
            run(Order::Returned, &mut feed, &work, &mut each, &mut count).unwrap();
            let mut want: Vec<usize> = (0..n).collect();
            want.sort_by_key(|&i| (i % 2 == 0, std::cmp::Reverse(i)));
            let want: Vec<usize> = want.into_iter().map(|i| i * 2).collect();
            assert_eq!(out, want);
            assert_eq!((count.0, count.1), (n, n));
        }
    }

    #[test]
    fn results_come_in_push_order_while_the_feed_holds_one_window() {
        for n in [0, 1, 2, 33, HOLD, WINDOW + 1, 5 * WINDOW + 7] {
            let mut count = Count::default();
            let handed = AtomicUsize::new(0);
            let most_ahead = AtomicUsize::new(0);
            // Uneven work, so workers finish out of order.
            let work = |i: usize| {
                if i % 97 == 0 {
                    std::thread::sleep(std::time::Duration::from_micros(300));
                }
                i * 2
            };
            let mut feed = |push: &mut dyn FnMut(usize)| {
                for i in 0..n {
                    // Jobs pushed and not handed out yet, this one included.
                    let ahead = i + 1 - handed.load(Ordering::SeqCst);
                    most_ahead.fetch_max(ahead, Ordering::SeqCst);
                    push(i);
                }
                Ok(Vec::new())
            };
            let mut out = Vec::new();
            let mut each = |t: usize| {
                out.push(t);
                handed.fetch_add(1, Ordering::SeqCst);
                Ok(())
            };
            run(Order::Pushed, &mut feed, &work, &mut each, &mut count).unwrap();
            let want: Vec<usize> = (0..n).map(|i| i * 2).collect();
            assert_eq!(out, want);
            assert_eq!((count.0, count.1), (n, n));
            assert!(most_ahead.load(Ordering::SeqCst) <= WINDOW, "n = {n}");
        }
    }

    #[test]
    fn every_result_is_handed_out_when_the_workers_finish_first() {
        // Workers that finish all their jobs between the calling thread's
        // look at the results and its look at whether they are gone must
        // not lose the last results (a run once ended after 4 files of 50).
        for round in 0..2000 {
            let n = 2 + round % 60;
            // The last job ends at a different moment each round.
            let work = |i: usize| {
                if i + 1 == n {
                    let t = std::time::Instant::now();
                    let wait = std::time::Duration::from_micros((round % 97) as u64 * 3);
                    while t.elapsed() < wait {
                        std::hint::spin_loop();
                    }
                }
                i
            };
            let mut feed = |push: &mut dyn FnMut(usize)| {
                for i in 0..n {
                    push(i);
                }
                Ok(Vec::new())
            };
            let mut got = 0;
            let mut each = |_: usize| {
                got += 1;
                Ok(())
            };
            run(
                Order::Pushed,
                &mut feed,
                &work,
                &mut each,
                &mut Count::default(),
            )
            .unwrap();
            assert_eq!(got, n, "round {round}");
        }
    }

    #[test]
    fn a_panicking_job_ends_the_run_instead_of_hanging_it() {
        for order in [Order::Pushed, Order::Returned] {
            let work = |i: usize| {
                assert!(i != 700, "a bug on one file");
                i
            };
            let n = 4 * WINDOW;
            let mut feed = |push: &mut dyn FnMut(usize)| {
                for i in 0..n {
                    push(i);
                }
                Ok((0..n).collect())
            };
            let mut each = |_: usize| Ok(());
            let ran = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                run(order, &mut feed, &work, &mut each, &mut Count::default())
            }));
            assert!(ran.is_err(), "{order:?}: the panic reaches the caller");
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
            run(
                Order::Returned,
                &mut feed,
                &work,
                &mut each,
                &mut Flag(&started),
            )
            .unwrap();
            assert_eq!(seen, vec![true; n]);
        }
    }

    #[test]
    fn a_failing_writer_stops_the_workers() {
        for order in [Order::Pushed, Order::Returned] {
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
            let e = run(order, &mut feed, &work, &mut each, &mut Count::default());
            assert!(e.is_err(), "{order:?}");
        }
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
        assert!(run(
            Order::Returned,
            &mut feed,
            &work,
            &mut each,
            &mut Count::default()
        )
        .is_err());
    }
}
