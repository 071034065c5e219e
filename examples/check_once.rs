//! Runs `check::check_bytes` (parse, analysis, every rule, messages) once on
//! the pipeline bench's generated flowchart, with Mermaid's edge limit
//! lifted: a fixed amount of work for instruction counters, which a shared
//! machine does not blur. `scripts/instructions.sh` counts it under
//! callgrind at 1,000 / 10,000 / 100,000 nodes to show the work per node
//! stays flat (timings belong to `cargo bench --bench pipeline`).
//!
//!     cargo build --release --example check_once
//!     valgrind --tool=callgrind --toggle-collect='spoflint::check::check_bytes' \
//!         target/release/examples/check_once 100000
#![allow(clippy::print_stdout)] // an example's job is to print

#[path = "../benches/support/gen.rs"]
mod gen;

use spoflint::config::Settings;
use spoflint::flowchart::ParseOptions;

// The binary's allocator, so the count is the binary's work.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let nodes: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100_000);
    let settings = Settings {
        parse: ParseOptions {
            max_edges: usize::MAX,
        },
        ..Settings::default()
    };
    let text = gen::big_flowchart(nodes);
    // Outside `check_bytes`, so not counted: how many nodes there really are
    // (the generator rounds to whole stacks).
    let drawn = spoflint::flowchart::parse_with(&text, &settings.parse)
        .diagram
        .map_or(0, |d| d.nodes.len());
    let report = std::hint::black_box(spoflint::check::check_bytes(
        "big.mmd",
        text.as_bytes(),
        true,
        &settings,
    ));
    println!(
        "nodes={drawn} requested={nodes} bytes={} diagrams={} diagnostics={}",
        text.len(),
        report.diagrams,
        report.diagnostics.len()
    );
}
