//! sea-orm entities. Server only, never serialised: slices map them to their own DTOs.

pub mod area;
pub mod audit_entry;
pub mod family;
pub mod login_failure;
pub mod official;
pub mod resident;
pub mod resident_pin;
pub mod session;
pub mod village;
