//! The README's rule table (between `<!-- rules-table:start -->` and
//! `<!-- rules-table:end -->`) is generated from the rule registry; this
//! fails when the committed README is stale.
//! Regenerate: `UPDATE_RULES_TABLE=1 cargo test --test cli_rules_table`.

const PATH: &str = "README.md";
const START: &str = "<!-- rules-table:start -->\n";
const END: &str = "<!-- rules-table:end -->";

#[test]
fn readme_rules_table_is_up_to_date() {
    let generated = spoflint::report::rules_table::markdown(spoflint::rules::RULES);
    let readme = std::fs::read_to_string(PATH).unwrap().replace("\r\n", "\n");
    let start = readme.find(START).expect("README has the start marker") + START.len();
    let end = readme[start..]
        .find(END)
        .expect("README has the end marker")
        + start;
    if std::env::var_os("UPDATE_RULES_TABLE").is_some() {
        let updated = format!("{}{}{}", &readme[..start], generated, &readme[end..]);
        std::fs::write(PATH, updated).unwrap();
        return;
    }
    assert!(
        readme[start..end] == generated,
        "the rule table in {PATH} is out of date with the rule registry; regenerate it with\n\n    \
         UPDATE_RULES_TABLE=1 cargo test --test cli_rules_table\n"
    );
}
