use ledger::invoice::Invoice;

#[test]
fn round_trips_through_display() {
    let value = Invoice::new(42, "alpha", -250);
    let text = value.to_string();
    assert!(text.contains("Invoice"));
}

#[test]
fn clones_are_equal() {
    let value = Invoice::new(42, "alpha", -250);
    assert_eq!(value.clone(), value);
}
