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
//! components (Tarjan), then push entry bitsets down the
//! condensation in topological order, 64 entries per pass, counting the bits
//! that arrive. That is O((V + E) · ⌈k / 64⌉) for k entries, linear for the
//! handful of entries a real diagram has; no per-node failure simulation.
//! Blast-radius lists are built only for reported findings, by a capped
//! backward search.

use super::graph::Rows;

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

/// The strongly connected components of `succ`: each vertex's component,
/// numbered in reverse topological order (a component's successors have
/// smaller numbers), and how many there are. Tarjan's algorithm with an
/// explicit stack, so deep chains do not overflow the call stack.
fn components(succ: &Rows) -> (Vec<usize>, usize) {
    const UNSEEN: usize = usize::MAX;
    let n = succ.len();
    let mut index = vec![UNSEEN; n];
    let mut low = vec![0usize; n];
    let mut comp = vec![UNSEEN; n];
    let mut stack: Vec<usize> = Vec::new();
    // (vertex, position of the next successor to look at)
    let mut frames: Vec<(usize, usize)> = Vec::new();
    let (mut next_index, mut nc) = (0usize, 0usize);
    for root in 0..n {
        if index[root] != UNSEEN {
            continue;
        }
        index[root] = next_index;
        low[root] = next_index;
        next_index += 1;
        stack.push(root);
        frames.push((root, 0));
        while let Some(frame) = frames.last_mut() {
            let (v, i) = *frame;
            if let Some(&w) = succ[v].get(i) {
                let w = w as usize;
                frame.1 += 1;
                if index[w] == UNSEEN {
                    index[w] = next_index;
                    low[w] = next_index;
                    next_index += 1;
                    stack.push(w);
                    frames.push((w, 0));
                } else if comp[w] == UNSEEN {
                    // `w` is on the stack: in the component being built.
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            frames.pop();
            if low[v] == index[v] {
                while let Some(w) = stack.pop() {
                    comp[w] = nc;
                    if w == v {
                        break;
                    }
                }
                nc += 1;
            }
            if let Some(&(p, _)) = frames.last() {
                low[p] = low[p].min(low[v]);
            }
        }
    }
    (comp, nc)
}

/// Reachability from `entries` (class ids) over `succ` (class adjacency).
pub fn reach(succ: &Rows, entries: &[usize]) -> Reach {
    let n = succ.len();
    let (comp, nc) = components(succ);
    let csucc = Rows::from_pairs(nc, || {
        (0..n).flat_map(|a| {
            let comp = &comp;
            succ[a]
                .iter()
                .map(|&b| b as usize)
                .filter(move |&b| comp[a] != comp[b])
                .map(move |b| (comp[a], comp[b]))
        })
    });
    let mut count_c = vec![0usize; nc];
    let mut first_c = vec![0u64; nc];
    let mut mask = vec![0u64; nc];
    for (chunk_no, chunk) in entries.chunks(64).enumerate() {
        mask.iter_mut().for_each(|m| *m = 0);
        for (bit, &e) in chunk.iter().enumerate() {
            mask[comp[e]] |= 1u64 << bit;
        }
        // Topological order = reverse of the components' numbering.
        for ci in (0..nc).rev() {
            let m = mask[ci];
            if m == 0 {
                continue;
            }
            for &d in &csucc[ci] {
                mask[d as usize] |= m;
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
}

impl Searcher {
    /// A searcher over a graph of `n` vertices.
    pub fn new(n: usize) -> Self {
        Searcher {
            mark: vec![0; n],
            stamp: 0,
            queue: Vec::new(),
        }
    }

    /// Classes that fail with `v` (a path to `v`), nearest first, searching
    /// at most `budget` classes and leaving out those `skip` names; the
    /// flag says whether the search was cut short. (The search keeps only
    /// its queue: the classes are read from it, skipped ones left out as
    /// they are read, rather than copied into a second list.)
    #[inline]
    pub fn failing_with<'s>(
        &'s mut self,
        pred: &Rows,
        v: usize,
        budget: usize,
        skip: impl Fn(usize) -> bool + 's,
    ) -> (impl Iterator<Item = usize> + 's, bool) {
        self.stamp += 1;
        let stamp = self.stamp;
        self.mark[v] = stamp;
        self.queue.clear();
        self.queue.push(v);
        let mut head = 0;
        let mut cut = false;
        'search: while let Some(&x) = self.queue.get(head) {
            head += 1;
            for &p in &pred[x] {
                let p = p as usize;
                if self.mark[p] != stamp {
                    self.mark[p] = stamp;
                    // The budget bounds the work, not only the output.
                    if self.queue.len() >= budget {
                        cut = true;
                        break 'search;
                    }
                    self.queue.push(p);
                }
            }
        }
        let found = self.queue[1..].iter().copied().filter(move |&p| !skip(p));
        (found, cut)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_entries_through_cycles() {
        // 0 -> 2, 1 -> 2, 2 <-> 3, 3 -> 4; entries 0 and 1.
        let succ = Rows::from_lists(&[vec![2], vec![2], vec![3], vec![2, 4], vec![]]);
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
        let r = reach(&Rows::from_lists(&succ), &entries);
        assert_eq!(r.count[100], 100);
        assert_eq!(r.count[101], 1);
    }

    #[test]
    fn a_long_chain_and_a_long_cycle_need_no_deep_recursion() {
        let n = 200_000;
        let chain: Vec<Vec<usize>> = (0..n)
            .map(|v| if v + 1 < n { vec![v + 1] } else { vec![] })
            .collect();
        let r = reach(&Rows::from_lists(&chain), &[0]);
        assert!(r.count.iter().all(|&c| c == 1));
        let cycle: Vec<Vec<usize>> = (0..n).map(|v| vec![(v + 1) % n]).collect();
        let (comp, nc) = components(&Rows::from_lists(&cycle));
        assert_eq!(nc, 1);
        assert!(comp.iter().all(|&c| c == 0));
    }
}
