#!/usr/bin/env bash
# Installs the Debian 12 packages the build needs, or says exactly how to.
set -euo pipefail

packages=(
  g++ cmake ninja-build make pkg-config
  libgoogle-glog-dev libgflags-dev libgtest-dev libgmock-dev
  libasio-dev node-llhttp libcli11-dev nlohmann-json3-dev curl
  libprotobuf-dev protobuf-compiler
  libssl-dev openssl
  nftables
  dpkg-dev file
  lld  # the linker: CMakeLists.txt uses it where it is installed
  ccache  # CMakeLists.txt: the library, built in two trees, compiles once
  prometheus
  chromium  # the browser of tests/ui_page_test.cpp
)
# `setup.sh fuzz`: also what the libFuzzer targets need; `setup.sh tidy`:
# also clang-tidy, for `make tidy`.
case "${1:-}" in
  fuzz) packages+=(clang libclang-rt-14-dev) ;;
  tidy) packages+=(clang-tidy) ;;
esac

missing=()
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$package")
done

if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
  echo "Procession needs these Debian packages; install them as root with:" >&2
  echo "  apt-get update && apt-get install -y ${missing[*]}" >&2
  exit 1
fi

echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends "${missing[@]}"
