//! The words without which no block can open: `mermaid`, which every host
//! form (fences, Hugo, Liquid, `::: mermaid`, HTML classes, MDX
//! `<Mermaid>`, MyST `{mermaid}`) spells out, and every configured fence
//! info string that does not contain it. Owns their search, ASCII
//! case-insensitive: whether a file holds one at all (the pipeline's
//! prefilter) and where the last line that may open a block is (so a level
//! is parsed only that far, see [`super::scan`]).

use super::lines::{line_end, line_start};
use super::BlockOptions;
use aho_corasick::AhoCorasick;
use std::cell::RefCell;

/// The markers for `opts`.
fn markers(opts: &BlockOptions) -> Vec<String> {
    let mut out = vec!["mermaid".to_string()];
    for s in &opts.info_strings {
        if !s.to_ascii_lowercase().contains("mermaid") {
            // An empty info string matches everywhere: conservative, and
            // such a configuration never finds a block anyway.
            out.push(s.clone());
        }
    }
    out
}

/// A compiled set of markers. Teddy (SIMD, from aho-corasick's `packed`
/// module) looks for every case variant of each marker's first four bytes
/// and each hit is confirmed against the whole marker: several times faster
/// than a case-insensitive automaton, whose prefilter stops at every `m`.
enum Prefilter {
    /// Teddy on case variants of the markers' prefixes; `owner[pattern]` is
    /// the index of the marker a pattern is a prefix of.
    Packed {
        searcher: aho_corasick::packed::Searcher,
        markers: Vec<Vec<u8>>,
        owner: Vec<usize>,
        /// For [`Prefilter::is_match`], when there are few markers.
        lowered: Option<Lowered>,
    },
    /// Where Teddy is not available (no SIMD) or the markers are too many.
    Automaton(AhoCorasick),
    /// An empty marker matches everywhere; so does a set that cannot be built.
    Everything,
}

/// Bytes of each marker prefix whose case variants Teddy looks for.
const PREFIX: usize = 4;

impl Prefilter {
    fn new(markers: &[String]) -> Prefilter {
        if markers.iter().any(String::is_empty) {
            return Prefilter::Everything;
        }
        let mut builder = aho_corasick::packed::Config::new().builder();
        let mut owner = Vec::new();
        for (i, m) in markers.iter().enumerate() {
            let prefix = &m.as_bytes()[..m.len().min(PREFIX)];
            let mut variants = vec![Vec::new()];
            for &c in prefix {
                let cases = [c.to_ascii_lowercase(), c.to_ascii_uppercase()];
                let cases = if cases[0] == cases[1] {
                    &cases[..1]
                } else {
                    &cases[..]
                };
                variants = variants
                    .into_iter()
                    .flat_map(|v| {
                        cases.iter().map(move |&c| {
                            let mut v = v.clone();
                            v.push(c);
                            v
                        })
                    })
                    .collect();
            }
            for v in variants {
                builder.add(v);
                owner.push(i);
            }
        }
        if owner.len() <= 64 {
            if let Some(searcher) = builder.build() {
                return Prefilter::Packed {
                    searcher,
                    markers: markers.iter().map(|m| m.as_bytes().to_vec()).collect(),
                    owner,
                    lowered: Lowered::new(markers),
                };
            }
        }
        match AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(markers)
        {
            Ok(ac) => Prefilter::Automaton(ac),
            // Only fails past limits far beyond a few short words; then
            // every file is scanned, which is slower but never wrong.
            Err(_) => Prefilter::Everything,
        }
    }

    /// Whether a marker occurs in `bytes`.
    fn is_match(&self, bytes: &[u8]) -> bool {
        matches!(self.look(bytes), Prefiltered::Marker)
    }

    /// Whether a marker occurs in `bytes`, and if not, whether they are
    /// ASCII as far as the search could tell.
    fn look(&self, bytes: &[u8]) -> Prefiltered {
        let found = match self {
            Prefilter::Packed {
                lowered: Some(l), ..
            } => return l.look(bytes),
            Prefilter::Packed { .. } => self.packed_ends(bytes, 0..bytes.len()).next().is_some(),
            Prefilter::Automaton(ac) => ac.is_match(bytes),
            Prefilter::Everything => true,
        };
        if found {
            Prefiltered::Marker
        } else {
            Prefiltered::NoMarker { ascii: false }
        }
    }

