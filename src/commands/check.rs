//! `spoflint check`: the walk feeds the workers (`pipeline`), each worker
//! reads, checks and renders one file, and the main thread writes the
//! pieces in path order and the messages in input order.

use super::output_file::{Dest, Guard};
use crate::baseline::{self, Baseline, Entry};
use crate::cli::{CheckArgs, ColorChoice, FailLevel, Format};
use crate::config::{self, Level, Resolver};
use crate::diagnostic::FileReport;
use crate::error::{io_message, Error};
use crate::inputs::{self, expand, keep_read_buf, read_into, shown, take_read_buf, Input};
use crate::{check, markdown, pipeline, report, report_error, walk, Environment, Outcome, Streams};
use std::io::{self, Write};
use std::path::Path;
use std::sync::Arc;

/// A file queued for a worker: the input, its place in input order, and
/// its configuration (resolved on the walking thread).
struct Job {
    index: usize,
    input: Input,
    config: Option<std::sync::Arc<config::Config>>,
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
    /// With `--baseline`: the file's key in the baseline.
    key: Option<String>,
    /// The baseline entries the file's findings used.
    used: Vec<usize>,
    /// With `--create-baseline`: the file's findings as entries.
    entries: Vec<Entry>,
    /// With `--statistics`: the file's findings by rule.
    counts: Vec<Count>,
}

/// A number of findings of one rule (code, name, count).
type Count = (&'static str, &'static str, usize);

/// What a check does with the findings besides (or instead of) reporting
/// them.
#[derive(Default)]
struct Extras {
    /// `--baseline`: the baseline's folder (absolute, normalised), which
    /// file keys are relative to.
    base_dir: Option<std::path::PathBuf>,
    /// The baseline read (not with `--create-baseline`).
    baseline: Option<Baseline>,
    /// `--create-baseline`: collect entries, report nothing.
    create: bool,
    /// `--statistics`: count findings, report none.
    statistics: bool,
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

/// What every worker of a check shares.
struct Shared<'a> {
    env: &'a Environment,
    /// For settings: the flags, not the cache the walk fills.
    resolver: Resolver,
    /// Standard input, read once on the walking thread when first named.
    stdin: std::sync::OnceLock<io::Result<Vec<u8>>>,
    format: Format,
    style: report::Style,
    /// Settings already made, by configuration, for the configurations
    /// whose settings are the same for every file (no `[[overrides]]`):
    /// made once per run instead of once per file.
    settings: std::sync::Mutex<Vec<MadeSettings>>,
    /// Whether some file was checked with at least one rule on: a run whose
    /// configuration turns every rule off is said, not passed in silence.
    rules_on: std::sync::atomic::AtomicBool,
    /// Baseline and statistics.
    extras: Extras,
    /// `--force-exclude`: the `--exclude` globs, for every file (the walk
    /// applies them only to what it finds in a named folder).
    force_exclude: Option<walk::Excluder>,
}

/// A configuration (`None`: none found) and the settings it gives every file.
type MadeSettings = (Option<Arc<config::Config>>, Arc<config::Settings>);

impl Shared<'_> {
    /// The settings for `path` under `config`, shared when they cannot
    /// depend on the path.
    fn settings(&self, config: Option<&Arc<config::Config>>, path: &Path) -> Arc<config::Settings> {
        let make = || Arc::new(self.resolver.settings(config.map(|c| &**c), path));
        if config.is_some_and(|c| c.settings_vary_by_path()) {
            return make();
        }
        let same = |c: &Option<Arc<config::Config>>| match (c, config) {
            (None, None) => true,
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            _ => false,
        };
        // A poisoned lock only means another worker panicked; the list
        // itself is always whole.
        let mut made = self.settings.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, s)) = made.iter().find(|(c, _)| same(c)) {
            return s.clone();
        }
        let s = make();
        made.push((config.cloned(), s.clone()));
        s
    }
}

