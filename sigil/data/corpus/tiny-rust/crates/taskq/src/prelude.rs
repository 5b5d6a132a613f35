pub use crate::job::Job;
