//! Markdown block discovery: never panics; every block byte maps back to a
//! file position on a char boundary.
#![no_main]
use libfuzzer_sys::fuzz_target;
use spoflint::markdown::{find_blocks, BlockOptions};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    for block in find_blocks(text, false, &BlockOptions::default()) {
        for (i, _) in block.text.char_indices() {
            let f = block.map.to_file(i);
            assert!(f <= text.len() && text.is_char_boundary(f));
        }
        assert!(block.open.end <= text.len());
    }
});
