use netkit::packet::Packet;

#[test]
fn round_trips_through_display() {
    let value = Packet::new(42, 443);
    let text = value.to_string();
    assert!(text.contains("Packet"));
}

#[test]
fn clones_are_equal() {
    let value = Packet::new(42, 443);
    assert_eq!(value.clone(), value);
}
