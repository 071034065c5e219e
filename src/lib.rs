//! spoflint: finds single points of failure in Mermaid flowcharts kept in
//! Markdown docs. The library does all the work and never prints; the binary
//! only parses arguments and maps the outcome to an exit code.
#![warn(missing_docs)]

pub mod analysis;
pub mod check;
pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod dump;
pub mod error;
pub mod flowchart;
pub mod markdown;
pub mod model;
pub mod progress;
pub mod report;
pub mod rules;
pub mod span;
pub mod suppress;
pub mod vocab;
pub mod walk;

use cli::{CheckArgs, ColorChoice, Command, DumpArgs, FailLevel, Format};
use config::{Level, Resolver};
use diagnostic::FileReport;
use error::{io_message, Error};
use progress::Progress;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

/// How a run ended, for the exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing at or above the fail level.
    Clean,
    /// Findings at or above the fail level.
    Findings,
    /// A usage, configuration or I/O problem.
    Trouble,
}

impl Outcome {
    /// The process exit code: 0, 1 or 2.
    pub fn exit_code(self) -> i32 {
        match self {
            Outcome::Clean => 0,
            Outcome::Findings => 1,
            Outcome::Trouble => 2,
        }
    }
}

/// What the binary knows about the process that the library should not
/// look up itself (so tests can set it).
#[derive(Clone, Debug)]
pub struct Environment {
    /// Standard output is a terminal.
    pub stdout_is_terminal: bool,
    /// `NO_COLOR` is set to a non-empty value.
    pub no_color: bool,
    /// The folder relative paths are resolved against.
    pub cwd: PathBuf,
    /// Width for the `full` format.
    pub width: usize,
}

impl Default for Environment {
    fn default() -> Self {
        Environment {
            stdout_is_terminal: false,
            no_color: false,
            cwd: PathBuf::from("."),
            width: 100,
        }
    }
}

/// The streams a run reads and writes.
pub struct Streams<'a> {
    /// Results (the report in the chosen format, `rules`, `dump`).
    pub out: &'a mut dyn Write,
    /// Messages for people: errors and the summary line.
    pub err: &'a mut dyn Write,
    /// Read when a path is `-`.
    pub stdin: &'a mut dyn Read,
    /// Told about each file checked.
    pub progress: &'a mut dyn Progress,
}

/// Write an error and its hint to `err`.
fn report_error(err: &mut dyn Write, e: &Error) -> io::Result<()> {
    writeln!(err, "spoflint: error: {e}")?;
    if let Some(h) = e.help() {
        writeln!(err, "  help: {h}")?;
    }
    Ok(())
}

/// Run the command line `cli`.
pub fn run(cli: &cli::Cli, env: &Environment, io: &mut Streams<'_>) -> io::Result<Outcome> {
    if let Some(name) = &cli.explain {
        return explain(name, io);
    }
    match &cli.command {
        None => check(&cli.check, env, io),
        Some(Command::Check(args)) => check(args, env, io),
        Some(Command::Rules) => {
            io.out
                .write_all(report::rules_table::plain(rules::RULES).as_bytes())?;
            Ok(Outcome::Clean)
        }
        Some(Command::Rule { name }) => explain(name, io),
        Some(Command::Dump(args)) => dump(args, env, io),
    }
}

fn explain(name: &str, io: &mut Streams<'_>) -> io::Result<Outcome> {
    match rules::find(name) {
        Some(r) => {
            io.out.write_all(r.docs.as_bytes())?;
            if !r.docs.ends_with('\n') {
                writeln!(io.out)?;
            }
            Ok(Outcome::Clean)
        }
        None => {
            let e = Error::UnknownRule {
                name: name.to_string(),
                help: config::rule_help(name),
            };
            report_error(io.err, &e)?;
            Ok(Outcome::Trouble)
        }
    }
}

/// A file to check: where to read it, and how to show it.
struct Input {
    /// Read from standard input; otherwise from the file at `name`.
    stdin: bool,
    /// The name shown and used for configuration and file-type detection.
    name: PathBuf,
    /// Named on the command line (config `exclude` does not apply).
    explicit: bool,
}

/// `./docs/a.md` → `docs/a.md`, as ruff and typos show paths.
fn shown(p: &Path) -> String {
    let s = p.display().to_string();
    match s.strip_prefix("./") {
        Some(rest) if !rest.is_empty() => rest.to_string(),
        _ => s,
    }
}

