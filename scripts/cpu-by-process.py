#!/usr/bin/env python3
"""Where the CPU went, by process, in a window of time: how scripts/topology.sh shows what
bounds a rush through the production processes on one machine.

  cpu-by-process.py sample FILE           every 0.25 s, each process's CPU time to FILE, until stopped
  cpu-by-process.py report FILE FROM TO   CPU seconds by kind of process between two Unix times
"""
import os
import sys
import time

TICK = os.sysconf("SC_CLK_TCK")


def kind(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            args = f.read().split(b"\0")
    except OSError:
        return None
    words = [a.decode(errors="replace") for a in args if a]
    if not words:
        return None
    prog = os.path.basename(words[0])
    if prog == "catalyst" and len(words) > 1:
        return " ".join(["catalyst"] + words[1:3 if words[1] == "part" else 2])
    if prog.startswith("postgres") or prog == "postmaster":
        return "postgres"
    if prog == "rush.test":
        return "the rush's clients"
    return None


def ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime, stime


def sample(path):
    with open(path, "a", buffering=1) as out:
        while True:
            now = time.time()
            for pid in os.listdir("/proc"):
                if not pid.isdigit():
                    continue
                k = kind(pid)
                if k is None:
                    continue
                try:
                    out.write(f"{now:.3f}\t{pid}\t{k}\t{ticks(pid)}\n")
                except OSError:
                    pass
            time.sleep(0.25)


def report(path, start, end):
    before, within, kinds = {}, {}, {}
    with open(path) as f:
        for line in f:
            t, pid, k, n = line.rstrip("\n").split("\t")
            t, n = float(t), int(n)
            kinds[pid] = k
            if t <= start:
                before[pid] = n
            if t <= end:
                within[pid] = n
    used = {}
    for pid, n in within.items():
        used[kinds[pid]] = used.get(kinds[pid], 0) + (n - before.get(pid, 0)) / TICK
    span = end - start
    cores = os.cpu_count()
    total = sum(used.values())
    print(f"CPU by process over the submits ({span:.1f} s, {cores} cores: {span * cores:.1f} CPU seconds to give):")
    for k, s in sorted(used.items(), key=lambda kv: -kv[1]):
        print(f"  {k:28} {s:7.1f} s  {100 * s / (span * cores):5.1f}% of the machine")
    print(f"  {'all of them':28} {total:7.1f} s  {100 * total / (span * cores):5.1f}% of the machine")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "sample":
        sample(sys.argv[2])
    elif len(sys.argv) == 5 and sys.argv[1] == "report":
        report(sys.argv[2], float(sys.argv[3]), float(sys.argv[4]))
    else:
        sys.exit(__doc__)
