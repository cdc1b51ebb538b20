//! The data that passes between the stages: what `load` reads ([`sources::Sources`], with the
//! site's settings in [`config::Config`]), and what `resolve` makes of it ([`site::Site`], its
//! articles and their comment threads). Plain data: nothing here reads the disk or renders.

pub mod comment;
pub mod config;
pub mod date;
pub mod site;
pub mod sources;
pub mod words;
