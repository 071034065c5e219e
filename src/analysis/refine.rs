//! Partition refinement for twins (SPEC §2, evidence 5): split classes until
//! the members of every class have the same predecessor classes and the same
//! successor classes. Owns the refinement and its cost bound; knows nothing
//! about labels or kinds (the starting partition comes from `groups`).
//!
//! The result is the coarsest stable refinement of the starting partition,
//! which is unique: a class is split only when two members already see
//! different neighbour classes, and every stable refinement must separate
//! those two as well (their neighbours' classes there refine the ones seen
//! now). So the order of the splits does not change the result, only the
//! cost; the tests check it against a plain fixpoint on random graphs.

use super::graph::Rows;
use super::index32;
use std::collections::VecDeque;

/// Split classes until every class's members have the same set of
/// predecessor classes and the same set of successor classes (links inside
/// a class ignored). `class[u]` is unit `u`'s class on entry (below
/// `classes`) and on return; returns how many classes there are then.
///
/// A worklist that only looks at what changed. Once a class has been checked,
/// its members share one signature; a member's signature can change only when
/// a neighbour changes class, so such members are marked *dirty* and only the
/// dirty members (plus one clean representative, which stands for all clean
/// members) are re-read when their class is checked again. When a class
/// splits, the largest part keeps the class id and the other parts move:
/// their members' neighbours become dirty, and so does every member of a
/// moved part with more than one member (links to the part it left now
/// count). A unit moves only to a part no larger than half of its class,
/// hence O(log n) times.
///
/// Each class keeps its dirty members at the tail of its members (`pos`
/// says where each unit sits), so checking a class costs its dirty
/// members, never the whole class: a long chain of look-alike stacks splits
/// one stack at a time off a class of thousands, and reading (or sorting)
/// the whole class at each split was quadratic. The work is O(m log n).
///
/// The members of every class sit in one list, each class a range of it
/// ([`Partition`]); a split reorders the class's dirty tail by part and
/// cuts the range, so a new class costs no allocation (a list per class
/// was an allocation per node of a big diagram, whose classes end up
/// mostly single units).
///
/// Units, classes and positions are `u32` (so are [`Rows`]' items): a big
/// diagram's units are read all over, and half the bytes miss the cache
/// half as often.
pub fn refine(class: &mut [u32], classes: usize, preds: &Rows, succs: &Rows) -> usize {
    let mut p = Partition::new(class, classes);
    let mut dirty = vec![false; class.len()];
    let mut queue: VecDeque<usize> = VecDeque::new();
    for (c, r) in p.ranges.iter_mut().enumerate() {
        if r.len > 1 {
            queue.push_back(c);
            r.queued = true;
            r.ndirty = r.len;
        }
    }
    for r in &p.ranges {
        if r.len > 1 {
            for &u in &p.units[r.first as usize..(r.first + r.len) as usize] {
                dirty[u as usize] = true;
            }
        }
    }
    let mut sigs = Signatures::default();
    let mut touched: Vec<u32> = Vec::new();
    // The dirty members of the class being checked and their parts (one
    // buffer each for all classes).
    let mut dirt: Vec<u32> = Vec::new();
    let mut part_of: Vec<usize> = Vec::new();
    // Per part: how many dirty members, then where the part starts.
    let mut sizes: Vec<usize> = Vec::new();
    let mut fill: Vec<usize> = Vec::new();
    while let Some(c) = queue.pop_front() {
        let Range { first, len, .. } = p.ranges[c];
        let (first, len) = (first as usize, len as usize);
        p.ranges[c].queued = false;
        let nd = std::mem::take(&mut p.ranges[c].ndirty) as usize;
        let clean = len - nd;
        dirt.clear();
        dirt.extend_from_slice(&p.units[first + clean..first + len]);
        for &u in &dirt {
            dirty[u as usize] = false;
        }
        if len < 2 || nd == 0 {
            continue;
        }
        // Parts by signature: part 0 is the clean members (if any), which
        // share the signature of any one of them.
        sigs.clear();
        if clean > 0 {
            sigs.part_of(class, preds, succs, p.units[first] as usize, c);
        }
        part_of.clear();
        sizes.clear();
        if clean > 0 {
            sizes.push(0);
        }
        for &u in &dirt {
            let q = sigs.part_of(class, preds, succs, u as usize, c);
            if q == sizes.len() {
                sizes.push(0);
            }
            sizes[q] += 1;
            part_of.push(q);
        }
        if sizes.len() < 2 {
            continue;
        }
        // Lay the dirty tail out part by part (part 0 right after the
        // clean head), so each part is a range: `sizes[q]` becomes part
        // `q`'s start.
        let mut at = first + clean;
        let mut largest = (0, 0);
        for (q, size) in sizes.iter_mut().enumerate() {
            let with_clean = if q == 0 { clean } else { 0 };
            let whole = *size + with_clean;
            if whole > largest.1 {
                largest = (q, whole);
            }
            let start = at - with_clean;
            at += *size;
            *size = start;
        }
        fill.clear();
        fill.extend(
            sizes
                .iter()
                .enumerate()
                .map(|(q, &s)| if q == 0 { s + clean } else { s }),
        );
        for (&u, &q) in dirt.iter().zip(&part_of) {
            p.units[fill[q]] = u;
            p.pos[u as usize] = index32(fill[q]);
            fill[q] += 1;
        }
        // The largest part stays in `c` (the first largest, as parts are
        // numbered); every other part gets a new class.
        touched.clear();
        for q in 0..sizes.len() {
            let range = Range {
                first: index32(sizes[q]),
                len: index32(fill[q] - sizes[q]),
                ndirty: 0,
                queued: false,
            };
            if q == largest.0 {
                p.ranges[c] = range;
                continue;
            }
            let id = index32(p.ranges.len());
            let members = &p.units[sizes[q]..fill[q]];
            for &u in members {
                let u = u as usize;
                class[u] = id;
                touched.extend_from_slice(&preds[u]);
                touched.extend_from_slice(&succs[u]);
            }
            if range.len > 1 {
                touched.extend_from_slice(members);
            }
            p.ranges.push(range);
        }
        for &w in &touched {
            let w = w as usize;
            let k = class[w] as usize;
            let r = &mut p.ranges[k];
            if r.len < 2 {
                continue;
            }
            if !dirty[w] {
                dirty[w] = true;
                // Swap `w` into the dirty tail.
                let t = (r.first + r.len - 1 - r.ndirty) as usize;
                let other = p.units[t] as usize;
                let at = p.pos[w];
                p.units.swap(at as usize, t);
                p.pos[other] = at;
                p.pos[w] = index32(t);
                r.ndirty += 1;
            }
            if !r.queued {
                r.queued = true;
                queue.push_back(k);
            }
        }
    }
    p.ranges.len()
}

