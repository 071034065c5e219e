//! Bytes to diagnostics: never panics, every diagnostic lies inside the file
//! on char boundaries, the same input gives the same output, and every
//! output format renders it.
#![no_main]
use libfuzzer_sys::fuzz_target;

// Each target uses one of the shared checks.
#[allow(dead_code)]
#[path = "../checks.rs"]
mod checks;

fuzz_target!(|data: &[u8]| checks::pipeline(data));
