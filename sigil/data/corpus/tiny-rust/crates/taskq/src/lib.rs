//! `taskq`: small, dependency-free building blocks for taskq code.
//!
//! Every type implements `Display`, and the text forms round-trip through `FromStr`
//! where noted.

pub mod job;
pub mod worker;
pub mod schedule;
pub mod lease;
pub mod retry_policy;

pub use job::Job;
pub use worker::Worker;
pub use schedule::Schedule;
pub use lease::Lease;
pub use retry_policy::RetryPolicy;
