//! Identity and access: officials' and residents' accounts, server-side sessions, the one
//! authorisation check (`guard`), sign-in, PINs, and managing officials.

pub mod api;
pub mod manage;
pub mod model;
pub mod pages;
pub mod pin;

#[cfg(feature = "ssr")]
pub mod guard;
#[cfg(feature = "ssr")]
pub mod officials;
#[cfg(feature = "ssr")]
pub mod owner;
#[cfg(feature = "ssr")]
pub mod password;
#[cfg(feature = "ssr")]
pub mod residents;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod session;
#[cfg(feature = "ssr")]
pub mod throttle;
