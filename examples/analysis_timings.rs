//! Prints how long the analysis takes on generated architectures of 1k, 10k
//! and 100k components (about three links each), to show it grows linearly:
//! `layered` (every component a finding) and `regional` (the same wiring
//! with zones and regions, soft links and redundancy groups).
//!
//!     cargo run --release --example analysis_timings
//!     cargo run --release --example analysis_timings -- 200000 400000
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
        "{:>9} {:>9} {:>9} {:>10} {:>12} {:>10} {:>10}",
        "diagram", "nodes", "links", "findings", "analysis ms", "cpu ms", "µs/node"
    );
    // Sizes from the command line (`-- 200000 400000`), else 1k, 10k, 100k.
    let mut sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    if sizes.is_empty() {
        sizes = vec![1_000, 10_000, 100_000];
    }
    let diagrams = sizes.iter().flat_map(|&n| {
        let width = 1_000.min(n / 4).max(10);
        [
            ("layered", synthetic::layered(n, width, true)),
            ("regional", synthetic::regional(n, width)),
        ]
    });
    for (name, d) in diagrams {
        // Best of three: the machine may be shared, the minimum is the cost.
        let mut ms = f64::MAX;
        let mut cpu = f64::MAX;
        let mut a = analyse(&d, &settings);
        for _ in 0..3 {
            let (t, c) = (Instant::now(), cpu_ms());
            a = analyse(&d, &settings);
            ms = ms.min(t.elapsed().as_secs_f64() * 1e3);
            cpu = cpu.min(cpu_ms() - c);
        }
        let rules = Instant::now();
        let diags = spoflint::rules::check_diagram(&d, &settings);
        let rules_ms = rules.elapsed().as_secs_f64() * 1e3;
        println!(
            "{:>9} {:>9} {:>9} {:>10} {:>12.1} {:>10.0} {:>10.2}   (with rules and messages: {:.1} ms, {} diagnostics)",
            name,
            d.nodes.len(),
            d.edges.len(),
            a.spofs.len(),
            ms,
            cpu,
            ms * 1e3 / d.nodes.len() as f64,
            rules_ms,
            diags.len()
        );
    }
}

/// This thread's CPU time in ms (user + system, from `/proc`, Linux only;
/// 10 ms resolution), so a busy machine does not inflate the numbers.
fn cpu_ms() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/thread-self/stat") else {
        return 0.0;
    };
    // Fields after the command name (which is in parentheses).
    let rest = stat.rsplit_once(')').map_or("", |r| r.1);
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|x| x.parse::<f64>().ok()).unwrap_or(0.0);
    // utime and stime are fields 14 and 15 (1-based), 12 and 13 here; USER_HZ is 100.
    (ticks(11) + ticks(12)) * 10.0
}
