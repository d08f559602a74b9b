//! The village portal: the home page, the profile (texts, contact, the people of the village
//! government), articles (berita) written in Markdown and published now, later or kept as
//! drafts, announcements with an end date, the agenda, the village budget (APBDes) with its
//! charts, and what search engines read (robots.txt, sitemaps).

pub mod admin;
pub mod api;
pub mod budget;
pub mod content;
#[cfg(feature = "ssr")]
pub mod content_service;
#[cfg(feature = "ssr")]
pub mod demo;
pub mod directory;
#[cfg(feature = "ssr")]
pub mod http;
#[cfg(feature = "ssr")]
pub mod markdown;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;
pub mod site;