    /// Where the last occurrence of a marker in `bytes` ends (the greatest
    /// end of any occurrence, overlapping ones included); `Some(len)` when
    /// everything matches.
    ///
    /// The text is searched in chunks from its end, growing from 1 KiB to
    /// 64 KiB, so the cost follows the length of the text after the last
    /// marker, not the length of the text.
    fn last_end(&self, bytes: &[u8]) -> Option<usize> {
        let longest = match self {
            Prefilter::Packed { markers, .. } => markers.iter().map(Vec::len).max(),
            Prefilter::Automaton(ac) => Some(ac.max_pattern_len()),
            Prefilter::Everything => return Some(bytes.len()),
        }
        .unwrap_or(0);
        let mut hi = bytes.len();
        let mut chunk = 1 << 10;
        while hi > 0 {
            let lo = hi.saturating_sub(chunk);
            if let Some(end) = self.ends_starting_in(bytes, lo..hi).max() {
                // An earlier occurrence of a longer marker may still end
                // later: look at the starts one marker length back too.
                let back = lo.saturating_sub(longest)..lo;
                return Some(self.ends_starting_in(bytes, back).fold(end, usize::max));
            }
            hi = lo;
            chunk = (chunk * 2).min(1 << 16);
        }
        None
    }

    /// The ends of the marker occurrences in `bytes` that start in `starts`.
    fn ends_starting_in<'s>(
        &'s self,
        bytes: &'s [u8],
        starts: std::ops::Range<usize>,
    ) -> Box<dyn Iterator<Item = usize> + 's> {
        match self {
            Prefilter::Packed { .. } => Box::new(self.packed_ends(bytes, starts)),
            Prefilter::Automaton(ac) => {
                let end = (starts.end + ac.max_pattern_len()).min(bytes.len());
                let input = aho_corasick::Input::new(bytes).span(starts.start..end);
                Box::new(
                    ac.find_overlapping_iter(input)
                        .filter(move |m| m.start() < starts.end)
                        .map(|m| m.end()),
                )
            }
            Prefilter::Everything => Box::new(std::iter::once(bytes.len())),
        }
    }

    /// The ends of the confirmed marker occurrences Teddy finds starting in
    /// `starts`, in order of their starts (none for the other kinds).
    fn packed_ends<'s>(
        &'s self,
        bytes: &'s [u8],
        starts: std::ops::Range<usize>,
    ) -> impl Iterator<Item = usize> + 's {
        let mut at = starts.start;
        // Teddy looks at the prefixes only: a prefix starting before
        // `starts.end` ends before this.
        let end = (starts.end + PREFIX - 1).min(bytes.len());
        std::iter::from_fn(move || {
            let Prefilter::Packed {
                searcher,
                markers,
                owner,
                ..
            } = self
            else {
                return None;
            };
            while let Some(m) = searcher.find_in(bytes, aho_corasick::Span::from(at..end)) {
                let start = m.start();
                if start >= starts.end {
                    return None;
                }
                let marker = &markers[owner[m.pattern().as_usize()]];
                // Prefixes may overlap themselves: look again one byte on.
                at = start + 1;
                if bytes
                    .get(start..start + marker.len())
                    .is_some_and(|w| w.eq_ignore_ascii_case(marker))
                {
                    return Some(start + marker.len());
                }
            }
            None
        })
    }
}

/// Whether any of a few markers made of ASCII letters occurs, for the
/// prefilter every file goes through: the text is lowered a chunk at a time
/// into a buffer on the stack, where each lowered marker is looked for with
/// memchr's `memmem`. Lowering a chunk and one exact search cost less than
/// Teddy's sixteen case variants, and the sum is what a docs tree's every
/// byte pays.
struct Lowered {
    finders: Vec<memchr::memmem::Finder<'static>>,
    longest: usize,
    /// The chunk, lowered (kept: the prefilter is per thread).
    buf: RefCell<Vec<u8>>,
}

/// Bytes lowered at a time (more than any marker [`Lowered`] takes).
const LOWER_CHUNK: usize = 8 * 1024;

impl Lowered {
    /// At most two markers (each one more pass), all ASCII letters and
    /// shorter than a chunk; `None` otherwise.
    fn new(markers: &[String]) -> Option<Lowered> {
        let longest = markers.iter().map(String::len).max()?;
        let letters = |m: &String| !m.is_empty() && m.bytes().all(|b| b.is_ascii_alphabetic());
        if markers.len() > 2 || !markers.iter().all(letters) || longest >= LOWER_CHUNK {
            return None;
        }
        Some(Lowered {
            finders: markers
                .iter()
                .map(|m| memchr::memmem::Finder::new(&m.to_ascii_lowercase()).into_owned())
                .collect(),
            longest,
            buf: RefCell::new(vec![0; LOWER_CHUNK]),
        })
    }

