//! Finding the toolchain: the sysroot from `rustc --print sysroot`, and `clippy-driver` inside it
//! by absolute path, so neither cargo nor the rustup proxy sits between us and the compiler.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A located toolchain.
#[derive(Debug, Clone)]
pub struct Toolchain {
    pub sysroot: PathBuf,
    pub rustc: PathBuf,
    pub clippy_driver: PathBuf,
    /// `rustc --version` output, e.g. `rustc 1.95.0 (59807616e 2026-04-14)`.
    pub rustc_version: String,
    /// `clippy-driver --version` output, e.g. `clippy 0.1.95 (59807616e1 2026-04-14)`.
    pub clippy_version: String,
}

impl Toolchain {
    /// Both versions in one line: what results are keyed on and reported with.
    pub fn version_line(&self) -> String {
        format!("{} + {}", self.rustc_version, self.clippy_version)
    }

    /// Locates the toolchain that `rustc` on `PATH` (or `$RUSTC`) belongs to.
    pub fn discover() -> Result<Toolchain, String> {
        let rustc_cmd = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
        let sysroot = run_line(Command::new(&rustc_cmd).args(["--print", "sysroot"]))
            .map_err(|e| format!("cannot find the Rust toolchain: `rustc --print sysroot` failed: {e}"))?;
        Toolchain::from_sysroot(Path::new(&sysroot))
    }

    /// The toolchain in `sysroot`; fails naming the missing piece (for example clippy, which
    /// `rustup component add clippy` installs).
    pub fn from_sysroot(sysroot: &Path) -> Result<Toolchain, String> {
        let sysroot = sysroot
            .canonicalize()
            .map_err(|e| format!("toolchain sysroot {} is not readable: {e}", sysroot.display()))?;
        let rustc = sysroot.join("bin").join("rustc");
        let clippy_driver = sysroot.join("bin").join("clippy-driver");
        if !clippy_driver.is_file() {
            return Err(format!(
                "clippy-driver not found at {} (install it with `rustup component add clippy`)",
                clippy_driver.display()
            ));
        }
        let rustc_version = run_line(Command::new(&rustc).arg("--version"))
            .map_err(|e| format!("{} --version failed: {e}", rustc.display()))?;
        let clippy_version = run_line(Command::new(&clippy_driver).arg("--version"))
            .map_err(|e| format!("{} --version failed: {e}", clippy_driver.display()))?;
        Ok(Toolchain { sysroot, rustc, clippy_driver, rustc_version, clippy_version })
    }
}

fn run_line(cmd: &mut Command) -> Result<String, String> {
    let out = cmd.output().map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(format!("{}: {}", out.status, String::from_utf8_lossy(&out.stderr).trim()));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_clippy_driver_by_absolute_path() {
        let tc = Toolchain::discover().expect("a rust toolchain with clippy is installed");
        assert!(tc.clippy_driver.is_absolute() && tc.clippy_driver.is_file());
        assert!(tc.rustc_version.starts_with("rustc "));
        assert!(tc.clippy_version.starts_with("clippy "));
    }

    #[test]
    fn a_bad_sysroot_is_named() {
        let err = Toolchain::from_sysroot(Path::new("/nonexistent/sysroot")).unwrap_err();
        assert!(err.contains("/nonexistent/sysroot"), "{err}");
    }
}