/// A partition of units into classes: every class's members in one list,
/// a class a range of it.
struct Partition {
    /// The units, class by class.
    units: Vec<u32>,
    /// Where each unit sits in `units`.
    pos: Vec<u32>,
    /// Each class's range and worklist state.
    ranges: Vec<Range>,
}

/// One class of a [`Partition`]: its members are `units[first..first +
/// len]`, the last `ndirty` of them dirty.
#[derive(Clone, Copy, Default)]
struct Range {
    first: u32,
    len: u32,
    ndirty: u32,
    /// Whether the class waits in the worklist.
    queued: bool,
}

impl Partition {
    /// The partition `class` gives, classes numbered below `classes`.
    fn new(class: &[u32], classes: usize) -> Self {
        let mut ranges = vec![Range::default(); classes];
        for &c in class {
            ranges[c as usize].len += 1;
        }
        let mut at = 0;
        for r in &mut ranges {
            r.first = at;
            at += r.len;
        }
        let mut units = vec![0; class.len()];
        let mut pos = vec![0; class.len()];
        let mut fill: Vec<u32> = ranges.iter().map(|r| r.first).collect();
        for (u, &c) in class.iter().enumerate() {
            let c = c as usize;
            units[fill[c] as usize] = index32(u);
            pos[u] = fill[c];
            fill[c] += 1;
        }
        Partition { units, pos, ranges }
    }
}

/// Signatures of the units of one class being checked, numbered in order of
/// first appearance. A signature is the sorted, deduplicated predecessor
/// classes, a separator, then the successor classes, the class itself left
/// out. The signatures seen are kept one after another in one list and
/// found through a table of their numbers, all reused across classes: a
/// map owning each signature was an allocation per part of every class
/// checked (most of the refinement's allocations on a big diagram).
#[derive(Default)]
struct Signatures {
    /// The number of each signature seen, hashed by its classes.
    index: hashbrown::HashTable<usize>,
    /// The signatures seen: number `p`'s is `keys[ends[p - 1]..ends[p]]`.
    keys: Vec<u32>,
    /// Where each signature ends in `keys`.
    ends: Vec<usize>,
    /// The signature being read.
    buf: Vec<u32>,
}

/// The FNV hash of a signature.
fn hash_of(sig: &[u32]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = crate::vocab::Fnv::default();
    sig.hash(&mut h);
    h.finish()
}

impl Signatures {
    fn clear(&mut self) {
        self.index.clear();
        self.keys.clear();
        self.ends.clear();
    }

    /// The part number of unit `u` of class `c`.
    fn part_of(&mut self, class: &[u32], preds: &Rows, succs: &Rows, u: usize, c: usize) -> usize {
        let Signatures {
            index,
            keys,
            ends,
            buf,
        } = self;
        buf.clear();
        let c = index32(c);
        push_classes(buf, class, &preds[u], c);
        buf.push(u32::MAX);
        push_classes(buf, class, &succs[u], c);
        let sig = |p: usize| &keys[if p == 0 { 0 } else { ends[p - 1] }..ends[p]];
        let hash = hash_of(buf);
        if let Some(&p) = index.find(hash, |&p| sig(p) == buf.as_slice()) {
            return p;
        }
        let next = ends.len();
        index.insert_unique(hash, next, |&p| {
            hash_of(&keys[if p == 0 { 0 } else { ends[p - 1] }..ends[p]])
        });
        keys.extend_from_slice(buf);
        ends.push(keys.len());
        next
    }
}

