//! The words of a resident's record that the kernel needs too (a session is only a living
//! resident's); the registry (`population`) owns the rest.

/// The stored `status_dasar` of a living resident.
pub const STATUS_ALIVE: &str = "hidup";
