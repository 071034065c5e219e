//! A driver for profilers: parses one generated diagram once, then runs
//! `rules::check_diagram` (analysis, rules, messages) on it a few times and
//! prints the best wall time. Small and quiet, so instruction counts and
//! allocation counts of the analysis can be compared between commits:
//!
//!     cargo build --release --example rules_profile
//!     valgrind --tool=cachegrind --cache-sim=no target/release/examples/rules_profile 10000 3
//!     valgrind --tool=dhat target/release/examples/rules_profile 10000 1
//!
//! Arguments: nodes (100000), runs (5), and `bench` (the pipeline bench's
//! flowchart, the default) or `regional` (`analysis::synthetic::regional`).
//! It uses the system allocator, so dhat sees every allocation. Timings
//! belong to `cargo bench --bench pipeline`; this only repeats the work.
#![allow(clippy::print_stdout, clippy::print_stderr)] // an example's job is to print

#[path = "../benches/support/gen.rs"]
mod gen;

use spoflint::config::Settings;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let runs: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(5);
    let which = args.get(3).map_or("bench", String::as_str);
    let mut settings = Settings::default();
    settings.parse.max_edges = usize::MAX;
    let d = if which == "regional" {
        spoflint::analysis::synthetic::regional(n, 1_000.min(n / 4).max(10))
    } else {
        gen::big_flowchart_parsed(n)
    };
    let mut best = f64::MAX;
    for _ in 0..runs {
        let t = Instant::now();
        std::hint::black_box(spoflint::rules::check_diagram(&d, &settings));
        best = best.min(t.elapsed().as_secs_f64() * 1e3);
    }
    println!("{which} {n}: best of {runs}: {best:.1} ms");
}
