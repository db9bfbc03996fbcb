#!/usr/bin/env python3
"""bench.py - fangfan against the same job in DuckDB SQL, on generated county and province feeds.

For each scale it generates (tools/gen.py, deterministic by seed, cached) an
inbox of clean UTF-8 CSV feeds, then times, alternating, several repetitions of

    1. .build/release/fangfan run --month 2021-05 ... on a fresh copy of the
       inbox and a fresh state (the copy is not timed: fangfan moves its inbox
       into state/archive), and
    2. python3 tools/lean.py --inbox <cached inbox> --month 2021-05 (the lean
       DuckDB SQL a data officer would write first: read_csv, casts, one GROUP BY
       per feed, LEFT JOINs, CASE WHEN; no ordering of versions, no roster checks),
    3. python3 tools/oracle.py --inbox <cached inbox> --month 2021-05 (the careful
       DuckDB SQL: last version wins, roster conflicts dropped),

both as whole child processes: wall time (time.perf_counter), CPU time
(ru_utime + ru_stime) and peak memory (ru_maxrss) from os.wait4.  Every
repetition checks that all three produced the same alerts (household, level,
triggers); a mismatch prints the first differences and exits 1.  The worlds
send one file per feed (gen.py --one-file-per-feed: the county's medical feed
is one file of about 670,000 settlements), so that the lean SQL is right on
them.  The order of the three rotates from one repetition to the next.

It also times `fangfan ingest` alone on one feed file in five forms - UTF-8
CSV, GB18030 CSV, gzip CSV, UTF-8 XML, GB18030 XML (the medical feed, same
records) - and, on the XML files, `xmllint --stream --noout` and libxml2's SAX2
pull parser alone with empty callbacks (tools/saxfloor.c, built with cc).

Usage:
    python3 tools/bench.py                                  # county and province, 3 reps
    python3 tools/bench.py --scales county --reps 5
    python3 tools/bench.py --scales county,province:1 --reps 3   # province once, county 3 times
    python3 tools/bench.py --quick                          # = --scales small --reps 1 (15,000 households)
    python3 tools/bench.py --scales province --reps 1 --no-formats --keep

Scales: small = 15,000 households, county = 150,000, province = 1,500,000.
Data is cached under --data (default bench-data/ in the repository, git-ignored):
<data>/<scale>/inbox with a stamp (seed, households, month, sha256 of gen.py);
a changed generator or seed regenerates.  Results go to stdout and, as
Markdown, to <data>/results.md (raw measurements: <data>/results.json).

The fangfan binary is copied to <data>/bin/ at the start, so that a rebuild
while the benchmark runs does not mix two builds.  Wall times need a quiet
machine: the CPU used by other processes during each measurement is reported,
and --wait-idle N waits up to N seconds for quiet before each one.  Before each
run of fangfan and of the SQL, where it may (as root), it drops the page cache,
reads that run's input into it again and waits 3 s, so that every run starts
from the same memory state (--no-settle: not).

It also times the case ledger's write at province scale on both backends
(Tests/LedgerBench, built with the release build: 300,000 alerts and 1,500,000
evaluations recorded as one month, then the month again): SQLite in the data
folder, and PostgreSQL on a throwaway server that tools/pg-test-server.sh
starts and stops (fsync on, like SQLite's).  --ledger-only measures only that
(no DuckDB needed); --no-ledger skips it.

Exit status: 0 done; 1 the answers differ; 2 bad command line or missing
binary/tool; 3 not enough free disk space; 4 a benchmarked command failed.
"""
import argparse
import csv
import gzip
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from xml.sax.saxutils import escape

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GEN = os.path.join(REPO, "tools", "gen.py")
ORACLE = os.path.join(REPO, "tools", "oracle.py")
LEAN = os.path.join(REPO, "tools", "lean.py")
CONFIG = os.path.join(REPO, "pipelines", "default.toml")

SCALES = {"small": 15_000, "county": 150_000, "province": 1_500_000}
MONTH = "2021-05"
TODAY = "2021-06-02"
INBOX_FOLDERS = ("roster", "income", "medical", "civil", "disaster", "disability", "application", "verification")
# measured: ~1.03 kB of inbox per household; a fangfan run leaves ~4x the inbox (archive, staged, work, out)
BYTES_PER_HH = 1100
RUN_FACTOR = 5.0
OLD = 3600  # cached files are dated an hour back: settled for ingest.settle_seconds, same mtime -> name order

MED_XML_FIELDS = ("JSLSH", "JSLX", "YJSLSH", "SFZH", "XM", "JZLX", "YLJGMC", "RYRQ", "CYRQ", "JSRQ",
                  "YLZFY", "TCZF", "DBZF", "YLJZ", "GRZF")
MED_KIND = {"正常": "1", "冲销": "2"}


def log(msg):
    print(msg, file=sys.stderr, flush=True)


class Failure(Exception):
    def __init__(self, code, msg):
        super().__init__(msg)
        self.code = code


# ----------------------------------------------------------------------------- measuring

HZ = os.sysconf("SC_CLK_TCK")


def busy_seconds():
    """CPU seconds spent busy by the whole machine since boot (/proc/stat), or None."""
    try:
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
        return (sum(v[:8]) - v[3] - v[4]) / HZ   # all but idle and iowait
    except (OSError, ValueError, IndexError):
        return None


WAIT_IDLE = 0.0  # --wait-idle: seconds to wait at most for the machine to be quiet before each measurement


def wait_idle():
    """Wait (at most WAIT_IDLE s) until other processes use < 0.3 cores over a 2-second sample."""
    if WAIT_IDLE <= 0:
        return
    t_end = time.monotonic() + WAIT_IDLE
    first = True
    while True:
        b0 = busy_seconds()
        time.sleep(2)
        b1 = busy_seconds()
        if b0 is None or b1 is None or (b1 - b0) / 2 < 0.3:
            return
        if time.monotonic() >= t_end:
            log("  (machine still busy: %.2f cores; measuring anyway)" % ((b1 - b0) / 2))
            return
        if first:
            log("  (waiting for the machine to be idle: %.2f cores busy)" % ((b1 - b0) / 2))
            first = False


DROP_CACHES = "/proc/sys/vm/drop_caches"
SETTLE = False  # set in main: the page cache dropped before each run of the main comparison (needs root)
SETTLE_SECONDS = 3


