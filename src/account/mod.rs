//! A resident's own account: their data and family as the registry holds it, their PIN, their
//! sessions and who accessed their data. Every read is of the signed-in resident only.

pub mod api;
pub mod model;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod service;
