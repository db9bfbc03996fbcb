#!/usr/bin/env python3
"""oracle.py - the monthly detection of RULES.md sections 1-5 (and 9, 12), independently, in DuckDB SQL.

Reads a *clean* CSV inbox (reference headers of FEEDS.md, plain values, as
written by tools/gen.py or as in samples/clean) and writes every alerting
household as

    household_id,level,triggers

(triggers = sorted trigger codes joined by ';', empty when none), sorted by
household_id.  It is written straight from the rules, not from the Swift code,
so that the pipeline can be checked against it.

Usage:
    python3 tools/oracle.py --inbox /tmp/genout --month 2021-05 --out /tmp/alerts.csv
    python3 tools/oracle.py --inbox DIR --month 2021-12 --line 9600 --out alerts.csv --timing
    python3 tools/oracle.py --inbox DIR --month 2021-05 --sql-only

The 三保障 and drinking-water feeds of RULES.md 12 (education/, housing/, water/, as
written by tools/gen.py --basic-needs) are read when present; without them the
three triggers never fire and the result is as before they existed.

Exactness: money is read as DECIMAL(18,2) and carried as integer fen (BIGINT);
every comparison is a cross-multiplied integer comparison (HUGEINT), so there is
no floating point anywhere in a decision.

Scope: clean input only (no quarantine, no encodings/XML/XLSX).  Record keys
are deduplicated "last version wins" in file-name order, then row order within
a file.  Roster households that break the roster rules of FEEDS.md (fields
disagreeing between members, not exactly one 户主, a person in two households)
are dropped as the pipeline quarantines them, with a warning on stderr.
"""
import argparse
import csv
import glob
import os
import sys
import time
from datetime import date, timedelta

# monitoring year -> line (yuan), RULES.md section 2
LINES = {2021: 9600}

FEEDS = {
    # feed: reference headers (FEEDS.md), read as VARCHAR
    "roster": ["户编号", "乡镇", "行政村", "户类型", "身份证号", "姓名", "与户主关系", "劳动技能", "上年家庭纯收入"],
    "income": ["户编号", "年月", "工资性收入", "经营净收入", "财产净收入", "转移净收入"],
    "medical": ["结算流水号", "结算类型", "原结算流水号", "身份证号", "姓名", "就诊类型", "医疗机构名称",
                "入院日期", "出院日期", "结算日期", "医疗总费用", "统筹基金支付", "大病保险支付",
                "医疗救助支付", "个人自付"],
    "civil": ["身份证号", "姓名", "救助类型", "变动类型", "保障人数", "金额", "审批日期"],
    "disaster": ["灾害编号", "灾种", "灾害名称", "发生日期", "户主身份证号", "户主姓名", "乡镇", "行政村",
                 "房屋损毁程度", "农作物受灾面积(亩)", "直接经济损失(元)"],
    "disability": ["身份证号", "姓名", "残疾类别", "残疾等级", "发证日期", "变动类型"],
    "application": ["户编号", "申报人身份证号", "发现方式", "申报日期", "风险类型", "填报人", "情况说明"],
    # RULES.md 12's 三保障 and drinking-water feeds: an inbox without them gives empty tables (no trigger)
    "education": ["学生身份证号", "学生姓名", "学校名称", "状态", "登记日期"],
    "housing": ["户主身份证号", "户主姓名", "鉴定等级", "鉴定日期", "改造状态"],
    "water": ["户主身份证号", "户主姓名", "问题类型", "状态", "登记日期"],
}


