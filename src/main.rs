//! The `spoflint` binary: parse arguments, call the library, exit.

use clap::Parser;

fn main() {
    let cli = spoflint::cli::Cli::parse();
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    let code = match spoflint::run(&cli, &mut stdout.lock(), &mut stderr.lock()) {
        Ok(outcome) => outcome.exit_code(),
        // A closed pipe (`spoflint | head`) is not an error worth a message.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => 0,
        Err(_) => 2,
    };
    std::process::exit(code);
}
