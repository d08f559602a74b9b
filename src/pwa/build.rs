//! The build's version: a short hash of every file of the site's `pkg` folder (the WASM, its
//! split chunks, the JS and the CSS), taken once when the server starts.
//!
//! Pages ask for those files under `/v/{build}/pkg/…`. Only the current build's prefix is served
//! (an old page asking for an old build's file gets a 404, never the new file under the old
//! address), so the files can be cached for a year and the service worker can keep them in a
//! cache named after the build.

use std::path::Path;
use std::sync::OnceLock;

use sha2::{Digest, Sha256};

static BUILD: OnceLock<String> = OnceLock::new();

/// The build's version for the site at `site_root` (computed on the first call).
pub fn id(site_root: &str, pkg_dir: &str) -> &'static str {
    BUILD.get_or_init(|| of_folder(&Path::new(site_root).join(pkg_dir)))
}

/// The URL prefix of the build's files: `/v/{build}/pkg`.
pub fn pkg_prefix(site_root: &str, pkg_dir: &str) -> String {
    format!("/v/{}/{pkg_dir}", id(site_root, pkg_dir))
}

/// A 12-hex-digit hash of the names and contents of the files in `dir` (precompressed copies
/// left out: they follow from the originals). A missing folder hashes as empty.
pub fn of_folder(dir: &Path) -> String {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.is_file() && !matches!(p.extension().and_then(|e| e.to_str()), Some("br" | "gz")))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    let mut hash = Sha256::new();
    for path in files {
        hash.update(path.file_name().map(|n| n.as_encoded_bytes()).unwrap_or_default());
        hash.update([0]);
        hash.update(std::fs::read(&path).unwrap_or_default());
        hash.update([0]);
    }
    hash.finalize().iter().take(6).map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::of_folder;

    #[test]
    fn a_changed_file_changes_the_build() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("digdaya.wasm"), b"v1").unwrap();
        std::fs::write(dir.path().join("digdaya.js"), b"js").unwrap();
        let first = of_folder(dir.path());
        assert_eq!(first.len(), 12);
        // Precompressed copies do not count.
        std::fs::write(dir.path().join("digdaya.wasm.br"), b"compressed").unwrap();
        assert_eq!(of_folder(dir.path()), first);
        std::fs::write(dir.path().join("digdaya.wasm"), b"v2").unwrap();
        assert_ne!(of_folder(dir.path()), first);
        assert_eq!(of_folder(&dir.path().join("missing")).len(), 12);
    }
}
