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
use std::collections::VecDeque;

/// Split classes until every class's members have the same set of
/// predecessor classes and the same set of successor classes (links inside
/// a class ignored). `class[u]` is unit `u`'s class on entry and on return;
/// `members[c]` lists class `c`'s units (any order) and is updated too.
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
/// Each class keeps its dirty members at the tail of its member list
/// (`pos` says where each unit sits), so checking a class costs its dirty
/// members, never the whole class: a long chain of look-alike stacks splits
/// one stack at a time off a class of thousands, and reading (or sorting)
/// the whole class at each split was quadratic. The work is O(m log n).
pub fn refine(class: &mut [usize], members: &mut Vec<Vec<usize>>, preds: &Rows, succs: &Rows) {
    let nu = class.len();
    let mut pos = vec![0usize; nu];
    for m in members.iter() {
        for (i, &u) in m.iter().enumerate() {
            pos[u] = i;
        }
    }
    // Dirty members of class `c` are `members[c][len - ndirty[c]..]`.
    let mut ndirty: Vec<usize> = vec![0; members.len()];
    let mut dirty = vec![false; nu];
    let mut queued = vec![false; members.len()];
    let mut queue: VecDeque<usize> = VecDeque::new();
    for (c, m) in members.iter().enumerate() {
        if m.len() > 1 {
            queue.push_back(c);
            queued[c] = true;
            ndirty[c] = m.len();
            for &u in m {
                dirty[u] = true;
            }
        }
    }
    let mut sigs = Signatures::default();
    let mut touched: Vec<usize> = Vec::new();
    // The dirty members of the class being checked (one buffer for all).
    let mut dirt: Vec<usize> = Vec::new();
    // `parts[p]`: the dirty members of part `p` of the class being
    // checked; part 0 also holds the `clean` members still at the head of
    // its member list. The list itself is kept from class to class (the
    // parts that move become classes of their own).
    let mut parts: Vec<Vec<usize>> = Vec::new();
    while let Some(c) = queue.pop_front() {
        queued[c] = false;
        let len = members[c].len();
        let nd = std::mem::take(&mut ndirty[c]);
        dirt.clear();
        dirt.extend_from_slice(&members[c][len - nd..]);
        for &u in &dirt {
            dirty[u] = false;
        }
        if len < 2 || nd == 0 {
            continue;
        }
        // Parts by signature: part 0 is the clean members (if any), which
        // share the signature of any one of them.
        let clean = len - nd;
        sigs.clear();
        if clean > 0 {
            sigs.part_of(class, preds, succs, members[c][0], c);
        }
        parts.clear();
        if clean > 0 {
            parts.push(Vec::new());
        }
        for &u in &dirt {
            let p = sigs.part_of(class, preds, succs, u, c);
            if p == parts.len() {
                parts.push(Vec::new());
            }
            parts[p].push(u);
        }
        if parts.len() < 2 {
            continue;
        }
        let with_clean = |p: usize| if p == 0 { clean } else { 0 };
        let largest = (0..parts.len())
            .max_by_key(|&p| (parts[p].len() + with_clean(p), std::cmp::Reverse(p)))
            .unwrap_or(0);
        // The largest part stays in `c`; every other part gets a new class.
        // Only what moves is copied: when the clean members stay, they stay
        // where they are (the head of the list).
        let keep = std::mem::take(&mut parts[largest]);
        if with_clean(largest) > 0 {
            members[c].truncate(clean);
            members[c].extend_from_slice(&keep);
        } else {
            let old = std::mem::replace(&mut members[c], keep);
            if clean > 0 {
                parts[0].extend_from_slice(&old[..clean]);
            }
        }
        for (i, &u) in members[c].iter().enumerate().skip(with_clean(largest)) {
            pos[u] = i;
        }
        touched.clear();
        let moved = parts
            .drain(..)
            .enumerate()
            .filter(|&(p, _)| p != largest)
            .map(|(_, part)| part);
        for part in moved {
            let id = members.len();
            ndirty.push(0);
            queued.push(false);
            for (i, &u) in part.iter().enumerate() {
                class[u] = id;
                pos[u] = i;
                touched.extend_from_slice(&preds[u]);
                touched.extend_from_slice(&succs[u]);
            }
            if part.len() > 1 {
                touched.extend_from_slice(&part);
            }
            members.push(part);
        }
        for &w in &touched {
            let k = class[w];
            let m = &mut members[k];
            if m.len() < 2 {
                continue;
            }
            if !dirty[w] {
                dirty[w] = true;
                // Swap `w` into the dirty tail.
                let t = m.len() - 1 - ndirty[k];
                let other = m[t];
                m.swap(pos[w], t);
                pos[other] = pos[w];
                pos[w] = t;
                ndirty[k] += 1;
            }
            if !queued[k] {
                queued[k] = true;
                queue.push_back(k);
            }
        }
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
    keys: Vec<usize>,
    /// Where each signature ends in `keys`.
    ends: Vec<usize>,
    /// The signature being read.
    buf: Vec<usize>,
}

/// The FNV hash of a signature.
fn hash_of(sig: &[usize]) -> u64 {
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
    fn part_of(
        &mut self,
        class: &[usize],
        preds: &Rows,
        succs: &Rows,
        u: usize,
        c: usize,
    ) -> usize {
        let Signatures {
            index,
            keys,
            ends,
            buf,
        } = self;
        buf.clear();
        push_classes(buf, class, &preds[u], c);
        buf.push(usize::MAX);
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
fn push_classes(buf: &mut Vec<usize>, class: &[usize], list: &[usize], c: usize) {
    let start = buf.len();
    buf.extend(list.iter().map(|&w| class[w]).filter(|&k| k != c));
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
        let mut members = vec![Vec::new(); k];
        for (u, &c) in start.iter().enumerate() {
            members[c].push(u);
        }
        let mut class = start.to_vec();
        refine(
            &mut class,
            &mut members,
            &Rows::from_lists(&preds),
            &Rows::from_lists(&succs),
        );
        // `members` agrees with `class`.
        for (c, m) in members.iter().enumerate() {
            for &u in m {
                assert_eq!(class[u], c);
            }
        }
        assert_eq!(members.iter().map(Vec::len).sum::<usize>(), n);
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