    /// The search; on the way it ORs every byte together, so a file
    /// without a marker is known to be ASCII (and so UTF-8) for free.
    fn look(&self, bytes: &[u8]) -> Prefiltered {
        let mut buf = self.buf.borrow_mut();
        let mut high = 0u8;
        let mut at = 0;
        loop {
            let end = (at + LOWER_CHUNK).min(bytes.len());
            let piece = &bytes[at..end];
            let lowered = &mut buf[..piece.len()];
            // Exact for markers of ASCII letters only: `| 0x20` maps a
            // byte to a lowercase letter only from that letter or its
            // capital. It vectorises where `to_ascii_lowercase` does not.
            for (l, b) in lowered.iter_mut().zip(piece) {
                high |= b;
                *l = b | 0x20;
            }
            if self.finders.iter().any(|f| f.find(lowered).is_some()) {
                return Prefiltered::Marker;
            }
            if end == bytes.len() {
                return Prefiltered::NoMarker {
                    ascii: high.is_ascii(),
                };
            }
            // The next chunk starts early enough to hold a marker that
            // began at the end of this one.
            at = end - (self.longest - 1);
        }
    }
}

thread_local! {
    /// The prefilter for the info strings last seen on this thread: settings
    /// are per file but almost always the same, so it is built once per
    /// thread, not once per file.
    static PREFILTER: RefCell<Option<(Vec<String>, Prefilter)>> = const { RefCell::new(None) };
}

/// Run `f` on the prefilter for `opts`, building it if the thread's is for
/// other options.
fn with_prefilter<R>(opts: &BlockOptions, f: impl FnOnce(&Prefilter) -> R) -> R {
    PREFILTER.with(|cell| {
        let mut cell = cell.borrow_mut();
        let fresh = match &*cell {
            Some((strings, _)) => *strings != opts.info_strings,
            None => true,
        };
        if fresh {
            *cell = Some((opts.info_strings.clone(), Prefilter::new(&markers(opts))));
        }
        match &*cell {
            Some((_, p)) => f(p),
            None => f(&Prefilter::Everything),
        }
    })
}

/// What the prefilter saw of a file's bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Prefiltered {
    /// A marker occurs: the file may hold a block.
    Marker,
    /// No marker occurs.
    NoMarker {
        /// Every byte was seen to be ASCII on the way (so the bytes are
        /// UTF-8); false when one was not, or the search could not tell.
        ascii: bool,
    },
}

/// [`may_hold_marker`], telling as well whether a file without a marker
/// is ASCII, which the search learns for nearly nothing (so the caller's
/// UTF-8 check can be skipped).
pub fn prefilter(bytes: &[u8], opts: &BlockOptions) -> Prefiltered {
    with_prefilter(opts, |p| p.look(bytes))
}

/// Whether `bytes` may hold a Mermaid block under `opts`: false only when
/// none of the markers occurs in it, ASCII case-insensitively. A file that
/// passes is scanned for real; one that does not has no block by
/// construction (the block finder needs one of these words to open a
/// block). Character references in an info string (```` ```&#109;ermaid ````)
/// are not looked for, as `fixtures/corpus/count_blocks.py` does not count them.
pub fn may_hold_marker(bytes: &[u8], opts: &BlockOptions) -> bool {
    with_prefilter(opts, |p| p.is_match(bytes))
}

