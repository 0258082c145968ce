#!/usr/bin/env bash
# Gives machines without a GPU a WebGPU adapter for tests and CI (issue 9): Mesa's lavapipe, a
# Vulkan driver that runs on the CPU, unpacked into .vendor/mesa/ (git-ignored) and selected by
# VK_ICD_FILENAMES=.vendor/mesa/lvp_icd.json. Debian 12's own lavapipe (Mesa 22.3) is too old for
# Dawn, so on bookworm it comes from bookworm-backports (Mesa 25). Only the Vulkan loader
# (libvulkan1) and any library lavapipe links that the system lacks are installed system-wide.
#
# A setup step for CI and development, not something cliplab needs at run time. Idempotent and
# quick once done. Exits 0 with a message when something cannot be fetched: the WebGPU tests then
# skip and say why.
set -uo pipefail
cd "$(dirname "$0")/.."

dest="$PWD/.vendor/mesa"
lib="$dest/libvulkan_lvp.so"
icd="$dest/lvp_icd.json"
backports_list=/etc/apt/sources.list.d/bookworm-backports.list
export DEBIAN_FRONTEND=noninteractive

say() { echo "setup-webgpu: $*"; }
give_up() {
  say "$* -- no software WebGPU adapter; the WebGPU tests will be skipped"
  exit 0
}

# grep reads to the end (not -q): an early exit would kill ldconfig with SIGPIPE, which pipefail reports as failure.
has_vulkan_loader() { ldconfig -p | grep 'libvulkan\.so\.1 ' >/dev/null; }
missing_libs() { ldd "$1" | awk '/not found/ { print $1 }'; }
icd_json() { printf '{\n  "file_format_version": "1.0.0",\n  "ICD": { "library_path": "%s", "api_version": "%s" }\n}\n' "$1" "$2"; }

# Warm path: unpacked for this checkout's location, loader present, every library resolves.
if [ -f "$lib" ] && grep -qF "\"$lib\"" "$icd" 2>/dev/null && has_vulkan_loader && [ -z "$(missing_libs "$lib")" ]; then
  say "ready: lavapipe $(cat "$dest/VERSION" 2>/dev/null) at $icd"
  exit 0
fi

command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null || give_up "not a Debian-based system (no apt-get)"
[ "$(id -u)" = 0 ] || give_up "fetching Mesa needs root once (apt sources, libvulkan1); run: sudo $0"

# shellcheck disable=SC1091
codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
if [ "$codename" = bookworm ]; then
  target=mesa-vulkan-drivers/bookworm-backports
  if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    echo 'deb http://deb.debian.org/debian bookworm-backports main' >"$backports_list"
    say "added $backports_list"
  fi
  if ! apt-cache madison mesa-vulkan-drivers 2>/dev/null | grep bookworm-backports >/dev/null; then
    # Refresh only the backports list when it is ours: seconds instead of a full update.
    if [ -f "$backports_list" ]; then
      apt-get update -qq -o Dir::Etc::sourcelist="$backports_list" -o Dir::Etc::sourceparts=- \
        -o APT::Get::List-Cleanup=0 >/dev/null 2>&1
    fi
    apt-cache madison mesa-vulkan-drivers 2>/dev/null | grep bookworm-backports >/dev/null || apt-get update -qq >/dev/null 2>&1
  fi
else
  # Later Debian releases ship a Mesa recent enough for Dawn in their own suite.
  target=mesa-vulkan-drivers
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get download -qq -o APT::Sandbox::User=root "$target" >/dev/null 2>&1) ||
  give_up "could not download $target from Debian's package servers"
deb=$(ls "$work"/*.deb)
version=$(dpkg-deb -f "$deb" Version)

# Runtime libraries lavapipe declares (the Vulkan loader first): install only those the system lacks,
# by name; the system's versions serve (e.g. Mesa 25 runs on bookworm's libllvm15 and libdrm).
mapfile -t wanted < <(dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed -E 's/\(.*\)//; s/\|.*//; s/[[:space:]]//g' | grep -v '^$')
missing=()
for pkg in "${wanted[@]}"; do
  dpkg-query -W -f '${db:Status-Status}' "$pkg" 2>/dev/null | grep '^installed$' >/dev/null || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]}"
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1 ||
    { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1; } ||
    give_up "could not install ${missing[*]}"
fi

dpkg-deb -x "$deb" "$work/root"
unpacked=$(find "$work/root" -name libvulkan_lvp.so -print -quit)
[ -n "$unpacked" ] || give_up "$target $version has no libvulkan_lvp.so"
api=$(sed -nE 's/.*"api_version": *"([^"]+)".*/\1/p' "$(find "$work/root" -name lvp_icd.json -print -quit)")

# Assemble beside the destination, then swap in whole: a run cut short leaves no half-made folder.
stage="$dest.partial"
rm -rf "$stage" && mkdir -p "$stage"
cp "$unpacked" "$stage/"
cp "$(find "$work/root" -path '*/doc/mesa-vulkan-drivers/copyright' -print -quit)" "$stage/copyright" 2>/dev/null
echo "$version" >"$stage/VERSION"
unresolved=$(missing_libs "$stage/libvulkan_lvp.so" | tr '\n' ' ')
[ -z "$unresolved" ] || { rm -rf "$stage"; give_up "lavapipe needs libraries this system lacks: $unresolved"; }
has_vulkan_loader || { rm -rf "$stage"; give_up "the Vulkan loader libvulkan.so.1 is missing"; }
icd_json "$lib" "${api:-1.3.0}" >"$stage/lvp_icd.json"
rm -rf "$dest" && mv "$stage" "$dest"
say "ready: lavapipe $version at $icd"
