use taskq::job::Job;

#[test]
fn round_trips_through_display() {
    let value = Job::new(1001, "alpha", 7);
    let text = value.to_string();
    assert!(text.contains("Job"));
}

#[test]
fn clones_are_equal() {
    let value = Job::new(1001, "alpha", 7);
    assert_eq!(value.clone(), value);
}
