#!/usr/bin/env python3
"""gen.py - deterministic generator of fangfan department feeds.

Writes an inbox laid out as FEEDS.md describes (UTF-8 CSV, reference headers):

    DIR/roster/roster.csv
    DIR/income/income_a.csv      (first half of the period + the month before it)
    DIR/income/income_b.csv      (second half + re-sent corrections, so it wins)
    DIR/income/income_prior.csv  (only with --income-from: the months before, for RULES.md §12's rolling period)
    DIR/medical/medical.csv
    DIR/civil/civil.csv
    DIR/disaster/disaster.csv
    DIR/disability/disability.csv
    DIR/application/application.csv
    DIR/education/education.csv   \
    DIR/housing/housing.csv        > only with --basic-needs (RULES.md §12)
    DIR/water/water.csv           /

With --one-file-per-feed (the benchmark's worlds, issue #22) each department
sends one export: income in one file (DIR/income/income.csv), twice the medical
settlements (about 4.5 a household), and no re-sent versions (no corrections,
no repeated rows), so that a lean SQL without any ordering of versions gives
the same alerts.

Usage:
    python3 tools/gen.py --seed 7 --households 300 --out /tmp/inbox
    python3 tools/gen.py --seed 7 --households 300 --out /tmp/inbox --month 2021-05 --messy \
        --expect /tmp/inbox.quarantine.csv

Everything comes from random.Random(seed) (never the global generator, never the
clock), so the same arguments give byte-identical files.  --messy only *appends*
bad rows (drawn from a second generator derived from the seed) to the same clean
data: after quarantining them the pipeline must reach exactly the results that
tools/oracle.py computes on the clean inbox of the same seed.  --expect FILE
lists those bad rows (file, line, field, reason) for tests.

Amounts are generated as integer fen and formatted exactly (no floats in
output).  A fixed handful of "edge" households (exactly on the thresholds of
RULES.md: oop == 5000, projected == 0.7 x prev, rigid == prev, net per capita ==
line and == 1.2 x line, ages 16/60/61 on the certificate date) is planted when
--households >= 40.
"""
import argparse
import math
import os
import random
import sys
import time
from bisect import bisect
from datetime import date, timedelta

COUNTY = "440825"
W = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHK = "10X98765432"

# code, name, relative weight (街道 bigger)
TOWNS = [
    ("001", "徐城街道", 1.5), ("002", "东方街道", 1.1), ("003", "新寮镇", 0.9),
    ("004", "和安镇", 1.0), ("005", "锦和镇", 1.0), ("006", "前山镇", 0.9),
    ("007", "西连镇", 0.8), ("008", "下桥镇", 1.2), ("009", "龙塘镇", 1.0),
    ("010", "下洋镇", 1.0), ("011", "曲界镇", 1.1), ("012", "南山镇", 0.9),
    ("013", "海安镇", 1.0), ("014", "迈陈镇", 1.2), ("015", "角尾乡", 0.7),
    ("016", "英利镇", 1.0), ("017", "城北乡", 0.8),
]
VILLAGE_CHARS = "港沟尾营下岗寨前林东竹水新北园湾山旧后桥塘头田南坡西石大岭上小角"

SURNAMES = ("陈" * 14 + "林" * 8 + "黄" * 7 + "李" * 6 + "王" * 5 + "吴" * 5 + "杨" * 4
            + "何" * 4 + "谢" * 4 + "邓" * 3 + "庄" * 3 + "符" * 4 + "罗" * 3 + "刘" * 4
            + "许" * 3 + "邱" * 2 + "梁" * 3 + "蔡" * 3 + "张" * 3 + "周" * 2 + "郑" * 2
            + "莫" * 2 + "曾" * 2 + "冯" + "潘" + "钟" + "唐" + "韩" + "苏" + "吕" + "詹" + "柯")
MALE = "伟强军建国明华文德成杰海平志福金刚东峰勇亮荣贵生兴光龙辉雄文松"
FEMALE = "芳娟丽艳秀英霞燕玲敏红梅兰琴萍娜婷静凤珍莲香春妹桂"

LABOURS = ("技能劳动力", "普通劳动力", "弱劳动力或半劳动力", "丧失劳动力", "无劳动力")
ABLE = ("技能劳动力", "普通劳动力")
HH_TYPES = ("脱贫户", "监测户", "一般农户")
PC_MED = {"脱贫户": 15000.0, "监测户": 12500.0, "一般农户": 19000.0}
SIZE_CUM = (0.13, 0.32, 0.55, 0.78, 0.92, 1.0)   # sizes 1..6, mean ~3.3

HOSP_COUNTY = ("徐闻县人民医院", "徐闻县中医院", "徐闻县妇幼保健院",
               '"徐闻县人民医院(北院),住院部"')
HOSP_CITY = ("湛江中心人民医院", "广东医科大学附属医院", "湛江市第二人民医院", "雷州市人民医院")
TYPHOONS = ("浪卡", "莫拉菲", "沙德尔", "海高斯", "红霞", "查帕卡", "狮子山", "圆规", "木兰", "马鞍")
DIS_CATS = ("视力", "听力", "言语", "肢体", "肢体", "肢体", "智力", "精神", "多重")
GRADES_CN = ("一级", "二级", "三级", "四级")
RISKS = ("因病", "因残", "因学", "因灾", "因意外事故", "因产业失败", "因务工就业不稳", "缺劳动力", "其他")
RISK_NOTES = {
    "因病": "家庭成员患病住院，医疗支出较大", "因残": "家庭成员致残，劳动能力下降",
    "因学": "子女上学开支增加", "因灾": "房屋受灾受损", "因意外事故": "家庭成员遭遇意外事故",
    "因产业失败": "种养产业亏损", "因务工就业不稳": "务工人员返乡，收入不稳定",
    "缺劳动力": "家中缺乏劳动力", "其他": "其他原因导致生活困难",
}

H_ROSTER = "户编号,乡镇,行政村,户类型,身份证号,姓名,与户主关系,劳动技能,上年家庭纯收入"
H_INCOME = "户编号,年月,工资性收入,经营净收入,财产净收入,转移净收入"
H_MEDICAL = ("结算流水号,结算类型,原结算流水号,身份证号,姓名,就诊类型,医疗机构名称,入院日期,"
             "出院日期,结算日期,医疗总费用,统筹基金支付,大病保险支付,医疗救助支付,个人自付")
H_CIVIL = "身份证号,姓名,救助类型,变动类型,保障人数,金额,审批日期"
H_DISASTER = ("灾害编号,灾种,灾害名称,发生日期,户主身份证号,户主姓名,乡镇,行政村,房屋损毁程度,"
              "农作物受灾面积(亩),直接经济损失(元)")
H_DISABILITY = "身份证号,姓名,残疾类别,残疾等级,发证日期,变动类型"
H_APPLICATION = "户编号,申报人身份证号,发现方式,申报日期,风险类型,填报人,情况说明"

FILES = [  # key, relative path, header
    ("roster", "roster/roster.csv", H_ROSTER),
    ("income_a", "income/income_a.csv", H_INCOME),
    ("income_b", "income/income_b.csv", H_INCOME),
    ("medical", "medical/medical.csv", H_MEDICAL),
    ("civil", "civil/civil.csv", H_CIVIL),
    ("disaster", "disaster/disaster.csv", H_DISASTER),
    ("disability", "disability/disability.csv", H_DISABILITY),
    ("application", "application/application.csv", H_APPLICATION),
]

# --one-file-per-feed: both halves of the income feed go to one file
ONE_FILE_PATHS = {"income_a": "income/income.csv", "income_b": "income/income.csv"}
ONE_FILE = False   # set by --one-file-per-feed


def files_list():
    """FILES as (key, rel, header), with --one-file-per-feed's paths."""
    if not ONE_FILE:
        return FILES
    return [(k, ONE_FILE_PATHS.get(k, rel), h) for k, rel, h in FILES]


EDGE_KINDS = ("ill_eq", "surge_eq", "drop_eq", "line", "line_t", "near_t", "near_d",
              "age60", "age61", "age16")


