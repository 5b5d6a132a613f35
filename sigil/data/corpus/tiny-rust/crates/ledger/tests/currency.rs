use ledger::currency::Currency;

#[test]
fn round_trips_through_display() {
    let value = Currency::new("alpha", 7);
    let text = value.to_string();
    assert!(text.contains("Currency"));
}

#[test]
fn clones_are_equal() {
    let value = Currency::new("alpha", 7);
    assert_eq!(value.clone(), value);
}
