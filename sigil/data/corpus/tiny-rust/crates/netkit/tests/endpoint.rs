use netkit::endpoint::Endpoint;

#[test]
fn round_trips_through_display() {
    let value = Endpoint::new("alpha", 443);
    let text = value.to_string();
    assert!(text.contains("Endpoint"));
}

#[test]
fn clones_are_equal() {
    let value = Endpoint::new("alpha", 443);
    assert_eq!(value.clone(), value);
}
