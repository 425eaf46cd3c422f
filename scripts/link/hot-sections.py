#!/usr/bin/env python3
"""hot-sections.py MAP ORDER LDS --callgrind CALLGRIND_OUT...
   hot-sections.py MAP ORDER LDS --faults ENGINE PERF_SCRIPT_OUT

Which input sections of the engine's code ran, from callgrind's instruction addresses
(--dump-instr=yes) and lld's link map (-Map) of the same binary, written as the two lists
scripts/build-engine-release.sh links with (docs/PERFORMANCE.md, "Code layout"):

- ORDER, for --symbol-ordering-file: one symbol per section that ran, a symbol that no other
  section defines. lld places every section that defines a listed name, so a local name such
  as `objectdestroyTm`, defined in hundreds of objects, would also pull in sections that never
  run (among them whole toolchain objects built without function sections: 0.9 MB of
  _RegexParser and _StringProcessing that nothing here calls).
- LDS, a linker-script fragment for the sections that ran and have no such symbol: LLVM's
  private functions (`.L__unnamed_N`, `.Lobjectdestroy`) keep no symbol in the object, so no
  symbol list can name them, and sections whose only names are shared. It names each by its
  object and section and puts them in an output section just before `.text`.

The executed addresses come from callgrind, which names code by the nearest symbol; a private
function thus shows up under its neighbour's name, which is why names are not taken from it.
Callgrind gives the addresses of code in `.text` as the binary's own (as in the map), but
those of code in any other output section as run-time addresses, which can be mistaken for
others in `.text`: the binary profiled must have all its code in `.text`, linked with an
empty LDS list (gen-order-file.sh does so).
"""
import bisect
import collections
import re
import sys

SAFE = re.compile(r"^[A-Za-z0-9_.$]+$")


def input_sections(map_path):
    """(address, size, 'file:(section)', [symbols], output section) of each input section in a
    code section."""
    sections = []
    in_code = False
    output = ""
    row = re.compile(r"\s*([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)\s+\d+\s(.*)$")
    for line in open(map_path, errors="replace"):
        m = row.match(line.rstrip("\n"))
        if not m:
            continue
        address, size, rest = m.groups()
        if not rest.startswith(" "):
            output = rest.strip()
            in_code = output.startswith(".text")
            continue
        if not in_code:
            continue
        if len(rest) - len(rest.lstrip(" ")) <= 8:
            sections.append((int(address, 16), int(size, 16), rest.strip(), [], output))
        elif sections:
            sections[-1][3].append(rest.strip())
    sections.sort()
    return sections


def executed_addresses(callgrind_paths):
    """Instruction addresses callgrind counted, in the order they first appear."""
    seen = {}
    for path in callgrind_paths:
        last = 0
        for line in open(path, errors="replace"):
            fields = line.split()
            if not fields:
                continue
            # A call's target position (the callee's entry, which ran) is compressed like the
            # positions of cost lines, relative to the last one.
            head = fields[1] if line.startswith("calls=") and len(fields) > 1 else fields[0]
            if head == "*":
                pass
            elif head[:1] in "+-" and len(head) > 1:
                last += int(head[1:], 0) * (1 if head[0] == "+" else -1)
            elif head[:1].isdigit():
                last = int(head, 0)
            else:
                continue
            seen.setdefault(last, None)
    return list(seen)


def fault_addresses(perf_script_path, engine, seconds=2.0):
    """Instruction addresses, relative to ENGINE, of the code page faults in the first
    `seconds` of a run, from `perf script --show-mmap-events -F time,addr,ip` of
    `perf record -d -e page-faults` (later faults are the engine closing, after the figure
    this layout is for was read)."""
    base, start, addresses = None, None, []
    mapping = re.compile(r"\[0x([0-9a-f]+)\(0x[0-9a-f]+\) @ (?:0x0|0) .*\]: r--p (.*)$")
    for line in open(perf_script_path, errors="replace"):
        if "PERF_RECORD_MMAP" in line:
            m = mapping.search(line.strip())
            if m and base is None and m.group(2) == engine:
                base = int(m.group(1), 16)
            continue
        fields = line.split()
        if len(fields) != 3 or base is None:
            continue
        time, addr, ip = float(fields[0].rstrip(":")), int(fields[1], 16), int(fields[2], 16)
        start = time if start is None else start
        if addr == ip and time - start < seconds and addr >= base:
            addresses.append(addr - base)
    return addresses


