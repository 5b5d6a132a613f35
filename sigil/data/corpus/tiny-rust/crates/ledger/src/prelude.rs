pub use crate::account::Account;
