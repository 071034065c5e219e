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
        match self {
            Prefilter::Packed { .. } => self.packed_ends(bytes).next().is_some(),
            Prefilter::Automaton(ac) => ac.is_match(bytes),
            Prefilter::Everything => true,
        }
    }

    /// Where the last occurrence of a marker in `bytes` ends (the greatest
    /// end of any occurrence, overlapping ones included); `Some(len)` when
    /// everything matches.
    fn last_end(&self, bytes: &[u8]) -> Option<usize> {
        match self {
            Prefilter::Packed { .. } => self.packed_ends(bytes).max(),
            Prefilter::Automaton(ac) => ac.find_overlapping_iter(bytes).map(|m| m.end()).max(),
            Prefilter::Everything => Some(bytes.len()),
        }
    }

    /// The ends of the confirmed marker occurrences Teddy finds, in order of
    /// their starts (empty for the other kinds).
    fn packed_ends<'s>(&'s self, bytes: &'s [u8]) -> impl Iterator<Item = usize> + 's {
        let mut at = 0;
        std::iter::from_fn(move || {
            let Prefilter::Packed {
                searcher,
                markers,
                owner,
            } = self
            else {
                return None;
            };
            while let Some(m) = searcher.find_in(bytes, aho_corasick::Span::from(at..bytes.len())) {
                let marker = &markers[owner[m.pattern().as_usize()]];
                let start = m.start();
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

/// Whether `bytes` holds a marker for `opts`, ASCII case-insensitively.
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
