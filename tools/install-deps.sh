#!/bin/sh
# Installs what krelu's build, tests, examples and tools need on Debian 12 (as root, or with sudo).
set -e
packages="cmake make g++ libeigen3-dev catch2 libboost-dev libcli11-dev nlohmann-json3-dev gnuplot-nox clang libclang-rt-14-dev"
missing=""
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends $missing
