//! sea-orm entities. Server only, never serialised: slices map them to their own DTOs.

pub mod area;
pub mod family;
pub mod resident;
pub mod village;
