"""Where a benchmark ran, and how its figures are stored (benchmarks/results/)."""

from __future__ import annotations

import csv
import datetime
import json
import os
import platform

RESULTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results")


def cpu_name() -> str:
    try:
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine() -> dict:
    return {"cpu": cpu_name(), "cores": os.cpu_count(), "arch": platform.machine(),
            "python": platform.python_version(), "system": platform.system()}


def machine_tag() -> str:
    """A short name for result files: cores and architecture (e.g. 2cpu-x86_64)."""
    return f"{os.cpu_count()}cpu-{platform.machine()}"


def machine_description() -> str:
    m = machine()
    return f"{m['cpu']}, {m['cores']} cores, {m['arch']}, Python {m['python']}"


def write_results(benchmark: str, rows: list[dict], tag: str | None = None) -> str:
    """Append rows (with date and machine) to <benchmark>-<machine>.csv and write the latest as JSON."""
    os.makedirs(RESULTS, exist_ok=True)
    tag = tag or machine_tag()
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    info = machine()
    full = [{"date": stamp, "machine": machine_description(), **row} for row in rows]
    with open(os.path.join(RESULTS, f"{benchmark}-{tag}.json"), "w") as handle:
        json.dump({"date": stamp, "machine": info, "rows": rows}, handle, indent=1)
        handle.write("\n")
    csv_path = os.path.join(RESULTS, f"{benchmark}-{tag}.csv")
    fields = list(dict.fromkeys(k for row in full for k in row))
    exists = os.path.exists(csv_path)
    if exists:
        with open(csv_path, newline="") as handle:
            header = next(csv.reader(handle), [])
        if header != fields:
            exists = False
    with open(csv_path, "a" if exists else "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        if not exists:
            writer.writeheader()
        writer.writerows(full)
    return csv_path