/// Append the classes of `list` other than `c`, sorted and deduplicated.
fn push_classes(buf: &mut Vec<u32>, class: &[u32], list: &[u32], c: u32) {
    let start = buf.len();
    buf.extend(list.iter().map(|&w| class[w as usize]).filter(|&k| k != c));
    buf[start..].sort_unstable();
    let mut w = start;
    for r in start..buf.len() {
        if r == start || buf[r] != buf[w - 1] {
            buf[w] = buf[r];
            w += 1;
        }
    }
    buf.truncate(w);
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

    /// The plain fixpoint: split every class by signature at once, until
    /// nothing splits. Slow (a pass over everything per round), obviously
    /// the definition.
    fn reference(start: &[usize], preds: &[Vec<usize>], succs: &[Vec<usize>]) -> Vec<usize> {
        let mut class = start.to_vec();
        loop {
            let sig = |u: usize| {
                let of = |list: &[usize]| {
                    let mut s: Vec<usize> = list
                        .iter()
                        .map(|&w| class[w])
                        .filter(|&k| k != class[u])
                        .collect();
                    s.sort_unstable();
                    s.dedup();
                    s
                };
                (class[u], of(&preds[u]), of(&succs[u]))
            };
            let mut ids = std::collections::HashMap::new();
            let next: Vec<usize> = (0..class.len())
                .map(|u| {
                    let n = ids.len();
                    *ids.entry(sig(u)).or_insert(n)
                })
                .collect();
            if ids.len() == class.iter().collect::<std::collections::HashSet<_>>().len() {
                return class;
            }
            class = next;
        }
    }

    /// Each unit's class named by its class's first unit, so two partitions
    /// compare equal whatever their class numbers.
    fn canonical(class: &[usize]) -> Vec<usize> {
        let mut first = std::collections::HashMap::new();
        (0..class.len())
            .map(|u| *first.entry(class[u]).or_insert(u))
            .collect()
    }

    fn run(start: &[usize], edges: &[(usize, usize)]) -> Vec<usize> {
        let n = start.len();
        let mut preds = vec![Vec::new(); n];
        let mut succs = vec![Vec::new(); n];
        for &(a, b) in edges {
            if a != b {
                succs[a].push(b);
                preds[b].push(a);
            }
        }
        for l in preds.iter_mut().chain(succs.iter_mut()) {
            l.sort_unstable();
            l.dedup();
        }
        let k = start.iter().max().map_or(0, |m| m + 1);
        let mut class32: Vec<u32> = start.iter().map(|&c| index32(c)).collect();
        let classes = refine(
            &mut class32,
            k,
            &Rows::from_lists(&preds),
            &Rows::from_lists(&succs),
        );
        let class: Vec<usize> = class32.iter().map(|&c| c as usize).collect();
        // Every class number is below the count returned.
        assert!(class.iter().all(|&c| c < classes));
        assert_eq!(class.len(), n);
        let want = canonical(&reference(start, &preds, &succs));
        assert_eq!(canonical(&class), want, "start {start:?} edges {edges:?}");
        class
    }

    #[test]
    fn matches_the_plain_fixpoint_on_random_graphs() {
        let graphs = (1usize..14).prop_flat_map(|n| {
            (
                proptest::collection::vec(0..3usize, n),
                proptest::collection::vec((0..n, 0..n), 0..3 * n),
            )
        });
        let mut runner = TestRunner::new_with_rng(
            Config {
                cases: 2000,
                failure_persistence: None,
                ..Config::default()
            },
            TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]),
        );
        runner
            .run(&graphs, |(start, edges)| {
                run(&start, &edges);
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn a_chain_of_look_alikes_splits_into_singletons() {
        // 0 -> 1 -> ... -> 19, even and odd positions two classes (an LB
        // and a server per stack): the ends differ, and the difference runs
        // down the chain one stack at a time until every position differs.
        let edges: Vec<(usize, usize)> = (0..19).map(|i| (i, i + 1)).collect();
        let start: Vec<usize> = (0..20).map(|i| i % 2).collect();
        let class = run(&start, &edges);
        let distinct: std::collections::HashSet<_> = class.iter().collect();
        assert_eq!(distinct.len(), 20);
        // Links inside one class are ignored: a chain of one class stays one.
        let one = run(&[0; 20], &edges);
        assert!(one.iter().all(|&c| c == one[0]));
    }

    #[test]
    fn replicated_stacks_collapse() {
        // LB(0) -> S1(1), S2(2); S1 -> DB1(3), S2 -> DB2(4); classes: LB, S, DB.
        let class = run(&[0, 1, 1, 2, 2], &[(0, 1), (0, 2), (1, 3), (2, 4)]);
        assert_eq!(class[1], class[2]);
        assert_eq!(class[3], class[4]);
    }
}
