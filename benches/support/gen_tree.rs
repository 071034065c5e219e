//! `cargo run --release --example gen-tree -- OUT FILES [SEED]`: writes a
//! deterministic docs tree of FILES Markdown files under OUT, for the
//! benchmarks (see BENCHMARKS.md). `--flowchart NODES` instead prints one
//! architecture flowchart of about NODES nodes to stdout.
#![allow(clippy::print_stdout, clippy::print_stderr)] // a command-line tool

#[path = "gen.rs"]
mod gen;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [flag, nodes] if flag == "--flowchart" => {
            let n: usize = nodes.parse().expect("NODES is a number");
            print!("{}", gen::big_flowchart(n));
        }
        [out, files, rest @ ..] => {
            let n: usize = files.parse().expect("FILES is a number");
            let seed = rest
                .first()
                .map_or(42, |s| s.parse().expect("SEED is a number"));
            let bytes = gen::docs_tree(std::path::Path::new(out), n, seed).expect("write tree");
            eprintln!("wrote {n} files, {bytes} bytes under {out}");
        }
        _ => {
            eprintln!("usage: gen-tree OUT FILES [SEED] | gen-tree --flowchart NODES");
            std::process::exit(2);
        }
    }
}
