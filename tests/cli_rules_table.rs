//! `docs/rules-table.md` (merged into the README's rule table) is generated
//! from the rule registry; this fails when the committed file is stale.
//! Regenerate: `UPDATE_RULES_TABLE=1 cargo test --test cli_rules_table`.

const PATH: &str = "docs/rules-table.md";

#[test]
fn rules_table_is_up_to_date() {
    let generated = spoflint::report::rules_table::markdown(spoflint::rules::RULES);
    if std::env::var_os("UPDATE_RULES_TABLE").is_some() {
        std::fs::write(PATH, &generated).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(PATH).unwrap_or_default();
    assert!(
        committed.replace("\r\n", "\n") == generated,
        "{PATH} is out of date with the rule registry; regenerate it with\n\n    \
         UPDATE_RULES_TABLE=1 cargo test --test cli_rules_table\n"
    );
}
