use netkit::header::Header;

#[test]
fn round_trips_through_display() {
    let value = Header::new("alpha", "alpha");
    let text = value.to_string();
    assert!(text.contains("Header"));
}

#[test]
fn clones_are_equal() {
    let value = Header::new("alpha", "alpha");
    assert_eq!(value.clone(), value);
}