/// Expand the command-line paths into inputs, walking folders.
fn inputs(
    paths: &[PathBuf],
    stdin_filename: Option<&Path>,
    walk_opts: &walk::WalkOptions,
    err: &mut dyn Write,
    trouble: &mut bool,
) -> io::Result<Vec<Input>> {
    let default = [PathBuf::from(".")];
    let paths = if paths.is_empty() {
        &default[..]
    } else {
        paths
    };
    let mut out = Vec::new();
    let mut on_disk = Vec::new();
    for p in paths {
        if p.as_os_str() == "-" {
            out.push(Input {
                stdin: true,
                name: stdin_filename.map_or_else(|| PathBuf::from("-"), Path::to_path_buf),
                explicit: true,
            });
        } else if let Err(e) = std::fs::metadata(p) {
            // Said here rather than by the walker, in the words of `ls` and `rg`.
            *trouble = true;
            let e = Error::Io {
                path: shown(p),
                message: io_message(&e),
            };
            report_error(err, &e)?;
        } else {
            on_disk.push(p.clone());
        }
    }
    if !on_disk.is_empty() {
        let (targets, walk_errors) = walk::collect(&on_disk, walk_opts);
        for e in &walk_errors {
            *trouble = true;
            let e = Error::Io {
                path: shown(&e.path),
                message: e.message.clone(),
            };
            report_error(err, &e)?;
        }
        let mut seen = std::collections::HashSet::new();
        // A set, not a scan of the list: pre-commit names thousands of files.
        let named: std::collections::HashSet<&Path> =
            on_disk.iter().map(PathBuf::as_path).collect();
        // One path walked gives each file once already (the walker drops
        // repeats); this check costs a path normalisation per file.
        let overlap_possible = on_disk.len() > 1;
        for t in targets {
            // `spoflint docs docs/a.md` checks docs/a.md once.
            if overlap_possible && !seen.insert(config::normalize(Path::new(""), &t.path)) {
                continue;
            }
            let explicit = named.contains(t.path.as_path());
            out.push(Input {
                stdin: false,
                name: t.path,
                explicit,
            });
        }
    }
    Ok(out)
}

