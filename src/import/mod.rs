pub mod wxr;
pub mod body;
