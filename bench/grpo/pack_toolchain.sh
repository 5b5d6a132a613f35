#!/usr/bin/env bash
# Packs the smallest Rust toolchain sigil's evaluator needs (rustc, clippy-driver, std's libraries, the bundled
# lld) plus bubblewrap into xz chunks small enough for the GPU machine's calls (each call carries at most 64 MiB,
# tree included; that machine has no Rust toolchain and nothing can be fetched there).
#
#     bench/grpo/pack_toolchain.sh [OUT_DIR] [FIRST_MIB]     # default .tc/ and 49
#
# Output: OUT_DIR/tc.tar.xz.part00 (FIRST_MIB) and .part01 (the rest: 58 MiB for rustc 1.95), one xz stream cut in
# two, and OUT_DIR/bwrap/ plain. The first call carries part00 with the wheels and bwrap (a probe), the second
# part01 with nothing else (the tree itself is about 3.5 MiB); bench/grpo/unpack_toolchain.sh joins them. xz -9e on
# this 2-core VM takes about 15 minutes for the 501 MB. The device tool sends the session's own checkout
# (/work/main), not a helper's worktree: copy .tc/ (and any script not on main) there, ignored, and name it in carry.
# What is left out of the sysroot and why: cargo, rustdoc, rustfmt (the evaluator runs rustc and clippy-driver
# only; deps.rs's cargo is for `eval.deps`, unused by the GRPO reward); std as a dylib (libstd-*.so, only for
# -Cprefer-dynamic); the sanitizer and profiler runtimes (only for -Zsanitizer / -Cprofile-generate).
set -euo pipefail
out=${1:-.tc}
first=${2:-49}
sysroot=$(rustc --print sysroot)
target=x86_64-unknown-linux-gnu
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
root=$stage/rust
mkdir -p "$root/bin" "$root/lib/rustlib/$target/bin/gcc-ld" "$root/lib/rustlib/$target/lib" "$stage/bwrap"
cp -a "$sysroot/bin/rustc" "$sysroot/bin/clippy-driver" "$root/bin/"
# librustc_driver and the real libLLVM (the libLLVM-*.so beside it is a linker script naming it)
cp -a "$sysroot"/lib/librustc_driver-*.so "$root/lib/"
llvm=$(ldd "$sysroot"/lib/librustc_driver-*.so | awk '/libLLVM/ {print $3}')
cp -L "$llvm" "$root/lib/"
# rustc links x86_64-linux-gnu binaries through `cc -fuse-ld=lld` with its own lld (gcc-ld/ld.lld -> rust-lld)
cp -a "$sysroot/lib/rustlib/$target/bin/rust-lld" "$root/lib/rustlib/$target/bin/"
cp -a "$sysroot/lib/rustlib/$target/bin/gcc-ld/ld.lld" "$root/lib/rustlib/$target/bin/gcc-ld/"
(cd "$sysroot/lib/rustlib/$target/lib" &&
 find . -maxdepth 1 -type f ! -name 'librustc-*_rt.*.a' ! -name 'libstd-*.so' ! -name 'libprofiler_builtins-*' \
      -exec cp -a {} "$root/lib/rustlib/$target/lib/" \;)
[ -d "$sysroot/lib/rustlib/$target/lib/self-contained" ] &&
  cp -a "$sysroot/lib/rustlib/$target/lib/self-contained" "$root/lib/rustlib/$target/lib/"
# bubblewrap and the libraries it links that a slim image may lack
cp -a "$(command -v bwrap)" "$stage/bwrap/"
for lib in $(ldd "$(command -v bwrap)" | awk '/=>/ {print $3}' | grep -E 'libselinux|libcap|libpcre2'); do
  cp -L "$lib" "$stage/bwrap/"
done
"$root/bin/rustc" -V >"$stage/VERSION"
"$root/bin/clippy-driver" -V >>"$stage/VERSION"
bwrap --version >>"$stage/VERSION"
du -sh "$root" "$stage/bwrap"
rm -rf "$out"
mkdir -p "$out"
tar -C "$stage" -cf - rust bwrap VERSION | xz -9e -T2 -c >"$out/tc.tar.xz"
head -c $((first << 20)) "$out/tc.tar.xz" >"$out/tc.tar.xz.part00"
tail -c +$(((first << 20) + 1)) "$out/tc.tar.xz" >"$out/tc.tar.xz.part01"
rm "$out/tc.tar.xz"
# bubblewrap also plain, for a first call to probe the machine's namespaces before the toolchain arrives
cp -a "$stage/bwrap" "$out/bwrap"
ls -la "$out"
