//! `ledger`: small, dependency-free building blocks for ledger code.
//!
//! Every type implements `Display`, and the text forms round-trip through `FromStr`
//! where noted.

pub mod account;
pub mod transfer;
pub mod invoice;
pub mod currency;
pub mod budget;

pub use account::Account;
pub use transfer::Transfer;
pub use invoice::Invoice;
pub use currency::Currency;
pub use budget::Budget;
