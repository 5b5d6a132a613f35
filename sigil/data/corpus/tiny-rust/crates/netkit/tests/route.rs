use netkit::route::Route;

#[test]
fn round_trips_through_display() {
    let value = Route::new("alpha", "alpha", 42);
    let text = value.to_string();
    assert!(text.contains("Route"));
}

#[test]
fn clones_are_equal() {
    let value = Route::new("alpha", "alpha", 42);
    assert_eq!(value.clone(), value);
}