/// Read one input into this thread's buffer and check it.
fn read_and_check(
    input: &Input,
    config: Option<&Arc<config::Config>>,
    shared: &Shared<'_>,
) -> Result<FileReport, Error> {
    let mut buf = take_read_buf();
    let bytes: &[u8] = if input.stdin {
        match shared.stdin.get() {
            Some(Ok(b)) => b,
            Some(Err(e)) => {
                keep_read_buf(buf);
                return Err(io_error(input, e));
            }
            None => &[],
        }
    } else {
        match read_into(&input.name, &mut buf, input.explicit) {
            Ok(len) => &buf[..len],
            Err(e) => {
                keep_read_buf(buf);
                return Err(io_error(input, &e));
            }
        }
    };
    let settings = shared.settings(config, &input.name);
    let report = check::check_bytes(
        &shown(&input.name),
        bytes,
        markdown::is_mermaid_file(&input.name),
        &settings,
    );
    keep_read_buf(buf);
    Ok(report)
}

/// Check one file on a worker: read it, check it, render its share of the
/// output, and drop its text.
fn check_job(job: Job, shared: &Shared<'_>) -> Done {
    let Shared {
        env, format, style, ..
    } = shared;
    let Job {
        index,
        input,
        config,
    } = job;
    let mut done = Done {
        input: index,
        messages: Vec::new(),
        summary: None,
        piece: None,
        key: None,
        used: Vec::new(),
        entries: Vec::new(),
        counts: Vec::new(),
    };
    // A file named on the command line is checked whatever `exclude` says,
    // unless `--force-exclude` (ruff's name) asks otherwise.
    let forced = shared.force_exclude.as_ref();
    if !input.explicit || forced.is_some() {
        let abs = config::normalize(&env.cwd, &input.name);
        if config.as_deref().is_some_and(|c| c.excludes(&abs))
            || forced.is_some_and(|x| x.excludes(&abs))
        {
            return done;
        }
    }
    let mut report = if input.unfollowed_link {
        FileReport::skipped_as(shown(&input.name), inputs::UNFOLLOWED_LINK)
    } else {
        match read_and_check(&input, config.as_ref(), shared) {
            Ok(report) => report,
            Err(e) => {
                done.messages.push(Message::Error(e));
                return done;
            }
        }
    };
    let settings = shared.settings(config.as_ref(), &input.name);
    if crate::rules::RULES
        .iter()
        .any(|r| settings.levels.get(r.name) != Some(&Level::Off))
    {
        shared
            .rules_on
            .store(true, std::sync::atomic::Ordering::Relaxed);
    }
    apply_levels(&mut report, &settings);
    report::sort_diagnostics(&mut report);
    if let Some(msg) = report.read_error.take() {
        done.messages.push(Message::Error(Error::Io {
            path: report.path.clone(),
            message: msg,
        }));
    }
    // Kept on the report too: a skipped file is in the machine formats.
    if let Some(note) = report.note.clone() {
        done.messages.push(Message::Note(report.path.clone(), note));
    }
    let extras = &shared.extras;
    if let Some(dir) = &extras.base_dir {
        let key = baseline::path_key(dir, &config::normalize(&env.cwd, &input.name));
        if extras.create {
            done.entries = report
                .diagnostics
                .iter()
                .map(|d| Entry::of(&key, d))
                .collect();
        } else if let Some(b) = &extras.baseline {
            // Before the counts: a baselined finding does not fail the run.
            done.used = b.filter(&key, &mut report.diagnostics);
        }
        done.key = Some(key);
    }
    let mut summary = report::Summary::default();
    summary.add(&report);
    done.summary = Some(summary);
    if extras.statistics {
        for d in &report.diagnostics {
            match done.counts.iter_mut().find(|c| c.0 == d.code) {
                Some(c) => c.2 += 1,
                None => done.counts.push((d.code, d.rule, 1)),
            }
        }
    }
    if extras.create || extras.statistics {
        return done;
    }
    // Rendered here, so the text is dropped with the report now: memory
    // stays bounded by the files in flight, not by the tree.
    done.piece = Some(match report::piece(*format, style, &report) {
        Ok(p) => p,
        // Only `full` can fail (miette); say it where the report goes.
        Err(e) => report::Piece::Bytes(format!("{e}\n").into_bytes()),
    });
    done
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

/// `spoflint check`: walk, check every file on the workers, write the
/// report in path order as it comes, and say how the run ended.
pub(crate) fn run(
    args: &CheckArgs,
    env: &Environment,
    io: &mut Streams<'_>,
) -> io::Result<Outcome> {
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
    // `--baseline`, else the root configuration's `baseline`.
    let baseline_file = args.baseline.clone().or_else(|| {
        let b = root.as_ref()?.baseline.as_deref()?;
        // Named in messages as a user would type it from here.
        Some(b.strip_prefix(&env.cwd).unwrap_or(b).to_path_buf())
    });
    let extras = match extras_for(args, baseline_file.as_deref(), env) {
        Ok(x) => x,
        Err(e) => {
            report_error(io.err, &e)?;
            return Ok(Outcome::Trouble);
        }
    };
    let (format, color) = output_choice(args, env);
    let style = report::Style {
        color,
        width: env.width,
        docs_url: report::DOCS_URL,
    };
    let shared = Shared {
        env,
        // The workers' copy: settings need the flags, not the cache that
        // the walk's configuration lookups fill.
        resolver: resolver.clone(),
        stdin: std::sync::OnceLock::new(),
        format,
        style,
        settings: std::sync::Mutex::new(Vec::new()),
        rules_on: std::sync::atomic::AtomicBool::new(false),
        extras,
        force_exclude: args
            .force_exclude
            .then(|| walk::Excluder::new(&env.cwd, &args.exclude)),
    };
    let trouble = std::cell::Cell::new(false);
    let err = std::cell::RefCell::new(&mut *io.err);
    let mut config_error = None;
    // One folder walked (or several, or files, named in the report's
    // order), the report on standard output (the usual run): the walk
    // reaches the files in the report's order, so each file's part is
    // written as soon as it and those before it are done, and nothing is
    // kept per file (memory does not grow with the tree). Otherwise
    // (paths in another order, standard input, `--output-file`) the order,
    // and where the report goes, are known once the walk is over, and the
    // walk is kept (a name per file) until then.
    let disjoint = inputs::paths_in_report_order(&args.paths, &env.cwd);
    let order = if args.output_file.is_none()
        && disjoint
        && args.paths.iter().all(|p| p.as_os_str() != "-")
    {
        pipeline::Order::Pushed
    } else {
        pipeline::Order::Returned
    };
    let dest: std::cell::RefCell<Option<Dest>> =
        std::cell::RefCell::new((order == pipeline::Order::Pushed).then_some(Dest::Out));
    let stdin = &mut *io.stdin;
    // Taken before any file is read: the output file's identity, to make
    // sure the report never replaces a file the run reads.
    let mut guard = args.output_file.as_deref().map(|p| Guard::new(p, &env.cwd));
    let mut baseline_guard = match (&baseline_file, args.create_baseline) {
        (Some(p), true) => Some(Guard::for_baseline(p, &env.cwd)),
        _ => None,
    };

    // Walk, and queue each file as soon as it is found. Configuration is
    // resolved here, in input order: the resolver caches by folder, and a
    // broken configuration file stops the run where the sequential order
    // meets it (its settings cannot be guessed, as in ruff): the files
    // before it are reported, none after it.
    let mut feed = |push: &mut dyn FnMut(Job)| -> io::Result<Vec<usize>> {
        let mut names = Vec::new();
        let mut count = 0;
        let mut stdin_read = false;
        let mut walk_trouble = false;
        expand(
            &args.paths,
            args.config.stdin_filename.as_deref(),
            &walk_opts,
            disjoint,
            &mut ErrOf(&err),
            &mut walk_trouble,
            &mut |input| {
                if config_error.is_some() {
                    return;
                }
                let config = match resolver.config_for(&input.name) {
                    Ok(c) => c,
                    Err(e) => {
                        config_error = Some(e);
                        return;
                    }
                };
                if input.stdin && !stdin_read {
                    stdin_read = true;
                    let _ = shared.stdin.set(inputs::read_stdin(stdin));
                }
                for g in [&mut guard, &mut baseline_guard].into_iter().flatten() {
                    g.reads(&input.name);
                }
                if order == pipeline::Order::Returned {
                    names.push(shown(&input.name));
                }
                count += 1;
                push(Job {
                    index: count - 1,
                    input,
                    config,
                });
            },
        )?;
        if walk_trouble {
            trouble.set(true);
        }
        if order == pipeline::Order::Pushed {
            return Ok(Vec::new());
        }
        *dest.borrow_mut() = Some(Dest::open(args.output_file.as_deref()));
        // The report is in path order (as shown; a path named twice keeps
        // input order), each file's part written as soon as it and those
        // before it are done.
        let mut sorted: Vec<usize> = (0..names.len()).collect();
        sorted.sort_by(|&a, &b| names[a].cmp(&names[b]));
        Ok(sorted)
    };

    let work = |job: Job| check_job(job, &shared);

    let mut sink = report::Sink::new(format, style);
    let mut summary = report::Summary::default();
    // Messages go out in input order, pieces in output order: the messages
    // of inputs done before an earlier one wait here (none do when the two
    // orders are the same).
    let mut waiting: std::collections::BTreeMap<usize, Vec<Message>> = Default::default();
    let mut next_to_say = 0;
    let mut chunk = Vec::new();
    let out = &mut *io.out;
    let mut used = vec![
        false;
        shared
            .extras
            .baseline
            .as_ref()
            .map_or(0, |b| b.entries().len())
    ];
    let mut checked = std::collections::HashSet::new();
    let mut entries = Vec::new();
    let mut counts: Vec<Count> = Vec::new();
    let mut each = |done: Done| -> io::Result<()> {
        if let Some(s) = done.summary {
            summary.absorb(s);
        }
        for i in done.used {
            used[i] = true;
        }
        checked.extend(done.key);
        entries.extend(done.entries);
        for (code, rule, n) in done.counts {
            match counts.iter_mut().find(|c| c.0 == code) {
                Some(c) => c.2 += n,
                None => counts.push((code, rule, n)),
            }
        }
        if let (Some(p), Some(dest)) = (done.piece, dest.borrow_mut().as_mut()) {
            sink.push(p, &mut chunk)?;
            dest.write(&chunk, out)?;
            chunk.clear();
        }
        let mut first = if done.input == next_to_say {
            Some(done.messages)
        } else {
            waiting.insert(done.input, done.messages);
            None
        };
        let mut err = err.borrow_mut();
        while let Some(messages) = first.take().or_else(|| waiting.remove(&next_to_say)) {
            for m in messages {
                match m {
                    Message::Error(e) => {
                        trouble.set(true);
                        report_error(&mut **err, &e)?;
                    }
                    Message::Note(path, note) => writeln!(err, "spoflint: {path}: {note}")?,
                }
            }
            next_to_say += 1;
        }
        Ok(())
    };
    pipeline::run(order, &mut feed, &work, &mut each, io.progress)?;
    let trouble = trouble.get();
    let mut dest = dest.into_inner().unwrap_or(Dest::Out);
    io.progress.finish();
    let mut end = Vec::new();
    if shared.extras.statistics {
        end = statistics(counts, format);
    } else if !shared.extras.create {
        sink.finish(summary, &mut end)?;
    }
    dest.write(&end, io.out)?;
    for g in [&mut guard, &mut baseline_guard].into_iter().flatten() {
        for config in resolver.files_read() {
            g.reads(config);
        }
    }
    if let Err(e) = dest.close(guard.as_ref()) {
        report_error(io.err, &e)?;
        return Ok(Outcome::Trouble);
    }
    if let Some(e) = config_error {
        // After the report of the files before it, and their messages.
        report_error(io.err, &e)?;
        return Ok(Outcome::Trouble);
    }

    for (config, repo) in resolver.outside_repository() {
        writeln!(
            io.err,
            "spoflint: note: using {}, which lies outside the repository at {} (pass --config or --isolated to choose)",
            config.display(),
            repo.display()
        )?;
    }
    if summary.files > 0 && !shared.rules_on.load(std::sync::atomic::Ordering::Relaxed) {
        writeln!(
            io.err,
            "spoflint: warning: no rule is on for any file checked (the configuration's `select`, `ignore` or `[rules]`, or the flags, turn every rule off): nothing was looked for"
        )?;
    }
    if let (Some(named), Some(b)) = (&baseline_file, &shared.extras.baseline) {
        let stale: Vec<&Entry> = b
            .entries()
            .iter()
            .zip(&used)
            // Stale: its file was checked and gave no such finding, or
            // its file is gone. (Other files' entries were not looked at:
            // a pre-commit run names only the files changed.)
            .filter(|(e, used)| {
                !**used
                    && (checked.contains(&e.path)
                        || !shared
                            .extras
                            .base_dir
                            .as_deref()
                            .is_some_and(|dir| dir.join(&e.path).exists()))
            })
            .map(|(e, _)| e)
            .collect();
        if !stale.is_empty() {
            say_stale(io.err, &stale, named)?;
        }
    }
    if let (Some(named), true) = (&baseline_file, args.create_baseline) {
        let written = if trouble {
            // A file that could not be read has findings nobody knows:
            // a baseline without them would hide them once it is read.
            Err(Error::Baseline {
                path: shown(named),
                message: "not written: not every file could be checked".into(),
                help: None,
            })
        } else {
            let n = entries.len();
            let mut file = Dest::open(Some(named));
            file.write(baseline::render(entries).as_bytes(), io.out)?;
            file.close(baseline_guard.as_ref()).map(|()| n)
        };
        match written {
            Ok(n) => writeln!(
                io.err,
                "spoflint: wrote {n} baseline {} to {}",
                if n == 1 { "entry" } else { "entries" },
                shown(named)
            )?,
            Err(e) => {
                report_error(io.err, &e)?;
                return Ok(Outcome::Trouble);
            }
        }
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
    } else if failing > 0 && !args.exit_zero && !args.create_baseline {
        Outcome::Findings
    } else {
        Outcome::Clean
    })
}