def pattern(where):
    """A linker-script input-section pattern for 'file:(section)', or None."""
    m = re.match(r"^(.*):\((.*)\)$", where)
    if not m:
        return None
    path, section = m.groups()
    if not SAFE.match(section):
        return None
    archive = re.match(r"^.*/([^/]+\.a)\(([^)]+)\)$", path)
    if archive:
        return f"*{archive.group(1)}:{archive.group(2)}({section})"
    build = re.search(r"/([^/]+\.build/.+\.o)$", path)
    if build and SAFE.match(build.group(1).replace("/", "").replace("+", "").replace("-", "")):
        return f"*/{build.group(1)}({section})"
    return None


def write_lists(order_path, order, lds_path, script):
    with open(order_path, "w") as f:
        f.write("\n".join(order) + "\n")
    with open(lds_path, "w") as f:
        f.write("/* Generated by scripts/link/gen-order-file.sh: code that start-up runs and no\n"
                "   symbol of its own can name (docs/PERFORMANCE.md, \"Code layout\"). */\n")
        f.write("SECTIONS {\n  .text.hot_unnamed : {\n")
        f.writelines(f"    {p}\n" for p in script)
        f.write("  }\n} INSERT BEFORE .text;\n")


def read_script(lds_path):
    try:
        lines = open(lds_path).read().splitlines()
    except FileNotFoundError:
        return []
    return [l.strip() for l in lines if l.startswith("    ") and l.strip().endswith(")")]


def main():
    map_path, order_path, lds_path, mode, *inputs = sys.argv[1:]
    sections = input_sections(map_path)
    starts = [s[0] for s in sections]
    definitions = collections.Counter(name for s in sections for name in s[3])

    def containing(address):
        i = bisect.bisect_right(starts, address) - 1
        return i if i >= 0 and address < starts[i] + sections[i][1] else None

    if mode == "--callgrind":
        elsewhere = [s[2] for s in sections if s[4] != ".text"]
        if elsewhere:
            sys.exit(f"hot-sections: {len(elsewhere)} sections outside .text (e.g. {elsewhere[0]}): "
                     "link with an empty LDS list first")
        addresses = executed_addresses(inputs)
        order, script = [], []
    elif mode == "--faults":
        # Code that ran natively but not under valgrind (CPU-specific paths such as BoringSSL's
        # ADX code, which valgrind's CPU does not offer), from a run of the binary the map
        # describes. Added to the lists.
        engine, perf_script = inputs
        addresses = fault_addresses(perf_script, engine)
        order = open(order_path).read().split()
        script = read_script(lds_path)
    else:
        sys.exit(f"hot-sections: unknown mode {mode}")
    listed, known = set(order), set(script)
    ran, marked = [], set()
    for address in addresses:
        i = containing(address)
        if i is None or i in marked:
            continue
        marked.add(i)
        ran.append(sections[i])
    added, skipped = 0, 0
    for _, _, where, names, _ in ran:
        unique = [n for n in names if definitions[n] == 1]
        if unique:
            if not listed.intersection(unique):
                order.append(unique[0])
                listed.add(unique[0])
                added += 1
        elif (p := pattern(where)) is not None:
            if p not in known:
                script.append(p)
                known.add(p)
                added += 1
        else:
            skipped += 1
    write_lists(order_path, order, lds_path, script)
    size = sum(s[1] for s in ran)
    print(f"{len(ran)} sections ran ({size / 1024:.0f} KiB), {added} added: {len(order)} listed by "
          f"symbol, {len(script)} by object and section, {skipped} left where they are",
          file=sys.stderr)
    if mode == "--faults" and added == 0:
        sys.exit(3)


main()