def settle(inputs):
    """The same memory state before each run of the main comparison, whatever the run before it left cached: the
    kernel's caches dropped, the run's own input read into the cache again (as a file that has just arrived), and
    a few seconds for the machine to settle. On a virtual machine whose freed memory goes back to its host (free
    page reporting), pages a run writes into cost more when they are fresh than when they were freed just before:
    without this, a program's time depended on how much the run before it had left cached for the next copy of
    the inbox to free (docs/performance.md, round 15). Needs root; without it, nothing is done and results.md
    says so. The caller (`measure`) has just synced: no dirty page stays behind the drop."""
    if not SETTLE:
        return
    with open(DROP_CACHES, "w") as f:
        f.write("3\n")
    for d in inputs:
        for p in tree_files(d):
            with open(p, "rb") as f:
                while f.read(1 << 22):
                    pass
    time.sleep(SETTLE_SECONDS)


GNU_TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None


def measure(cmd, out_path, cwd=REPO, inputs=None):
    """Run cmd as a child; return dict(wall, cpu, rss (KiB), rc, other): wall from perf_counter, CPU from
    os.wait4, peak RSS from GNU time (os.wait4 without it); other = CPU cores used meanwhile by the rest of
    the machine (contention). With `inputs` (the folders it reads), the machine is settled first (`settle`)."""
    os.sync()  # flush the previous step's writes so they are not paid by this one
    if inputs is not None:
        settle(inputs)
    wait_idle()
    # Peak RSS through GNU time where there is one: the child forked from this Python process counts
    # Python's own pages until it execs, which would hide the peak of a small process.
    rss_file = out_path + ".maxrss"
    timed = [GNU_TIME, "-f", "%M", "-o", rss_file] + cmd if GNU_TIME else cmd
    with open(out_path, "wb") as out:
        b0 = busy_seconds()
        t0 = time.perf_counter()
        p = subprocess.Popen(timed, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
        b1 = busy_seconds()
    p.returncode = os.waitstatus_to_exitcode(status)
    cpu = ru.ru_utime + ru.ru_stime   # includes the command's, reaped by time
    rss = ru.ru_maxrss
    if GNU_TIME:
        try:
            with open(rss_file, encoding="utf-8") as f:
                rss = int(f.read().split()[-1])
        except (OSError, ValueError, IndexError):
            pass
        try:
            os.remove(rss_file)
        except OSError:
            pass
    other = max(0.0, (b1 - b0 - cpu) / wall) if b0 is not None and b1 is not None and wall > 0 else 0.0
    return {"wall": wall, "cpu": cpu, "rss": rss, "rc": p.returncode, "other": other}


def check_rc(m, what, out_path, ok=(0,)):
    if m["rc"] not in ok:
        tail = ""
        try:
            with open(out_path, encoding="utf-8", errors="replace") as f:
                tail = "".join(f.readlines()[-15:])
        except OSError:
            pass
        raise Failure(4, "%s failed with exit status %d; last output (%s):\n%s" % (what, m["rc"], out_path, tail))


def copy_tree(src, dst):
    """A real copy (fangfan moves its inbox files: hard links would be moved from the cache)."""
    subprocess.run(["cp", "-R", "--reflink=auto", "--preserve=timestamps", src, dst], check=True)


def rmtree(p):
    shutil.rmtree(p, ignore_errors=True)


def tree_files(d):
    """Every file under d, as a path."""
    for root, _, files in os.walk(d):
        for f in files:
            yield os.path.join(root, f)


def tree_bytes(d):
    return sum(os.path.getsize(p) for p in tree_files(d))


def sha256_file(p):
    h = hashlib.sha256()
    with open(p, "rb") as f:
        for b in iter(lambda: f.read(1 << 20), b""):
            h.update(b)
    return h.hexdigest()


def free_bytes(path):
    p = os.path.abspath(path)
    while not os.path.exists(p):
        p = os.path.dirname(p)
    return shutil.disk_usage(p).free, p


def age_files(d):
    t = time.time() - OLD
    for p in tree_files(d):
        os.utime(p, (t, t))


# ----------------------------------------------------------------------------- data

def stamp_of(seed, n):
    return {"seed": seed, "households": n, "month": MONTH, "gen_sha256": sha256_file(GEN), "one_file_per_feed": True}


def ensure_inbox(data, scale, n, seed):
    """bench-data/<scale>/inbox, generated unless the stamp matches."""
    sdir = os.path.join(data, scale)
    inbox = os.path.join(sdir, "inbox")
    stamp_p = os.path.join(sdir, "stamp.json")
    want = stamp_of(seed, n)
    try:
        with open(stamp_p, encoding="utf-8") as f:
            have = json.load(f)
    except (OSError, ValueError):
        have = None
    if have == want and os.path.isdir(inbox):
        log("%s: reusing %s (seed %d, %d households)" % (scale, inbox, seed, n))
        return inbox
    log("%s: generating %d households (seed %d) ..." % (scale, n, seed))
    rmtree(inbox)
    rmtree(os.path.join(sdir, "formats"))
    if os.path.exists(stamp_p):
        os.unlink(stamp_p)
    tmp = inbox + ".tmp"
    rmtree(tmp)
    os.makedirs(sdir, exist_ok=True)
    t0 = time.perf_counter()
    r = subprocess.run([sys.executable, GEN, "--seed", str(seed), "--households", str(n),
                        "--month", MONTH, "--out", tmp, "--quiet", "--one-file-per-feed"], cwd=REPO)
    if r.returncode != 0:
        raise Failure(4, "gen.py failed with exit status %d" % r.returncode)
    age_files(tmp)
    os.rename(tmp, inbox)
    with open(stamp_p, "w", encoding="utf-8") as f:
        json.dump(want, f, indent=1)
    log("%s: generated %.1f MB in %.1f s" % (scale, tree_bytes(inbox) / 1e6, time.perf_counter() - t0))
    return inbox


# ----------------------------------------------------------------------------- answers

def fangfan_alerts(out_dir):
    lines = []
    with open(os.path.join(out_dir, MONTH, "alerts.jsonl"), encoding="utf-8") as f:
        for ln in f:
            if ln.strip():
                o = json.loads(ln)
                lines.append("%s,%s,%s" % (o["household_id"], o["level"], ";".join(o["triggers"])))
    return sorted(lines)


def oracle_alerts(path):
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    return sorted("%s,%s,%s" % tuple(r) for r in rows[1:] if r)


def compare(ff, dk, scale, rep, what="duckdb"):
    if ff == dk:
        return
    a, b = set(ff), set(dk)
    only_f, only_d = sorted(a - b), sorted(b - a)
    msg = ["MISMATCH at %s scale, repetition %d: fangfan %d alerts, %s %d alerts; "
           "%d only in fangfan, %d only in %s (household_id,level,triggers)"
           % (scale, rep, len(ff), what, len(dk), len(only_f), len(only_d), what)]
    hh_d = {x.split(",", 1)[0]: x for x in only_d}
    shown = 0
    for x in only_f:
        h = x.split(",", 1)[0]
        msg.append("  fangfan: %-60s duckdb: %s" % (x, hh_d.pop(h, "(no alert)")))
        shown += 1
        if shown >= 20:
            break
    for h, x in list(hh_d.items())[:max(0, 20 - shown)]:
        msg.append("  fangfan: %-60s duckdb: %s" % ("(no alert)", x))
    if len(ff) != len(set(ff)):
        msg.append("  (fangfan has duplicate alert lines)")
    raise Failure(1, "\n".join(msg))


# ----------------------------------------------------------------------------- disaster sweep

SWEEP_EVENT = "ZH-BENCH-001"


def write_disaster_event(roster_dir, path, seed):
    """A new disaster event (RULES.md 10) in CSV: ~30 % of the household heads of one village in twenty
    (at least five villages), chosen by `seed`; the others of the roster are untouched."""
    import random
    heads = {}
    for name in sorted(os.listdir(roster_dir)):
        with open(os.path.join(roster_dir, name), encoding="utf-8-sig", newline="") as f:
            r = csv.reader(f)
            h = next(r)
            town, village, pid, nm, rel = (h.index(x) for x in ("乡镇", "行政村", "身份证号", "姓名", "与户主关系"))
            for row in r:
                if row and row[rel] == "户主":
                    heads.setdefault((row[town], row[village]), []).append((row[pid], row[nm]))
    rnd = random.Random(seed)
    villages = sorted(heads)
    struck = rnd.sample(villages, max(5, len(villages) // 20))
    records = 0
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["灾害编号", "灾种", "灾害名称", "发生日期", "户主身份证号", "户主姓名", "乡镇", "行政村",
                    "房屋损毁程度", "农作物受灾面积(亩)", "直接经济损失(元)"])
        for v in struck:
            for pid, nm in heads[v]:
                if rnd.random() < 0.3:
                    w.writerow([SWEEP_EVENT, "台风", "基准测试台风", "2021-06-01", pid, nm, v[0], v[1],
                                rnd.choice(["倒塌", "严重损坏", "一般损坏", "无"]), "%.1f" % rnd.uniform(0, 5),
                                "%.2f" % rnd.uniform(0, 30000)])
                    records += 1
    return len(struck), records


def bench_sweep(a, scale, source_inbox, run_inbox, state, out, scratch):
    """On the state a `fangfan run` left: a first sweep (every event so far, and the roster's sweep index),
    then a new disaster file of one event, and the sweep that takes it (the one to be fast)."""
    cmd = [a.fangfan, "sweep", "--today", TODAY, "--quiet", "--config", CONFIG, "--inbox", run_inbox,
           "--state", state, "--out", out]
    first_log = os.path.join(scratch, "sweep-first.log")
    first = measure(cmd, first_log)
    check_rc(first, "fangfan sweep, first (%s)" % scale, first_log)
    os.makedirs(os.path.join(run_inbox, "disaster"), exist_ok=True)
    villages, records = write_disaster_event(os.path.join(source_inbox, "roster"),
                                             os.path.join(run_inbox, "disaster", "bench-event.csv"), a.seed)
    age_files(os.path.join(run_inbox, "disaster"))
    new_log = os.path.join(scratch, "sweep-new.log")
    new = measure(cmd, new_log)
    check_rc(new, "fangfan sweep, new event (%s)" % scale, new_log)
    with open(os.path.join(out, "sweep", SWEEP_EVENT, "summary.json"), encoding="utf-8") as f:
        summ = json.load(f)
    listed = summ.get("households_listed")
    log("  sweep: first %.2f s wall; new event (%d villages, %d records) %.2f s wall, %.2f s CPU, peak %.0f MB"
        % (first["wall"], villages, records, new["wall"], new["cpu"], new["rss"] / 1024))
    return {"first": first, "new": new, "villages": villages, "records": records, "listed": listed}


# ----------------------------------------------------------------------------- whole job

def bench_scale(a, scale, n, inbox, reps):
    sdir = os.path.join(a.data, scale)
    scratch = os.path.join(sdir, "scratch")
    inbox_bytes = tree_bytes(inbox)
    ff_runs, dk_runs, ln_runs, timings = [], [], [], []
    alerts = sweep = None
    for rep in range(1, reps + 1):
        rmtree(scratch)
        os.makedirs(scratch)
        run_inbox = os.path.join(scratch, "inbox")
        state, out = os.path.join(scratch, "state"), os.path.join(scratch, "out")
        copy_tree(inbox, run_inbox)  # not timed
        answers = {}

        def run_fangfan():
            log("%s rep %d/%d: fangfan run ..." % (scale, rep, reps))
            ff_log = os.path.join(scratch, "fangfan.log")
            m = measure([a.fangfan, "run", "--month", MONTH, "--today", TODAY, "--quiet", "--config", CONFIG,
                         "--inbox", run_inbox, "--state", state, "--out", out], ff_log, inputs=[run_inbox])
            check_rc(m, "fangfan run (%s)" % scale, ff_log)
            log("  fangfan: wall %.2f s, cpu %.2f s, peak %.0f MB (background load %.2f cores)"
                % (m["wall"], m["cpu"], m["rss"] / 1024, m["other"]))
            ff_runs.append(m)
            with open(os.path.join(out, MONTH, "summary.json"), encoding="utf-8") as f:
                summ = json.load(f)
            timings.append(summ.get("timings", {}))
            bad = [e for e in summ.get("files", []) if e.get("status") != "accepted" or e.get("quarantined")]
            if bad:
                raise Failure(4, "fangfan did not take the clean inbox whole: %s"
                              % json.dumps(bad[:3], ensure_ascii=False))
            answers["fangfan"] = fangfan_alerts(out)

        def run_sql(label, script, runs):
            log("%s rep %d/%d: duckdb (%s) ..." % (scale, rep, reps, os.path.basename(script)))
            dk_csv = os.path.join(scratch, label + "-alerts.csv")
            dk_log = os.path.join(scratch, label + ".log")
            m = measure([sys.executable, script, "--inbox", inbox, "--month", MONTH, "--out", dk_csv], dk_log,
                        inputs=[inbox])
            check_rc(m, "%s (%s)" % (os.path.basename(script), scale), dk_log)
            log("  %-7s  wall %.2f s, cpu %.2f s, peak %.0f MB (background load %.2f cores)"
                % (label + ":", m["wall"], m["cpu"], m["rss"] / 1024, m["other"]))
            runs.append(m)
            answers[label] = oracle_alerts(dk_csv)

        steps = [run_fangfan, lambda: run_sql("lean", LEAN, ln_runs)]
        if not a.no_careful:
            steps.append(lambda: run_sql("careful", ORACLE, dk_runs))
        k = (rep - 1) % len(steps)   # rotate the order: each one goes first in turn
        for step in steps[k:] + steps[:k]:
            step()
        compare(answers["fangfan"], answers["lean"], scale, rep, "lean SQL")
        if "careful" in answers:
            compare(answers["fangfan"], answers["careful"], scale, rep, "careful SQL")
        alerts = len(answers["fangfan"])
        log("  same alerts: %d" % alerts)
        if rep == reps and not a.no_sweep:
            sweep = bench_sweep(a, scale, inbox, run_inbox, state, out, scratch)
        if not (a.keep and rep == reps):
            rmtree(scratch)
    if a.keep:
        log("%s: last run kept in %s" % (scale, scratch))
    return {"scale": scale, "households": n, "inbox_bytes": inbox_bytes, "reps": reps, "alerts": alerts,
            "fangfan": ff_runs, "duckdb": dk_runs, "lean": ln_runs, "timings": timings, "sweep": sweep}


# ----------------------------------------------------------------------------- the ledger's write

LEDGER_ALERTS, LEDGER_EVALUATIONS = 300000, 1500000


def bench_ledger(a, reps):
    """The ledger's write at province scale, SQLite vs PostgreSQL (Tests/LedgerBench): per repetition, a fresh
    ledger on each backend; the month recorded, then recorded again (a rerun)."""
    exe = os.path.join(os.path.dirname(a.fangfan_built), "LedgerBench")
    if not os.access(exe, os.X_OK):
        raise Failure(2, "bench.py: %s is missing; build it first: swift build -c release (make bench does)" % exe)
    ldir = os.path.join(a.data, "ledger")
    runs = {"sqlite": [], "postgres": []}
    for rep in range(1, reps + 1):
        rmtree(ldir)
        os.makedirs(ldir)
        for backend in ("sqlite", "postgres"):
            log("ledger rep %d/%d: %s, %d alerts and %d evaluations ..."
                % (rep, reps, backend, LEDGER_ALERTS, LEDGER_EVALUATIONS))
            out = os.path.join(ldir, backend + ".json")
            if backend == "sqlite":
                cmd = [exe, "sqlite", os.path.join(ldir, "ledger.sqlite"), str(LEDGER_ALERTS), str(LEDGER_EVALUATIONS)]
            else:
                cmd = ["env", "PG_TEST_FSYNC=on", "bash", os.path.join(REPO, "tools", "pg-test-server.sh"), "sh", "-c",
                       '"$0" postgres "$FANGFAN_TEST_POSTGRES_URL" "$1" "$2"', exe, str(LEDGER_ALERTS),
                       str(LEDGER_EVALUATIONS)]
            m = measure(cmd, out)
            check_rc(m, "LedgerBench (%s)" % backend, out)
            with open(out, encoding="utf-8") as f:
                line = [l for l in f.read().splitlines() if l.startswith("{")][-1]
            r = json.loads(line)
            r["other"] = m["other"]
            log("  %s: first %.2f s, rerun %.2f s (background load %.2f cores)"
                % (backend, r["first"], r["rerun"], m["other"]))
            runs[backend].append(r)
    rmtree(ldir)
    return runs


def ledger_report(runs):
    rows = []
    for backend in ("sqlite", "postgres"):
        rs = runs[backend]
        rows.append([backend, "%.2f" % statistics.median(r["first"] for r in rs),
                     "%.2f" % statistics.median(r["rerun"] for r in rs),
                     "%.2f" % max(r["other"] for r in rs)])
    return ("\n## The case ledger's write, province scale\n\n%d alerts and %d evaluations recorded as one month "
            "(then the month again), median of %d: SQLite (WAL, one transaction) vs PostgreSQL 15 on a local "
            "throwaway server (fsync on; COPY for alerts and evaluations, multi-row upserts for cases and alert "
            "ids, one transaction).\n\n" % (LEDGER_ALERTS, LEDGER_EVALUATIONS, len(runs["sqlite"]))
            + table(["ledger", "first (s)", "rerun (s)", "background load (cores)"], rows))


# ----------------------------------------------------------------------------- formats

def write_medical_xml(src_csv, dst, encoding):
    """The records of the medical CSV in the FEEDS.md XML shape (root YBJSSJ with JLS, records JL)."""
    with open(src_csv, encoding="utf-8", newline="") as f:
        count = sum(1 for _ in csv.reader(f)) - 1
    with open(src_csv, encoding="utf-8", newline="") as f, \
            open(dst, "w", encoding=encoding, newline="\n", buffering=1 << 20) as o:
        r = csv.reader(f)
        next(r)
        o.write('<?xml version="1.0" encoding="%s"?>\n' % ("UTF-8" if encoding == "utf-8" else "GB18030"))
        o.write('<YBJSSJ DCDW="%s" DCSJ="2021-06-02 08:00:00" JLS="%d">\n' % (escape("湛江市医疗保障局"), count))
        buf = []
        for row in r:
            row = list(row)
            row[1] = MED_KIND.get(row[1], row[1])
            parts = ["  <JL>\n    "]
            for tag, v in zip(MED_XML_FIELDS, row):
                parts.append("<%s/>" % tag if v == "" else "<%s>%s</%s>" % (tag, escape(v), tag))
            parts.append("\n  </JL>\n")
            buf.append("".join(parts))
            if len(buf) >= 10000:
                o.write("".join(buf))
                buf.clear()
        o.write("".join(buf))
        o.write("</YBJSSJ>\n")
    return count


def make_formats(fdir, src_csv):
    """The five forms of the medical feed, cached beside the scale's inbox (regenerated with it)."""
    forms = [("CSV UTF-8", "medical.csv"), ("CSV GB18030", "medical-gb18030.csv"),
             ("CSV gzip", "medical.csv.gz"), ("XML UTF-8", "medical.xml"), ("XML GB18030", "medical-gb18030.xml")]
    done = os.path.join(fdir, ".complete")   # holds the sha256 of the bench.py that wrote the files
    try:
        with open(done, encoding="utf-8") as f:
            fresh = f.read().strip() == sha256_file(os.path.abspath(__file__))
    except OSError:
        fresh = False
    if not fresh:
        log("formats: making the medical feed as CSV, GB18030 CSV, gzip, XML, GB18030 XML ...")
        rmtree(fdir)
        os.makedirs(fdir)
        shutil.copyfile(src_csv, os.path.join(fdir, "medical.csv"))
        with open(os.path.join(fdir, "medical-gb18030.csv"), "wb") as o:
            subprocess.run(["iconv", "-f", "UTF-8", "-t", "GB18030", src_csv], stdout=o, check=True)
        with open(src_csv, "rb") as i, gzip.open(os.path.join(fdir, "medical.csv.gz"), "wb", compresslevel=6) as o:
            shutil.copyfileobj(i, o, 1 << 20)
        write_medical_xml(src_csv, os.path.join(fdir, "medical.xml"), "utf-8")
        write_medical_xml(src_csv, os.path.join(fdir, "medical-gb18030.xml"), "gb18030")
        age_files(fdir)
        with open(done, "w", encoding="utf-8") as f:
            f.write(sha256_file(os.path.abspath(__file__)) + "\n")
    with open(src_csv, encoding="utf-8", newline="") as f:
        records = sum(1 for _ in csv.reader(f)) - 1
    out = []
    for label, name in forms:
        p = os.path.join(fdir, name)
        size = os.path.getsize(p)
        usize = size
        if name.endswith(".gz"):
            usize = os.path.getsize(os.path.join(fdir, "medical.csv"))
        out.append({"label": label, "file": p, "bytes": size, "ubytes": usize, "records": records})
    return out


def build_saxfloor(data):
    """tools/saxfloor.c (libxml2's SAX2 pull parser with empty callbacks), built into DATA; None without a C
    compiler or libxml2's headers."""
    cc = shutil.which("cc") or shutil.which("clang")
    pc = shutil.which("pkg-config")
    if not cc or not pc:
        log("formats: no C compiler or pkg-config; libxml2's SAX parser alone is not measured")
        return None
    flags = subprocess.run([pc, "--cflags", "--libs", "libxml-2.0"], capture_output=True, text=True)
    exe = os.path.join(data, "saxfloor")
    built = flags.returncode == 0 and subprocess.run(
        [cc, "-O2", os.path.join(REPO, "tools", "saxfloor.c"), "-o", exe] + flags.stdout.split(),
        capture_output=True).returncode == 0
    if not built:
        log("formats: tools/saxfloor.c did not build; libxml2's SAX parser alone is not measured")
        return None
    return exe


def bench_formats(a, scale):
    sdir = os.path.join(a.data, scale)
    src = os.path.join(sdir, "inbox", "medical", "medical.csv")
    forms = make_formats(os.path.join(sdir, "formats"), src)
    xmllint = shutil.which("xmllint")
    if not xmllint:
        log("formats: xmllint is missing (apt-get install -y libxml2-utils); the libxml2 floor is not measured")
    saxfloor = build_saxfloor(a.data)
    scratch = os.path.join(sdir, "scratch-formats")
    for fm in forms:
        fm["ingest"], fm["xmllint"], fm["sax"] = [], [], []
    for rep in range(1, a.reps + 1):
        for fm in forms:
            rmtree(scratch)
            inbox = os.path.join(scratch, "inbox")
            for d in INBOX_FOLDERS:
                os.makedirs(os.path.join(inbox, d))
            dst = os.path.join(inbox, "medical", os.path.basename(fm["file"]))
            subprocess.run(["cp", "--reflink=auto", "--preserve=timestamps", fm["file"], dst], check=True)
            state, out = os.path.join(scratch, "state"), os.path.join(scratch, "out")
            lp = os.path.join(sdir, "formats-ingest.log")
            m = measure([a.fangfan, "ingest", "--today", TODAY, "--quiet", "--config", CONFIG,
                         "--inbox", inbox, "--state", state, "--out", out], lp)
            check_rc(m, "fangfan ingest of %s" % fm["label"], lp)
            with open(os.path.join(state, "manifest.jsonl"), encoding="utf-8") as f:
                man = [json.loads(x) for x in f if x.strip()]
            ent = man[-1] if man else {}
            if ent.get("status") != "accepted" or ent.get("accepted") != fm["records"] or ent.get("quarantined"):
                raise Failure(4, "fangfan ingest of %s did not accept all %d records: %s"
                              % (fm["label"], fm["records"], json.dumps(ent, ensure_ascii=False)))
            fm["ingest"].append(m)
            log("formats rep %d/%d: %-12s ingest %.2f s, peak %.0f MB"
                % (rep, a.reps, fm["label"], m["wall"], m["rss"] / 1024))
            if xmllint and fm["label"].startswith("XML"):  # the libxml2 floor, right after fangfan on the same file
                lp2 = os.path.join(sdir, "formats-xmllint.log")
                m2 = measure([xmllint, "--stream", "--noout", fm["file"]], lp2)
                check_rc(m2, "xmllint --stream --noout %s" % fm["file"], lp2)
                fm["xmllint"].append(m2)
                log("formats rep %d/%d: %-12s xmllint %.2f s" % (rep, a.reps, fm["label"], m2["wall"]))
            if saxfloor and fm["label"].startswith("XML"):  # libxml2's SAX2 pull parser alone, empty callbacks
                lp3 = os.path.join(sdir, "formats-saxfloor.log")
                m3 = measure([saxfloor, fm["file"]], lp3)
                check_rc(m3, "saxfloor %s" % fm["file"], lp3)
                fm["sax"].append(m3)
                log("formats rep %d/%d: %-12s libxml2 SAX alone %.2f s" % (rep, a.reps, fm["label"], m3["wall"]))
    rmtree(scratch)
    return {"scale": scale, "forms": forms}


# ----------------------------------------------------------------------------- reporting

def med(runs, k):
    return statistics.median(r[k] for r in runs)


def mn(runs, k):
    return min(r[k] for r in runs)


def table(header, rows, align=None):
    cells = [[str(c) for c in header]] + [[str(c) for c in r] for r in rows]
    w = [max(len(r[i]) for r in cells) for i in range(len(header))]
    align = align or ["l"] + ["r"] * (len(header) - 1)

    def fmt(r):
        return "| " + " | ".join(c.ljust(w[i]) if align[i] == "l" else c.rjust(w[i]) for i, c in enumerate(r)) + " |"
    sep = "|" + "|".join(("-" * (w[i] + 1) + ":") if align[i] == "r" else ("-" * (w[i] + 2))
                         for i in range(len(header))) + "|"
    return "\n".join([fmt(cells[0]), sep] + [fmt(r) for r in cells[1:]])


def sh(cmd):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True).stdout.strip()
    except OSError:
        return "?"


def report(a, results, fmt, started, argv):
    L = []
    L.append("# fangfan benchmark")
    L.append("")
    L.append("- date: %s" % sh("date"))
    L.append("- machine: %s, %s CPUs (nproc), memory (free -g): %s GiB total, %s GiB available; load average at start %s"
             % (sh("uname -m"), sh("nproc"), sh("free -g | awk '/^Mem:/{print $2}'"),
                sh("free -g | awk '/^Mem:/{print $7}'"), started["load"]))
    L.append("- fangfan: `%s` built %s (sha256 %s), copied at the start so that every repetition runs the same "
             "build; git HEAD at the start %s%s"
             % (started["bin_rel"], started["built"], started["sha"][:12], started["git"],
                " + uncommitted changes" if started["dirty"] else ""))
    if started.get("changed"):
        L.append("- note: `%s` was rebuilt while the benchmark ran; these numbers are for the build above"
                 % started["bin_rel"])
    try:
        import duckdb
        dv = duckdb.__version__
    except ImportError:
        dv = "?"
    L.append("- DuckDB %s (Python %s, tools/lean.py and tools/oracle.py); month %s, gen.py seed %d "
             "--one-file-per-feed; repetitions alternate fangfan, the lean SQL and the careful SQL, in a rotating "
             "order" % (dv, platform.python_version(), MONTH, a.seed))
    L.append("- command: `python3 tools/bench.py %s`" % " ".join(argv))
    L.append("")
    if results:
        L.append("## Whole job: `fangfan run` vs the same job in DuckDB SQL, lean and careful")
        L.append("")
        L.append("Median of the repetitions (min in parentheses). Peak = max RSS of the process. "
                 "lean = tools/lean.py (read_csv, casts, one GROUP BY per feed, LEFT JOINs, CASE WHEN; no "
                 "ordering of versions, no roster checks); careful = tools/oracle.py (last version wins, roster "
                 "conflicts dropped). Ratios are fangfan / SQL on the medians of the same run, alternating "
                 "(target: wall ≤ 1.0 × lean). All produced the same alerts (household, level, triggers) in "
                 "every repetition.")
        L.append("")
        rows = []

        def c(runs, k, scale=1.0, p="%.2f"):
            if not runs:
                return "-"
            return (p + " (" + p + ")") % (med(runs, k) * scale, mn(runs, k) * scale)

        def ratio(x, y, k):
            return "%.2f" % (med(x, k) / med(y, k)) if x and y else "-"
        for r in results:
            f, ln, d = r["fangfan"], r.get("lean", []), r["duckdb"]
            for label, runs in (("fangfan", f), ("lean SQL", ln), ("careful SQL", d)):
                if not runs:
                    continue
                rows.append([r["scale"], "{:,}".format(r["households"]), "%.0f" % (r["inbox_bytes"] / 1e6),
                             r["reps"], "{:,}".format(r["alerts"]), label,
                             c(runs, "wall"), c(runs, "cpu"), c(runs, "rss", 1 / 1024, "%.0f"),
                             "-" if runs is f else ratio(f, runs, "wall"), "-" if runs is f else ratio(f, runs, "cpu"),
                             "-" if runs is f else ratio(f, runs, "rss")])
        L.append(table(["scale", "households", "inbox MB", "reps", "alerts", "program", "wall s", "CPU s",
                        "peak MB", "fangfan/it wall", "fangfan/it CPU", "fangfan/it memory"], rows))
        L.append("")
        L.append("fangfan's own stage timings (summary.json `timings`, median s) and memory per household:")
        L.append("")
        rows = []
        for r in results:
            t = r["timings"]

            def st(k):
                v = [x[k] for x in t if k in x]
                return statistics.median(v) if v else float("nan")
            ing = st("ingest")
            rows.append([r["scale"], "%.2f" % ing, "%.2f" % st("link"), "%.2f" % st("detect"), "%.2f" % st("emit"),
                         "%.1f" % (r["inbox_bytes"] / 1e6 / ing) if ing > 0 else "-",
                         "%.2f" % (med(r["fangfan"], "rss") / r["households"]),
                         "%.2f" % (med(r["lean"], "rss") / r["households"])])
        L.append(table(["scale", "ingest s", "link s", "detect s", "emit s", "ingest MB/s (whole inbox)",
                        "fangfan peak KiB/household", "lean SQL peak KiB/household"], rows))
        L.append("")
        tg = []
        for r in results:
            wl = med(r["fangfan"], "wall") / med(r["lean"], "wall")
            t = "%s: wall %s (%.2f× lean" % (r["scale"], "met" if wl <= 1.0 else "NOT met", wl)
            if r["duckdb"]:
                t += ", %.2f× careful" % (med(r["fangfan"], "wall") / med(r["duckdb"], "wall"))
            t += ")"
            if r["scale"] == "province":
                pk = med(r["fangfan"], "rss") / 1024 / 1024
                t += ", peak %.2f GiB (%s)" % (pk, "met" if pk <= 1.0 else "NOT met")
            tg.append(t)
        L.append("Targets (fangfan wall ≤ 1.0 × the lean SQL; province peak ≤ 1 GiB): " + "; ".join(tg) + ".")
        L.append("")
        rows = []
        for r in results:
            sw = r.get("sweep")
            if sw:
                rows.append([r["scale"], "{:,}".format(r["households"]), "%.2f" % sw["first"]["wall"],
                             "%d villages, %s records" % (sw["villages"], "{:,}".format(sw["records"])),
                             "%.2f" % sw["new"]["wall"], "%.2f" % sw["new"]["cpu"], "%.0f" % (sw["new"]["rss"] / 1024)])
        if rows:
            L.append("Disaster sweep (`fangfan sweep`, RULES.md §10) on the state the last run left: the first sweep "
                     "(every event so far, and the roster's sweep index), then a new disaster file of one event and "
                     "the sweep that takes it:")
            L.append("")
            L.append(table(["scale", "households", "first sweep wall s", "new event", "new event wall s",
                            "new event CPU s", "new event peak MB"], rows))
            L.append("")
        bg = ["%s: %s" % (r["scale"], ", ".join("%s %.2f" % (k, statistics.mean(x["other"] for x in r[k]))
                                                for k in ("fangfan", "lean", "duckdb") if r.get(k)))
              for r in results]
        L.append("Background CPU load during the measured runs (cores busy with other processes, mean; "
                 "machine has %s): %s." % (sh("nproc"), "; ".join(bg)))
        L.append("")
        L.append("Before each run of fangfan and of the SQL: " + (
            "the page cache dropped, the run's input read into it again, %d s to settle (the same memory state "
            "whatever the run before left cached)." % SETTLE_SECONDS if SETTLE else
            "the page cache **not** dropped (not root, or --no-settle): a run's time depends on what the run "
            "before it left cached."))
        busy = max(x["other"] for r in results for k in ("fangfan", "lean", "duckdb") for x in r.get(k, []))
        if busy > 0.25:
            L.append("")
            L.append("**Warning: the machine was not idle** (up to %.2f cores busy with other processes during a "
                     "measured run, e.g. a build): wall times are inflated for both; CPU times and peak memory "
                     "are not affected." % busy)
        L.append("")
    if fmt:
        forms = fmt["forms"]
        base = forms[0]
        L.append("## Ingest per feed format (`fangfan ingest` alone, %s scale medical feed, %s records)"
                 % (fmt["scale"], "{:,}".format(base["records"])))
        L.append("")
        L.append("One file in an otherwise empty inbox, fresh state; whole process, median of %d (min). "
                 "MB/s over the file's uncompressed bytes; the time ratio is against the UTF-8 CSV "
                 "(same records; target ≤ 1.5); xmllint = `xmllint --stream --noout` on the same file; "
                 "libxml2 SAX = `tools/saxfloor.c`, libxml2's SAX2 pull parser with empty callbacks and "
                 "fangfan's options (the floor for a parse built on libxml2)." % a.reps)
        L.append("")
        rows = []
        bt = med(base["ingest"], "wall")
        for fm in forms:
            w = med(fm["ingest"], "wall")
            xl = fm["xmllint"]
            sx = fm.get("sax", [])
            rows.append([fm["label"], "%.1f" % (fm["bytes"] / 1e6), "%.1f" % (fm["ubytes"] / 1e6),
                         "%.2f (%.2f)" % (w, mn(fm["ingest"], "wall")), "%.2f" % med(fm["ingest"], "cpu"),
                         "%.0f" % (med(fm["ingest"], "rss") / 1024),
                         "%.1f" % (fm["ubytes"] / 1e6 / w), "{:,.0f}".format(fm["records"] / w),
                         "%.2f" % (w / bt),
                         ("%.2f" % med(xl, "wall")) if xl else "-",
                         ("%.1f" % (w / med(xl, "wall"))) if xl else "-",
                         ("%.2f (%.2f×)" % (med(sx, "wall"), med(sx, "wall") / bt)) if sx else "-",
                         "%.2f" % statistics.mean(x["other"] for x in fm["ingest"] + xl + sx)])
        L.append(table(["format", "file MB", "uncompressed MB", "ingest wall s", "CPU s", "peak MB", "MB/s",
                        "records/s", "time / UTF-8 CSV", "xmllint s", "ingest / xmllint",
                        "libxml2 SAX s (/ UTF-8 CSV)", "background cores"], rows))
        L.append("")
    return "\n".join(L)


# ----------------------------------------------------------------------------- main

def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog=__doc__.split("\n\n", 1)[1])
    ap.add_argument("--scales", default=None,
                    help="comma-separated: small (15,000 households), county (150,000), province (1,500,000), "
                         "each optionally with its own repetitions as SCALE:N (county,province:1); "
                         "default county,province")
    ap.add_argument("--reps", type=int, default=None,
                    help="repetitions of each measurement, also of the format measurements "
                         "(default 3; 1 with --quick or --scales small)")
    ap.add_argument("--quick", action="store_true", help="try the harness: --scales small --reps 1")
    ap.add_argument("--keep", action="store_true",
                    help="keep each scale's last run (inbox/state/out/logs) in DATA/<scale>/scratch")
    ap.add_argument("--data", default=os.path.join(REPO, "bench-data"),
                    help="cache and results folder (default: bench-data/ in the repository)")
    ap.add_argument("--seed", type=int, default=2021, help="gen.py seed (default 2021)")
    ap.add_argument("--no-formats", action="store_true", help="skip the per-format ingest measurements")
    ap.add_argument("--no-careful", action="store_true",
                    help="leave out the careful SQL (tools/oracle.py); the lean one always runs")
    ap.add_argument("--no-sweep", action="store_true", help="skip the disaster sweep measurements")
    ap.add_argument("--formats-scale", default=None,
                    help="scale whose medical feed the format measurements use (default county if measured, "
                         "else the first scale)")
    ap.add_argument("--wait-idle", type=float, default=0, metavar="SECONDS",
                    help="before each measurement wait up to SECONDS for other processes to use < 0.3 cores "
                         "(default 0: do not wait); the load that remains is reported either way")
    ap.add_argument("--no-settle", action="store_true",
                    help="do not drop the page cache and re-read the input before each run of the main comparison "
                         "(done by default where it can be: as root)")
    ap.add_argument("--generate-only", action="store_true", help="only generate (or check) the cached inboxes")
    ap.add_argument("--no-ledger", action="store_true", help="skip the ledger's write (SQLite vs PostgreSQL)")
    ap.add_argument("--ledger-only", action="store_true",
                    help="only the ledger's write, SQLite vs PostgreSQL (no DuckDB, no generated inbox)")
    ap.add_argument("--fangfan", default=os.path.join(REPO, ".build", "release", "fangfan"),
                    help="the fangfan binary (default .build/release/fangfan)")
    a = ap.parse_args(argv)
    global WAIT_IDLE, SETTLE
    WAIT_IDLE = a.wait_idle
    SETTLE = not a.no_settle and os.access(DROP_CACHES, os.W_OK)
    a.fangfan_built = os.path.abspath(a.fangfan)
    if a.ledger_only:
        a.data = os.path.abspath(a.data)
        os.makedirs(a.data, exist_ok=True)
        try:
            md = ledger_report(bench_ledger(a, a.reps or 1))
        except Failure as e:
            print(str(e), file=sys.stderr)
            return e.code
        with open(os.path.join(a.data, "results-ledger.md"), "w", encoding="utf-8") as f:
            f.write(md + "\n")
        print(md)
        return 0

    if a.quick:
        a.scales = a.scales or "small"
    scales, scale_reps = [], {}
    for item in (a.scales or "county,province").split(","):
        name, _, n = item.strip().partition(":")
        if not name:
            continue
        if name not in SCALES:
            ap.error("unknown scale %r (small, county, province)" % name)
        if n:
            if not n.isdigit() or int(n) < 1:
                ap.error("bad repetitions in %r (SCALE:N, N >= 1)" % item)
            scale_reps[name] = int(n)
        scales.append(name)
    if not scales:
        ap.error("no scale given")
    if a.reps is None:
        a.reps = 1 if (a.quick or scales == ["small"]) else 3
    if a.reps < 1:
        ap.error("--reps must be >= 1")
    fscale = None
    if not a.no_formats:
        fscale = a.formats_scale or ("county" if "county" in scales else scales[0])
        if fscale not in SCALES:
            ap.error("unknown --formats-scale %r" % fscale)
    a.data = os.path.abspath(a.data)
    a.fangfan = os.path.abspath(a.fangfan)
    if not os.access(a.fangfan, os.X_OK):
        print("bench.py: %s is missing; build it first: swift build -c release (make bench does)" % a.fangfan,
              file=sys.stderr)
        return 2
    for tool in ("cp", "iconv") if not a.no_formats else ("cp",):
        if not shutil.which(tool):
            print("bench.py: %s is missing" % tool, file=sys.stderr)
            return 2
    try:
        import duckdb  # noqa: F401
    except ImportError:
        print("bench.py: the duckdb Python package is missing: pip install duckdb", file=sys.stderr)
        return 2

    # disk: the cache (unless present) + one run's scratch (the copy of the inbox, archive, staged, work, out)
    need = 0
    all_scales = scales + ([fscale] if fscale and fscale not in scales else [])
    for s in all_scales:
        est = SCALES[s] * BYTES_PER_HH
        cached = os.path.isdir(os.path.join(a.data, s, "inbox"))
        need += 0 if cached else est
    need += max(SCALES[s] for s in scales) * BYTES_PER_HH * RUN_FACTOR
    if fscale:
        need += SCALES[fscale] * BYTES_PER_HH * 0.3 * 6
    free, where = free_bytes(a.data)
    log("disk: ~%.1f GB needed, %.1f GB free on %s" % (need / 1e9, free / 1e9, where))
    if free < need * 1.1:
        print("bench.py: NOT ENOUGH DISK SPACE in %s: these scales (%s) need about %.1f GB "
              "(the generated inboxes plus a copy of the largest one being run), but only %.1f GB is free. "
              "Free some space, give --data on a larger disk, or leave out the province scale."
              % (where, ",".join(all_scales), need / 1e9, free / 1e9), file=sys.stderr)
        return 3

    os.makedirs(a.data, exist_ok=True)
    # measure a snapshot of the binary: a rebuild during the benchmark must not mix two builds
    started = {"load": " ".join("%.2f" % x for x in os.getloadavg()), "sha": sha256_file(a.fangfan),
               "bin": a.fangfan, "bin_rel": os.path.relpath(a.fangfan, REPO),
               "built": time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(os.path.getmtime(a.fangfan))),
               "git": sh("git -C %s rev-parse --short HEAD" % REPO) or "?",
               "dirty": bool(sh("git -C %s status --porcelain -- Sources Package.swift" % REPO))}
    snap_dir = os.path.join(a.data, "bin")
    os.makedirs(snap_dir, exist_ok=True)
    snap = os.path.join(snap_dir, "fangfan")
    shutil.copy2(a.fangfan, snap + ".tmp")
    os.replace(snap + ".tmp", snap)
    if sha256_file(snap) != started["sha"]:
        print("bench.py: %s changed while being copied (a build is writing it?); try again" % a.fangfan,
              file=sys.stderr)
        return 2
    a.fangfan = snap
    results, fmt = [], None
    try:
        inboxes = {s: ensure_inbox(a.data, s, SCALES[s], a.seed) for s in all_scales}
        if a.generate_only:
            for s in all_scales:
                print("%s: %s (%.0f MB)" % (s, inboxes[s], tree_bytes(inboxes[s]) / 1e6))
            return 0
        for s in scales:
            results.append(bench_scale(a, s, SCALES[s], inboxes[s], scale_reps.get(s, a.reps)))
        if fscale:
            fmt = bench_formats(a, fscale)
        ledger = None if a.no_ledger else bench_ledger(a, 1)
    except Failure as e:
        print(str(e), file=sys.stderr)
        if e.code == 1:
            print("MISMATCH: fangfan and DuckDB disagree; the timings measure nothing.", file=sys.stderr)
        return e.code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    if not os.path.exists(started["bin"]) or sha256_file(started["bin"]) != started["sha"]:
        started["changed"] = True
    md = report(a, results, fmt, started, argv)
    if ledger:
        md += "\n" + ledger_report(ledger)
    with open(os.path.join(a.data, "results.json"), "w", encoding="utf-8") as f:
        json.dump({"argv": argv, "started": started, "reps": a.reps, "seed": a.seed,
                   "results": results, "formats": fmt}, f, indent=1, ensure_ascii=False)
    with open(os.path.join(a.data, "results.md"), "w", encoding="utf-8") as f:
        f.write(md + "\n")
    print(md)
    log("written to %s" % os.path.join(a.data, "results.md"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