/// Read an input's bytes (standard input is read once, then reused).
fn read_input(
    input: &Input,
    stdin: &mut dyn Read,
    stdin_cache: &mut Option<Vec<u8>>,
) -> Result<Vec<u8>, Error> {
    match (!input.stdin).then_some(&input.name) {
        Some(p) => std::fs::read(p).map_err(|e| Error::Io {
            path: shown(&input.name),
            message: io_message(&e),
        }),
        None => {
            if stdin_cache.is_none() {
                let mut buf = Vec::new();
                stdin.read_to_end(&mut buf).map_err(|e| Error::Io {
                    path: shown(&input.name),
                    message: io_message(&e),
                })?;
                *stdin_cache = Some(buf);
            }
            Ok(stdin_cache.clone().unwrap_or_default())
        }
    }
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
/// threads do not each keep the biggest file's size for the rest of the run.
const READ_KEEP: usize = 1024 * 1024;

/// Read the file at `path` into `buf` (grown as needed) and return its
/// length. Small files are read until end of file without asking their
/// size (one `statx` less per file than `std::fs::read`); a file that
/// outgrows the buffer is asked once, so the buffer grows to its size in
/// one step rather than by doubling.
fn read_into(path: &Path, buf: &mut Vec<u8>) -> io::Result<usize> {
    let mut f = std::fs::File::open(path)?;
    let mut len = 0;
    let mut asked = false;
    loop {
        if len == buf.len() {
            let mut want = (len * 2).max(READ_CHUNK);
            if len > 0 && !asked {
                asked = true;
                // One byte more than the size, so the end is seen without
                // growing again.
                let size = f.metadata().map_or(0, |m| m.len()) as usize;
                want = want.max(size.saturating_add(1));
            }
            buf.resize(want, 0);
        }
        match f.read(&mut buf[len..]) {
            Ok(0) => return Ok(len),
            Ok(n) => len += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

/// Give `buf` back to this thread for the next file, unless a big file
/// grew it.
fn keep_read_buf(buf: Vec<u8>) {
    if buf.len() <= READ_KEEP {
        READ_BUF.set(buf);
    }
}

/// Drop diagnostics of rules that are off and set the configured severity.
fn apply_levels(report: &mut FileReport, settings: &config::Settings) {
    report
        .diagnostics
        .retain(|d| settings.levels.get(d.rule) != Some(&Level::Off));
    // A configured level caps the severity: the rules already applied it
    // (keeping SPOF001's error/warning split under the default `error`), so
    // this only matters for diagnostics made outside them (parse errors).
    for d in &mut report.diagnostics {
        if let Some(Level::On(sev)) = settings.levels.get(d.rule) {
            d.severity = d.severity.min(*sev);
        }
    }
}

/// What the main thread needs of one checked input: the file's text has
/// been dropped on the worker that checked it.
struct Done {
    /// The input's index (its messages go out in input order).
    input: usize,
    /// Errors and notes for standard error, in the order they are said.
    messages: Vec<Message>,
    /// The file's counts; `None` when it was excluded or not read.
    summary: Option<report::Summary>,
    /// The file's share of the output.
    piece: Option<report::Piece>,
}

/// A line for standard error about one input.
enum Message {
    /// An error: the run ends in trouble.
    Error(Error),
    /// A note (binary file skipped, invalid UTF-8) about the file at `.0`.
    Note(String, String),
}

fn io_error(input: &Input, e: &io::Error) -> Error {
    Error::Io {
        path: shown(&input.name),
        message: io_message(e),
    }
}

/// Counts a worker of [`check_in_order`] out when dropped, and wakes the
/// waiting thread when it is the last.
struct Finished<'a>(
    &'a std::sync::atomic::AtomicUsize,
    usize,
    &'a std::thread::Thread,
);

impl Drop for Finished<'_> {
    fn drop(&mut self) {
        let Finished(count, threads, waiting) = self;
        if count.fetch_add(1, std::sync::atomic::Ordering::AcqRel) + 1 == *threads {
            waiting.unpark();
        }
    }
}

/// A slot of [`check_in_order`]: empty until the item is done.
type Slot<T> = std::sync::Mutex<Option<Box<T>>>;

/// Run `work` on `0..n` on all cores, taking items in index order, and hand
/// each result to `each` on this thread in index order as soon as it and all
/// before it are done; `progress` is told here too (progress bars are not
/// shared). The results wait in one slot each, so what is held at any time
/// is the results done ahead of the slowest item in flight, not the run.
///
/// The workers take the next index from a counter (so the front of the
/// order is done first, which a divide-and-conquer pool would not do) and
/// wake this thread only when they are all done: it looks at the slots a
/// few times a second, so no item costs a wake-up. A single input is
/// checked here, with no thread started, so a one-file run (an editor, a
/// pre-commit hook on one file) pays nothing for threads. If `each` fails
/// the workers stop taking items and the error is returned.
fn check_in_order<T: Send>(
    n: usize,
    work: &(dyn Fn(usize) -> T + Sync),
    each: &mut dyn FnMut(usize, T) -> io::Result<()>,
    progress: &mut dyn Progress,
) -> io::Result<()> {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    if n <= 1 {
        for k in 0..n {
            let t = work(k);
            progress.inc();
            each(k, t)?;
        }
        return Ok(());
    }
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(n);
    let slots: Vec<Slot<T>> = (0..n).map(|_| std::sync::Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    let finished = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let me = std::thread::current();
    let take = |k: usize| match slots[k].lock() {
        Ok(mut g) => g.take(),
        Err(p) => p.into_inner().take(),
    };
    let mut outcome = Ok(());
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                // Counted even if `work` panics, so this thread stops
                // waiting and the scope passes the panic on.
                let _finished = Finished(&finished, threads, &me);
                while !stop.load(Ordering::Relaxed) {
                    let k = next.fetch_add(1, Ordering::Relaxed);
                    if k >= n {
                        break;
                    }
                    let t = Box::new(work(k));
                    match slots[k].lock() {
                        Ok(mut g) => *g = Some(t),
                        Err(p) => *p.into_inner() = Some(t),
                    }
                }
            });
        }
        let mut cursor = 0;
        while cursor < n {
            let all_done = finished.load(Ordering::Acquire) == threads;
            while cursor < n {
                let Some(t) = take(cursor) else { break };
                progress.inc();
                if let Err(e) = each(cursor, *t) {
                    stop.store(true, Ordering::Relaxed);
                    outcome = Err(e);
                    return;
                }
                cursor += 1;
            }
            if all_done || cursor == n {
                break;
            }
            std::thread::park_timeout(std::time::Duration::from_millis(20));
        }
    });
    outcome
}

