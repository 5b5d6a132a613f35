use ledger::budget::Budget;

#[test]
fn round_trips_through_display() {
    let value = Budget::new("alpha", -250, -250);
    let text = value.to_string();
    assert!(text.contains("Budget"));
}

#[test]
fn clones_are_equal() {
    let value = Budget::new("alpha", -250, -250);
    assert_eq!(value.clone(), value);
}
