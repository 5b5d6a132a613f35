use taskq::lease::Lease;

#[test]
fn round_trips_through_display() {
    let value = Lease::new(1001, 42, 1001);
    let text = value.to_string();
    assert!(text.contains("Lease"));
}

#[test]
fn clones_are_equal() {
    let value = Lease::new(1001, 42, 1001);
    assert_eq!(value.clone(), value);
}
