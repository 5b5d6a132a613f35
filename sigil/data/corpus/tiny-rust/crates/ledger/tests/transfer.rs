use ledger::transfer::Transfer;

#[test]
fn round_trips_through_display() {
    let value = Transfer::new(1001, 1001, -250);
    let text = value.to_string();
    assert!(text.contains("Transfer"));
}

#[test]
fn clones_are_equal() {
    let value = Transfer::new(1001, 1001, -250);
    assert_eq!(value.clone(), value);
}
