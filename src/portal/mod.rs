//! The village portal: articles (berita) written in Markdown by officials and published now,
//! later (scheduled) or kept as drafts. Server side only so far: the pages, announcements,
//! agenda, gallery, statistics, APBDes and sitemaps follow (issue 8).

#[cfg(feature = "ssr")]
pub mod markdown;
pub mod model;
#[cfg(feature = "ssr")]
pub mod service;
