//! The integration tests, one binary: the real app over HTTP and on both databases (see
//! `common`). One binary links the app once instead of once per file, which is most of the cost
//! of a test build on two cores. A new slice adds its file here and one `mod` line below.

#[macro_use]
mod common;

mod access;
mod api;
mod app;
mod auth;
mod cache;
mod cli;
mod complaints;
mod letters;
mod manage;
mod map;
mod market;
mod outbox;
mod portal;
mod pwa;
mod regency;
mod registry;
mod residents;
mod scale;
mod security;
mod seed;
mod servers;
