//! Failure propagation over the quotient graph (SPEC §3), in linear time.
//! Owns reachability from entries and blast radii; knows nothing about words.
//!
//! The argument: every need is an AND (a component fails when anything it
//! needs fails; a redundancy group is one vertex of the quotient graph, so the
//! OR inside a group is already folded in). So when class `v` fails, the
//! classes that fail are exactly those with a path *to* `v`, and an entry
//! fails iff `v` is reachable from it. Hence:
//!
//! - "some entry fails with v" ⟺ v is reachable from some entry;
//! - "every entry fails with v" ⟺ v is reachable from every entry.
//!
//! Both are computed for all classes at once: condense the strongly connected
//! components (Tarjan, via petgraph), then push entry bitsets down the
//! condensation in topological order, 64 entries per pass, counting the bits
//! that arrive. That is O((V + E) · ⌈k / 64⌉) for k entries, linear for the
//! handful of entries a real diagram has; no per-node failure simulation.
//! Blast-radius lists are built only for reported findings, by a capped
//! backward search.

use petgraph::algo::tarjan_scc;
use petgraph::graph::{DiGraph, NodeIndex};

/// Reachability of every class from the entries.
#[derive(Clone, Debug, Default)]
pub struct Reach {
    /// For each class: how many entries reach it.
    pub count: Vec<usize>,
    /// For each class: which of the first 64 entries reach it.
    pub first_mask: Vec<u64>,
    /// Number of entries.
    pub entries: usize,
}

/// Reachability from `entries` (class ids) over `succ` (class adjacency).
pub fn reach(succ: &[Vec<usize>], entries: &[usize]) -> Reach {
    let n = succ.len();
    let mut g: DiGraph<(), ()> = DiGraph::with_capacity(n, 0);
    let idx: Vec<NodeIndex> = (0..n).map(|_| g.add_node(())).collect();
    for (a, list) in succ.iter().enumerate() {
        for &b in list {
            g.add_edge(idx[a], idx[b], ());
        }
    }
    // tarjan_scc returns components in reverse topological order.
    let sccs = tarjan_scc(&g);
    let mut comp = vec![0usize; n];
    for (ci, c) in sccs.iter().enumerate() {
        for v in c {
            comp[v.index()] = ci;
        }
    }
    let nc = sccs.len();
    let mut csucc: Vec<Vec<usize>> = vec![Vec::new(); nc];
    for (a, list) in succ.iter().enumerate() {
        for &b in list {
            if comp[a] != comp[b] {
                csucc[comp[a]].push(comp[b]);
            }
        }
    }
    let mut count_c = vec![0usize; nc];
    let mut first_c = vec![0u64; nc];
    let mut mask = vec![0u64; nc];
    for (chunk_no, chunk) in entries.chunks(64).enumerate() {
        mask.iter_mut().for_each(|m| *m = 0);
        for (bit, &e) in chunk.iter().enumerate() {
            mask[comp[e]] |= 1u64 << bit;
        }
        // Topological order = reverse of Tarjan's order.
        for ci in (0..nc).rev() {
            let m = mask[ci];
            if m == 0 {
                continue;
            }
            for &d in &csucc[ci] {
                mask[d] |= m;
            }
        }
        for ci in 0..nc {
            count_c[ci] += mask[ci].count_ones() as usize;
        }
        if chunk_no == 0 {
            first_c.copy_from_slice(&mask);
        }
    }
    Reach {
        count: (0..n).map(|v| count_c[comp[v]]).collect(),
        first_mask: (0..n).map(|v| first_c[comp[v]]).collect(),
        entries: entries.len(),
    }
}

/// Capped backward searches for blast radii, sharing one mark array and
/// one queue so each search costs only what it visits (a diagram with many
/// findings runs one search per finding).
#[derive(Clone, Debug)]
pub struct Searcher {
    mark: Vec<u32>,
    stamp: u32,
    /// The search's queue; what it visited, in order, is `queue[1..]`.
    queue: Vec<usize>,
    out: Vec<usize>,
}

impl Searcher {
    /// A searcher over a graph of `n` vertices.
    pub fn new(n: usize) -> Self {
        Searcher {
            mark: vec![0; n],
            stamp: 0,
            queue: Vec::new(),
            out: Vec::new(),
        }
    }

    /// Classes that fail with `v` (a path to `v`), nearest first, searching
    /// at most `budget` classes; the flag says whether the search was cut
    /// short.
    pub fn failing_with(
        &mut self,
        pred: &[Vec<usize>],
        v: usize,
        budget: usize,
        skip: impl Fn(usize) -> bool,
    ) -> (&[usize], bool) {
        self.stamp += 1;
        let stamp = self.stamp;
        self.mark[v] = stamp;
        self.queue.clear();
        self.out.clear();
        self.queue.push(v);
        let mut head = 0;
        while let Some(&x) = self.queue.get(head) {
            head += 1;
            for &p in &pred[x] {
                if self.mark[p] != stamp {
                    self.mark[p] = stamp;
                    // The budget bounds the work, not only the output.
                    if self.queue.len() >= budget {
                        return (&self.out, true);
                    }
                    if !skip(p) {
                        self.out.push(p);
                    }
                    self.queue.push(p);
                }
            }
        }
        (&self.out, false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_entries_through_cycles() {
        // 0 -> 2, 1 -> 2, 2 <-> 3, 3 -> 4; entries 0 and 1.
        let succ = vec![vec![2], vec![2], vec![3], vec![2, 4], vec![]];
        let r = reach(&succ, &[0, 1]);
        assert_eq!(r.count, vec![1, 1, 2, 2, 2]);
        assert_eq!(r.first_mask[0], 0b01);
        assert_eq!(r.first_mask[4], 0b11);
    }

    #[test]
    fn more_than_64_entries_are_counted() {
        // 100 entries all needing node 100; entry 0 also needs 101.
        let mut succ: Vec<Vec<usize>> = (0..100).map(|_| vec![100]).collect();
        succ[0].push(101);
        succ.push(vec![]);
        succ.push(vec![]);
        let entries: Vec<usize> = (0..100).collect();
        let r = reach(&succ, &entries);
        assert_eq!(r.count[100], 100);
        assert_eq!(r.count[101], 1);
    }
}
