#!/bin/sh
# Installs, on Debian 12, what wxflow needs that is not there yet, says
# what and why, and shows apt's progress.  Safe to run again: it does
# nothing when everything is present.
#
#   sh scripts/install-deps.sh        build, run, chart and test
#   sh scripts/install-deps.sh --ci   also the tools only CI's extra passes
#                                     use (sanitizers, fuzzing, valgrind,
#                                     the man-page check, the browser test
#                                     of the report, MPI)
set -eu

# name:why pairs, one package a line.
base="build-essential:C compiler and make
cmake:the build
pkg-config:finds libyaml and NLopt
libgsl-dev:random numbers, distributions, statistics, linear algebra
libyaml-dev:reads scenario files
libnlopt-dev:derivative-free fitting (calibrate) and optimisation (optimize)
libcmocka-dev:the unit tests
gnuplot-nox:draws the charts
fonts-noto-cjk:Chinese labels in charts and reports
poppler-utils:pdfunite joins the slides of deck.pdf"
ci="clang:libFuzzer harnesses and the clang warning check
clang-format:the check that the sources stay formatted (.ci/format)
libclang-rt-14-dev:clang's sanitizer and fuzzer runtimes
llvm:llvm-symbolizer, so sanitizer and fuzzer reports show symbols
valgrind:the suite under memcheck
groff-base:the man page check
chromium:loads report.html in a real browser (tests/cli/report.sh)
libopenmpi-dev:the MPI build (-DWX_MPI=ON)
openmpi-bin:mpirun for the MPI tests"

wanted="$base"
case "${1:-}" in
  --ci) wanted="$base
$ci" ;;
  "") ;;
  -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
  *) echo "install-deps.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
esac

missing=$(echo "$wanted" | while IFS=: read -r pkg why; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    echo "wxflow: will install $pkg ($why)" >&2
    printf '%s ' "$pkg"
  fi
done)
if [ -z "$missing" ]; then
  echo "wxflow: every package needed is installed" >&2
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "wxflow: apt-get update" >&2
$SUDO apt-get update
echo "wxflow: apt-get install $missing" >&2
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends \
  -o Dpkg::Use-Pty=0 $missing
