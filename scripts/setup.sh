#!/usr/bin/env bash
# Installs what Raft Lab needs, idempotently. Usage: scripts/setup.sh [native|web|test|all]
#   native: compilers, GLFW, doctest, ImGui sources
#   web:    + Emscripten, fonttools (pyftsubset: the page's font subset)
#   test:   + Chromium, Xvfb, npm playwright-core
# Prints one line per missing piece and the command that installs it when it cannot install it itself.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
what=${1:-all}
cache="$here/.cache"
mkdir -p "$cache"

say() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

pkgs_native=(cmake ninja-build g++ pkg-config libglfw3-dev libgl-dev libstb-dev doctest-dev fonts-jetbrains-mono xz-utils dpkg-dev libboost-dev nlohmann-json3-dev curl)
pkgs_web=(emscripten node-acorn nodejs fonttools)
pkgs_test=(xvfb xauth libgl1-mesa-dri chromium npm)

want=("${pkgs_native[@]}")
case "$what" in
  native) ;;
  web) want+=("${pkgs_web[@]}") ;;
  test|all) want+=("${pkgs_web[@]}" "${pkgs_test[@]}") ;;
  *) echo "usage: scripts/setup.sh [native|web|test|all]" >&2; exit 2 ;;
esac

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# nodejs/npm may come from elsewhere (e.g. nodesource); accept any working binary.
filtered=()
for p in "${missing[@]}"; do
  case "$p" in
    nodejs) command -v node >/dev/null || filtered+=("$p") ;;
    npm) command -v npm >/dev/null || filtered+=("$p") ;;
    *) filtered+=("$p") ;;
  esac
done
missing=("${filtered[@]+"${filtered[@]}"}")

apt_updated=0
apt_update() {
  if [ "$apt_updated" = 0 ]; then
    say "apt-get update"
    apt-get update -qq >/dev/null || die "apt-get update failed; check the network to the Debian mirror"
    apt_updated=1
  fi
}

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ] && ! command -v sudo >/dev/null; then
    die "missing Debian packages: ${missing[*]}. Install them with: sudo apt-get install -y ${missing[*]}"
  fi
  SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
  say "installing Debian packages: ${missing[*]}"
  if [ "$(id -u)" = 0 ]; then apt_update; else $SUDO apt-get update -qq >/dev/null; fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || die "apt-get install failed for: ${missing[*]}. Try: sudo apt-get install -y ${missing[*]}"
fi

# Dear ImGui 1.86 sources come from Debian's source package (libimgui-dev has no imgui.cpp).
imgui_dir="$cache/imgui-1.86"
if [ ! -f "$imgui_dir/imgui.cpp" ]; then
  say "fetching Dear ImGui 1.86 sources (Debian source package 'imgui')"
  if ! ls "$cache"/imgui_1.86*.orig.tar.* >/dev/null 2>&1; then
    src_list=/etc/apt/sources.list.d/raftlab-debian-src.sources
    if ! grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ && ! grep -qs '^deb-src' /etc/apt/sources.list; then
      [ "$(id -u)" = 0 ] || die "need a deb-src entry to fetch the imgui source package; run this script as root once"
      uri=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
      [ -n "$uri" ] || uri=$(awk '$1=="deb" {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
      [ -n "$uri" ] || die "cannot find the Debian mirror URI to add a deb-src entry for 'imgui'"
      printf 'Types: deb-src\nURIs: %s\nSuites: bookworm\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' "$uri" > "$src_list"
      apt_updated=0
    fi
    [ "$(id -u)" = 0 ] && apt_update
    (cd "$cache" && apt-get source --download-only imgui >/dev/null 2>&1) \
      || die "could not download the 'imgui' source package. Try: (cd .cache && apt-get source --download-only imgui)"
  fi
  tarball=$(ls "$cache"/imgui_1.86*.orig.tar.* | head -n1)
  rm -rf "$imgui_dir.tmp" && mkdir -p "$imgui_dir.tmp"
  tar xf "$tarball" -C "$imgui_dir.tmp" --strip-components=1
  rm -rf "$imgui_dir" && mv "$imgui_dir.tmp" "$imgui_dir"
  [ -f "$imgui_dir/imgui.cpp" ] || die "unpacked imgui source has no imgui.cpp"
fi

# playwright-core drives Debian's Chromium; never download a browser.
if [ "$what" = test ] || [ "$what" = all ]; then
  if [ ! -d "$here/tests/browser/node_modules/playwright-core" ]; then
    say "installing npm packages for the browser tests (playwright-core)"
    (cd "$here/tests/browser" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --silent) \
      || die "npm ci failed in tests/browser. Try: (cd tests/browser && npm ci)"
  fi
fi
exit 0
