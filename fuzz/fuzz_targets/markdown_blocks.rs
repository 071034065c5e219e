//! Markdown block discovery: never panics; every block byte maps back to a
//! file position on a char boundary.
#![no_main]
use libfuzzer_sys::fuzz_target;

// Each target uses one of the shared checks.
#[allow(dead_code)]
#[path = "../checks.rs"]
mod checks;

fuzz_target!(|data: &[u8]| checks::markdown_blocks(data));
