//! The command line's behaviour as data: every `tests/cmd/*.toml` is one
//! run of the binary with its arguments, working folder, exit code and
//! expected output (trycmd). `TRYCMD=overwrite cargo test --test cli_cmd`
//! rewrites the expected output after a deliberate change.

#[test]
fn cli_cases() {
    trycmd::TestCases::new()
        .env("NO_COLOR", "1")
        .case("tests/cmd/*.toml");
}
