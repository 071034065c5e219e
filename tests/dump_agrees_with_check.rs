//! `spoflint dump --analysis` and `spoflint check` read every fixture the
//! same way: each single point of failure `check` reports sits in a block
//! that `dump` says is analysed, and `dump` lists it there with high
//! confidence. (They disagreed on a block under `<!-- spoflint: skip -->`.)

#[path = "support/bin.rs"]
mod bin;

use bin::json as spoflint_json;
use serde_json::Value;
use std::collections::BTreeMap;

#[test]
fn every_reported_finding_is_in_an_analysed_block_of_the_dump() {
    let roots = ["fixtures/rules", "examples/docs", "fixtures/cli/arch"];
    let mut blocks: BTreeMap<String, Vec<(u64, Value)>> = BTreeMap::new();
    for root in roots {
        for b in spoflint_json(&["dump", "--analysis", root])
            .as_array()
            .expect("blocks")
        {
            let file = b["file"].as_str().expect("file").to_string();
            let line = b["line"].as_u64().expect("line");
            blocks
                .entry(file)
                .or_default()
                .push((line, b["analysis"].clone()));
        }
    }
    let mut checked = 0;
    for root in roots {
        let report = spoflint_json(&["check", "--format", "json", "--exit-zero", "-q", root]);
        for d in report["diagnostics"].as_array().expect("diagnostics") {
            if d["rule"] != "single-point-of-failure" {
                continue;
            }
            let file = d["file"].as_str().expect("file");
            let line = d["line"].as_u64().expect("line");
            let node = d["node"].as_str().expect("node");
            let in_file = blocks.get(file).expect("a dumped file");
            let (_, analysis) = in_file
                .iter()
                .rev()
                .find(|(start, _)| *start <= line)
                .expect("a block before the finding");
            assert_eq!(analysis["analysed"], true, "{file}:{line}: {analysis}");
            let listed = analysis["single_points_of_failure"]
                .as_array()
                .expect("list")
                .iter()
                .any(|s| s["node"] == node && s["confidence"] == "high");
            assert!(listed, "{file}:{line}: {node} not in the dump: {analysis}");
            checked += 1;
        }
    }
    assert!(checked > 20, "only {checked} findings compared");
}
