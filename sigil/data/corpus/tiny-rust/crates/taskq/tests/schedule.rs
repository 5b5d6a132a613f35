use taskq::schedule::Schedule;

#[test]
fn round_trips_through_display() {
    let value = Schedule::new("alpha", 1001);
    let text = value.to_string();
    assert!(text.contains("Schedule"));
}

#[test]
fn clones_are_equal() {
    let value = Schedule::new("alpha", 1001);
    assert_eq!(value.clone(), value);
}
