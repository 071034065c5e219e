//! Prints how long the analysis takes on generated architectures of 1k, 10k
//! and 100k components (about three links each), to show it grows linearly.
//!
//!     cargo run --release --example analysis_timings
//!
//! Timings belong here, not in tests: the scale test in `src/analysis` checks
//! the shape of the result, this prints the clock.
#![allow(clippy::print_stdout)] // an example's job is to print

use spoflint::analysis::{analyse, synthetic};
use spoflint::config::Settings;
use std::time::Instant;

fn main() {
    let settings = Settings::default();
    println!(
        "{:>9} {:>9} {:>10} {:>12} {:>10}",
        "nodes", "links", "findings", "analysis ms", "µs/node"
    );
    for n in [1_000, 10_000, 100_000] {
        let d = synthetic::layered(n, 1_000.min(n / 4).max(10), true);
        let t = Instant::now();
        let a = analyse(&d, &settings);
        let ms = t.elapsed().as_secs_f64() * 1e3;
        let rules = Instant::now();
        let diags = spoflint::rules::check_diagram(&d, &settings);
        let rules_ms = rules.elapsed().as_secs_f64() * 1e3;
        println!(
            "{:>9} {:>9} {:>10} {:>12.1} {:>10.2}   (with rules and messages: {:.1} ms, {} diagnostics)",
            d.nodes.len(),
            d.edges.len(),
            a.spofs.len(),
            ms,
            ms * 1e3 / d.nodes.len() as f64,
            rules_ms,
            diags.len()
        );
    }
}
