use geometry::segment::Segment;

#[test]
fn round_trips_through_display() {
    let value = Segment::new(2.5, 2.5, 2.5, 2.5);
    let text = value.to_string();
    assert!(text.contains("Segment"));
}

#[test]
fn clones_are_equal() {
    let value = Segment::new(2.5, 2.5, 2.5, 2.5);
    assert_eq!(value.clone(), value);
}
