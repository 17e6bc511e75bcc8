#!/usr/bin/env bash
# Fetches the pinned llama.cpp release from the npm registry, verifies it, and builds the shim.
#
#   tools/build-native.sh            prebuilt CPU libraries + shim, into .native/lib
#   LMS_BUILD_LLAMA=ON tools/build-native.sh -DGGML_CUDA=ON -DCMAKE_CUDA_ARCHITECTURES=90
#                                    build llama.cpp itself from the release's source (extra args go to CMake)
#
# Everything lands in a git-ignored cache ($LATENTMAS_NATIVE_CACHE, default .native/); a second run
# reuses it and does no network work. The dotnet build runs this script when native/ changes.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="${LATENTMAS_NATIVE_CACHE:-$root/.native}"
build_llama="${LMS_BUILD_LLAMA:-OFF}"

# The pinned release: one llama.cpp tag (v0.5.0) carried by two npm packages.
prebuilt_pkg="@node-llama-cpp/linux-x64@3.22.1"
prebuilt_sri="sha512-5uCCDNqWCNfaAm8aR/Uzxbo4HBpKgNF91kCHPepKhgMgV2OAmatoefbOlMihsqCiH2Od35E/eUHQCFbfRBJuOg=="
source_pkg="node-llama-cpp@3.22.1"
source_sri="sha512-bltIipuWmc123H7tMIgDGKSsSrhmhlQYeVUC48XTjVW7XGJJiJJyCdlTMzQ/LiWoPkGDpcL4FviDpgw7qfTiDw=="

say() { echo "[native] $*" >&2; }
die() { echo "[native] error: $*" >&2; exit 1; }

require() {
    command -v "$1" >/dev/null 2>&1 || die "'$1' is not installed: $2"
}
require npm "install Node.js and npm (Debian: apt-get install nodejs npm); npm fetches the pinned llama.cpp packages"
require node "install Node.js (Debian: apt-get install nodejs)"
require cmake "install CMake 3.16 or newer (Debian: apt-get install cmake)"
require git "install git (Debian: apt-get install git); the llama.cpp source comes as a git bundle"
require tar "install tar"
if ! command -v "${CXX:-c++}" >/dev/null 2>&1 && ! command -v g++ >/dev/null 2>&1; then
    die "no C++17 compiler found (set CXX, or Debian: apt-get install g++)"
fi

# sha512 integrity of a file in npm's "sha512-<base64>" form.
integrity_of() {
    node -e 'const c=require("crypto"),f=require("fs");process.stdout.write("sha512-"+c.createHash("sha512").update(f.readFileSync(process.argv[1])).digest("base64"))' "$1"
}

# fetch NAME@VERSION EXPECTED_SRI -> prints the verified tarball's path
fetch() {
    local spec="$1" expected="$2" dir="$cache/downloads"
    local file="$dir/$(echo "${spec%@*}" | sed 's|^@||; s|/|-|g')-${spec##*@}.tgz"
    mkdir -p "$dir"
    if [[ ! -f "$file" ]]; then
        say "fetching $spec from the npm registry"
        local tmp; tmp="$(mktemp -d "$dir/.pack.XXXXXX")"
        if ! (cd "$tmp" && npm pack "$spec" --silent >/dev/null 2>"$tmp/err"); then
            cat "$tmp/err" >&2; rm -rf "$tmp"
            die "npm pack $spec failed: is the npm registry reachable? (a build needs it once; later builds use $dir)"
        fi
        mv "$tmp"/*.tgz "$file"; rm -rf "$tmp"
    fi
    local actual; actual="$(integrity_of "$file")"
    if [[ "$actual" != "$expected" ]]; then
        mv "$file" "$file.rejected"
        die "integrity mismatch for $spec: expected $expected, got $actual (moved aside to $file.rejected; refusing to use it)"
    fi
    echo "$file"
}

prebuilt_dir="$cache/prebuilt/linux-x64"
source_dir="$cache/llama.cpp"

if [[ ! -f "$source_dir/include/llama.h" ]]; then
    tgz="$(fetch "$source_pkg" "$source_sri")"
    say "unpacking the llama.cpp source bundle"
    tmp="$(mktemp -d "$cache/.src.XXXXXX")"
    tar -xzf "$tgz" -C "$tmp" package/llama/gitRelease.bundle
    rm -rf "$source_dir"
    git clone --quiet "$tmp/package/llama/gitRelease.bundle" "$source_dir" 2>/dev/null \
        || die "cloning the llama.cpp bundle failed"
    rm -rf "$tmp"
fi

if [[ "$build_llama" != "ON" && ! -f "$prebuilt_dir/libggml-base.so" ]]; then
    tgz="$(fetch "$prebuilt_pkg" "$prebuilt_sri")"
    say "unpacking the prebuilt llama.cpp CPU libraries"
    tmp="$(mktemp -d "$cache/.bin.XXXXXX")"
    tar -xzf "$tgz" -C "$tmp" package/bins/linux-x64
    rm -rf "$prebuilt_dir"; mkdir -p "$(dirname "$prebuilt_dir")"
    mv "$tmp/package/bins/linux-x64" "$prebuilt_dir"
    rm -rf "$tmp"
fi

build_dir="$cache/build"
[[ "$build_llama" == "ON" ]] && build_dir="$cache/build-llama"
say "building the shim (llama.cpp from source: $build_llama)"
cmake -S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release \
    -DLMS_LLAMA_SOURCE_DIR="$source_dir" -DLMS_LLAMA_PREBUILT_DIR="$prebuilt_dir" \
    -DLMS_BUILD_LLAMA="$build_llama" -DCMAKE_INSTALL_PREFIX="$cache" "$@" >"$cache/cmake-configure.log" 2>&1 \
    || { tail -30 "$cache/cmake-configure.log" >&2; die "CMake configure failed (full log: $cache/cmake-configure.log)"; }
cmake --build "$build_dir" --parallel "$(nproc 2>/dev/null || echo 2)" >"$cache/cmake-build.log" 2>&1 \
    || { tail -40 "$cache/cmake-build.log" >&2; die "building the shim failed (full log: $cache/cmake-build.log)"; }
cmake --install "$build_dir" >/dev/null
say "ready: $cache/lib"