/// The format and colour a check writes with: `--format`, else `full` on a
/// terminal and `concise` otherwise (a pipe, a file, an editor, CI: where
/// one line per finding is what tools read); colour only for a terminal,
/// unless `--color` says otherwise, and never with `NO_COLOR` under `auto`.
pub fn output_choice(args: &CheckArgs, env: &Environment) -> (Format, bool) {
    let terminal = env.stdout_is_terminal && args.output_file.is_none();
    let format = args.format.unwrap_or(if terminal {
        Format::Full
    } else {
        Format::Concise
    });
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => terminal && !env.no_color,
    };
    (format, color)
}

fn check(args: &CheckArgs, env: &Environment, io: &mut Streams<'_>) -> io::Result<Outcome> {
    let mut resolver = match Resolver::for_check(args, &env.cwd) {
        Ok(r) => r,
        Err(e) => {
            report_error(io.err, &e)?;
            return Ok(Outcome::Trouble);
        }
    };
    let root = match resolver.root_config() {
        Ok(r) => r,
        Err(e) => {
            report_error(io.err, &e)?;
            return Ok(Outcome::Trouble);
        }
    };
    let fail_level = args
        .fail_level
        .or(root.as_ref().and_then(|c| c.fail_level))
        .unwrap_or(FailLevel::Error);
    let mut exclude = args.exclude.clone();
    if let Some(c) = &root {
        exclude.extend(c.exclude.iter().cloned());
    }
    let walk_opts = walk::WalkOptions {
        no_ignore: args.no_ignore,
        exclude,
        follow_symlinks: false,
    };
    let mut trouble = false;
    let inputs = inputs(
        &args.paths,
        args.config.stdin_filename.as_deref(),
        &walk_opts,
        io.err,
        &mut trouble,
    )?;

    io.progress.start(inputs.len());
    // Configuration is resolved here, in input order: the resolver caches
    // by folder, and a broken configuration file stops the run where the
    // sequential order meets it (its settings cannot be guessed, as in ruff).
    let mut configs = Vec::with_capacity(inputs.len());
    let mut config_error = None;
    for input in &inputs {
        match resolver.config_for(&input.name) {
            Ok(c) => configs.push(c),
            Err(e) => {
                config_error = Some(e);
                break;
            }
        }
    }
    let inputs = &inputs[..configs.len()];
    // Standard input is read once, here: it is not shared between threads.
    let stdin_bytes = if inputs.iter().any(|i| i.stdin) {
        let mut buf = Vec::new();
        Some(io.stdin.read_to_end(&mut buf).map(|_| buf))
    } else {
        None
    };
    let (format, color) = output_choice(args, env);
    let style = report::Style {
        color,
        width: env.width,
        docs_url: report::DOCS_URL,
    };
    // Files are checked in the order the report shows them (by path as
    // shown; a path named twice keeps input order), so each file's part is
    // written as soon as it and those before it are done.
    let names: Vec<String> = inputs.iter().map(|i| shown(&i.name)).collect();
    let mut order: Vec<usize> = (0..inputs.len()).collect();
    order.sort_by(|&a, &b| names[a].cmp(&names[b]));
    let mut dest = if config_error.is_some() {
        // A broken configuration: the files before it are checked (their
        // notes and errors are said) but no report is written.
        Dest::Discard
    } else {
        Dest::open(args.output_file.as_deref(), env, inputs)
    };

    let resolver = &resolver;
    let work = |k: usize| -> Done {
        let i = order[k];
        let input = &inputs[i];
        let mut done = Done {
            input: i,
            messages: Vec::new(),
            summary: None,
            piece: None,
        };
        let config = configs[i].as_deref();
        if !input.explicit {
            let abs = config::normalize(&env.cwd, &input.name);
            if config.is_some_and(|c| c.excludes(&abs)) {
                return done;
            }
        }
        let mut buf = READ_BUF.take();
        let bytes: &[u8] = match ((!input.stdin).then_some(&input.name), &stdin_bytes) {
            (Some(p), _) => match read_into(p, &mut buf) {
                Ok(len) => &buf[..len],
                Err(e) => {
                    keep_read_buf(buf);
                    done.messages.push(Message::Error(io_error(input, &e)));
                    return done;
                }
            },
            (None, Some(Ok(b))) => b,
            (None, Some(Err(e))) => {
                keep_read_buf(buf);
                done.messages.push(Message::Error(io_error(input, e)));
                return done;
            }
            (None, None) => &[],
        };
        let settings = resolver.settings(config, &input.name);
        let mut report = check::check_bytes(
            &names[i],
            bytes,
            markdown::is_mermaid_file(&input.name),
            &settings,
        );
        keep_read_buf(buf);
        apply_levels(&mut report, &settings);
        report::sort_diagnostics(&mut report);
        if let Some(msg) = report.read_error.take() {
            done.messages.push(Message::Error(Error::Io {
                path: report.path.clone(),
                message: msg,
            }));
        }
        if let Some(note) = report.note.take() {
            done.messages.push(Message::Note(report.path.clone(), note));
        }
        let mut summary = report::Summary::default();
        summary.add(&report);
        done.summary = Some(summary);
        // Rendered here, so the text is dropped with the report now: memory
        // stays bounded by the files in flight, not by the tree.
        done.piece = Some(match report::piece(format, &style, &report) {
            Ok(p) => p,
            // Only `full` can fail (miette); say it where the report goes.
            Err(e) => report::Piece::Bytes(format!("{e}\n").into_bytes()),
        });
        done
    };

    let mut sink = report::Sink::new(format, style);
    let mut summary = report::Summary::default();
    // Messages go out in input order, pieces in output order.
    let mut said = vec![false; inputs.len()];
    let mut waiting: std::collections::BTreeMap<usize, Vec<Message>> = Default::default();
    let mut next_to_say = 0;
    let mut chunk = Vec::new();
    let mut each = |_: usize, done: Done| -> io::Result<()> {
        if let Some(s) = done.summary {
            summary.absorb(s);
        }
        if let Some(p) = done.piece {
            sink.push(p, &mut chunk)?;
            dest.write(&chunk, io.out)?;
            chunk.clear();
        }
        said[done.input] = true;
        if !done.messages.is_empty() {
            waiting.insert(done.input, done.messages);
        }
        while next_to_say < said.len() && said[next_to_say] {
            for m in waiting.remove(&next_to_say).unwrap_or_default() {
                match m {
                    Message::Error(e) => {
                        trouble = true;
                        report_error(io.err, &e)?;
                    }
                    Message::Note(path, note) => writeln!(io.err, "spoflint: {path}: {note}")?,
                }
            }
            next_to_say += 1;
        }
        Ok(())
    };
    check_in_order(inputs.len(), &work, &mut each, io.progress)?;
    io.progress.finish();
    if let Some(e) = config_error {
        report_error(io.err, &e)?;
        return Ok(Outcome::Trouble);
    }
    let mut end = Vec::new();
    sink.finish(summary, &mut end)?;
    dest.write(&end, io.out)?;
    if let Err((path, e)) = dest.close() {
        report_error(
            io.err,
            &Error::Io {
                path: shown(&path),
                message: io_message(&e),
            },
        )?;
        return Ok(Outcome::Trouble);
    }

    if !args.quiet {
        writeln!(io.err, "{summary}")?;
    }
    let failing = match fail_level {
        FailLevel::Error => summary.errors,
        FailLevel::Warning => summary.errors + summary.warnings,
    };
    // As ripgrep and ruff: a file that could not be read, or a bad flag or
    // config, wins over findings (2, not 1), and `--exit-zero` only
    // silences findings.
    Ok(if trouble {
        Outcome::Trouble
    } else if failing > 0 && !args.exit_zero {
        Outcome::Findings
    } else {
        Outcome::Clean
    })
}

