#!/usr/bin/env bash
# On the GPU machine: joins the chunks bench/grpo/pack_toolchain.sh made, unpacks the Rust toolchain into DEST and
# puts bubblewrap on PATH where sigil's evaluator looks for it.
#
#     bench/grpo/unpack_toolchain.sh DEST PART...      # then: export PATH=DEST/rust/bin:$PATH
#
# The evaluator starts bwrap with an empty environment (no LD_LIBRARY_PATH), so bwrap's libraries that the image
# lacks go where the dynamic loader looks (/usr/local/lib, then ldconfig).
set -euo pipefail
dest=$1
shift
mkdir -p "$dest"
if command -v xz >/dev/null; then
  cat "$@" | xz -dc | tar -C "$dest" -xf -
else
  cat "$@" | python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.stdin.buffer), sys.stdout.buffer)' |
    tar -C "$dest" -xf -
fi
if ! command -v bwrap >/dev/null; then
  install -m 0755 "$dest/bwrap/bwrap" /usr/local/bin/bwrap
fi
for lib in "$dest"/bwrap/*.so*; do
  name=$(basename "$lib")
  ldconfig -p | grep -q "^\s*$name " || cp "$lib" /usr/local/lib/
done
ldconfig
cat "$dest/VERSION"
