use ledger::account::Account;

#[test]
fn round_trips_through_display() {
    let value = Account::new(1001, "alpha", -250);
    let text = value.to_string();
    assert!(text.contains("Account"));
}

#[test]
fn clones_are_equal() {
    let value = Account::new(1001, "alpha", -250);
    assert_eq!(value.clone(), value);
}
