use geometry::grid::Grid;

#[test]
fn round_trips_through_display() {
    let value = Grid::new(42, 42);
    let text = value.to_string();
    assert!(text.contains("Grid"));
}

#[test]
fn clones_are_equal() {
    let value = Grid::new(42, 42);
    assert_eq!(value.clone(), value);
}
