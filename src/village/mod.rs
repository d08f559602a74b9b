//! Villages: the tenants of a deployment. Creating them from the official code list, finding the
//! village a request is about, the deployment's village list, the village home and profile pages.

pub mod api;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;
