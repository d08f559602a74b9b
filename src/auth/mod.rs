//! Identity: officials' and residents' accounts, sign-in, PINs, managing officials, and the
//! superadmin's villages with their first accounts. The sessions and the one authorisation
//! check are the kernel's (`access`).

pub mod api;
pub mod manage;
pub mod model;
pub mod pages;
pub mod pin;
pub mod villages;

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
pub mod throttle;
