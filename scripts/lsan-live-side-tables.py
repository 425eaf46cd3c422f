#!/usr/bin/env python3
"""Exit 0 when a failed test run's log shows every test passing and LeakSanitizer's only
findings are weak-reference side tables with nothing under them; else exit 1.

A Swift object's side table (formed by its first weak reference) is pointed at only from
the object's encoded reference count, so LeakSanitizer reads it as unreferenced while the
object is alive: a swarm still held at the test process's exit by a task that has not ended
shows up as a lone 32-byte "Direct leak" from `formWeakReference`. An object that really
leaked would be reported under its side table as "Indirect leak"s (the table points to it),
so any indirect leak, any other direct leak, any other sanitizer error or any failed test
keeps the run failed. docs/TESTING.md, Sanitizers.

Usage: lsan-live-side-tables.py LOG
"""
import re
import sys

text = open(sys.argv[1], encoding="utf-8", errors="replace").read()
if re.search(r"^✘ ", text, re.M) or re.search(r"Test Suite .* failed", text) or not re.search(r"^✔ Test run with \d+ tests? .*passed", text, re.M):
    sys.exit(1)  # a test failed, or the run did not finish
if re.search(r"ERROR: AddressSanitizer", text) or "Indirect leak" in text:
    sys.exit(1)
blocks = re.findall(r"^Direct leak of (\d+) byte\(s\) in (\d+) object\(s\) allocated from:\n((?:\s+#\d+ .*\n)+)", text, re.M)
if not blocks or len(blocks) != text.count("Direct leak of"):
    sys.exit(1)
for size, count, frames in blocks:
    lines = frames.strip().splitlines()
    if int(size) != 32 * int(count) or len(lines) < 3 or "formWeakReference" not in lines[2]:
        sys.exit(1)
print(f"LeakSanitizer: {len(blocks)} weak-reference side table(s) of objects alive at exit, nothing under them; "
      "not a leak (scripts/lsan-live-side-tables.py)", file=sys.stderr)
sys.exit(0)
