//! `netkit`: small, dependency-free building blocks for netkit code.
//!
//! Every type implements `Display`, and the text forms round-trip through `FromStr`
//! where noted.

pub mod endpoint;
pub mod packet;
pub mod route;
pub mod header;
pub mod rate_limit;

pub use endpoint::Endpoint;
pub use packet::Packet;
pub use route::Route;
pub use header::Header;
pub use rate_limit::RateLimit;