/// Standard error shared by the walk and the results handed out while it
/// goes on: borrowed for one write at a time.
struct ErrOf<'a, W>(&'a std::cell::RefCell<W>);

impl<W: Write> Write for ErrOf<'_, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.borrow_mut().write(buf)
    }
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.0.borrow_mut().write_all(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.0.borrow_mut().flush()
    }
}

/// What `--baseline`, `--create-baseline` and `--statistics` ask of a
/// check; reads the baseline file.
fn extras_for(
    args: &CheckArgs,
    baseline_file: Option<&Path>,
    env: &Environment,
) -> Result<Extras, Error> {
    let mut x = Extras {
        create: args.create_baseline,
        statistics: args.statistics,
        ..Extras::default()
    };
    let Some(named) = baseline_file else {
        return match args.create_baseline {
            true => Err(Error::NoBaselineFile),
            false => Ok(x),
        };
    };
    let path = config::normalize(&env.cwd, named);
    x.base_dir = Some(path.parent().map(Path::to_path_buf).unwrap_or_default());
    if !args.create_baseline {
        x.baseline = Some(Baseline::read(&path, &shown(named))?);
    }
    Ok(x)
}

/// Say the baseline entries that matched no finding of the files checked.
fn say_stale(err: &mut dyn Write, stale: &[&Entry], named: &Path) -> io::Result<()> {
    let n = stale.len();
    writeln!(
        err,
        "spoflint: {n} stale baseline {} (no such finding any more); refresh {} with `--create-baseline`:",
        if n == 1 { "entry" } else { "entries" },
        shown(named)
    )?;
    for e in stale {
        writeln!(
            err,
            "  {}: {} {} (diagram {})",
            e.path,
            e.rule,
            e.about(),
            e.diagram
        )?;
    }
    Ok(())
}

/// `--statistics`: one line per rule, `count  code  name`, by count then
/// code (a JSON list with `--format json`).
fn statistics(mut counts: Vec<Count>, format: Format) -> Vec<u8> {
    counts.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(b.0)));
    if format == Format::Json {
        let list: Vec<_> = counts
            .iter()
            .map(|(code, rule, n)| serde_json::json!({"code": code, "name": rule, "count": n}))
            .collect();
        let mut out = serde_json::to_vec_pretty(&list).unwrap_or_default();
        out.push(b'\n');
        return out;
    }
    let width = counts.first().map_or(1, |c| c.2.to_string().len());
    let mut out = String::new();
    for (code, rule, n) in counts {
        out.push_str(&format!("{n:>width$}  {code}  {rule}\n"));
    }
    out.into_bytes()
}
