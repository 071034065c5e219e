//! Times the parser alone on the benchmark's generated flowchart (or its
//! chain), for profilers: `valgrind --tool=callgrind
//! --toggle-collect='spoflint::flowchart::parse_with'` counts the parser's
//! instructions, which a shared machine does not blur.
//!
//!     cargo run --release --example parse_timings -- 100000 10
//!     cargo run --release --example parse_timings -- 100000 10 chain
//!     cargo run --release --example parse_timings -- 100000 10 dense
//!     cargo run --release --example parse_timings -- 1000 10 small
//!
//! `small` parses N diagrams of a docs tree (the bench's small
//! architectures, 5 to 30 nodes) one after the other, RUNS times: the
//! per-diagram costs a big diagram hides.
#![allow(clippy::print_stdout)] // an example's job is to print
#[path = "../benches/support/gen.rs"]
mod gen;
use spoflint::flowchart::{self, ParseOptions};
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100_000);
    let runs: usize = std::env::args()
        .nth(2)
        .and_then(|a| a.parse().ok())
        .unwrap_or(10);
    if std::env::args().nth(3).as_deref() == Some("small") {
        let mut rng = gen::Rng::new(7);
        let texts: Vec<String> = (0..n)
            .map(|_| {
                let mut fence = String::new();
                let nodes = 5 + rng.below(25) as usize;
                gen::small_architecture(&mut rng, nodes, &mut fence);
                // The fence's content, as the Markdown scan hands it over.
                let body = fence.trim_start_matches("```mermaid\n");
                body.trim_end().trim_end_matches("```").to_string()
            })
            .collect();
        let o = ParseOptions::default();
        let c = thread_cpu_ns();
        for _ in 0..runs {
            for text in &texts {
                std::hint::black_box(flowchart::parse_with(std::hint::black_box(text), &o));
            }
        }
        let cpu = thread_cpu_ns().saturating_sub(c) as f64 / 1e3;
        println!(
            "{:.2} µs/diagram on-CPU ({n} diagrams)",
            cpu / (runs * n.max(1)) as f64
        );
        return;
    }
    let text = match std::env::args().nth(3).as_deref() {
        Some("chain") => gen::chain(n),
        // Every one of √n sources to every one of √n targets: many more
        // edges than vertices.
        Some("dense") => {
            let k = (n as f64).sqrt() as usize;
            let mut t = String::from("flowchart LR\n");
            for a in 0..k {
                for b in 0..k {
                    t.push_str(&format!("a{a} --> b{b}\n"));
                }
            }
            t
        }
        _ => gen::big_flowchart(n),
    };
    let o = ParseOptions {
        max_edges: usize::MAX,
    };
    let t = std::time::Instant::now();
    let c = thread_cpu_ns();
    for _ in 0..runs {
        std::hint::black_box(flowchart::parse_with(std::hint::black_box(&text), &o));
    }
    let cpu = thread_cpu_ns().saturating_sub(c) as f64 / 1e6;
    println!(
        "{:.2} ms/parse ({:.2} ms on-CPU)",
        t.elapsed().as_secs_f64() * 1e3 / runs as f64,
        cpu / runs as f64
    );
}

/// Nanoseconds this thread has run (Linux's `/proc/thread-self/schedstat`;
/// 0 elsewhere): a shared machine's load does not count.
fn thread_cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}
