pub use crate::sensor::Sensor;
