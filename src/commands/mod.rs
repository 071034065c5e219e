//! The subcommands that read files: `check` and `dump`. (`rules` and
//! `--explain` only print the rules' docs, in `lib.rs`.)

pub(crate) mod check;
pub(crate) mod dump;
pub(crate) mod output_file;
