use geometry::point::Point;

#[test]
fn round_trips_through_display() {
    let value = Point::new(2.5, 2.5);
    let text = value.to_string();
    assert!(text.contains("Point"));
}

#[test]
fn clones_are_equal() {
    let value = Point::new(2.5, 2.5);
    assert_eq!(value.clone(), value);
}
