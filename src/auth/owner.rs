//! Whose items a phone queues (`outbox`): the owner tag of the signed-in user, written into a
//! cookie the page script reads on sign-in and removed on sign-out. The outbox sends an item only
//! under the session of the user whose tag it carries.

use crate::access::guard::User;
use crate::access::session::Kind;

/// The owner tag of a signed-in user: what the phone writes on the items it queues for them and
/// sends back with each, so an item goes out only under the session of whoever made it.
pub fn owner_tag(user: &User) -> String {
    let (kind, id) = user.holder();
    let who = match kind {
        Kind::Official => format!("official:{id}"),
        Kind::Resident => format!("resident:{id}"),
    };
    crate::secrets::tag(&format!("outbox-owner:{who}"))
}

/// The cookie the page script reads the owner tag from (not `HttpOnly`: it is no secret).
pub const OWNER_COOKIE: &str = "digdaya_pemilik";

/// The `Set-Cookie` value telling the page whose items it now queues.
pub fn owner_cookie(user: &User, https: bool) -> String {
    let secure = if https { "; Secure" } else { "" };
    format!("{OWNER_COOKIE}={}; Path=/; SameSite=Lax; Max-Age={}{secure}", owner_tag(user), 30 * 24 * 3600)
}

/// The `Set-Cookie` value that removes it (signed out: the phone's items are nobody's now).
pub fn clear_owner_cookie(https: bool) -> String {
    let secure = if https { "; Secure" } else { "" };
    format!("{OWNER_COOKIE}=; Path=/; SameSite=Lax; Max-Age=0{secure}")
}