/// Where a check's report goes.
enum Dest {
    /// Standard output.
    Out,
    /// `--output-file`, opened before the checks.
    File(PathBuf, io::BufWriter<std::fs::File>),
    /// `--output-file` naming one of the files being checked: written at
    /// the end, so the file is checked as it was before the run (as when
    /// the whole report was written at the end).
    Later(PathBuf, Vec<u8>),
    /// `--output-file` that could not be opened or written: the error is
    /// said at the end, after the files' notes.
    Failed(PathBuf, io::Error),
    /// No report (the run stopped on a broken configuration).
    Discard,
}

impl Dest {
    fn open(output_file: Option<&Path>, env: &Environment, inputs: &[Input]) -> Dest {
        let Some(path) = output_file else {
            return Dest::Out;
        };
        let abs = config::normalize(&env.cwd, path);
        let checked = inputs
            .iter()
            .any(|i| !i.stdin && config::normalize(&env.cwd, &i.name) == abs);
        if checked {
            return Dest::Later(path.to_path_buf(), Vec::new());
        }
        match std::fs::File::create(path) {
            Ok(f) => Dest::File(path.to_path_buf(), io::BufWriter::new(f)),
            Err(e) => Dest::Failed(path.to_path_buf(), e),
        }
    }

    /// Write `bytes`; an error on standard output ends the run, one on the
    /// output file is said at the end.
    fn write(&mut self, bytes: &[u8], out: &mut dyn Write) -> io::Result<()> {
        if bytes.is_empty() {
            return Ok(());
        }
        match self {
            Dest::Out => out.write_all(bytes),
            Dest::File(path, w) => {
                if let Err(e) = w.write_all(bytes) {
                    *self = Dest::Failed(std::mem::take(path), e);
                }
                Ok(())
            }
            Dest::Later(_, buf) => {
                buf.extend_from_slice(bytes);
                Ok(())
            }
            Dest::Failed(..) | Dest::Discard => Ok(()),
        }
    }

