//! `telemetry`: small, dependency-free building blocks for telemetry code.
//!
//! Every type implements `Display`, and the text forms round-trip through `FromStr`
//! where noted.

pub mod sensor;
pub mod sample;
pub mod threshold;
pub mod gauge;
pub mod histogram;

pub use sensor::Sensor;
pub use sample::Sample;
pub use threshold::Threshold;
pub use gauge::Gauge;
pub use histogram::Histogram;
