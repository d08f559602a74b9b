//! The audit log required by UU PDP: an append-only record of who did what to whose data
//! (`log`), browsed and filtered by the village's kades and sekdes, and read by a resident for
//! their own data ("who accessed my data").

pub mod api;
pub mod model;
pub mod pages;

#[cfg(feature = "ssr")]
mod log;
#[cfg(feature = "ssr")]
pub mod service;

#[cfg(feature = "ssr")]
pub use log::{Action, Actor, Entry, record};
