//! The village portal: articles (berita) written in Markdown by officials and published now,
//! later (scheduled) or kept as drafts; the public list and article pages, the officials'
//! editor, and what search engines read (robots.txt, sitemaps). Announcements, agenda,
//! gallery, APBDes and the new home page follow (issue 8).

pub mod api;
#[cfg(feature = "ssr")]
pub mod http;
#[cfg(feature = "ssr")]
pub mod markdown;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;