def period(y, m, kind="plan_2021"):
    """RULES.md 1: M=1..11 -> Dec(Y-1)..M/Y, monitoring year Y; M=12 -> Dec Y alone, year Y+1.
    RULES.md 12 (kind "rolling_12"): the twelve calendar months ending with M; the monitoring year as in 1."""
    if kind == "rolling_12":
        months = [((y * 12 + m - 1 - i) // 12, (y * 12 + m - 1 - i) % 12 + 1) for i in range(11, -1, -1)]
        myear = y + 1 if m == 12 else y
    elif m == 12:
        months = [(y, 12)]
        myear = y + 1
    else:
        months = [(y - 1, 12)] + [(y, k) for k in range(1, m + 1)]
        myear = y
    first = date(*months[0], 1)
    last = date(y + (m == 12), m % 12 + 1, 1) - timedelta(days=1)
    return months, myear, first, last


def q(s):
    return "'" + s.replace("'", "''") + "'"


def files_of(inbox, feed):
    d = os.path.join(inbox, feed)
    fs = glob.glob(os.path.join(d, "*.csv")) + glob.glob(os.path.join(d, "*.csv.gz"))
    return sorted(fs, key=lambda p: os.path.basename(p))


def load_sql(inbox):
    """One raw_<feed> table per feed: every file of the feed, all VARCHAR, with
    the file's rank in name order (file_no) and the row's position in its file
    (row_no) so that "the last version wins" can be decided."""
    out = []
    for feed, cols in FEEDS.items():
        fs = files_of(inbox, feed)
        typed = ", ".join('"%s" VARCHAR' % c for c in cols)
        out.append('CREATE TABLE raw_%s (file_no INTEGER, row_no BIGINT, %s);' % (feed, typed))
        for n, f in enumerate(fs):
            sel = ", ".join('"%s"' % c for c in cols)
            # a single-file scan inserted in order: rowid of the staging table is the row's position.
            # Columns are taken by header name (FEEDS.md: never by position); a missing one is an error.
            out.append(
                "CREATE OR REPLACE TEMP TABLE stage AS SELECT %s FROM read_csv(%s, header=true, all_varchar=true, "
                "delim=',', quote='\"', escape='\"');" % (sel, q(f)))
            out.append("INSERT INTO raw_%s SELECT %d, rowid, %s FROM stage;" % (feed, n, sel))
    return "\n".join(out)


def detect_sql(month, line_yuan, recent_months=3, forecast=True, kind="plan_2021", school_ages=(6, 16)):
    y, m = month
    months, myear, first, last = period(y, m, kind)
    mlist = ", ".join(q("%04d-%02d" % ym) for ym in months)
    # RULES.md 9: the period's last n months; a forecast only for n + 1 <= k <= 11
    k, n = len(months), recent_months
    rlist = ", ".join(q("%04d-%02d" % ym) for ym in months[-n:])
    # RULES.md 12: no forecast under a rolling period (there is no year end to reach)
    forecast_on = "true" if forecast and kind == "plan_2021" and n + 1 <= k <= 11 else "false"
    P_FROM, P_TO = q(first.isoformat()), q(last.isoformat())
    L = int(line_yuan) * 100          # line in fen
    return f"""
-- ===================================================================== parameters
-- month {y:04d}-{m:02d}; period {first} .. {last} ({len(months)} months); monitoring year {myear}; line {line_yuan} yuan
-- money as exact DECIMAL(18,2) yuan / BIGINT fen; a blank CSV field is NULL (= 0 where optional).
-- Clean input has at most 2 decimals (a 3rd would be rounded by the cast, not rejected).
CREATE MACRO yuan(x) AS COALESCE(CAST(x AS DECIMAL(18,2)), 0);
CREATE MACRO fen(x) AS CAST(yuan(x) * 100 AS BIGINT);
CREATE MACRO pid(x) AS upper(trim(x));
-- "last version wins": later file (name order), then later row in the file
CREATE MACRO pos(file_no, row_no) AS CAST(file_no AS BIGINT) * 1000000000000 + row_no;

-- ===================================================================== roster (one snapshot)
CREATE TABLE roster_all AS
SELECT trim("户编号") AS household_id, trim("乡镇") AS town, trim("行政村") AS village,
       trim("户类型") AS household_type, pid("身份证号") AS person_id, trim("与户主关系") AS relation,
       trim("劳动技能") AS labour, fen("上年家庭纯收入") AS prev_fen
FROM raw_roster;

-- households that cannot be evaluated (FEEDS.md roster: conflicts quarantine every row involved)
CREATE TABLE roster_bad AS
SELECT household_id FROM roster_all GROUP BY household_id
HAVING min(town) <> max(town) OR min(village) <> max(village) OR min(household_type) <> max(household_type)
    OR min(prev_fen) <> max(prev_fen) OR count(*) FILTER (WHERE relation = '户主') <> 1
UNION
SELECT DISTINCT r.household_id FROM roster_all r
JOIN (SELECT person_id FROM roster_all GROUP BY person_id HAVING min(household_id) <> max(household_id)) d USING (person_id);

CREATE TABLE member AS
SELECT r.* FROM roster_all r ANTI JOIN roster_bad b USING (household_id);

CREATE TABLE hh AS
SELECT household_id, any_value(household_type) AS household_type,
       count(*) AS size, any_value(prev_fen) AS prev_fen
FROM member GROUP BY household_id;

-- ===================================================================== income: key (household, month), last wins
-- (the month is part of the key, so keeping only the period's months first is the same)
CREATE TABLE income AS
SELECT trim("户编号") AS household_id, trim("年月") AS month,
       arg_max(yuan("工资性收入") + yuan("经营净收入") + yuan("财产净收入") + yuan("转移净收入"),
               pos(file_no, row_no)) AS total
FROM raw_income
WHERE trim("年月") IN ({mlist})
GROUP BY 1, 2;

CREATE TABLE inc_hh AS
SELECT household_id, CAST(sum(total) * 100 AS BIGINT) AS observed_fen, count(*) AS mwi,
       CAST(COALESCE(sum(total) FILTER (WHERE month IN ({rlist})), 0) * 100 AS BIGINT) AS recent_fen
FROM income GROUP BY household_id;

-- ===================================================================== medical: key settlement number, last wins
CREATE TABLE med AS
SELECT trim("结算流水号") AS settlement_id,
       arg_max({{'person_id': pid("身份证号"), 'settled': CAST(trim("结算日期") AS DATE), 'oop': yuan("个人自付")}},
               pos(file_no, row_no)) AS r
FROM raw_medical GROUP BY 1;
CREATE OR REPLACE TABLE med AS SELECT settlement_id, r.person_id, r.settled, r.oop FROM med;

CREATE TABLE med_hh AS
SELECT m.household_id, CAST(sum(d.oop) * 100 AS BIGINT) AS oop_fen
FROM med d JOIN member m USING (person_id)
WHERE d.settled BETWEEN DATE {P_FROM} AND DATE {P_TO}
GROUP BY m.household_id;

-- ===================================================================== disaster: key (event, household of the person), last wins
CREATE TABLE dis AS
SELECT * FROM (
  SELECT trim(d."灾害编号") AS event_id, m.household_id,
         CAST(trim(d."发生日期") AS DATE) AS occurred, trim(d."房屋损毁程度") AS house_damage,
         fen(d."直接经济损失(元)") AS loss_fen,
         row_number() OVER (PARTITION BY trim(d."灾害编号"), m.household_id ORDER BY pos(d.file_no, d.row_no) DESC) AS rn
  FROM raw_disaster d JOIN member m ON m.person_id = pid(d."户主身份证号"))
WHERE rn = 1;

CREATE TABLE dis_hh AS
SELECT household_id, sum(loss_fen) AS loss_fen,
       bool_or(house_damage IN ('倒塌', '严重损坏')) AS house_hit
FROM dis WHERE occurred BETWEEN DATE {P_FROM} AND DATE {P_TO}
GROUP BY household_id;

-- ===================================================================== disability: new certificate, able member aged 16..60
CREATE TABLE disab_hh AS
SELECT DISTINCT m.household_id
FROM (SELECT pid("身份证号") AS person_id, CAST(trim("发证日期") AS DATE) AS issued, trim("变动类型") AS change
      FROM raw_disability) c
JOIN member m USING (person_id)
CROSS JOIN LATERAL (SELECT strptime(substr(m.person_id, 7, 8), '%Y%m%d')::DATE AS birth) b
WHERE c.change = '新办'
  AND c.issued BETWEEN DATE {P_FROM} AND DATE {P_TO}
  AND m.labour IN ('技能劳动力', '普通劳动力')
  AND (year(c.issued) - year(b.birth)
       - CASE WHEN strftime(c.issued, '%m%d') < strftime(b.birth, '%m%d') THEN 1 ELSE 0 END) BETWEEN 16 AND 60;

-- ===================================================================== civil: temporary aid granted / minimum living stopped
CREATE TABLE aid_hh AS
SELECT DISTINCT m.household_id
FROM (SELECT pid("身份证号") AS person_id, trim("救助类型") AS aid_type, trim("变动类型") AS change,
             CAST(trim("审批日期") AS DATE) AS d
      FROM raw_civil) c
JOIN member m USING (person_id)
WHERE c.d BETWEEN DATE {P_FROM} AND DATE {P_TO}
  AND ((c.aid_type = '临时救助' AND c.change = '新增')
    OR (c.aid_type IN ('低保', '特困供养') AND c.change = '停发'));

-- ===================================================================== application: declared in the period
CREATE TABLE decl_hh AS
SELECT DISTINCT household_id FROM (
  SELECT trim("户编号") AS household_id, CAST(trim("申报日期") AS DATE) AS d FROM raw_application)
WHERE d BETWEEN DATE {P_FROM} AND DATE {P_TO}
  AND household_id IN (SELECT household_id FROM hh);

-- RULES.md 12's third category: a declaration in the period naming 因病, 因灾 or 因意外事故 among its risk types
CREATE TABLE sudden_decl_hh AS
SELECT DISTINCT household_id FROM (
  SELECT trim("户编号") AS household_id, CAST(trim("申报日期") AS DATE) AS d,
         regexp_split_to_array(trim("风险类型"), '[、,;]') AS risks FROM raw_application)
WHERE d BETWEEN DATE {P_FROM} AND DATE {P_TO}
  AND household_id IN (SELECT household_id FROM hh)
  AND list_has_any(list_transform(risks, lambda r: trim(r)), ['因病', '因灾', '因意外事故']);

-- ===================================================================== RULES.md 12: 三保障 and drinking water
-- education: key (person, status, date), last wins. A pupil aged {school_ages[0]}..{school_ages[1]} (full years) at the record date
-- with a 疑似辍学/辍学 record in the period and no 复学 dated on/after it and on/before the period's end.
CREATE TABLE edu AS
SELECT person_id, status, d FROM (
  SELECT pid("学生身份证号") AS person_id, trim("状态") AS status, CAST(trim("登记日期") AS DATE) AS d,
         row_number() OVER (PARTITION BY pid("学生身份证号"), trim("状态"), CAST(trim("登记日期") AS DATE)
                            ORDER BY pos(file_no, row_no) DESC) AS rn
  FROM raw_education)
WHERE rn = 1;

CREATE TABLE school_hh AS
SELECT DISTINCT m.household_id
FROM edu e JOIN member m USING (person_id)
CROSS JOIN LATERAL (SELECT strptime(substr(m.person_id, 7, 8), '%Y%m%d')::DATE AS birth) b
WHERE e.status IN ('疑似辍学', '辍学')
  AND e.d BETWEEN DATE {P_FROM} AND DATE {P_TO}
  AND (year(e.d) - year(b.birth)
       - CASE WHEN strftime(e.d, '%m%d') < strftime(b.birth, '%m%d') THEN 1 ELSE 0 END) BETWEEN {school_ages[0]} AND {school_ages[1]}
  AND NOT EXISTS (SELECT 1 FROM edu r WHERE r.person_id = e.person_id AND r.status = '复学'
                  AND r.d >= e.d AND r.d <= DATE {P_TO});

-- housing: key (household of the person, rating date), last wins; the household's latest rating up to the
-- period's end is C or D and not 已改造 (ratings may be spelled C级)
CREATE TABLE hous AS
SELECT household_id, rated_on, rating, renovation FROM (
  SELECT m.household_id, CAST(trim(h."鉴定日期") AS DATE) AS rated_on,
         replace(trim(h."鉴定等级"), '级', '') AS rating, trim(h."改造状态") AS renovation,
         row_number() OVER (PARTITION BY m.household_id, CAST(trim(h."鉴定日期") AS DATE)
                            ORDER BY pos(h.file_no, h.row_no) DESC) AS rn
  FROM raw_housing h JOIN member m ON m.person_id = pid(h."户主身份证号"))
WHERE rn = 1;

CREATE TABLE housing_hh AS
SELECT household_id FROM (
  SELECT household_id, arg_max({{'rating': rating, 'renovation': renovation}}, rated_on) AS r
  FROM hous WHERE rated_on <= DATE {P_TO} GROUP BY household_id)
WHERE r.rating IN ('C', 'D') AND r.renovation <> '已改造';

-- water: key (household of the person, problem, date), last wins; for some problem type the household's
-- latest record up to the period's end is 未解决
CREATE TABLE wat AS
SELECT household_id, problem, d, status FROM (
  SELECT m.household_id, trim(w."问题类型") AS problem, CAST(trim(w."登记日期") AS DATE) AS d,
         trim(w."状态") AS status,
         row_number() OVER (PARTITION BY m.household_id, trim(w."问题类型"), CAST(trim(w."登记日期") AS DATE)
                            ORDER BY pos(w.file_no, w.row_no) DESC) AS rn
  FROM raw_water w JOIN member m ON m.person_id = pid(w."户主身份证号"))
WHERE rn = 1;

CREATE TABLE water_hh AS
SELECT DISTINCT household_id FROM (
  SELECT household_id, problem, arg_max(status, d) AS status
  FROM wat WHERE d <= DATE {P_TO} GROUP BY household_id, problem)
WHERE status = '未解决';

-- ===================================================================== figures (all integer fen)
CREATE TABLE fig AS
SELECT h.household_id, h.household_type, h.size, h.prev_fen,
       COALESCE(i.observed_fen, 0) AS observed_fen, COALESCE(i.mwi, 0) AS mwi,
       COALESCE(i.recent_fen, 0) AS recent_fen,
       COALESCE(md.oop_fen, 0) AS oop_fen, COALESCE(ds.loss_fen, 0) AS loss_fen,
       COALESCE(ds.house_hit, false) AS house_hit,
       COALESCE(md.oop_fen, 0) + COALESCE(ds.loss_fen, 0) AS rigid_fen,
       -- income_projected = proj_num / proj_den exactly
       CAST(CASE WHEN COALESCE(i.mwi, 0) > 0 THEN i.observed_fen * 12 ELSE h.prev_fen END AS HUGEINT) AS proj_num,
       CAST(CASE WHEN COALESCE(i.mwi, 0) > 0 THEN i.mwi ELSE 1 END AS HUGEINT) AS proj_den,
       h.household_id IN (SELECT household_id FROM disab_hh) AS t_disability,
       h.household_id IN (SELECT household_id FROM aid_hh) AS t_aid_change,
       h.household_id IN (SELECT household_id FROM decl_hh) AS t_declared,
       h.household_id IN (SELECT household_id FROM school_hh) AS t_schooling,
       h.household_id IN (SELECT household_id FROM housing_hh) AS t_housing,
       h.household_id IN (SELECT household_id FROM water_hh) AS t_water
FROM hh h
LEFT JOIN inc_hh i USING (household_id)
LEFT JOIN med_hh md USING (household_id)
LEFT JOIN dis_hh ds USING (household_id);

CREATE TABLE judged AS
SELECT *,
  -- net_per_capita = (proj_num/proj_den - rigid) / size = (proj_num - rigid*proj_den) / (proj_den*size)
  (proj_num - rigid_fen * proj_den) < {L} * proj_den * size                 AS below,
  (proj_num - rigid_fen * proj_den) * 10 < {L} * 12 * proj_den * size       AS near,
  ((prev_fen > 0 AND 2 * oop_fen >= prev_fen)
    OR oop_fen >= CASE WHEN household_type IN ('脱贫户', '监测户') THEN 500000 ELSE 1000000 END) AS t_illness,
  ((prev_fen > 0 AND 2 * loss_fen >= prev_fen) OR house_hit)              AS t_disaster,
  (prev_fen > 0 AND rigid_fen > prev_fen)                                 AS t_spending_surge,
  -- projected <= 0.7 * prev  <=>  observed*12*10 <= 7*prev*mwi
  (prev_fen > 0 AND mwi >= 1 AND CAST(observed_fen AS HUGEINT) * 120 <= CAST(prev_fen AS HUGEINT) * 7 * mwi)
                                                                          AS t_income_drop,
  -- RULES.md 9, cross-multiplied: every month declared; recent rate below the earlier one; not below the
  -- line by the period average; below it at the year's end at the recent rate
  ({forecast_on} AND mwi = {k}
   AND CAST(recent_fen AS HUGEINT) * ({k} - {n}) < CAST(observed_fen - recent_fen AS HUGEINT) * {n}
   AND CAST(observed_fen AS HUGEINT) * 12 - CAST(rigid_fen AS HUGEINT) * {k} >= CAST({L} AS HUGEINT) * {k} * size
   AND CAST(observed_fen - rigid_fen AS HUGEINT) * {n} + CAST(recent_fen AS HUGEINT) * (12 - {k})
       < CAST({L} AS HUGEINT) * {n} * size)                                AS t_forecast
FROM fig;

CREATE TABLE result AS
SELECT household_id, triggers,
  CASE
    WHEN triggers <> '' AND below THEN 'red'
    WHEN triggers <> '' AND near THEN 'orange'
    WHEN triggers = '' AND below THEN 'orange'
    WHEN triggers <> '' AND t_declared THEN 'orange'      -- a declaration raises yellow to orange
    -- RULES.md 12: so do the 三保障 and drinking-water triggers
    WHEN triggers <> '' AND (t_schooling OR t_housing OR t_water) THEN 'orange'
    WHEN triggers <> '' THEN 'yellow'
  END AS level,
  size, prev_fen, observed_fen, mwi, oop_fen, loss_fen, rigid_fen, proj_num, proj_den, below, near
FROM (
  SELECT *, array_to_string(list_sort(list_filter([
      CASE WHEN t_aid_change THEN 'aid_change' END,
      CASE WHEN t_declared THEN 'declared' END,
      CASE WHEN t_disability THEN 'disability' END,
      CASE WHEN t_disaster THEN 'disaster' END,
      CASE WHEN t_forecast THEN 'forecast' END,
      CASE WHEN t_housing THEN 'housing' END,
      CASE WHEN t_illness THEN 'illness' END,
      CASE WHEN t_income_drop THEN 'income_drop' END,
      CASE WHEN t_schooling THEN 'schooling' END,
      CASE WHEN t_spending_surge THEN 'spending_surge' END,
      CASE WHEN t_water THEN 'water' END], lambda x: x IS NOT NULL)), ';') AS triggers
  FROM judged);
"""


def parse_month(s):
    try:
        y, m = s.split("-")
        y, m = int(y), int(m)
        if len(s.split("-")[0]) != 4 or not 1 <= m <= 12:
            raise ValueError
        return y, m
    except ValueError:
        raise SystemExit("oracle.py: --month must be YYYY-MM, got %r" % s)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 epilog="example: python3 tools/oracle.py --inbox /tmp/genout --month 2021-05 --out alerts.csv")
    ap.add_argument("--inbox", required=True, help="inbox directory with <feed>/*.csv (clean CSV, reference headers)")
    ap.add_argument("--month", default="2021-05", help="evaluation month YYYY-MM (default 2021-05)")
    ap.add_argument("--line", type=int, help="monitoring line in yuan (default: the configured line of the monitoring year)")
    ap.add_argument("--out", help="alerts CSV to write (household_id,level,triggers)")
    ap.add_argument("--sql-only", action="store_true", help="print the SQL and exit")
    ap.add_argument("--timing", action="store_true", help="print the wall time of each stage of the query")
    ap.add_argument("--figures", help="also write every household's figures (fen) to this CSV, for debugging")
    ap.add_argument("--forecast-recent-months", type=int, default=3,
                    help="RULES.md 9's n (rules.forecast_recent_months, default 3)")
    ap.add_argument("--no-forecast", action="store_true", help="RULES.md 9 off (rules.forecast = false)")
    ap.add_argument("--categories", action="store_true",
                    help="a fourth column, category (RULES.md 5; a first run: 在监测 is the roster's 监测户)")
    ap.add_argument("--sudden-hardship", action="store_true",
                    help="with --categories: RULES.md 12's third category 突发严重困难户 (rules.sudden_hardship = true)")
    ap.add_argument("--period", choices=["plan_2021", "rolling_12"], default="plan_2021",
                    help="RULES.md 12's period (rules.period, default plan_2021)")
    a = ap.parse_args(argv)

    y, m = parse_month(a.month)
    months, myear, first, last = period(y, m, a.period)
    line = a.line if a.line is not None else LINES.get(myear)
    if line is None:
        raise SystemExit("oracle.py: no monitoring line configured for monitoring year %d (month %s); "
                         "give --line" % (myear, a.month))
    sql_load = load_sql(a.inbox)
    sql_detect = detect_sql((y, m), line, a.forecast_recent_months, not a.no_forecast, a.period)
    if a.sql_only:
        print("SET preserve_insertion_order = true;")
        print(sql_load)
        print(sql_detect)
        return 0
    if not a.out:
        ap.error("--out is required unless --sql-only")
    if not files_of(a.inbox, "roster"):
        raise SystemExit("oracle.py: no roster file in %s/roster/" % a.inbox)

    import duckdb
    t0 = time.perf_counter()
    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = true")
    con.execute(sql_load)
    t1 = time.perf_counter()
    con.execute(sql_detect)
    t2 = time.perf_counter()
    bad = con.execute("SELECT count(*) FROM roster_bad").fetchone()[0]
    if bad:
        print("oracle.py: warning: %d roster households break the roster rules and are not evaluated" % bad,
              file=sys.stderr)
    if a.categories:
        # RULES.md 5's category on a first run (no case in the ledger yet: 在监测 is the roster's 监测户), and
        # with --sudden-hardship RULES.md 12's third one for a household not below the line
        rows = con.execute(
            "SELECT r.household_id, r.level, r.triggers, CASE "
            "WHEN j.household_type = '监测户' THEN '在监测' "
            "WHEN %s AND NOT r.below AND (j.t_illness OR j.t_disaster OR j.t_spending_surge OR j.t_income_drop "
            "  OR r.household_id IN (SELECT household_id FROM sudden_decl_hh)) THEN '突发严重困难户' "
            "WHEN j.household_type = '脱贫户' THEN '脱贫不稳定户' ELSE '边缘易致贫户' END "
            "FROM result r JOIN judged j USING (household_id) WHERE r.level IS NOT NULL "
            "ORDER BY r.household_id" % ("true" if a.sudden_hardship else "false")).fetchall()
    else:
        rows = con.execute("SELECT household_id, level, triggers FROM result WHERE level IS NOT NULL "
                           "ORDER BY household_id").fetchall()
    with open(a.out, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["household_id", "level", "triggers"] + (["category"] if a.categories else []))
        w.writerows(rows)
    if a.figures:
        cur = con.execute("SELECT * FROM result ORDER BY household_id")
        with open(a.figures, "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow([d[0] for d in cur.description])
            w.writerows(cur.fetchall())
    t3 = time.perf_counter()
    counts = {lv: 0 for lv in ("red", "orange", "yellow")}
    for row in rows:
        counts[row[1]] += 1
    n_hh = con.execute("SELECT count(*) FROM hh").fetchone()[0]
    print("month %04d-%02d period %s..%s (%d months) line %d: %d households, %d alerts "
          "(red %d, orange %d, yellow %d) -> %s" % (y, m, first, last, len(months), line, n_hh, len(rows),
                                                     counts["red"], counts["orange"], counts["yellow"], a.out))
    if a.timing:
        print("timing: load %.3f s, detect %.3f s, write %.3f s" % (t1 - t0, t2 - t1, t3 - t2))
    print("wall time %.3f s" % (t3 - t0))
    return 0


if __name__ == "__main__":
    sys.exit(main())
