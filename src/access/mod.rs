//! Who is calling and what they may do (server only; part of the kernel): the server-side
//! sessions and their cookies (`session`), and the one authorisation check with the lookups
//! every slice starts from (`guard`: the signed-in user, `decide`, "the official of this
//! village", "the resident"). Signing in, passwords, PINs and managing accounts are the `auth`
//! slice's; it starts and ends sessions through `session`.

pub mod guard;
pub mod session;
