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
    /// `None` for standard input.
    read: Option<PathBuf>,
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
                read: None,
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
        for t in targets {
            // `spoflint docs docs/a.md` checks docs/a.md once.
            if !seen.insert(config::normalize(Path::new(""), &t.path)) {
                continue;
            }
            let explicit = named.contains(t.path.as_path());
            out.push(Input {
                read: Some(t.path.clone()),
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
    match &input.read {
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

/// What became of one input of a check.
enum Checked {
    /// Left out by the configuration's `exclude`.
    Excluded,
    /// Could not be read.
    Unreadable(Error),
    /// Read and checked.
    Report(FileReport),
}

fn io_error(input: &Input, e: &io::Error) -> Error {
    Error::Io {
        path: shown(&input.name),
        message: io_message(e),
    }
}

/// Run `work` on `0..n` on all cores and return the results in index order,
/// telling `progress` how many are done (from this thread: progress bars are
/// not shared). The workers only bump a counter; this thread looks at it a
/// few times a second, so no file costs a wake-up. A single input is
/// checked here, with no thread started, so a one-file run (an editor, a
/// pre-commit hook on one file) pays nothing for the pool.
fn check_all<T: Send>(
    n: usize,
    work: &(dyn Fn(usize) -> T + Sync),
    progress: &mut dyn Progress,
) -> Vec<T> {
    use rayon::prelude::*;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    if n <= 1 {
        return (0..n)
            .map(|i| {
                let t = work(i);
                progress.inc();
                t
            })
            .collect();
    }
    let done = AtomicUsize::new(0);
    let over = AtomicBool::new(false);
    let me = std::thread::current();
    let mut out = Vec::with_capacity(n);
    std::thread::scope(|s| {
        s.spawn(|| {
            (0..n)
                .into_par_iter()
                .map(|i| {
                    let t = work(i);
                    done.fetch_add(1, Ordering::Relaxed);
                    t
                })
                .collect_into_vec(&mut out);
            over.store(true, Ordering::Release);
            me.unpark();
        });
        let mut shown = 0;
        loop {
            let finished = over.load(Ordering::Acquire);
            let now = done.load(Ordering::Relaxed);
            for _ in shown..now {
                progress.inc();
            }
            shown = now;
            if finished {
                break;
            }
            std::thread::park_timeout(std::time::Duration::from_millis(50));
        }
    });
    out
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
    let stdin_bytes = if inputs.iter().any(|i| i.read.is_none()) {
        let mut buf = Vec::new();
        Some(io.stdin.read_to_end(&mut buf).map(|_| buf))
    } else {
        None
    };
    let resolver = &resolver;
    let work = |i: usize| -> Checked {
        let input = &inputs[i];
        let config = configs[i].as_deref();
        if !input.explicit {
            let abs = config::normalize(&env.cwd, &input.name);
            if config.is_some_and(|c| c.excludes(&abs)) {
                return Checked::Excluded;
            }
        }
        let read;
        let bytes: &[u8] = match (&input.read, &stdin_bytes) {
            (Some(p), _) => match std::fs::read(p) {
                Ok(b) => {
                    read = b;
                    &read
                }
                Err(e) => return Checked::Unreadable(io_error(input, &e)),
            },
            (None, Some(Ok(b))) => b,
            (None, Some(Err(e))) => return Checked::Unreadable(io_error(input, e)),
            (None, None) => &[],
        };
        let settings = resolver.settings(config, &input.name);
        let mut report = check::check_bytes(
            &shown(&input.name),
            bytes,
            markdown::is_mermaid_file(&input.name),
            &settings,
        );
        apply_levels(&mut report, &settings);
        if report.diagnostics.is_empty() {
            // Nothing to show: the text is not kept (memory stays bounded
            // by the files in flight, not by the tree).
            report.source = std::sync::Arc::from("");
        }
        Checked::Report(report)
    };
    let done = check_all(inputs.len(), &work, io.progress);
    io.progress.finish();

    let mut reports = Vec::with_capacity(done.len());
    for checked in done {
        let report = match checked {
            Checked::Excluded => continue,
            Checked::Unreadable(e) => {
                trouble = true;
                report_error(io.err, &e)?;
                continue;
            }
            Checked::Report(r) => r,
        };
        if let Some(msg) = &report.read_error {
            trouble = true;
            report_error(
                io.err,
                &Error::Io {
                    path: report.path.clone(),
                    message: msg.clone(),
                },
            )?;
        }
        if let Some(note) = &report.note {
            writeln!(io.err, "spoflint: {}: {note}", report.path)?;
        }
        reports.push(report);
    }
    if let Some(e) = config_error {
        report_error(io.err, &e)?;
        return Ok(Outcome::Trouble);
    }

    report::sort(&mut reports);
    let (format, color) = output_choice(args, env);
    let style = report::Style {
        color,
        width: env.width,
        docs_url: report::DOCS_URL,
    };
    match &args.output_file {
        Some(path) => {
            let written = std::fs::File::create(path).and_then(|f| {
                let mut w = io::BufWriter::new(f);
                report::write(format, &reports, &style, &mut w)?;
                w.flush()
            });
            if let Err(e) = written {
                report_error(
                    io.err,
                    &Error::Io {
                        path: shown(path),
                        message: io_message(&e),
                    },
                )?;
                return Ok(Outcome::Trouble);
            }
        }
        None => report::write(format, &reports, &style, io.out)?,
    }

    let summary = report::Summary::of(&reports);
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
            let out = check_all(n, &work, &mut count);
            assert_eq!(out, (0..n).map(|i| i * 2).collect::<Vec<_>>());
            assert_eq!(count.0, n);
        }
    }
}
