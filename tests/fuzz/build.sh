#!/usr/bin/env bash
# build.sh - builds the libFuzzer targets into build-fuzz/: fuzz_compile (the
# pipeline) and fuzz_readers (lock, policy, project files, init).
#
# Compiles the compiler's sources directly (those compiler/meson.build
# gives the library: compiler/*.c but main.c) with
# clang, -fsanitize=fuzzer,address,undefined, every UBSan finding fatal,
# plus the embedded templates, generated here with the project's own
# embed tool from the files templates/meson.build lists (no meson
# set-up needed), and for fuzz_compile specs/emitted-flags.txt (the flags
# stagec writes) by the same tool.  Installs clang,
# its fuzzer and sanitizer runtimes and libyaml when they are missing
# (Debian 12, root).  Usage: tests/fuzz/build.sh [OUTDIR]  (default build-fuzz)
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${1:-build-fuzz}
mkdir -p "$OUT"

need=()
command -v clang >/dev/null || need+=(clang)
dpkg -s libclang-rt-14-dev >/dev/null 2>&1 || need+=(libclang-rt-14-dev)
dpkg -s libyaml-dev >/dev/null 2>&1 || need+=(libyaml-dev)
dpkg -s libxml2-dev >/dev/null 2>&1 || need+=(libxml2-dev)
dpkg -s libjansson-dev >/dev/null 2>&1 || need+=(libjansson-dev)
command -v pkg-config >/dev/null || need+=(pkg-config)
command -v cc >/dev/null || need+=(gcc)
if [ ${#need[@]} -gt 0 ]; then
	apt-get -o DPkg::Lock::Timeout=600 update -qq
	DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
		--no-install-recommends "${need[@]}" >/dev/null
fi

# The templates, in the order meson embeds them.
mapfile -t templates < <(sed -n -E "s/^[[:space:]]*'([^']+\.yaml)',?[[:space:]]*$/templates\/\1/p" templates/meson.build)
[ ${#templates[@]} -gt 0 ] || { echo "build.sh: no templates found in templates/meson.build" >&2; exit 1; }
cc -O1 -Iinclude -Icompiler -o "$OUT/embed-templates" compiler/tools/embed-templates.c compiler/sha256.c
"$OUT/embed-templates" "$OUT/embedded.c" "${templates[@]}"
# The flags stagec writes, the list fuzz_compile.c checks every Dockerfile's
# flags against (as tests/flags.awk and tests/injection/check.js do).
"$OUT/embed-templates" --table=emitted_flags "$OUT/emitted_flags.c" specs/emitted-flags.txt
# A build tool's sources, read from its executable('NAME', ...) call in
# compiler/meson.build up to include_directories: so the two cannot drift.
tool_sources() {
	sed -n "/^gen_[a-z_]* = executable('$1',/,/include_directories/p" compiler/meson.build |
		grep -o "'[^']*\.c'" | tr -d "'" | sed 's|^|compiler/|'
}
# The runtime-library table as C, by the generator meson builds (gen_libs_tool).
mapfile -t libs_tool < <(tool_sources gen-runtime-libs-table)
[ ${#libs_tool[@]} -gt 1 ] || { echo "build.sh: no sources for gen-runtime-libs-table in compiler/meson.build" >&2; exit 1; }
# shellcheck disable=SC2046
cc -O1 -std=c17 -D_XOPEN_SOURCE=700 -Iinclude -Icompiler $(pkg-config --cflags yaml-0.1) -o "$OUT/gen-runtime-libs-table" \
	"${libs_tool[@]}" $(pkg-config --libs yaml-0.1)
"$OUT/gen-runtime-libs-table" "$OUT/runtime_libs_table.c" templates/runtime-libs.yaml
# The templates' node trees as C (gen_trees_tool in compiler/meson.build).
mapfile -t trees_tool < <(tool_sources gen-template-trees)
[ ${#trees_tool[@]} -gt 1 ] || { echo "build.sh: no sources for gen-template-trees in compiler/meson.build" >&2; exit 1; }
# shellcheck disable=SC2046
cc -O1 -std=c17 -D_XOPEN_SOURCE=700 -Iinclude -Icompiler $(pkg-config --cflags yaml-0.1) -o "$OUT/gen-template-trees" \
	"${trees_tool[@]}" $(pkg-config --libs yaml-0.1)
"$OUT/gen-template-trees" "$OUT/template_trees.c" "${templates[@]}"

# The library's sources, as compiler/meson.build lists them (every
# compiler/*.c but main.c and the build tools).
mapfile -t sources < <(sed -n '/^libstagec_sources = files(/,/^)/p' compiler/meson.build |
	sed -n -E "s/^[[:space:]]*'([^']+\.c)',?[[:space:]]*$/compiler\/\1/p")
[ ${#sources[@]} -gt 0 ] || { echo "build.sh: no sources found in compiler/meson.build" >&2; exit 1; }
# The libraries the compiler's meson.build depends on.
pkgs=(yaml-0.1)
grep -q xml_dep compiler/meson.build && pkgs+=(libxml-2.0)
grep -q jansson_dep compiler/meson.build && pkgs+=(jansson)

# shellcheck disable=SC2046
clang -std=c17 -g -O1 -D_XOPEN_SOURCE=700 \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
	-Iinclude -Icompiler $(pkg-config --cflags "${pkgs[@]}") \
	"${sources[@]}" "$OUT/embedded.c" "$OUT/runtime_libs_table.c" "$OUT/template_trees.c" "$OUT/emitted_flags.c" \
	tests/fuzz/fuzz_compile.c \
	$(pkg-config --libs "${pkgs[@]}") -ldl -o "$OUT/fuzz_compile"
echo "build.sh: built $OUT/fuzz_compile"
# The readers of the lock, the policy, project files and init (fuzz_readers.c).
# shellcheck disable=SC2046
clang -std=c17 -g -O1 -D_XOPEN_SOURCE=700 \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
	-Iinclude -Icompiler $(pkg-config --cflags "${pkgs[@]}") \
	"${sources[@]}" "$OUT/embedded.c" "$OUT/runtime_libs_table.c" "$OUT/template_trees.c" tests/fuzz/fuzz_readers.c \
	$(pkg-config --libs "${pkgs[@]}") -ldl -o "$OUT/fuzz_readers"
echo "build.sh: built $OUT/fuzz_readers"
