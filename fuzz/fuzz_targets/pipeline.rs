//! Bytes to diagnostics: never panics, every diagnostic lies inside the file
//! on char boundaries, and the same input gives the same output.
#![no_main]
use libfuzzer_sys::fuzz_target;
use spoflint::check::check_bytes;
use spoflint::config::Settings;

fuzz_target!(|data: &[u8]| {
    let settings = Settings::default();
    let a = check_bytes("fuzz.md", data, false, &settings);
    for d in &a.diagnostics {
        assert!(d.span.start <= d.span.end && d.span.end <= a.source.len());
        assert!(a.source.is_char_boundary(d.span.start) && a.source.is_char_boundary(d.span.end));
    }
    let b = check_bytes("fuzz.md", data, false, &settings);
    assert_eq!(a.diagnostics, b.diagnostics);
    let mmd = check_bytes("fuzz.mmd", data, true, &settings);
    assert!(mmd.diagnostics.iter().all(|d| d.span.end <= mmd.source.len()));
});
