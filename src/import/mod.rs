pub mod wxr;
