//! The on-disk result cache: one JSON file per key, written to a temporary file in the same
//! directory and renamed into place, so concurrent writers (several runs sharing a cache) never
//! leave a torn entry and readers never see one.
//!
//! An entry names the key it was stored under and the digest of the source it is about
//! ([`Cache::get_bound`]): an entry copied to another key, or written for another source, is
//! detected and not served.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

/// A cache rooted at a directory; entries live in 256 shard subdirectories.
#[derive(Debug, Clone)]
pub struct Cache {
    root: PathBuf,
}

/// Everything a verdict depends on besides the source text, hashed once per evaluator.
pub fn context_digest(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_le_bytes());
        h.update(p.as_bytes());
    }
    hex::encode(h.finalize())
}

/// The key of one source under a context digest.
pub fn key(context: &str, source: &str) -> String {
    let mut h = Sha256::new();
    h.update(context.as_bytes());
    h.update((source.len() as u64).to_le_bytes());
    h.update(source.as_bytes());
    hex::encode(h.finalize())
}

/// What a bound lookup found.
#[derive(Debug, Clone, PartialEq)]
pub enum Lookup {
    Miss,
    Hit(serde_json::Value),
    /// An entry that belongs to another key or source, or is not an entry at all: not served,
    /// the caller recomputes and overwrites it.
    Wrong,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Bound {
    key: String,
    source_sha256: String,
    value: serde_json::Value,
}

fn source_digest(source: &str) -> String {
    hex::encode(Sha256::digest(source.as_bytes()))
}

impl Cache {
    pub fn open(root: &Path) -> Result<Cache, String> {
        fs::create_dir_all(root).map_err(|e| format!("cache_dir {}: cannot create: {e}", root.display()))?;
        Ok(Cache { root: root.to_path_buf() })
    }

    fn path(&self, key: &str) -> PathBuf {
        self.root.join(&key[..2]).join(format!("{}.json", &key[2..]))
    }

    /// The stored entry for `key`; a missing or unreadable entry is a miss.
    pub fn get(&self, key: &str) -> Option<Vec<u8>> {
        fs::read(self.path(key)).ok()
    }

    /// The value stored by [`Cache::put_bound`] under `key` for exactly `source`.
    pub fn get_bound(&self, key: &str, source: &str) -> Lookup {
        let Some(bytes) = self.get(key) else { return Lookup::Miss };
        let Ok(entry) = serde_json::from_slice::<Bound>(&bytes) else { return Lookup::Wrong };
        if entry.key != key || entry.source_sha256 != source_digest(source) {
            return Lookup::Wrong;
        }
        Lookup::Hit(entry.value)
    }

    /// Stores `value` under `key`, bound to the key and to `source`.
    pub fn put_bound(&self, key: &str, source: &str, value: serde_json::Value) -> std::io::Result<()> {
        let entry = Bound { key: key.to_string(), source_sha256: source_digest(source), value };
        self.put(key, &serde_json::to_vec(&entry).expect("serialisable"))
    }

    /// Stores `value` under `key` atomically. Errors are returned, not fatal: a cache that cannot
    /// be written only costs speed.
    pub fn put(&self, key: &str, value: &[u8]) -> std::io::Result<()> {
        let path = self.path(key);
        let dir = path.parent().expect("entries live in a shard directory");
        fs::create_dir_all(dir)?;
        let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
        tmp.write_all(value)?;
        tmp.persist(&path).map_err(|e| e.error)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_depend_on_context_and_source() {
        let a = context_digest(&["rustc 1", "2021"]);
        let b = context_digest(&["rustc 1", "2018"]);
        assert_ne!(key(&a, "fn main() {}"), key(&b, "fn main() {}"));
        assert_ne!(key(&a, "fn main() {}"), key(&a, "fn main() { }"));
        // Length-prefixing keeps ("ab","c") and ("a","bc") apart.
        assert_ne!(context_digest(&["ab", "c"]), context_digest(&["a", "bc"]));
    }

    #[test]
    fn a_wrong_entry_is_detected_not_served() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(dir.path()).unwrap();
        let (ka, kb) = (key("ctx", "a"), key("ctx", "b"));
        cache.put_bound(&ka, "a", serde_json::json!({"compiles": true})).unwrap();
        cache.put_bound(&kb, "b", serde_json::json!({"compiles": false})).unwrap();
        assert_eq!(cache.get_bound(&ka, "a"), Lookup::Hit(serde_json::json!({"compiles": true})));
        // b's entry copied over a's file: bound to another key and source.
        fs::copy(cache.path(&kb), cache.path(&ka)).unwrap();
        assert_eq!(cache.get_bound(&ka, "a"), Lookup::Wrong);
        // An entry asked for with another source under the same key (a forged key).
        assert_eq!(cache.get_bound(&kb, "a"), Lookup::Wrong);
        fs::write(cache.path(&kb), b"{not json").unwrap();
        assert_eq!(cache.get_bound(&kb, "b"), Lookup::Wrong);
        assert_eq!(cache.get_bound(&key("ctx", "c"), "c"), Lookup::Miss);
    }

    #[test]
    fn concurrent_writers_leave_whole_entries() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(dir.path()).unwrap();
        let k = key("ctx", "src");
        std::thread::scope(|s| {
            for i in 0..8u8 {
                let cache = cache.clone();
                let k = k.clone();
                s.spawn(move || {
                    for _ in 0..50 {
                        cache.put(&k, &vec![b'a' + i; 10_000]).unwrap();
                        let got = cache.get(&k).unwrap();
                        assert!(got.len() == 10_000 && got.iter().all(|&b| b == got[0]));
                    }
                });
            }
        });
    }
}
