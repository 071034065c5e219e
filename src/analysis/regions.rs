//! The single-region rule's facts (SPEC §3): locations, and whether every
//! located component sits in one of them. Owns location containment; reads
//! the propagation graph to say who fails with the location.

use super::{classify, Analysis, Role, SingleRegion};
use crate::model::Diagram;
use std::collections::VecDeque;

/// The one location every located component sits in, if there is one and
/// some entry fails with it. `pred` is the quotient graph (with the
/// virtual callers), `entry_classes` its entry vertices.
pub fn single_region(
    diagram: &Diagram,
    vocab: &crate::vocab::Vocab,
    a: &Analysis,
    pred: &super::graph::Rows,
    entry_classes: &[usize],
    total_entries: usize,
) -> Option<SingleRegion> {
    let vocab_locations: Vec<bool> = diagram
        .subgraphs
        .iter()
        .map(|sg| classify::is_location(sg, vocab))
        .collect();
    if !vocab_locations.iter().any(|&l| l) {
        return None;
    }
    let mut common: Option<Vec<usize>> = None;
    let mut located: Vec<usize> = Vec::new();
    // One node's locations, innermost first (one buffer for every node).
    let mut locs: Vec<usize> = Vec::new();
    for v in 0..diagram.nodes.len() {
        if a.roles[v] != Role::Component || a.in_process[v] {
            continue;
        }
        locs.clear();
        locs.extend(
            super::graph::chain(diagram, a.structure.parent_of(v)).filter(|&s| vocab_locations[s]),
        );
        if locs.is_empty() {
            continue;
        }
        located.push(v);
        match &mut common {
            None => common = Some(locs.clone()),
            Some(c) => c.retain(|s| locs.contains(s)),
        }
    }
    // Innermost location shared by every located component.
    let subgraph = *common?.first()?;
    // Who fails when the location fails: everything with a path to any
    // component inside it (one multi-source backward search).
    // (A flag per vertex, not a hash set: the search may visit them all.)
    let mut seen = vec![false; pred.len()];
    let mut queue: VecDeque<usize> = VecDeque::new();
    for &v in &located {
        let g = a.groups.class_of[v] as usize;
        if !std::mem::replace(&mut seen[g], true) {
            queue.push_back(g);
        }
    }
    while let Some(x) = queue.pop_front() {
        for &p in &pred[x] {
            let p = p as usize;
            if !std::mem::replace(&mut seen[p], true) {
                queue.push_back(p);
            }
        }
    }
    let failing = entry_classes.iter().filter(|&&e| seen[e]).count();
    if failing == 0 {
        return None;
    }
    Some(SingleRegion {
        subgraph,
        every_entry: failing == total_entries,
        components: located.len(),
    })
}
