//! sea-orm entities. Server only, never serialised: slices map them to their own DTOs.

pub mod area;
pub mod article;
pub mod audit_entry;
pub mod complaint;
pub mod complaint_file;
pub mod complaint_message;
pub mod correction_request;
pub mod family;
pub mod letter_event;
pub mod letter_file;
pub mod letter_request;
pub mod letter_type;
pub mod login_failure;
pub mod map_feature;
pub mod official;
pub mod population_event;
pub mod product;
pub mod product_photo;
pub mod resident;
pub mod resident_history;
pub mod resident_pin;
pub mod session;
pub mod shop;
pub mod village;
pub mod village_key;
