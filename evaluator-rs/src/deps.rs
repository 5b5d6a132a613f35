//! Dependency sets: the crates samples may use (`serde`, `anyhow`, ...), built once with cargo
//! into a directory keyed by the lockfile's hash and reused by every check through
//! `-L dependency=` and `--extern`. The build runs outside the sandbox: it is the configured,
//! trusted crate set, not model output. std-only (no dependency set) needs none of this.

use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde::{Deserialize, Serialize};

use crate::cache::context_digest;
use crate::toolchain::Toolchain;

/// A built dependency set.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DepSet {
    /// Directory holding the build; bound read-only into the sandbox.
    pub dir: PathBuf,
    /// Hash of the lockfile (and toolchain): part of every cache key.
    pub lock_hash: String,
    /// `(crate name, artifact path)` for each direct dependency.
    pub externs: Vec<(String, PathBuf)>,
}

impl DepSet {
    /// Compiler arguments that make the set visible to a sample.
    pub fn args(&self) -> Vec<OsString> {
        let mut args: Vec<OsString> = vec!["-L".into(), format!("dependency={}", self.deps_dir().display()).into()];
        for (name, path) in &self.externs {
            args.push("--extern".into());
            args.push(format!("{name}={}", path.display()).into());
        }
        args
    }

    fn deps_dir(&self) -> PathBuf {
        self.dir.join("target").join("debug").join("deps")
    }
}

/// The dependency key of a spec line such as `serde = { version = "1", features = ["derive"] }`.
fn spec_name(spec: &str) -> Result<&str, String> {
    let name = spec.split('=').next().unwrap_or("").trim();
    let valid = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !valid || !spec.contains('=') || spec.contains('\n') {
        return Err(format!("deps: {spec:?} is not a Cargo dependency line like `anyhow = \"1\"`"));
    }
    Ok(name)
}

/// Checks that every spec is a dependency line, before anything is built.
pub fn validate(specs: &[String]) -> Result<(), String> {
    specs.iter().try_for_each(|s| spec_name(s).map(|_| ()))
}

/// Builds (or finds already built) the crate set `specs` under `root`.
pub fn build(specs: &[String], toolchain: &Toolchain, root: &Path) -> Result<DepSet, String> {
    let names: Vec<&str> = specs.iter().map(|s| spec_name(s)).collect::<Result<_, _>>()?;
    let cargo = {
        let in_sysroot = toolchain.sysroot.join("bin").join("cargo");
        if in_sysroot.is_file() { in_sysroot } else { PathBuf::from("cargo") }
    };
    let manifest = format!(
        "[package]\nname = \"sigil-deps\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[lib]\npath = \"lib.rs\"\n\n[dependencies]\n{}\n",
        specs.join("\n")
    );
    let root = root.join("deps");
    let project = root.join(format!("project-{}", &context_digest(&[&manifest])[..16]));
    fs::create_dir_all(&project).map_err(|e| format!("deps: cannot create {}: {e}", project.display()))?;
    fs::write(project.join("Cargo.toml"), &manifest).map_err(|e| format!("deps: {e}"))?;
    fs::write(project.join("lib.rs"), "").map_err(|e| format!("deps: {e}"))?;
    if !project.join("Cargo.lock").is_file() {
        run_cargo(Command::new(&cargo).arg("generate-lockfile").current_dir(&project), "generate-lockfile")?;
    }
    let lock = fs::read_to_string(project.join("Cargo.lock")).map_err(|e| format!("deps: cannot read Cargo.lock: {e}"))?;
    let lock_hash = context_digest(&[&lock, &manifest, &toolchain.version_line()]);
    let built = root.join(format!("build-{}", &lock_hash[..16]));
    let record = built.join("depset.json");
    if let Ok(bytes) = fs::read(&record) {
        if let Ok(set) = serde_json::from_slice::<DepSet>(&bytes) {
            return Ok(set);
        }
    }
    // Build in a staging directory and rename it into place, so a half-built set is never used.
    let staging = tempfile::tempdir_in(&root).map_err(|e| format!("deps: {e}"))?;
    for f in ["Cargo.toml", "Cargo.lock", "lib.rs"] {
        fs::copy(project.join(f), staging.path().join(f)).map_err(|e| format!("deps: {e}"))?;
    }
    let out = run_cargo(
        Command::new(&cargo)
            .args(["check", "--locked", "--message-format=json", "--lib"])
            .env("RUSTC", &toolchain.rustc)
            .env_remove("RUSTC_WRAPPER")
            .env_remove("RUSTC_WORKSPACE_WRAPPER")
            .env("CARGO_TARGET_DIR", staging.path().join("target"))
            .current_dir(staging.path()),
        "check",
    )?;
    let externs = direct_artifacts(&out, &names, staging.path(), &built)?;
    let staged = staging.keep();
    let set = DepSet { dir: built.clone(), lock_hash, externs };
    fs::write(staged.join("depset.json"), serde_json::to_vec(&set).expect("serialisable")).map_err(|e| format!("deps: {e}"))?;
    if fs::rename(&staged, &built).is_err() {
        // Another process finished the same set first; use theirs.
        let _ = fs::remove_dir_all(&staged);
    }
    Ok(set)
}

