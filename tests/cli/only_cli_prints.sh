#!/bin/sh
# The library never prints: only sim/cli/ writes to the terminal.  The
# build enforces the rest of the layering (each folder of sim/ sees only
# the headers of the folders it links, sim/CMakeLists.txt); this checks
# what a compiler cannot: no stdout, stderr, printf, puts or perror
# outside sim/cli/ (comments aside).
# Usage: only_cli_prints.sh WXFLOW SOURCE_DIR
set -u
SRC=$2
hits=$(find "$SRC/sim" -name '*.c' ! -path "$SRC/sim/cli/*" -print0 |
  xargs -0 grep -nE '\b(stdout|stderr|perror)\b|(^|[^a-z_])(printf|puts|putchar)\(' |
  grep -vE '^[^:]+:[0-9]+:[[:space:]]*(/?\*|//)')
if [ -n "$hits" ]; then
  echo "FAIL: the library prints (only sim/cli/ may):"
  echo "$hits"
  exit 1
fi
echo "cli only_cli_prints: ok"
