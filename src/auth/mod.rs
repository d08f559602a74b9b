//! Identity and access: officials' accounts, server-side sessions, the one authorisation check
//! (`guard`), sign-in and the admin dashboard.

pub mod api;
pub mod model;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod guard;
#[cfg(feature = "ssr")]
pub mod password;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod session;
#[cfg(feature = "ssr")]
pub mod throttle;
