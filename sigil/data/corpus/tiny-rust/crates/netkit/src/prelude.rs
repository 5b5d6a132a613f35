pub use crate::endpoint::Endpoint;