fn run_cargo(cmd: &mut Command, what: &str) -> Result<String, String> {
    let out = cmd.output().map_err(|e| format!("deps: cannot run cargo {what}: {e}"))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        let tail: Vec<&str> = err.lines().rev().take(8).collect();
        return Err(format!("deps: cargo {what} failed: {}", tail.into_iter().rev().collect::<Vec<_>>().join("\n")));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[derive(Deserialize)]
struct Artifact {
    reason: String,
    #[serde(default)]
    target: Option<ArtifactTarget>,
    #[serde(default)]
    filenames: Vec<PathBuf>,
    #[serde(default)]
    package_id: String,
}

#[derive(Deserialize)]
struct ArtifactTarget {
    name: String,
    kind: Vec<String>,
}

/// The artifact of each directly requested crate, with paths moved from staging to `built`.
fn direct_artifacts(messages: &str, names: &[&str], staging: &Path, built: &Path) -> Result<Vec<(String, PathBuf)>, String> {
    let mut externs = Vec::new();
    for line in messages.lines() {
        let Ok(a) = serde_json::from_str::<Artifact>(line) else { continue };
        let Some(target) = a.target else { continue };
        if a.reason != "compiler-artifact" || a.package_id.contains("sigil-deps") {
            continue;
        }
        let crate_name = target.name.replace('-', "_");
        let wanted = names.iter().any(|n| n.replace('-', "_") == crate_name);
        let is_lib = target.kind.iter().any(|k| k == "lib" || k == "rlib" || k == "proc-macro");
        if !wanted || !is_lib {
            continue;
        }
        let file = a
            .filenames
            .iter()
            .find(|f| f.extension().is_some_and(|e| e == "rmeta" || e == "so"))
            .ok_or_else(|| format!("deps: no metadata artifact for {crate_name}"))?;
        let rel = file.strip_prefix(staging).map_err(|_| format!("deps: unexpected artifact path {}", file.display()))?;
        externs.push((crate_name, built.join(rel)));
    }
    for n in names {
        if !externs.iter().any(|(c, _)| *c == n.replace('-', "_")) {
            return Err(format!("deps: {n} was built but its library was not found (renamed package?)"));
        }
    }
    Ok(externs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_lines_are_validated() {
        assert_eq!(spec_name("anyhow = \"1\"").unwrap(), "anyhow");
        assert_eq!(spec_name("serde = { version = \"1\", features = [\"derive\"] }").unwrap(), "serde");
        assert!(spec_name("--config evil").is_err());
        assert!(spec_name("a = \"1\"\n[patch]").is_err());
    }
}
