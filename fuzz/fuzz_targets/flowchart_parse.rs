//! The flowchart parser: never panics, spans stay inside the text and on char
//! boundaries, and parsing is deterministic.
#![no_main]
use libfuzzer_sys::fuzz_target;

// Each target uses one of the shared checks.
#[allow(dead_code)]
#[path = "../checks.rs"]
mod checks;

fuzz_target!(|data: &[u8]| checks::flowchart_parse(data));
