#!/bin/sh
# Installs, on Debian 12, whatever wxflow needs to build, test and chart that
# is not there yet.  Safe to run again; does nothing when all is present.
set -eu
pkgs="build-essential cmake pkg-config libgsl-dev libyaml-dev libcmocka-dev
      gnuplot-nox fonts-noto-cjk clang libclang-rt-14-dev valgrind"
# CI only: the browser test of `wxflow report` (tests/cli/report.sh loads
# report.html in headless Chromium and renders deck.pdf with pdftoppm; it
# skips without them).  poppler-utils' pdfunite also joins deck.pdf's pages
# at run time, so planners who want the deck need it too.
ci_pkgs="chromium poppler-utils"
# CI only: Open MPI for the -DWX_MPI=ON variant (.ci/mpi runs it under
# mpirun); planners who run on a cluster have their site's MPI instead.
mpi_pkgs="libopenmpi-dev openmpi-bin"
pkgs="$pkgs $ci_pkgs $mpi_pkgs"
missing=""
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
    missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "wxflow: installing$missing" >&2
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
