#!/usr/bin/env python3
"""lean.py - the month's detection as the lean DuckDB SQL a data officer would write first (issue #22).

One read_csv(all_varchar) per feed, casts to DECIMAL, one GROUP BY per feed,
LEFT JOINs onto the households, a CASE WHEN per trigger.  Unlike
tools/oracle.py (the careful SQL) it has no ordering of versions (every row
counts once, as it is) and no roster checks: on clean files with one version
of every record - the benchmark's worlds, tools/gen.py --one-file-per-feed -
it gives exactly the same alerts, and tools/bench.py checks that it does in
every repetition.  Money stays DECIMAL(18,2) and every comparison is
multiplied out (no division), so the thresholds are exact.

Usage:
    python3 tools/lean.py --inbox DIR --month 2021-05 --out alerts.csv   # household_id,level,triggers
    python3 tools/lean.py --inbox DIR --month 2021-05 --sql-only
"""
import argparse
import csv
import os
import sys
import time
from datetime import date, timedelta

LINES = {2021: 9600}  # monitoring year -> line (yuan), RULES.md section 2
RECENT = 3            # RULES.md 9's n (rules.forecast_recent_months)


def lean_sql(inbox, y, m, line):
    # RULES.md 1: M=1..11 -> Dec(Y-1)..M/Y; M=12 -> Dec Y alone
    months = [(y, 12)] if m == 12 else [(y - 1, 12)] + [(y, k) for k in range(1, m + 1)]
    first = date(*months[0], 1)
    last = date(y + (m == 12), m % 12 + 1, 1) - timedelta(days=1)
    k, n = len(months), RECENT
    mlist = ", ".join("'%04d-%02d'" % x for x in months)
    rlist = ", ".join("'%04d-%02d'" % x for x in months[-n:])
    fc = "true" if n + 1 <= k <= 11 else "false"
    P = "DATE '%s' AND DATE '%s'" % (first, last)

    def src(feed):
        return "read_csv('%s', header=true, all_varchar=true)" % os.path.join(inbox, feed, "*.csv").replace("'", "''")
    return f"""
CREATE MACRO d(x) AS COALESCE(CAST(x AS DECIMAL(18,2)), 0);
CREATE TABLE m AS SELECT "户编号" AS hid, "身份证号" AS pid, "户类型" AS htype, "劳动技能" AS labour,
       d("上年家庭纯收入") AS prev FROM {src("roster")};
CREATE TABLE hh AS SELECT hid, any_value(htype) AS htype, count(*) AS size, any_value(prev) AS prev FROM m GROUP BY hid;
CREATE TABLE inc AS SELECT "户编号" AS hid, count(*) AS mwi,
       sum(d("工资性收入") + d("经营净收入") + d("财产净收入") + d("转移净收入")) AS obs,
       sum(CASE WHEN "年月" IN ({rlist}) THEN d("工资性收入") + d("经营净收入") + d("财产净收入") + d("转移净收入") ELSE 0 END) AS rec
  FROM {src("income")} WHERE "年月" IN ({mlist}) GROUP BY 1;
CREATE TABLE med AS SELECT m.hid, sum(d(x."个人自付")) AS oop FROM {src("medical")} x JOIN m ON m.pid = x."身份证号"
  WHERE CAST(x."结算日期" AS DATE) BETWEEN {P} GROUP BY 1;
CREATE TABLE dis AS SELECT m.hid, sum(d(x."直接经济损失(元)")) AS loss, bool_or(x."房屋损毁程度" IN ('倒塌', '严重损坏')) AS house
  FROM {src("disaster")} x JOIN m ON m.pid = x."户主身份证号" WHERE CAST(x."发生日期" AS DATE) BETWEEN {P} GROUP BY 1;
CREATE TABLE dab AS SELECT m.hid, true AS hit FROM {src("disability")} x JOIN m ON m.pid = x."身份证号"
  WHERE x."变动类型" = '新办' AND CAST(x."发证日期" AS DATE) BETWEEN {P} AND m.labour IN ('技能劳动力', '普通劳动力')
    AND date_diff('year', strptime(substr(m.pid, 7, 8), '%Y%m%d')::DATE, CAST(x."发证日期" AS DATE))
        - CASE WHEN strftime(CAST(x."发证日期" AS DATE), '%m%d') < substr(m.pid, 11, 4) THEN 1 ELSE 0 END BETWEEN 16 AND 60
  GROUP BY 1;
CREATE TABLE aid AS SELECT m.hid, true AS hit FROM {src("civil")} x JOIN m ON m.pid = x."身份证号"
  WHERE CAST(x."审批日期" AS DATE) BETWEEN {P} AND ((x."救助类型" = '临时救助' AND x."变动类型" = '新增')
    OR (x."救助类型" IN ('低保', '特困供养') AND x."变动类型" = '停发')) GROUP BY 1;
CREATE TABLE dcl AS SELECT "户编号" AS hid, true AS hit FROM {src("application")}
  WHERE CAST("申报日期" AS DATE) BETWEEN {P} GROUP BY 1;
CREATE TABLE f AS SELECT h.hid, h.htype, h.size, h.prev, COALESCE(i.mwi, 0) AS mwi, COALESCE(i.obs, 0) AS obs,
       COALESCE(i.rec, 0) AS rec, COALESCE(md.oop, 0) AS oop, COALESCE(ds.loss, 0) AS loss,
       COALESCE(md.oop, 0) + COALESCE(ds.loss, 0) AS rigid, COALESCE(ds.house, false) AS house,
       CASE WHEN i.mwi > 0 THEN i.obs * 12 ELSE h.prev END AS pnum, COALESCE(i.mwi, 1) AS pden,
       ab.hit IS NOT NULL AS t_disability, ad.hit IS NOT NULL AS t_aid, dc.hit IS NOT NULL AS t_declared
  FROM hh h LEFT JOIN inc i USING (hid) LEFT JOIN med md USING (hid) LEFT JOIN dis ds USING (hid)
  LEFT JOIN dab ab USING (hid) LEFT JOIN aid ad USING (hid) LEFT JOIN dcl dc USING (hid);
CREATE TABLE t AS SELECT hid, pnum - rigid * pden < {line} * pden * size AS below,
       (pnum - rigid * pden) * 10 < {line} * 12 * pden * size AS near, t_declared,
       concat_ws(';',
         CASE WHEN t_aid THEN 'aid_change' END,
         CASE WHEN t_declared THEN 'declared' END,
         CASE WHEN t_disability THEN 'disability' END,
         CASE WHEN (prev > 0 AND 2 * loss >= prev) OR house THEN 'disaster' END,
         CASE WHEN {fc} AND mwi = {k} AND rec * {k - n} < (obs - rec) * {n}
               AND obs * 12 - rigid * {k} >= {line} * {k} * size
               AND (obs - rigid) * {n} + rec * {12 - k} < {line} * {n} * size THEN 'forecast' END,
         CASE WHEN (prev > 0 AND 2 * oop >= prev)
               OR oop >= CASE WHEN htype IN ('脱贫户', '监测户') THEN 5000 ELSE 10000 END THEN 'illness' END,
         CASE WHEN prev > 0 AND mwi >= 1 AND obs * 120 <= prev * 7 * mwi THEN 'income_drop' END,
         CASE WHEN prev > 0 AND rigid > prev THEN 'spending_surge' END) AS triggers
  FROM f;
CREATE TABLE result AS SELECT hid AS household_id,
       CASE WHEN triggers <> '' AND below THEN 'red' WHEN triggers <> '' AND near THEN 'orange'
            WHEN triggers = '' AND below THEN 'orange' WHEN triggers <> '' AND t_declared THEN 'orange'
            WHEN triggers <> '' THEN 'yellow' END AS level, triggers
  FROM t;
"""


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--inbox", required=True, help="inbox directory with <feed>/*.csv (clean CSV, one version of every record)")
    ap.add_argument("--month", default="2021-05", help="evaluation month YYYY-MM (default 2021-05)")
    ap.add_argument("--out", help="alerts CSV to write (household_id,level,triggers)")
    ap.add_argument("--sql-only", action="store_true", help="print the SQL and exit")
    a = ap.parse_args(argv)
    y, m = (int(x) for x in a.month.split("-"))
    line = LINES.get(y + (m == 12))
    if line is None:
        raise SystemExit("lean.py: no monitoring line for month %s" % a.month)
    sql = lean_sql(a.inbox, y, m, line)
    if a.sql_only:
        print(sql)
        return 0
    if not a.out:
        ap.error("--out is required unless --sql-only")
    import duckdb
    t0 = time.perf_counter()
    con = duckdb.connect()
    con.execute(sql)
    rows = con.execute("SELECT household_id, level, triggers FROM result WHERE level IS NOT NULL "
                       "ORDER BY household_id").fetchall()
    with open(a.out, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["household_id", "level", "triggers"])
        w.writerows(rows)
    print("month %s: %d alerts -> %s; wall time %.3f s" % (a.month, len(rows), a.out, time.perf_counter() - t0))
    return 0


if __name__ == "__main__":
    sys.exit(main())
