pub use crate::token::Token;
