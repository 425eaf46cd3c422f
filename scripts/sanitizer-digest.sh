#!/bin/sh
# The lines of sanitizer reports that name a finding, from a test run's log: the warning,
# each access with its first frames, the location and the summary. `make sanitize-*` prints
# this last when a run fails, so a log cut to its tail (a CI page) still shows what raced or
# leaked and where; the whole report is above it in the same log.
# Usage: scripts/sanitizer-digest.sh LOG...
[ $# -gt 0 ] || { echo "usage: $0 LOG..." >&2; exit 2; }
awk '
  /^(WARNING|ERROR): (ThreadSanitizer|AddressSanitizer|LeakSanitizer)/ { print; frames = 0; next }
  /^SUMMARY: / { print; next }
  /^ *(Read|Write|Atomic read|Atomic write|Previous read|Previous write|Previous atomic read|Previous atomic write|READ|WRITE|freed by|previously allocated by|Direct leak|Indirect leak|Location is|Mutex)/ {
    print; frames = 5; next
  }
  frames > 0 && /^ *#[0-9]+ / { print substr($0, 1, 220); frames--; next }
  { frames = 0 }
' "$@" | head -n 120
