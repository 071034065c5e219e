//! `spoflint dump`: files read one after the other, in input order.

use crate::cli::DumpArgs;
use crate::config::Resolver;
use crate::inputs::{inputs, read_input, shown};
use crate::{check, dump, markdown, report_error, walk, Environment, Outcome, Streams};
use std::io;

/// `spoflint dump`: every diagram's parse (and with `--analysis` the
/// analysis) as JSON, for people checking how spoflint reads their docs.
pub(crate) fn run(args: &DumpArgs, env: &Environment, io: &mut Streams<'_>) -> io::Result<Outcome> {
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
        // Links met in folders are not followed (the check says so).
        if input.unfollowed_link {
            continue;
        }
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