    /// Finish the output file, if any.
    fn close(self) -> Result<(), (PathBuf, io::Error)> {
        match self {
            Dest::Out | Dest::Discard => Ok(()),
            Dest::File(path, mut w) => w.flush().map_err(|e| (path, e)),
            Dest::Later(path, buf) => std::fs::File::create(&path)
                .and_then(|mut f| f.write_all(&buf))
                .map_err(|e| (path, e)),
            Dest::Failed(path, e) => Err((path, e)),
        }
    }
}

fn dump(args: &DumpArgs, env: &Environment, io: &mut Streams<'_>) -> io::Result<Outcome> {
    let mut resolver = match Resolver::new(&args.config, &env.cwd) {
        Ok(r) => r,
        Err(e) => {
            report_error(io.err, &e)?;
            return Ok(Outcome::Trouble);
        }
    };
    let mut trouble = false;
    let inputs = inputs(
        &args.paths,
        args.config.stdin_filename.as_deref(),
        &walk::WalkOptions::default(),
        io.err,
        &mut trouble,
    )?;
    let mut stdin_cache = None;
    let mut all = Vec::new();
    for input in &inputs {
        let config = match resolver.config_for(&input.name) {
            Ok(c) => c,
            Err(e) => {
                report_error(io.err, &e)?;
                return Ok(Outcome::Trouble);
            }
        };
        let bytes = match read_input(input, io.stdin, &mut stdin_cache) {
            Ok(b) => b,
            Err(e) => {
                trouble = true;
                report_error(io.err, &e)?;
                continue;
            }
        };
        let name = shown(&input.name);
        let (text, bad) = check::decode_in_place(&bytes);
        if let Some(at) = bad {
            writeln!(io.err, "spoflint: {name}: {}", check::utf8_note(at))?;
        }
        let settings = resolver.settings(config.as_deref(), &input.name);
        all.extend(dump::dump_file(
            &name,
            &text,
            markdown::is_mermaid_file(&input.name),
            &settings,
            args.analysis,
        ));
    }
    serde_json::to_writer_pretty(&mut *io.out, &all)?;
    writeln!(io.out)?;
    Ok(if trouble {
        Outcome::Trouble
    } else {
        Outcome::Clean
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Counts progress ticks.
    #[derive(Default)]
    struct Count(usize);

    impl Progress for Count {
        fn start(&mut self, _: usize) {}
        fn inc(&mut self) {
            self.0 += 1;
        }
        fn finish(&mut self) {}
    }

    #[test]
    fn parallel_check_keeps_input_order_and_ticks_once_per_input() {
        for n in [0, 1, 2, 1000] {
            let mut count = Count::default();
            // Uneven work, so workers finish out of order.
            let work = |i: usize| {
                if i % 7 == 0 {
                    std::thread::sleep(std::time::Duration::from_micros(200));
                }
                i * 2
            };
            let mut out = Vec::new();
            let mut each = |k: usize, t: usize| {
                assert_eq!(k, out.len());
                out.push(t);
                Ok(())
            };
            check_in_order(n, &work, &mut each, &mut count).unwrap();
            assert_eq!(out, (0..n).map(|i| i * 2).collect::<Vec<_>>());
            assert_eq!(count.0, n);
        }
    }

    #[test]
    fn a_failing_writer_stops_the_workers() {
        let work = |i: usize| i;
        let mut each = |k: usize, _: usize| {
            if k == 3 {
                Err(io::Error::other("full"))
            } else {
                Ok(())
            }
        };
        let e = check_in_order(100_000, &work, &mut each, &mut Count::default());
        assert!(e.is_err());
    }
}