/// Where the last line of `text` that may open a block ends (before its
/// line break), or `None` when no line may.
///
/// A block opens on a line holding a marker, with one exception the
/// literal search cannot see: pulldown-cmark decodes character references
/// and backslash escapes in a fence's info string (```` ```&#109;ermaid ````).
/// So a line with a fence (```` ``` ```` or `~~~`) and a `&` or `\` counts
/// too. Nothing after the returned offset can open a block; a block opened
/// before it may still run past it.
pub(super) fn last_opening(text: &str, opts: &BlockOptions) -> Option<usize> {
    let bytes = text.as_bytes();
    let marker_end = with_prefilter(opts, |p| p.last_end(bytes));
    let mut last = marker_end.map(|e| line_end(text, e.saturating_sub(1)));
    let mut at = marker_end.unwrap_or(0);
    while let Some(i) = memchr::memchr2(b'&', b'\\', &bytes[at.min(bytes.len())..]) {
        let hit = at + i;
        let end = line_end(text, hit);
        let line = &bytes[line_start(text, hit)..end];
        if memchr::memmem::find(line, b"```").is_some()
            || memchr::memmem::find(line, b"~~~").is_some()
        {
            last = Some(end);
        }
        at = end + 1;
    }
    last
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefilter_finds_every_marker_in_any_case() {
        let opts = BlockOptions::default();
        assert!(may_hold_marker(b"x\n```MerMaid\n", &opts));
        assert!(may_hold_marker(b"{{< mermaid >}}", &opts));
        assert!(may_hold_marker(b"<Mermaid chart={`graph LR`} />", &opts));
        assert!(!may_hold_marker(b"```graph LR\nA-->B\n```\n", &opts));
        assert!(!may_hold_marker(b"", &opts));
        let custom = BlockOptions {
            info_strings: vec!["mermaid".into(), "Diagram".into()],
        };
        assert!(may_hold_marker(b"```DIAGRAM\ngraph LR\n```\n", &custom));
        // The automaton follows the options it is given, not the last ones.
        assert!(!may_hold_marker(b"```DIAGRAM\ngraph LR\n```\n", &opts));
    }

    /// The Teddy path and the automaton agree with a plain lowercase
    /// search, case variants, overlaps and haystack ends included.
    #[test]
    fn prefilter_matches_a_plain_case_insensitive_search() {
        let markers = markers(&BlockOptions {
            info_strings: vec!["mermaid".into(), "MMD".into(), "x-graph".into()],
        });
        let packed = Prefilter::new(&markers);
        assert!(matches!(packed, Prefilter::Packed { .. }) || cfg!(not(target_arch = "x86_64")));
        let automaton = Prefilter::Automaton(
            AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .build(&markers)
                .unwrap(),
        );
        let pieces = [
            "",
            "x",
            "merm",
            "MerMaId",
            "mermai",
            "mermermaid",
            "mm",
            "mmd",
            "MmD",
            "x-grap",
            "X-GRAPH",
            "prose about merges and customers ",
            "\u{e9}t\u{e9} ",
            "0123456789abcdef0123456789abcdef",
        ];
        let mut seed = 7u64;
        for _ in 0..3000 {
            let mut hay = String::new();
            for _ in 0..(seed % 6) {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                hay.push_str(pieces[(seed >> 33) as usize % pieces.len()]);
            }
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
            let lower = hay.to_ascii_lowercase();
            let want = markers
                .iter()
                .any(|m| lower.contains(&m.to_ascii_lowercase()));
            assert_eq!(packed.is_match(hay.as_bytes()), want, "{hay:?}");
            assert_eq!(automaton.is_match(hay.as_bytes()), want, "{hay:?}");
            let last = markers
                .iter()
                .filter_map(|m| {
                    let m = m.to_ascii_lowercase();
                    lower.rfind(&m).map(|i| i + m.len())
                })
                .max();
            assert_eq!(packed.last_end(hay.as_bytes()), last, "{hay:?}");
            assert_eq!(automaton.last_end(hay.as_bytes()), last, "{hay:?}");
        }
        assert!(Prefilter::new(&["mermaid".into(), String::new()]).is_match(b"anything"));
    }

    /// The search from the end in chunks sees occurrences across chunk
    /// boundaries, and a longer marker ending after a shorter later one.
    #[test]
    fn last_end_is_found_across_chunks() {
        let markers: Vec<String> = vec!["mermaid".into(), "x-graph-long".into()];
        let packed = Prefilter::new(&markers);
        let automaton = Prefilter::Automaton(
            AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .build(&markers)
                .unwrap(),
        );
        let mut seed = 11u64;
        for round in 0..400 {
            let len = 1 + (round * 97) % 9000;
            let mut hay = vec![b'.'; len];
            for _ in 0..(round % 4) {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let m = markers[(seed >> 40) as usize % 2].to_ascii_uppercase();
                // Near a chunk boundary (1, 3 or 7 KiB from the end) or anywhere.
                let near = [1024, 3072, 7168][(seed >> 20) as usize % 3];
                let at = if seed % 2 == 0 {
                    len.saturating_sub(near + (seed >> 50) as usize % 16)
                } else {
                    (seed >> 33) as usize % len
                };
                if at + m.len() <= len {
                    hay[at..at + m.len()].copy_from_slice(m.as_bytes());
                }
            }
            let lower = hay.to_ascii_lowercase();
            let want = markers
                .iter()
                .filter_map(|m| {
                    let lower = String::from_utf8(lower.clone()).unwrap();
                    lower.rfind(m.as_str()).map(|i| i + m.len())
                })
                .max();
            assert_eq!(packed.last_end(&hay), want, "round {round}");
            assert_eq!(automaton.last_end(&hay), want, "round {round}");
        }
    }

    /// The chunked lowered search sees a marker wherever it lies, across
    /// chunk boundaries and at either end, in any case, as a plain
    /// lowercase search does; more than two markers take Teddy.
    #[test]
    fn lowered_search_agrees_with_a_plain_search() {
        for markers in [
            vec!["mermaid".to_string()],
            vec!["mermaid".into(), "MMD".into()],
        ] {
            // Filler from both sides of every letter's case bit.
            let filler = b"m\rM-@`[{";
            let lowered = Lowered::new(&markers).unwrap();
            let mut seed = 5u64;
            for round in 0..600 {
                let len = [1, 7, 100, LOWER_CHUNK - 3, LOWER_CHUNK, 2 * LOWER_CHUNK + 5][round % 6]
                    + (round / 6) % 11;
                let mut hay: Vec<u8> = (0..len)
                    .map(|i| filler[(i * 7 + round) % filler.len()])
                    .collect();
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                if round % 3 != 0 {
                    let m = &markers[(seed >> 40) as usize % markers.len()];
                    let m = if seed % 2 == 0 {
                        m.to_ascii_uppercase()
                    } else {
                        m.to_ascii_lowercase()
                    };
                    // Around a chunk boundary, or anywhere.
                    let at = if (seed >> 8) % 2 == 0 {
                        (LOWER_CHUNK - 1 + (seed >> 20) as usize % 4).saturating_sub(m.len() / 2)
                    } else {
                        (seed >> 33) as usize % len
                    };
                    if at + m.len() <= len {
                        hay[at..at + m.len()].copy_from_slice(m.as_bytes());
                    }
                }
                let lower = String::from_utf8(hay.to_ascii_lowercase()).unwrap();
                let want = markers
                    .iter()
                    .any(|m| lower.contains(&m.to_ascii_lowercase()));
                let ascii = hay.is_ascii();
                let seen = lowered.look(&hay);
                if want {
                    assert_eq!(seen, Prefiltered::Marker, "round {round}");
                } else {
                    assert_eq!(seen, Prefiltered::NoMarker { ascii }, "round {round}");
                }
                assert_eq!(
                    Prefilter::new(&markers).is_match(&hay),
                    want,
                    "round {round}"
                );
            }
        }
        let three: Vec<String> = vec!["a".into(), "b".into(), "c".into()];
        assert!(Lowered::new(&three).is_none());
        assert!(Lowered::new(&["x-graph".to_string()]).is_none());
        assert!(Lowered::new(&["x".repeat(LOWER_CHUNK)]).is_none());
    }

    #[test]
    fn an_earlier_longer_marker_can_end_last() {
        // The first chunk searched (the last KiB) holds "mermaid" at
        // 1024..1031; the longer marker starts one byte before it.
        let markers: Vec<String> = vec!["mermaid".into(), "zmermaidxxxxx".into()];
        let mut hay = vec![b'.'; 2048];
        hay[1023..1036].copy_from_slice(b"zmermaidxxxxx");
        assert_eq!(Prefilter::new(&markers).last_end(&hay), Some(1036));
    }

    #[test]
    fn last_opening_line() {
        let opts = BlockOptions::default();
        let text = "a\n```mermaid\nA\n```\nb mermaid c\nd\n";
        assert_eq!(last_opening(text, &opts), Some(30));
        assert_eq!(last_opening("a\nb\n", &opts), None);
        // A fence whose info string may decode to a marker counts.
        let text = "mermaid\n```&#109;ermaid\nA\n```\nR&D\n";
        assert_eq!(last_opening(text, &opts), Some(23));
        assert_eq!(last_opening("```x\\-y\n", &opts), Some(7));
        assert_eq!(last_opening("a & b\n", &opts), None);
        let everything = BlockOptions {
            info_strings: vec![String::new()],
        };
        assert_eq!(last_opening("a\nb", &everything), Some(3));
    }
}