def money(fen):
    """Integer fen -> exact yuan string, e.g. -1234 -> '-12.34'."""
    if fen < 0:
        fen = -fen
        return "-%d.%02d" % (fen // 100, fen % 100)
    return "%d.%02d" % (fen // 100, fen % 100)


def check_char(s17):
    return CHK[sum(int(c) * w for c, w in zip(s17, W)) % 11]


def full_years(birth_ord, on_ord):
    b = date.fromordinal(birth_ord)
    d = date.fromordinal(on_ord)
    return d.year - b.year - ((d.month, d.day) < (b.month, b.day))


def years_before(d, n):
    """The same calendar day n years before d (Feb 29 -> Feb 28)."""
    try:
        return d.replace(year=d.year - n)
    except ValueError:
        return d.replace(year=d.year - n, day=28)


class Dates:
    """Caches ordinal -> ISO string and ordinal -> (YYYYMMDD, partial check sum)."""

    def __init__(self):
        self.iso_c = {}
        self.id_c = {}

    def iso(self, o):
        s = self.iso_c.get(o)
        if s is None:
            d = date.fromordinal(o)
            s = "%04d-%02d-%02d" % (d.year, d.month, d.day)
            self.iso_c[o] = s
        return s

    def id_part(self, o):
        p = self.id_c.get(o)
        if p is None:
            d = date.fromordinal(o)
            s = "%04d%02d%02d" % (d.year, d.month, d.day)
            p = (s, sum(int(c) * w for c, w in zip(s, W[6:14])))
            self.id_c[o] = p
        return p


class IdAlloc:
    """Unique, valid 18-digit resident IDs: 440825 + birth date + seq + check.

    Per (birth date, sex) a counter n < 499 is mapped bijectively onto a
    sequence number (37 is invertible mod 499): males odd 1..997, females even
    2..998.  A full day spills to the next day."""

    def __init__(self, dates, region=None):
        region = region or COUNTY
        self.dates = dates
        self.region = region
        self.pre = sum(int(c) * w for c, w in zip(region, W[:6]))
        self.seq = [sum(int(c) * w for c, w in zip("%03d" % i, W[14:17])) for i in range(1000)]
        self.cnt = {}

    def alloc(self, bord, male):
        sx = 1 if male else 0
        while True:
            k = bord * 2 + sx
            n = self.cnt.get(k, 0)
            if n < 499:
                self.cnt[k] = n + 1
                break
            bord += 1
        idx = (n * 37 + bord * 13) % 499
        q = 2 * idx + 1 if male else 2 * idx + 2
        ymd, ps = self.dates.id_part(bord)
        return "%s%s%03d%s" % (self.region, ymd, q, CHK[(self.pre + ps + self.seq[q]) % 11]), bord


def parse_month(s):
    try:
        y, m = s.split("-")
        y, m = int(y), int(m)
        if not (1 <= m <= 12 and 1900 < y < 3000):
            raise ValueError
        return y, m
    except ValueError:
        raise SystemExit("gen.py: --month must be YYYY-MM, got %r" % s)


def month_end(y, m):
    return (date(y + (m == 12), m % 12 + 1, 1) - timedelta(days=1))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="example: python3 tools/gen.py --seed 7 --households 300 --out /tmp/genout")
    ap.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    ap.add_argument("--households", type=int, default=300, help="number of roster households (default 300)")
    ap.add_argument("--out", required=True, help="inbox directory to write (DIR/<feed>/...)")
    ap.add_argument("--month", default="2021-05", help="evaluation month YYYY-MM (default 2021-05)")
    ap.add_argument("--county", default=COUNTY, metavar="NNNNNN",
                    help="the county's six digits, first of every household number and resident ID (default %s)" % COUNTY)
    ap.add_argument("--messy", action="store_true", help="append a few bad rows of every kind to each file")
    ap.add_argument("--expect", help="with --messy: write the expected quarantine lines (CSV) to this file")
    ap.add_argument("--quiet", action="store_true", help="no summary on stderr")
    ap.add_argument("--damaged-ids", type=int, default=0, metavar="N",
                    help="damage the resident ID of N department records of the period (RULES.md §11: every kind "
                         "in turn - check_char, excel_precision, scientific, one_digit, transposed - over medical, "
                         "civil, disability, disaster) and append N//2 decoys that must get no candidate (a "
                         "different name, or two changed digits); not with --messy")
    ap.add_argument("--one-file-per-feed", action="store_true",
                    help="one export per department: income in one file, twice the medical settlements, no "
                         "re-sent versions (the benchmark's worlds); not with --messy or --damaged-ids")
    ap.add_argument("--damaged-expect", help="with --damaged-ids: write what was planted (CSV) to this file")
    ap.add_argument("--basic-needs", action="store_true",
                    help="also write the 三保障 and drinking-water feeds education, housing, water (RULES.md §12), "
                         "with the edges of the schooling, housing and water triggers; the other feeds are "
                         "byte-identical to those written without it")
    ap.add_argument("--income-from", metavar="YYYY-MM",
                    help="also write income/income_prior.csv: declarations from this month up to the month before "
                         "those already written (e.g. 2020-06 for May 2021), each household's earlier months higher, "
                         "lower or like its later ones, so that rules.period = rolling_12 (RULES.md 12) sees another "
                         "year than the plan's period; the other files are byte-identical to those written without it")
    a = ap.parse_args(argv)
    if a.households < 1:
        raise SystemExit("gen.py: --households must be >= 1")
    if a.damaged_ids and a.messy:
        raise SystemExit("gen.py: --damaged-ids does not go with --messy")
    if a.one_file_per_feed and (a.messy or a.damaged_ids):
        raise SystemExit("gen.py: --one-file-per-feed does not go with --messy or --damaged-ids")
    global ONE_FILE
    ONE_FILE = a.one_file_per_feed
    if not (len(a.county) == 6 and a.county.isdigit()):
        raise SystemExit("gen.py: --county is six digits")
    globals()["COUNTY"] = a.county
    t0 = time.perf_counter()
    stats = generate(a.seed, a.households, a.out, parse_month(a.month), a.messy, a.expect)
    if a.damaged_ids:
        plant_damaged(a.out, a.seed, a.damaged_ids, parse_month(a.month), a.damaged_expect)
    if a.basic_needs:
        for rel, n in plant_basic_needs(a.out, a.seed, parse_month(a.month)):
            stats["rows"][rel] = n
    if a.income_from:
        stats["rows"]["income_prior"] = plant_prior_income(a.out, a.seed, parse_month(a.month), parse_month(a.income_from))
    if not a.quiet:
        tot = 0
        extra = [("income_prior", PRIOR_INCOME_FILE, None)] if a.income_from else []
        seen = set()
        for key, rel, _ in files_list() + (BASIC_NEEDS_FILES if a.basic_needs else []) + extra:
            p = os.path.join(a.out, rel)
            sz = os.path.getsize(p) if rel not in seen else 0
            tot += sz
            seen.add(rel)
            print("%-32s %9d rows %12d bytes" % (rel, stats["rows"][key], sz), file=sys.stderr)
        print("households %d, persons %d, %.1f MB, %.2f s" % (
            a.households, stats["persons"], tot / 1e6, time.perf_counter() - t0), file=sys.stderr)


def generate(seed, N, out, ym, messy=False, expect=None):
    rng = random.Random(seed)
    rnd = rng.random
    gauss = rng.gauss
    Y, M = ym
    if M == 12:
        pmonths = [(Y, 12)]
        before = (Y, 11)
    else:
        pmonths = [(Y - 1, 12)] + [(Y, k) for k in range(1, M + 1)]
        before = (Y - 1, 11)
    months = len(pmonths)
    pm_str = ["%04d-%02d" % p for p in pmonths]
    before_str = "%04d-%02d" % before
    half = (months + 1) // 2
    ps = date(*pmonths[0], 1).toordinal()
    pe = month_end(Y, M).toordinal()
    plen = pe - ps + 1
    wstart = ps - 75                 # medical window: some settlements before the period
    wlen = (pe + 40) - wstart        # ... and some after it (exports run late)
    ref = ps                         # ages are counted at the start of the period

    dates = Dates()
    iso = dates.iso
    ids = IdAlloc(dates)

    # ---------------------------------------------------------------- places
    nv = max(5, min(400, math.ceil(N / (len(TOWNS) * 350))))
    combos = [a + b for a in VILLAGE_CHARS for b in VILLAGE_CHARS if a != b]
    towns = []
    for code, name, wgt in TOWNS:
        vnames = [c + "村" for c in rng.sample(combos, nv)]
        towns.append((code, name, vnames))
    tcum, acc = [], 0.0
    for _, _, wgt in TOWNS:
        acc += wgt
        tcum.append(acc)
    ttot = acc
    seqs = [[0] * nv for _ in towns]

    # ---------------------------------------------------------------- events
    ev_list = []   # [event_id, hazard, name, occurred_ord, town set, p, main]
    ev_seq = {}

    def new_event(o, hazard, towns_hit, p, main=False):
        d = date.fromordinal(o)
        k = ev_seq.get(d.year, 0) + 1 + int(rnd() * 3)
        ev_seq[d.year] = k
        eid = "ZH%d%03d" % (d.year, k)
        if hazard == "台风":
            nm = "%d年第%d号台风%s" % (d.year, 3 + int(rnd() * 15), TYPHOONS[int(rnd() * len(TYPHOONS))])
        else:
            nm = "%d年%d月%s灾害" % (d.year, d.month, hazard)
        ev_list.append([eid, hazard, nm, o, towns_hit, p, main])

    def hazard_for(o):
        m = date.fromordinal(o).month
        if m in (12, 1, 2):
            return "低温冷冻"
        if m in (3, 4, 5):
            return "风雹" if rnd() < 0.6 else "洪涝"
        if m in (6, 7, 8, 9, 10):
            return "台风" if rnd() < 0.7 else "洪涝"
        return "干旱"

    all_t = set(range(len(towns)))
    new_event(ps - 40 - int(rnd() * 30), "台风", set(rng.sample(range(len(towns)), 8)), 0.03)
    o1 = ps + int(rnd() * plen)
    o2 = ps + int(rnd() * plen)
    new_event(min(o1, o2), hazard_for(min(o1, o2)), set(rng.sample(range(len(towns)), 5)), 0.04)
    new_event(max(o1, o2), hazard_for(max(o1, o2)), all_t, 0.015, main=True)
    MAIN_EV = len(ev_list) - 1
    ev_records = [[] for _ in ev_list]

    # ---------------------------------------------------------------- targets
    def pick(rate, minimum):
        k = min(N, max(minimum, int(round(rate * N))))
        return set(rng.sample(range(N), k))

    EDGE = {}
    if N >= 40:
        for i, kind in zip(rng.sample(range(N), len(EDGE_KINDS)), EDGE_KINDS):
            EDGE[i] = kind
    T_ILL = pick(0.010, 2)
    T_SURGE = pick(0.005, 2)
    T_DROP = pick(0.010, 2)
    T_DIS = pick(0.006, 2)
    T_DISAB = pick(0.005, 2)
    T_TEMP = pick(0.006, 2)
    T_STOP = pick(0.004, 2)
    T_DECL = pick(0.008, 2)
    T_REFUND = pick(0.003, 1)
    T_ZERO = pick(0.003, 1)
    for s in (T_ILL, T_SURGE, T_DROP, T_DIS, T_DISAB, T_TEMP, T_STOP, T_DECL, T_REFUND, T_ZERO):
        s.difference_update(EDGE)

    # ---------------------------------------------------------------- outputs
    os.makedirs(out, exist_ok=True)
    fh, buf, rows = {}, {}, {}
    by_rel = {}
    for key, rel, header in files_list():
        p = os.path.join(out, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        f = by_rel.get(rel)
        if f is None:
            f = open(p, "w", encoding="utf-8", newline="", buffering=1 << 20)
            f.write(header + "\n")
            by_rel[rel] = f
        fh[key] = f
        buf[key] = []
        rows[key] = 0
    B_ro, B_ia, B_ib = buf["roster"], buf["income_a"], buf["income_b"]
    B_me, B_ci, B_dy, B_ap = buf["medical"], buf["civil"], buf["disability"], buf["application"]

    def flush():
        for key, lst in buf.items():
            if lst:
                rows[key] += len(lst)
                fh[key].write("".join(lst))
                lst.clear()

    # ---------------------------------------------------------------- helpers
    nsur = len(SURNAMES)

    def name_of(male, surname=None):
        s = surname or SURNAMES[int(rnd() * nsur)]
        pool = MALE if male else FEMALE
        g = pool[int(rnd() * len(pool))]
        if rnd() < 0.7:
            g += (MALE if (male or rnd() < 0.3) else FEMALE)[int(rnd() * len(pool))]
        return s + g

    def labour_for(age):
        r = rnd()
        if age < 16:
            return "无劳动力"
        if age < 23:
            return "普通劳动力" if r < 0.45 else ("技能劳动力" if r < 0.52 else "无劳动力")
        if age < 56:
            c = (0.30, 0.85, 0.93, 0.97)
        elif age < 66:
            c = (0.05, 0.45, 0.85, 0.93)
        else:
            c = (0.0, 0.05, 0.45, 0.70)
        return LABOURS[bisect(c, r)]

    def birth_for(age):
        return ref - int(age * 365.2425) - int(rnd() * 365) - 1

    med_ctr = [0]

    def settle(pid, name, kind, o, T, fund, crit, assist, oop, hosp, rev_of="", adm="", dis=""):
        """Append one settlement row; returns its settlement number."""
        med_ctr[0] += 1
        sid = "JS%s%07d" % (dates.id_part(o)[0], med_ctr[0])
        B_me.append("%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n" % (
            sid, "冲销" if rev_of else "正常", rev_of, pid, name, kind, hosp, adm, dis, iso(o),
            money(T), money(fund), money(crit), money(assist), money(oop)))
        return sid

    def inpatient(oop_target=None, fragile=False, total=None):
        """Amounts (T, fund, crit, assist, oop) of a hospital stay; exact sum."""
        if oop_target is not None:
            oop = oop_target
            f = 0.12 + 0.16 * rnd()
            rest = int(oop / f) - oop
        else:
            T = total if total is not None else 300000 + int(rnd() * rnd() * 9000000)
            rest = int(T * (0.62 + 0.2 * rnd()))
            oop = T - rest
        fund = int(rest * (0.72 + 0.15 * rnd()))
        rem = rest - fund
        if fragile:
            assist = int(rem * (0.4 + 0.3 * rnd()))
        else:
            assist = 0
        crit = rem - assist
        if fund + crit + assist + oop < 2000000 and not fragile:   # no 大病保险 below 20000
            fund += crit
            crit = 0
        return fund + crit + assist + oop, fund, crit, assist, oop

    def in_period(o):
        return ps <= o <= pe

    def split_income(total, able):
        """Four components (fen) summing exactly to total."""
        w = int(total * ((0.45 + 0.3 * rnd()) if able else (0.12 * rnd())))
        if w < 0:
            w = 0
        if rnd() < 0.04:
            b = -int(rnd() * 300000)
        else:
            b = int(total * (0.08 + 0.25 * rnd()))
        p = int(abs(total) * 0.05 * rnd())
        return w, b, p, total - w - b - p

    def income_row(hid, mon, total, able):
        w, b, p, t = split_income(total, able)
        return "%s,%s,%s,%s,%s,%s\n" % (hid, mon, money(w), money(b), money(p), money(t))

    civil_day = [date(y, m, 15).toordinal() for (y, m) in pmonths]
    before_day = date(*before, 15).toordinal()

    def civil_row(pid, name, aid, change, persons, amount, o):
        B_ci.append("%s,%s,%s,%s,%d,%s,%s\n" % (pid, name, aid, change, persons, money(amount), iso(o)))

    def cadre():
        return name_of(rnd() < 0.6)

    def application(hid, head, o, risks, channel=None):
        if channel is None:
            channel = "农户申报" if rnd() < 0.6 else "干部排查"
        sep = "、" if rnd() < 0.85 else ";"
        note = "，".join(RISK_NOTES[r] for r in risks)
        if rnd() < 0.1:
            note = '"%s,已入户核实"' % note          # RFC 4180 quoted field with a comma
        if channel == "农户申报":
            B_ap.append("%s,%s,%s,%s,%s,%s,%s\n" % (hid, head[0], channel, iso(o), sep.join(risks), "", note))
        else:
            pid = head[0] if rnd() < 0.5 else ""
            B_ap.append("%s,%s,%s,%s,%s,%s,%s\n" % (hid, pid, channel, iso(o), sep.join(risks), cadre(), note))

    def certificate(p, o, change, grade=None):
        g = grade if grade is not None else (0 if rnd() < 0.1 else 1 if rnd() < 0.3 else 2 if rnd() < 0.5 else 3)
        gs = GRADES_CN[g] if rnd() < 0.8 else str(g + 1)
        B_dy.append("%s,%s,%s,%s,%s,%s\n" % (p[0], p[1], DIS_CATS[int(rnd() * len(DIS_CATS))], gs, iso(o), change))

    n_persons = 0
    real = []          # a few real households/heads, for --messy rows that must not be accepted
    cert_lo = date(2012, 1, 1).toordinal()
    cert_len = (pe + 20) - cert_lo

    # ================================================================ households
    for i in range(N):
        edge = EDGE.get(i)
        quiet = edge is not None
        t = bisect(tcum, rnd() * ttot)
        if t >= len(towns):
            t = len(towns) - 1
        v = int(rnd() * nv)
        sq = seqs[t][v]
        if sq > 9999:
            raise SystemExit("gen.py: village overflow; too many households for one county")
        seqs[t][v] = sq + 1
        tcode, tname, vnames = towns[t]
        hid = "%s%s%03d%04d" % (COUNTY, tcode, v + 1, sq)
        vname = vnames[v]

        r = rnd()
        htype = "脱贫户" if r < 0.16 else ("监测户" if r < 0.19 else "一般农户")
        size = bisect(SIZE_CUM, rnd()) + 1
        head_age = 25 + int((rnd() + rnd() + rnd()) / 3.0 * 60)
        head_birth = None
        head_lab = None
        cert_day = None
        if i in T_DISAB:
            head_age = 25 + int(rnd() * 30)
            head_lab = "普通劳动力" if rnd() < 0.7 else "技能劳动力"
        if edge:
            htype = "脱贫户" if edge == "ill_eq" else "一般农户"
            if edge in ("age60", "age61", "age16"):
                cert_day = ps + 10 + int(rnd() * (plen - 20))
                if date.fromordinal(cert_day).month == 2 and date.fromordinal(cert_day).day == 29:
                    cert_day += 1
                cd = date.fromordinal(cert_day)
                if edge == "age60":
                    head_birth = (years_before(cd, 61) + timedelta(days=1)).toordinal()
                elif edge == "age61":
                    head_birth = years_before(cd, 61).toordinal()
                else:
                    head_age = 44
                head_lab = "普通劳动力"
                if edge != "age16":
                    head_age = full_years(head_birth, ref)
                size = max(size, 3 if edge == "age16" else 2)
        male_head = rnd() < 0.86
        surname = SURNAMES[int(rnd() * nsur)]
        if head_birth is None:
            head_birth = birth_for(head_age)
        pid, head_birth = ids.alloc(head_birth, male_head)
        hname = name_of(male_head, surname)
        persons = [[pid, hname, "户主", head_lab or labour_for(head_age), head_age, head_birth]]
        if size >= 2:
            # spouse
            if rnd() < 0.88:
                age = max(20, head_age + int(rnd() * 9) - 4)
                sm = not male_head
                persons.append([None, name_of(sm), "配偶", None, age, None, sm])
            has_father = has_mother = False
            while len(persons) < size:
                r = rnd()
                if r < 0.02:
                    m = rnd() < 0.5
                    age = 10 + int(rnd() * 50)
                    persons.append([None, name_of(m), "其他", None, age, None, m])
                elif head_age < 50 and r < 0.17 and not (has_father and has_mother):
                    m = not has_father
                    if m:
                        has_father = True
                    else:
                        has_mother = True
                    age = min(95, head_age + 21 + int(rnd() * 12))
                    persons.append([None, name_of(m, surname if m else None), "之父" if m else "之母", None, age, None, m])
                elif head_age >= 50 and r > 0.62:
                    if r < 0.72:
                        m = rnd() < 0.3
                        age = max(18, head_age - 22 - int(rnd() * 10))
                        persons.append([None, name_of(m), "之女婿" if m else "之儿媳", None, age, None, m])
                    else:
                        m = rnd() < 0.52
                        age = int(rnd() * min(18, max(1, head_age - 44)))
                        persons.append([None, name_of(m, surname), "之孙子" if m else "之孙女", None, age, None, m])
                else:
                    m = rnd() < 0.52
                    top = head_age - 20
                    if top < 0:
                        top = 0
                    age = top - int(rnd() * 18)
                    if age < 0:
                        age = int(rnd() * (top + 1))
                    persons.append([None, name_of(m, surname), "之子" if m else "之女", None, age, None, m])
            for p in persons[1:]:
                age = p[4]
                if edge == "age16" and p is persons[-1]:
                    b = years_before(date.fromordinal(cert_day), 16).toordinal()
                    p[4] = age = full_years(b, ref)
                    p[3] = "普通劳动力"
                    p[2] = "之子" if p[6] else "之女"
                else:
                    b = birth_for(age)
                    p[3] = labour_for(age)
                p[0], p[5] = ids.alloc(b, p[6])
                del p[6]
        n_persons += len(persons)
        if len(real) < 40 and not quiet and rnd() < 0.5:
            real.append((hid, persons[0][0], persons[0][1]))
        size = len(persons)
        fragile = htype != "一般农户"
        able = any(p[3] in ABLE for p in persons)

        # previous-year income (fen)
        pc = PC_MED[htype] * (1.0 if able else 0.75) * math.exp(gauss(0.0, 0.35))
        if i in T_SURGE:
            pc = 6000.0 + rnd() * 4000.0
        prev = int(pc * size * 100)
        if i in T_ZERO:
            prev = 0
        if edge == "drop_eq":
            prev = 120 * int(pc * size * 100 / 120)
        head = persons[0]

        for p in persons:
            B_ro.append("%s,%s,%s,%s,%s,%s,%s,%s,%s\n" % (hid, tname, vname, htype, p[0], p[1], p[2], p[3], money(prev)))

        # ------------------------------------------------------------ medical
        inp = 0   # in-period out-of-pocket, each settlement once
        if not quiet:
            for p in persons:
                age = p[4]
                q = 0.30 if age < 45 else (0.45 if age < 65 else 0.55)
                if ONE_FILE:
                    q = 2 * q / (1 + q)   # twice the expected settlements: q/(1-q) doubled
                while rnd() < q:
                    o = wstart + int(rnd() * wlen)
                    r = rnd()
                    if r < (0.07 if age >= 60 else 0.035):
                        kind = "住院"
                        T, fund, crit, assist, oop = inpatient(fragile=fragile and rnd() < 0.7)
                        adm = o - 2 - int(rnd() * 12)
                        hosp = HOSP_CITY[int(rnd() * 4)] if rnd() < 0.45 else HOSP_COUNTY[int(rnd() * 4)]
                        a_s, d_s = iso(adm), iso(o)
                    else:
                        if age >= 45 and r < 0.35:
                            kind = "门诊慢特病"
                            T = 20000 + int(rnd() * 280000)
                        else:
                            kind = "普通门诊"
                            T = 5000 + int(rnd() * 75000)
                        fund = int(T * (0.4 + 0.35 * rnd()))
                        assist = int((T - fund) * 0.3 * rnd()) if fragile and rnd() < 0.4 else 0
                        crit = 0
                        oop = T - fund - assist
                        hosp = (tname + "卫生院") if rnd() < 0.45 else HOSP_COUNTY[int(rnd() * 4)]
                        a_s = d_s = ""
                    sid = settle(p[0], p[1], kind, o, T, fund, crit, assist, oop, hosp, "", a_s, d_s)
                    if in_period(o):
                        inp += oop
                    if rnd() < 0.012:   # reversal (冲销), sometimes settled again
                        o2 = o + 1 + int(rnd() * 30)
                        settle(p[0], p[1], kind, o2, -T, -fund, -crit, -assist, -oop, hosp, sid, a_s, d_s)
                        if in_period(o2):
                            inp -= oop
                        if rnd() < 0.5:
                            f = 0.8 + 0.2 * rnd()
                            T2, fund2, assist2 = int(T * f), int(fund * f), int(assist * f)
                            crit2 = int(crit * f)
                            oop2 = T2 - fund2 - crit2 - assist2
                            settle(p[0], p[1], kind, o2, T2, fund2, crit2, assist2, oop2, hosp, "", a_s, d_s)
                            if in_period(o2):
                                inp += oop2
                    elif rnd() < 0.003 and not ONE_FILE:  # the same settlement sent again: count once
                        B_me.append(B_me[-1])

        if i in T_ILL or i in T_SURGE:
            p = persons[int(rnd() * size)]
            o = ps + int(rnd() * plen)
            if i in T_SURGE:
                need = prev + 1000 + int(prev * 0.4 * rnd())
            else:
                bar = 500000 if fragile else 1000000
                need = bar + int(rnd() * bar * 1.5)
            T, fund, crit, assist, oop = inpatient(oop_target=need, fragile=fragile)
            settle(p[0], p[1], "住院", o, T, fund, crit, assist, oop, HOSP_CITY[int(rnd() * 4)], "",
                   iso(o - 3 - int(rnd() * 15)), iso(o))
            inp += oop
        if i in T_REFUND:
            # a stay settled before the period, reversed (refunded) inside it
            p = persons[int(rnd() * size)]
            o = ps - 5 - int(rnd() * 35)
            o2 = ps + int(rnd() * min(40, plen))
            T, fund, crit, assist, oop = inpatient(oop_target=300000 + int(rnd() * 1200000), fragile=fragile)
            hosp = HOSP_COUNTY[int(rnd() * 3)]
            a_s, d_s = iso(o - 6), iso(o)
            sid = settle(p[0], p[1], "住院", o, T, fund, crit, assist, oop, hosp, "", a_s, d_s)
            settle(p[0], p[1], "住院", o2, -T, -fund, -crit, -assist, -oop, hosp, sid, a_s, d_s)
            inp -= oop
        if edge in ("ill_eq", "surge_eq"):
            p = persons[0]
            o = ps + int(rnd() * plen)
            if edge == "ill_eq":
                prev = max(prev, 1600000)
                target = 500000          # exactly the 5000 bar of a 脱贫户
            else:
                prev = max(prev, 1200000)
                target = prev            # rigid == prev: spending_surge must NOT fire
            T, fund, crit, assist, oop = inpatient(oop_target=target, fragile=fragile)
            settle(p[0], p[1], "住院", o, T, fund, crit, assist, oop, HOSP_CITY[0], "", iso(o - 5), iso(o))
            inp += oop
            if edge in ("ill_eq", "surge_eq"):
                # prev was possibly raised: rewrite this household's roster rows
                del B_ro[-size:]
                for q in persons:
                    B_ro.append("%s,%s,%s,%s,%s,%s,%s,%s,%s\n" % (hid, tname, vname, htype, q[0], q[1], q[2], q[3], money(prev)))

        # ------------------------------------------------------------ disaster
        if not quiet:
            mine = None
            for k, ev in enumerate(ev_list):
                if t in ev[4] and rnd() < ev[5]:
                    mine = mine or {}
                    mine[k] = None
            if i in T_DIS:
                mine = mine or {}
                mine[MAIN_EV] = "倒塌" if rnd() < 0.35 else "严重损坏"
            if mine:
                for k, forced in mine.items():
                    ev = ev_list[k]
                    hz = ev[1]
                    if forced:
                        dmg = forced
                    elif hz in ("干旱", "低温冷冻"):
                        dmg = "无" if rnd() < 0.93 else "一般损坏"
                    else:
                        r = rnd()
                        dmg = "无" if r < 0.55 else "一般损坏" if r < 0.85 else "严重损坏" if r < 0.96 else "倒塌"
                    if dmg == "无":
                        loss = 30000 + int(rnd() * 600000)
                    elif dmg == "一般损坏":
                        loss = 200000 + int(rnd() * 1300000)
                    elif dmg == "严重损坏":
                        loss = 1500000 + int(rnd() * 3500000)
                    else:
                        loss = 4000000 + int(rnd() * 8000000)
                    crop = int(rnd() * 120)
                    p = head if rnd() < 0.9 else persons[int(rnd() * size)]
                    rec = "%s,%s,%s,%s,%s,%s,%s,%s,%s,%d.%d,%s\n" % (
                        ev[0], hz, ev[2], iso(ev[3]), p[0], p[1], tname, vname, dmg,
                        crop // 10, crop % 10, money(loss))
                    ev_records[k].append(rec)
                    if rnd() < 0.01 and not ONE_FILE:
                        ev_records[k].append(rec)   # re-sent: same (event, household)

        # ------------------------------------------------------------ income
        if edge in ("drop_eq", "line", "line_t", "near_t", "near_d"):
            scen = "edge"
        elif quiet:
            scen = "full"
        elif i in T_DROP:
            scen = "drop"
        else:
            r = rnd()
            scen = "none" if r < 0.04 else "partial" if r < 0.12 else "drop" if r < 0.15 else "full"
        base = prev / 12.0 if prev > 0 else PC_MED[htype] * size * 100 / 12.0 * (0.6 + 0.4 * rnd())
        if scen == "edge":
            if edge == "drop_eq":
                observed = prev * 7 * months // 120          # projected == 0.7 x prev exactly
            elif edge in ("line", "line_t"):
                observed = 80000 * size * months             # net per capita == 9600.00
            else:
                observed = 96000 * size * months             # net per capita == 11520.00 (1.2 x line)
            if edge != "drop_eq":
                prev = int(observed * 12 / months * (0.85 + 0.3 * rnd()))
                del B_ro[-size:]
                for q in persons:
                    B_ro.append("%s,%s,%s,%s,%s,%s,%s,%s,%s\n" % (hid, tname, vname, htype, q[0], q[1], q[2], q[3], money(prev)))
            each = observed // months
            for j, mon in enumerate(pm_str):
                amt = each if j < months - 1 else observed - each * (months - 1)
                (B_ia if j < half else B_ib).append(income_row(hid, mon, amt, able))
        elif scen != "none":
            factor = (0.25 + 0.43 * rnd()) if scen == "drop" else (0.9 + 0.3 * rnd())
            declared = []
            if scen == "partial" and months > 1:
                declared = [j for j in range(months) if rnd() < 0.55]
                if len(declared) == months:
                    declared.pop(int(rnd() * months))
            else:
                declared = list(range(months))
            if rnd() < 0.25:
                B_ia.append(income_row(hid, before_str, int(base * (0.85 + 0.3 * rnd())), able))
            for j in declared:
                amt = int(base * factor * (0.85 + 0.3 * rnd()))
                (B_ia if j < half else B_ib).append(income_row(hid, pm_str[j], amt, able))
            if declared and rnd() < 0.015 and not ONE_FILE:
                # a correction re-sent later: the last version wins
                j = declared[int(rnd() * len(declared))]
                B_ib.append(income_row(hid, pm_str[j], int(base * factor * (0.85 + 0.3 * rnd())), able))
            if declared and declared[-1] >= half and rnd() < 0.004 and not ONE_FILE:
                # the same month twice within one file: the later row wins
                B_ib.append(income_row(hid, pm_str[declared[-1]], int(base * factor * (0.8 + 0.3 * rnd())), able))

        # ------------------------------------------------------------ civil
        if not quiet:
            r = rnd()
            dibao_p = 0.18 if htype == "脱贫户" else 0.30 if htype == "监测户" else 0.015
            if r < dibao_p or i in T_STOP:
                persons_n = size if rnd() < 0.8 else max(1, size - 1)
                amount = persons_n * 53200
                r2 = rnd()
                mode = "stop" if (i in T_STOP or r2 < 0.07) else "new" if r2 < 0.15 else "on"
                jx = int(rnd() * months)
                if mode != "new":
                    civil_row(head[0], head[1], "低保", "续发", persons_n, amount, before_day)
                for j in range(months):
                    if mode == "stop" and j == jx:
                        civil_row(head[0], head[1], "低保", "停发", persons_n, 0, civil_day[j] + 5)
                        break
                    if mode == "new" and j < jx:
                        continue
                    civil_row(head[0], head[1], "低保", "新增" if (mode == "new" and j == jx) else "续发",
                              persons_n, amount, civil_day[j] - (5 if mode == "new" and j == jx else 0))
            elif size == 1 and head[4] >= 60 and head[3] in ("无劳动力", "丧失劳动力") and rnd() < 0.35:
                amount = 100000 + int(rnd() * 30) * 1000
                stop = rnd() < 0.06
                jx = int(rnd() * months)
                civil_row(head[0], head[1], "特困供养", "续发", 1, amount, before_day)
                for j in range(months):
                    if stop and j == jx:
                        civil_row(head[0], head[1], "特困供养", "停发", 1, 0, civil_day[j] + 3)
                        break
                    civil_row(head[0], head[1], "特困供养", "续发", 1, amount, civil_day[j])
            if rnd() < (0.006 + (0.1 if inp > 800000 else 0.0)):
                o = wstart + int(rnd() * wlen)
                civil_row(head[0], head[1], "临时救助", "新增", size, (5 + int(rnd() * 46)) * 10000, o)
        if i in T_TEMP or edge in ("line_t", "near_t"):
            civil_row(head[0], head[1], "临时救助", "新增", size, (5 + int(rnd() * 46)) * 10000, ps + int(rnd() * plen))

        # ------------------------------------------------------------ disability
        if not quiet:
            for p in persons:
                if rnd() < 0.015:
                    r = rnd()
                    change = "新办" if r < 0.35 else "换领" if r < 0.8 else "注销"
                    o = cert_lo + int(rnd() * cert_len)
                    if o < p[5] + 365:
                        o = p[5] + 365 + int(rnd() * 300)
                    certificate(p, o, change)
                    if change != "注销" and rnd() < 0.4:
                        amt = (15000 if rnd() < 0.5 else 20000)
                        for j in range(months):
                            civil_row(p[0], p[1], "残疾人两项补贴", "续发", 1, amt, civil_day[j])
        if i in T_DISAB:
            o = ps + int(rnd() * plen)
            elig = [p for p in persons if p[3] in ABLE and 16 <= full_years(p[5], o) <= 60]
            certificate(elig[int(rnd() * len(elig))] if elig else head, o, "新办")
        if edge in ("age60", "age61", "age16"):
            p = persons[-1] if edge == "age16" else head
            certificate(p, cert_day, "新办", grade=2)

        # ------------------------------------------------------------ application
        if (not quiet and rnd() < 0.008) or i in T_DECL or edge == "near_d":
            o = ps + int(rnd() * plen) if (i in T_DECL or edge == "near_d" or rnd() < 0.85) else ps - 1 - int(rnd() * 60)
            k = 1 + (rnd() < 0.3)
            application(hid, head, o, rng.sample(RISKS, k), "农户申报" if edge == "near_d" else None)

        if (i & 4095) == 4095:
            flush()

    # ================================================================ unmatched
    # People and households the roster does not know (moved away, data errors):
    # their records must be listed as unmatched, never dropped.
    n_out = max(6, N // 150)
    for k in range(n_out):
        t = int(rnd() * len(towns))
        tcode, tname, vnames = towns[t]
        vcode = nv + 1 + int(rnd() * 20)          # a village code the roster never uses
        hid = "%s%s%03d%04d" % (COUNTY, tcode, vcode, int(rnd() * 3000))
        male = rnd() < 0.6
        age = 20 + int(rnd() * 60)
        pid, b = ids.alloc(birth_for(age), male)
        p = [pid, name_of(male), "户主", "普通劳动力", age, b]
        vname = vnames[int(rnd() * nv)]
        r = k % 6
        if r in (0, 1, 2):
            o = wstart + int(rnd() * wlen)
            T = 5000 + int(rnd() * 75000)
            fund = int(T * 0.6)
            settle(pid, p[1], "普通门诊", o, T, fund, 0, 0, T - fund, tname + "卫生院")
        if r == 1:
            for mon in pm_str:
                (B_ia if mon < pm_str[half - 1] or mon == pm_str[half - 1] else B_ib).append(
                    income_row(hid, mon, 150000 + int(rnd() * 300000), True))
        if r == 2:
            civil_row(pid, p[1], "临时救助", "新增", 2, 200000, ps + int(rnd() * plen))
        if r == 3:
            ev = ev_list[MAIN_EV]
            ev_records[MAIN_EV].append("%s,%s,%s,%s,%s,%s,%s,%s,%s,%d.%d,%s\n" % (
                ev[0], ev[1], ev[2], iso(ev[3]), pid, p[1], tname, vname, "一般损坏", 2, 5, money(560000)))
        if r == 4:
            certificate(p, ps + int(rnd() * plen), "新办")
        if r == 5:
            application(hid, p, ps + int(rnd() * plen), ["因病"], "干部排查")

    flush()
    for k, recs in enumerate(ev_records):
        rows["disaster"] += len(recs)
        fh["disaster"].write("".join(recs))

    # ================================================================ messy
    expected = []
    if messy:
        add_messy(random.Random(seed * 1000003 + 0x6d657373), fh, rows, expected, towns, ps, pe, plen,
                  pm_str, ev_list, dates, ids, real)
    for f in set(fh.values()):
        f.close()

    # deterministic modification times: the export date, income_b after income_a;
    # never in the future (the pipeline only takes files that have settled).
    base_ts = time.mktime((date.fromordinal(pe) + timedelta(days=3)).timetuple()) + 8 * 3600
    now = time.time()
    if base_ts > now - 3600:
        base_ts = now - 3600
    for n, (key, rel, _) in enumerate(files_list()):
        ts = base_ts + n * 60
        os.utime(os.path.join(out, rel), (ts, ts))

    if expect:
        with open(expect, "w", encoding="utf-8", newline="") as f:
            f.write("file,line,field,reason\n")
            for row in expected:
                f.write("%s,%d,%s,%s\n" % row)
    return {"rows": rows, "persons": n_persons, "expected": expected}


def add_messy(rng, fh, rows, expected, towns, ps, pe, plen, pm_str, ev_list, dates, ids, real):
    """Append bad rows of every kind FEEDS.md names.  Each row is bad in exactly
    one field (the one listed in the expectation), so its reason is predictable.
    The good part of every file is left untouched."""
    rnd = rng.random
    iso = dates.iso
    # fresh valid IDs from a separate region code so they never collide with the roster
    ids2 = IdAlloc(dates, region="440823")

    def good_id():
        return ids2.alloc(ps - 9000 - int(rnd() * 12000), rnd() < 0.5)[0]

    def bad_check(pid):
        c = pid[17]
        alt = "0" if c != "0" else "1"
        return pid[:17] + alt

    def sci():
        return "4.40825E+17"

    def bad_birth():
        s = "44082519901332%03d" % int(rnd() * 1000)      # month 13
        return s + check_char(s)

    if not real:
        real.append(("4408250010010000", good_id(), "错误行"))

    def rp():
        """A real roster person (hid, pid, name): accepting a bad row would change results."""
        return real[int(rnd() * len(real))]

    def line_of(key):
        rows[key] += 1
        return rows[key] + 1          # header is line 1

    def put(key, relfile, text, field, reason):
        ln = line_of(key)
        fh[key].write(text + "\n")
        expected.append((relfile, ln, field, reason))

    d_in = iso(ps + int(rnd() * plen))
    hid0 = rp()[0]
    tname = towns[0][1]
    vname = towns[0][2][0]

    # roster: each bad row is a one-row household of its own (no roster conflict)
    R = "roster/roster.csv"

    def rrow(hid, pid, htype="一般农户", lab="普通劳动力", prev="12000.00", rel="户主"):
        return "%s,%s,%s,%s,%s,%s,%s,%s,%s" % (hid, tname, vname, htype, pid, "错误行", rel, lab, prev)
    put("roster", R, rrow("4408250019980001", bad_check(good_id())), "person_id", "id_check_char")
    put("roster", R, rrow("4408250019980002", sci()), "person_id", "id_scientific_notation")
    put("roster", R, rrow("4408250019980003", good_id()[:17]), "person_id", "id_length")
    put("roster", R, rrow("4408250019980004", bad_birth()), "person_id", "id_birth_date")
    put("roster", R, rrow("4.40825001998E+15", good_id()), "household_id", "household_id")
    put("roster", R, rrow("4408250019980006", good_id(), htype="贫困户"), "household_type", "bad_enum")
    put("roster", R, rrow("4408250019980007", good_id(), lab="半劳力"), "labour", "bad_enum")
    put("roster", R, rrow("4408250019980008", good_id(), prev="12.345"), "prev_income", "bad_amount")
    put("roster", R, rrow("4408250019980009", good_id()) + ",多余", "", "field_count")
    put("roster", R, rrow("4408250019980010", good_id()).rsplit(",", 1)[0], "", "field_count")

    # income: real-looking household, rows quarantined before they can replace anything
    for key in ("income_a", "income_b"):
        I = "income/%s.csv" % key
        put(key, I, "%s,%s,1000.00,200.00,0.00,100.00" % (hid0, "2021-13"), "month", "bad_month")
        put(key, I, "%s,%s,1000.005,200.00,0.00,100.00" % (hid0, pm_str[-1]), "wages", "bad_amount")
        put(key, I, "%s,%s,-100.00,200.00,0.00,100.00" % (hid0, pm_str[0]), "wages", "bad_amount")
        put(key, I, "%s,%s,,,," % (hid0, pm_str[0]), "wages", "missing_required")
        put(key, I, "4.40825001001E+15,%s,1000.00,200.00,0.00,100.00" % pm_str[0], "household_id", "household_id")
        put(key, I, "%s,%s,1000.00,200.00,0.00" % (hid0, pm_str[0]), "", "field_count")

    # medical: large amounts in the period, so accepting them would change results
    MD = "medical/medical.csv"
    ctr = [0]

    def mrow(pid, kind="正常", visit="住院", settled=None, amounts=(5000000, 3000000, 500000, 0, 1500000)):
        ctr[0] += 1
        T, f, c, a, o = amounts
        return "JSBAD%012d,%s,,%s,错误行,%s,徐闻县人民医院,,,%s,%s,%s,%s,%s,%s" % (
            ctr[0], kind, pid, visit, settled or d_in, money(T), money(f), money(c), money(a), money(o))
    put("medical", MD, mrow(bad_check(rp()[1])), "person_id", "id_check_char")
    put("medical", MD, mrow(sci()), "person_id", "id_scientific_notation")
    put("medical", MD, mrow(rp()[1], settled="2021-02-30"), "settled", "bad_date")
    put("medical", MD, mrow(rp()[1], settled="2021-5-"), "settled", "bad_date")
    put("medical", MD, mrow(rp()[1], amounts=(5000000, 3000000, 500000, 0, 1500001)), "total", "amounts_do_not_add_up")
    put("medical", MD, mrow(rp()[1], visit="急诊"), "visit_type", "bad_enum")
    put("medical", MD, mrow(rp()[1], kind="退费"), "kind", "bad_enum")
    put("medical", MD, mrow(rp()[1], kind="冲销"), "reverses", "missing_required")
    put("medical", MD, mrow(rp()[1]) + ",", "", "field_count")

    CV = "civil/civil.csv"
    put("civil", CV, "%s,错误行,临时救助,新增,2,3000.00,%s" % (bad_check(rp()[1]), d_in), "person_id", "id_check_char")
    put("civil", CV, "%s,错误行,临时救助,新增,2,3000.00,%s" % (sci(), d_in), "person_id", "id_scientific_notation")
    put("civil", CV, "%s,错误行,五保,新增,2,3000.00,%s" % (rp()[1], d_in), "aid_type", "bad_enum")
    put("civil", CV, "%s,错误行,低保,暂停,2,0.00,%s" % (rp()[1], d_in), "change", "bad_enum")
    put("civil", CV, "%s,错误行,临时救助,新增,两人,3000.00,%s" % (rp()[1], d_in), "persons", "bad_number")
    put("civil", CV, "%s,错误行,临时救助,新增,2,3000.00,2021-13-01" % rp()[1], "date", "bad_date")
    put("civil", CV, "%s,错误行,临时救助,新增,2,3000.00" % rp()[1], "", "field_count")

    DS = "disaster/disaster.csv"
    ev = ev_list[-1]

    def drow(pid, dmg="倒塌", occurred=None, loss="80000.00", hz=None):
        return "%s,%s,%s,%s,%s,错误行,%s,%s,%s,1.0,%s" % (
            ev[0], hz or ev[1], ev[2], occurred or iso(ev[3]), pid, tname, vname, dmg, loss)
    put("disaster", DS, drow(bad_check(rp()[1])), "person_id", "id_check_char")
    put("disaster", DS, drow(sci()), "person_id", "id_scientific_notation")
    put("disaster", DS, drow(rp()[1], dmg="全毁"), "house_damage", "bad_enum")
    put("disaster", DS, drow(rp()[1], hz="海啸"), "hazard", "bad_enum")
    put("disaster", DS, drow(rp()[1], occurred="2021/02/30"), "occurred", "bad_date")
    put("disaster", DS, drow(rp()[1], loss="8万"), "direct_loss", "bad_amount")
    put("disaster", DS, drow(rp()[1]) + ",备注", "", "field_count")

    DB = "disability/disability.csv"
    put("disability", DB, "%s,错误行,肢体,二级,%s,新办" % (bad_check(rp()[1]), d_in), "person_id", "id_check_char")
    put("disability", DB, "%s,错误行,肢体,二级,%s,新办" % (sci(), d_in), "person_id", "id_scientific_notation")
    put("disability", DB, "%s,错误行,肢体,五级,%s,新办" % (rp()[1], d_in), "grade", "bad_enum")
    put("disability", DB, "%s,错误行,肢体,二级,%s,补办" % (rp()[1], d_in), "change", "bad_enum")
    put("disability", DB, "%s,错误行,肢体,二级,2021-04-31,新办" % rp()[1], "issued", "bad_date")
    put("disability", DB, "%s,错误行,肢体,二级,%s" % (rp()[1], d_in), "", "field_count")

    AP = "application/application.csv"
    put("application", AP, "%s,,电话申报,%s,因病,,错误行" % (hid0, d_in), "channel", "bad_enum")
    put("application", AP, "%s,,干部排查,%s,因病,,缺填报人" % (hid0, d_in), "reported_by", "missing_required")
    put("application", AP, "%s,,农户申报,%s,因穷,,错误行" % (hid0, d_in), "risk", "bad_enum")
    put("application", AP, "%s,,农户申报,2021-02-29,因病,,错误行" % hid0, "date", "bad_date")
    put("application", AP, "4.40825001001E+15,,农户申报,%s,因病,,错误行" % d_in, "household_id", "household_id")
    put("application", AP, "%s,%s,农户申报,%s,因病,,错误行" % (hid0, bad_check(rp()[1]), d_in), "person_id", "id_check_char")
    put("application", AP, "%s,,农户申报,%s,因病" % (hid0, d_in), "", "field_count")



# ---------------------------------------------------------------- damaged IDs (RULES.md §11)

DAMAGE_KINDS = ("check_char", "excel_precision", "scientific", "one_digit", "transposed")
# feed: relative file, ID column, name column, date column, a test that the record matters to an alert
DAMAGE_FEEDS = (
    ("medical", "medical/medical.csv", 3, 4, 9, lambda r: r[1] == "正常" and float(r[14]) >= 2000),
    ("civil", "civil/civil.csv", 0, 1, 6, lambda r: r[3] in ("新增", "停发")),
    ("disability", "disability/disability.csv", 0, 1, 4, lambda r: r[5] == "新办"),
    ("disaster", "disaster/disaster.csv", 4, 5, 3, lambda r: r[8] in ("倒塌", "严重损坏") or float(r[10]) >= 5000),
)


def plant_damaged(out, seed, n, ym, expect=None):
    """Damages the ID of n records of the period in place (each kind in turn, over the four person feeds), and
    appends n//2 decoys. The same county without --damaged-ids is the same but for these rows."""
    import csv
    import io
    rng = random.Random(seed * 1000003 + 11)
    Y, M = ym
    first = (Y - 1, 12) if M != 12 else (Y, 12)
    p_from, p_to = "%04d-%02d-01" % first, month_end(Y, M).isoformat()
    roster = {}
    names = set()
    with open(os.path.join(out, "roster/roster.csv"), encoding="utf-8") as f:
        for r in list(csv.reader(f))[1:]:
            roster[r[4]] = (r[0], r[5])
            names.add(r[5])

    def line_of(fields):
        b = io.StringIO()
        csv.writer(b, lineterminator="").writerow(fields)
        return b.getvalue()

    def valid(pid17):
        return pid17 + check_char(pid17)

    def damage(pid, kind, k):
        """The damaged ID, or None when this kind cannot damage this ID without landing on a roster member."""
        if kind == "check_char":
            alt = [c for c in CHK if c != pid[17]]
            return pid[:17] + alt[int(rng.random() * len(alt))]
        if kind == "excel_precision":
            if not pid.isdigit() or pid.endswith("000"):
                return None
            return pid[:15] + "000"
        if kind == "scientific":
            if not pid.isdigit():
                return None
            digits = 12 + int(rng.random() * 4)            # 12..15 significant digits shown
            p = 10 ** (18 - digits)
            q, r = divmod(int(pid), p)
            m = str(q + 1 if 2 * r >= p else q)
            if len(m) != digits:
                return None
            return "%s.%sE+17" % (m[0], m[1:])
        body = list(pid[:17])
        if kind == "one_digit":
            i = int(rng.random() * 17)
            body[i] = str((int(body[i]) + 1 + int(rng.random() * 9)) % 10)
        else:   # transposed
            spots = [i for i in range(16) if body[i] != body[i + 1]]
            i = spots[int(rng.random() * len(spots))]
            body[i], body[i + 1] = body[i + 1], body[i]
        b = "".join(body)
        # every other one keeps its check char (quarantined); the rest get a right one (valid, unmatched)
        return valid(b) if k % 2 else b + pid[17]

    planted = []       # kind, feed, file, line, raw_id, name, true_id, household_id, decoy
    texts = {}
    for feed, rel, ci, ni, di, matters in DAMAGE_FEEDS:
        with open(os.path.join(out, rel), encoding="utf-8", newline="") as f:
            texts[feed] = f.read().split("\n")
    used = set()
    for k in range(n):
        kind = DAMAGE_KINDS[k % len(DAMAGE_KINDS)]
        feed, rel, ci, ni, di, matters = DAMAGE_FEEDS[k % len(DAMAGE_FEEDS)]
        lines = texts[feed]
        eligible = []
        for ln in range(1, len(lines)):
            if not lines[ln] or (feed, ln) in used:
                continue
            r = next(csv.reader([lines[ln]]))
            if r[ci] in roster and p_from <= r[di][:10] <= p_to and matters(r):
                eligible.append((ln, r))
        rng.shuffle(eligible)
        for ln, r in eligible:
            bad = damage(r[ci], kind, k // len(DAMAGE_KINDS))
            if bad is None or bad in roster:
                continue
            used.add((feed, ln))
            planted.append((kind, feed, rel, ln + 1, bad, r[ni], r[ci], roster[r[ci]][0], 0))
            r[ci] = bad
            lines[ln] = line_of(r)
            break
    # decoys: a damaged ID under another name, or two changed digits under the same name - no candidate
    for k in range(n // 2):
        feed, rel, ci, ni, di, matters = DAMAGE_FEEDS[k % len(DAMAGE_FEEDS)]
        lines = texts[feed]
        while True:
            ln = 1 + int(rng.random() * (len(lines) - 1))
            if not lines[ln]:
                continue
            r = next(csv.reader([lines[ln]]))
            if r[ci] in roster and p_from <= r[di][:10] <= p_to:
                break
        pid, name = r[ci], r[ni]
        if k % 2 == 0:
            kind = "decoy_name"
            bad = pid[:17] + [c for c in CHK if c != pid[17]][0]
            name = "欧阳" + name[-1]
            while name in names:
                name = "欧阳" + MALE[int(rng.random() * len(MALE))] + FEMALE[int(rng.random() * len(FEMALE))]
        else:
            kind = "decoy_two_digits"
            while True:
                # the first and last sequence digits: a real date either way, and never one adjacent swap
                i, j = 14, 16
                body = list(pid[:17])
                body[i] = str((int(body[i]) + 1 + int(rng.random() * 9)) % 10)
                body[j] = str((int(body[j]) + 1 + int(rng.random() * 9)) % 10)
                bad = "".join(body) + pid[17]
                if bad not in roster:
                    break
        r[ci], r[ni] = bad, name
        if feed == "medical":
            r[0] = "JSDECOY%05d" % k              # a settlement of its own (the key), never another's
        while lines and lines[-1] == "":
            lines.pop()
        lines.append(line_of(r))
        lines.append("")
        planted.append((kind, feed, rel, len(lines) - 1, bad, name, "", "", 1))
    for feed, rel, ci, ni, di, matters in DAMAGE_FEEDS:
        with open(os.path.join(out, rel), "w", encoding="utf-8", newline="") as f:
            f.write("\n".join(texts[feed]))
    if expect:
        with open(expect, "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["kind", "feed", "file", "line", "raw_id", "name", "true_id", "household_id", "decoy"])
            for p in planted:
                w.writerow(p)


H_EDUCATION = "学生身份证号,学生姓名,学校名称,状态,登记日期"
H_HOUSING = "户主身份证号,户主姓名,鉴定等级,鉴定日期,改造状态"
H_WATER = "户主身份证号,户主姓名,问题类型,状态,登记日期"
BASIC_NEEDS_FILES = [
    ("education/education.csv", "education/education.csv", H_EDUCATION),
    ("housing/housing.csv", "housing/housing.csv", H_HOUSING),
    ("water/water.csv", "water/water.csv", H_WATER),
]
WATER_PROBLEMS = ("水量不足", "水质不达标", "取水不便", "供水保证率低")
SCHOOLS = ("徐闻县第一中学", "锦和镇中心小学", "下洋镇中学", "曲界镇中心小学", "迈陈镇第二中学")


PRIOR_INCOME_FILE = "income/income_prior.csv"


def plant_prior_income(out, seed, ym, from_ym):
    """Writes income/income_prior.csv (RULES.md 12's rolling period): for every household that declared some
    income in the files already written, one declaration a month from `from_ym` up to the month before the
    earliest month those files hold, skipping a month the household already declared.  Each household's earlier
    months are its later monthly mean times a factor of its own: a third earned much more before (2.0-3.0), a
    third much less (0.3-0.6), the rest about the same (0.9-1.1); so the rolling twelve months and the plan's
    period give other figures, and other alerts.  From a generator of its own; the file's mtime is before the
    other income files' (a version they re-send wins).  Returns its number of rows."""
    import csv
    rng = random.Random(seed * 1000003 + 0x7072696F)
    rnd = rng.random
    declared = {}       # household_id -> {month: total fen}, in file order
    for rel in ("income/income_a.csv", "income/income_b.csv", "income/income.csv"):
        if not os.path.exists(os.path.join(out, rel)):
            continue                            # --one-file-per-feed writes income.csv alone
        with open(os.path.join(out, rel), encoding="utf-8") as f:
            for r in list(csv.reader(f))[1:]:
                try:
                    total = sum(int(round(float(v) * 100)) for v in r[2:6])
                except ValueError:
                    continue                    # a --messy row: not run back from
                if len(r) == 6 and len(r[1]) == 7:
                    declared.setdefault(r[0], {})[r[1]] = total
    if not declared:
        raise SystemExit("gen.py: --income-from: no income written to run back from")
    first = min(m for months in declared.values() for m in months)
    fy, fm = parse_month(first)
    y, m = from_ym
    months = []
    while (y, m) < (fy, fm):
        months.append("%04d-%02d" % (y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    if not months:
        raise SystemExit("gen.py: --income-from %04d-%02d is not before %s" % (from_ym + (first,)))
    rows = 0
    path = os.path.join(out, PRIOR_INCOME_FILE)
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(H_INCOME + "\n")
        for hid, by_month in declared.items():
            mean = sum(by_month.values()) // len(by_month)
            r = rnd()
            factor = 2.0 + rnd() if r < 1 / 3 else 0.3 + 0.3 * rnd() if r < 2 / 3 else 0.9 + 0.2 * rnd()
            for mon in months:
                if mon in by_month:
                    continue
                total = int(mean * factor)
                wage = total * 7 // 10
                f.write("%s,%s,%s,%s,%s,%s\n" % (hid, mon, money(wage), money(total - wage), money(0), money(0)))
                rows += 1
    ts = min(os.path.getmtime(os.path.join(out, "income", n)) for n in os.listdir(os.path.join(out, "income"))
             if n != os.path.basename(PRIOR_INCOME_FILE)) - 600
    os.utime(path, (ts, ts))
    return rows


def plant_basic_needs(out, seed, ym):
    """Writes education, housing and water (RULES.md 12) for the roster already written, from a generator of
    their own (the other feeds do not change).  Besides random records, it plants the triggers' edges: pupils
    exactly 5, 6, 16 and 17 on the record date, a 复学 on the dropout's day, one after the period end, records
    after the period end, a C rating superseded by an A, 已改造, 改造中, a rating spelled `C级`, a water problem
    solved later, two problem types of which one is solved, and re-sends (a later version of a record, naming
    another member of the household) that must win.  Returns (file, rows) per file."""
    import csv
    rng = random.Random(seed * 1000003 + 0x62617369)
    rnd = rng.random
    Y, M = ym
    first = date(Y - 1, 12, 1) if M != 12 else date(Y, 12, 1)
    last = month_end(Y, M)
    households = {}     # household_id -> [(person_id, name, relation)], in roster order
    with open(os.path.join(out, "roster/roster.csv"), encoding="utf-8") as f:
        for r in list(csv.reader(f))[1:]:
            households.setdefault(r[0], []).append((r[4], r[5], r[6]))

    def birth(pid):
        return date(int(pid[6:10]), int(pid[10:12]), int(pid[12:14]))

    def years_after(d, n):
        try:
            return d.replace(year=d.year + n)
        except ValueError:                      # 29 February: the birthday is 1 March in a common year
            return date(d.year + n, 3, 1)

    def day(lo, hi):
        return date.fromordinal(lo.toordinal() + int(rnd() * (hi.toordinal() - lo.toordinal() + 1)))

    edu, hou, wat = [], [], []
    used = set()
    # the schooling edges: (age at the record date, record on the birthday or the day before it)
    for age, before in ((6, False), (16, False), (6, True), (17, True), (17, False)):
        for hid, members in households.items():
            if hid in used:
                continue
            hit = None
            for pid, name, rel in members:
                b = years_after(birth(pid), age) - timedelta(days=1 if before else 0)
                if first <= b <= last:
                    hit = (pid, name, b)
                    break
            if hit:
                used.add(hid)
                edu.append([hit[0], hit[1], SCHOOLS[int(rnd() * len(SCHOOLS))], "辍学", hit[2].isoformat()])
                break
    hids = [h for h in households if h not in used]
    for hid in hids:
        members = households[hid]
        kids = [(pid, name) for pid, name, rel in members if 4 <= (last - birth(pid)).days // 365 <= 18]
        if kids and rnd() < 0.08:
            pid, name = kids[int(rnd() * len(kids))]
            d = day(first - timedelta(days=60), last + timedelta(days=30))
            school = SCHOOLS[int(rnd() * len(SCHOOLS))]
            edu.append([pid, name, school, "疑似辍学" if rnd() < 0.5 else "辍学", d.isoformat()])
            u = rnd()
            if u < 0.2:       # back on the same day (counts)
                edu.append([pid, name, school, "复学", d.isoformat()])
            elif u < 0.4:     # back later, within the period or after it
                edu.append([pid, name, school, "复学", (d + timedelta(days=1 + int(rnd() * 90))).isoformat()])
            elif u < 0.5:     # back before it left again (does not count)
                edu.append([pid, name, school, "复学", (d - timedelta(days=1 + int(rnd() * 60))).isoformat()])
        head = members[0]
        if rnd() < 0.08:
            dates = sorted({day(first - timedelta(days=400), last + timedelta(days=40)) for _ in range(1 + int(rnd() * 3))})
            for d in dates:
                rating = "ABCD"[min(3, int(rnd() * 5))]
                spelled = rating + "级" if rnd() < 0.3 else rating
                renov = ("未改造", "改造中", "已改造")[int(rnd() * 3)]
                pid, name, _ = members[int(rnd() * len(members))]
                hou.append([pid, name, spelled, d.isoformat(), renov])
            if rnd() < 0.3:   # re-sent later, naming another member, with another state: the later wins
                pid, name, _ = members[int(rnd() * len(members))]
                r = hou[-1]
                hou.append([pid, name, r[2], r[3], "已改造" if r[4] != "已改造" else "未改造"])
        if rnd() < 0.08:
            for problem in rng.sample(WATER_PROBLEMS, 1 + int(rnd() * 2)):
                d = day(first - timedelta(days=300), last + timedelta(days=20))
                pid, name, _ = members[int(rnd() * len(members))]
                wat.append([pid, name, problem, "未解决", d.isoformat()])
                if rnd() < 0.5:
                    d2 = d + timedelta(days=int(rnd() * 120))
                    wat.append([head[0], head[1], problem, "已解决", d2.isoformat()])
                if rnd() < 0.15:   # the same record re-sent solved: the later version wins
                    wat.append([head[0], head[1], problem, "已解决", d.isoformat()])
    files = []
    for (rel, _, header), rows in zip(BASIC_NEEDS_FILES, (edu, hou, wat)):
        os.makedirs(os.path.dirname(os.path.join(out, rel)), exist_ok=True)
        with open(os.path.join(out, rel), "w", encoding="utf-8", newline="") as f:
            f.write(header + "\n")
            w = csv.writer(f, lineterminator="\n")
            w.writerows(rows)
        files.append((rel, len(rows)))
    return files


if __name__ == "__main__":
    main()
