//! The shared vocabulary of the kernel: the words every slice speaks, on both sides (who calls,
//! a refused form's problems). It imports nothing of the crate. A slice imports the kernel
//! (this, `error`, `db`, `state`, `web`, ...) and other slices' services, never the assembly
//! (`server`, `app`, `cache`): see ARCHITECTURE.md, "Slices", and `.ci/imports.py`.

pub mod article;
pub mod caller;
pub mod complaint;
pub mod form;
pub mod letter;
pub mod page;
pub mod phone;
pub mod resident;
pub mod shop;
pub mod time;
