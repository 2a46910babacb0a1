"""A made-up department whose every figure is consistent by construction, with printed rounding.

All money is generated in integer 分 (the budget system's own precision); every total is derived from its
parts exactly; only then is each table printed in its own unit (元 with two decimals, or 万元 rounded 四舍五入 to
0.01). So a 万元 total may differ from the sum of its printed parts — by legitimate 尾差 only — and a checker
that reports anything but 尾差 on a clean department is wrong.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from budget_xl.model import TOTAL_KEY, Budget, Row, Table
from budget_xl.schema import Schema
from budget_xl.units import WAN, YUAN

CENTS_PER_WAN = 1_000_000

# 款 names of the classes a department commonly spends in; other 款 get a generic name
KUAN_NAMES = {
    "201": ["人大事务", "政协事务", "政府办公厅（室）及相关机构事务", "发展与改革事务", "统计信息事务", "财政事务",
            "税收事务", "审计事务", "人力资源事务", "纪检监察事务", "商贸事务", "知识产权事务"],
    "204": ["武装警察部队", "公安", "国家安全", "检察", "法院", "司法", "监狱", "强制隔离戒毒"],
    "205": ["教育管理事务", "普通教育", "职业教育", "成人教育", "广播电视教育", "留学教育", "特殊教育", "进修及培训"],
    "206": ["科学技术管理事务", "基础研究", "应用研究", "技术研究与开发", "科技条件与服务", "社会科学"],
    "207": ["文化和旅游", "文物", "体育", "新闻出版电影", "广播电视"],
    "208": ["人力资源和社会保障管理事务", "民政管理事务", "行政事业单位养老支出", "企业改革补助", "就业补助",
            "抚恤", "退役安置", "社会福利"],
    "210": ["卫生健康管理事务", "公立医院", "基层医疗卫生机构", "公共卫生", "中医药", "计划生育事务",
            "行政事业单位医疗"],
    "211": ["环境保护管理事务", "环境监测与监察", "污染防治", "自然生态保护", "天然林保护"],
    "212": ["城乡社区管理事务", "城乡社区规划与管理", "城乡社区公共设施", "城乡社区环境卫生", "建设市场管理与监督"],
    "213": ["农业农村", "林业和草原", "水利", "巩固脱贫攻坚成果衔接乡村振兴", "农村综合改革"],
    "214": ["公路水路运输", "铁路运输", "民用航空运输", "邮政业支出"],
    "221": ["保障性安居工程支出", "住房改革支出", "城乡社区住宅"],
}
# fixed 款 every department pays from: pensions, medical insurance, housing fund (basic spending)
COMMON_KUAN = [("208", "20805", "行政事业单位养老支出", [("2080505", "机关事业单位基本养老保险缴费支出"),
                                                        ("2080506", "机关事业单位职业年金缴费支出")]),
               ("210", "21011", "行政事业单位医疗", [("2101101", "行政单位医疗"), ("2101102", "事业单位医疗")]),
               ("221", "22102", "住房改革支出", [("2210201", "住房公积金"), ("2210203", "购房补贴")])]

PERSON_ECON = {"301": ("工资福利支出", [("30101", "基本工资"), ("30102", "津贴补贴"), ("30103", "奖金"),
                                          ("30107", "绩效工资"), ("30108", "机关事业单位基本养老保险缴费"),
                                          ("30109", "职业年金缴费"), ("30110", "职工基本医疗保险缴费"),
                                          ("30112", "其他社会保障缴费"), ("30113", "住房公积金"),
                                          ("30199", "其他工资福利支出")]),
               "303": ("对个人和家庭的补助", [("30302", "退休费"), ("30305", "生活补助"), ("30309", "奖励金"),
                                             ("30399", "其他对个人和家庭的补助")])}
PUBLIC_ECON = ("302", "商品和服务支出", [("30201", "办公费"), ("30202", "印刷费"), ("30205", "水费"), ("30206", "电费"),
                                        ("30207", "邮电费"), ("30208", "取暖费"), ("30211", "差旅费"),
                                        ("30213", "维修（护）费"), ("30215", "会议费"), ("30216", "培训费"),
                                        ("30217", "公务接待费"), ("30228", "工会经费"), ("30229", "福利费"),
                                        ("30231", "公务用车运行维护费"), ("30239", "其他交通费用"),
                                        ("30299", "其他商品和服务支出")])
DEPT_STEMS = ["司法局", "教育局", "卫生健康委员会", "民政局", "财政局", "审计局", "统计局", "农业农村局", "水利局",
              "交通运输局", "住房和城乡建设局", "生态环境局", "文化广电和旅游局", "科学技术局", "人力资源和社会保障局",
              "市场监督管理局", "应急管理局", "自然资源和规划局", "商务局", "医疗保障局", "退役军人事务局", "体育局"]
PLACES = ["承德市", "保定市", "邯郸市", "唐山市", "沧州市", "廊坊市", "衡水市", "邢台市", "张家口市", "秦皇岛市",
          "石家庄市", "定州市", "辛集市", "雄安新区"]
PROJECT_WORDS = ["运转保障", "专项业务", "信息化建设", "设备购置", "维修改造", "宣传培训", "课题研究", "监督检查",
                 "应急保障", "服务外包", "数据治理", "基础设施运维", "绩效评价", "人才培养", "安全生产"]


def split(total: int, weights: list[float]) -> list[int]:
    """``total`` 分 shared by ``weights``, exactly (largest remainder), so the parts add up to the total."""
    if not weights:
        return []
    s = sum(weights) or 1.0
    raw = [total * w / s for w in weights]
    parts = [math.floor(x) for x in raw]
    rest = total - sum(parts)
    for i in sorted(range(len(raw)), key=lambda i: raw[i] - parts[i], reverse=True)[:rest]:
        parts[i] += 1
    return parts


def printed(cents: int | None, unit: str) -> Decimal | None:
    """A figure as the table prints it: blank for zero, 元 to the 分, 万元 四舍五入 to 0.01."""
    if not cents:
        return None
    if unit == YUAN:
        return Decimal(cents) / 100
    return (Decimal(cents) / CENTS_PER_WAN).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass
class Leaf:
    """One 项 (7-digit 功能科目) and the money on it, in 分."""

    code: str
    name: str
    kind: str  # "gen" | "fund" | "soe": which 财政拨款 pays its fiscal part
    basic_fiscal: int = 0
    project_fiscal: int = 0
    basic_other: int = 0  # 非财政 money (单位资金, 财政专户)
    project_other: int = 0
    oper: int = 0  # 经营支出, always 单位资金
    carry_fiscal: int = 0  # part of project_fiscal paid from 上年财政拨款结转
    carry_other: int = 0  # part of project_other paid from 上年单位资金结转
    income: dict[str, int] = field(default_factory=dict)  # 本年 非财政 income by T2 column

    @property
    def basic(self) -> int:
        return self.basic_fiscal + self.basic_other

    @property
    def project(self) -> int:
        return self.project_fiscal + self.project_other

    @property
    def total(self) -> int:
        return self.basic + self.project + self.oper


@dataclass
class Project:
    code: str
    name: str
    func_code: str
    fiscal: int
    other: int

    @property
    def budget(self) -> int:
        return self.fiscal + self.other


@dataclass
class Department:
    name: str
    code: str
    year: int
    units: dict[str, str]
    leaves: list[Leaf]
    names: dict[str, str]  # 类/款/项 code → name
    econ: dict[str, tuple[str, int, int]]  # 5-digit 经济科目 → (name, person, public)
    econ_names: dict[str, str]
    projects: list[Project]
    sangong: dict[str, int]
    assets: dict[str, tuple[Decimal | None, int]]
    procurement: list[dict]
    orgs: list[dict]
    prior: dict[str, int]


def _size(rng: random.Random) -> int:
    """Number of 项 rows: most departments are small, a few very large (up to ~220 项 ≈ 300 rows)."""
    return int(math.exp(rng.uniform(math.log(4), math.log(220))))


def _money(rng: random.Random, lo_yuan: float, hi_yuan: float) -> int:
    return int(math.exp(rng.uniform(math.log(lo_yuan), math.log(hi_yuan))) * 100)


def _func_tree(rng: random.Random, n_leaves: int, classes: list[tuple[str, str]]) -> tuple[list[tuple[str, str]], dict]:
    """(code, name) of every 项, plus names of every 类 and 款; the pension/medical/housing 项 always present."""
    names: dict[str, str] = dict(classes)
    leaves: list[tuple[str, str]] = []
    for _cls, kuan, kuan_name, items in COMMON_KUAN:
        names[kuan] = kuan_name
        leaves += items
    main = [c for c, _ in classes if c in KUAN_NAMES and c not in ("208", "210", "221")]
    pool = [c for c, _ in classes if c not in ("往来", "223", "227", "230", "231", "232", "233", "234")]
    home = rng.choice(main)
    chosen = [home] + rng.sample([c for c in pool if c != home], k=min(len(pool) - 1, max(0, n_leaves // 40)))
    used_kuan = {k for _, k, _, _ in COMMON_KUAN}
    want = max(n_leaves - len(leaves), 1)
    while want > 0:
        cls = chosen[0] if rng.random() < 0.5 or len(chosen) == 1 else rng.choice(chosen)
        known = KUAN_NAMES.get(cls, [])
        free = [i for i in range(1, 100) if f"{cls}{i:02d}" not in used_kuan]
        if not free:
            chosen = [c for c in chosen if c != cls] or [rng.choice(pool)]
            continue
        idx = free[0] if rng.random() < 0.7 else rng.choice(free)
        kuan = f"{cls}{idx:02d}"
        used_kuan.add(kuan)
        kname = known[idx - 1] if idx - 1 < len(known) else f"{names[cls].removesuffix('支出')}事务{idx:02d}"
        names[kuan] = kname
        n_items = min(want, rng.randint(1, 8) if n_leaves < 1000 else rng.randint(20, 60))
        suffixes = ["01", "02", "03"] + [f"{i:02d}" for i in range(4, 50)] + ["50"] + [f"{i:02d}" for i in range(51, 99)]
        picked = suffixes[: max(0, n_items - 1)] + ["99"]
        for s in sorted(picked):
            name = {"01": "行政运行", "02": "一般行政管理事务", "03": "机关服务", "50": "事业运行",
                    "99": f"其他{kname}支出"}.get(s, f"{kname}专项业务{s}")
            leaves.append((f"{kuan}{s}", name))
        want -= len(picked)
    for code, name in leaves:
        names[code] = name
        names.setdefault(code[:3], dict(classes)[code[:3]])
    return leaves, names


def make_department(rng: random.Random, schema: Schema, leaves_wanted: int | None = None,
                    max_projects: int = 100) -> Department:
    classes = list(schema.func_classes)
    n_leaves = leaves_wanted or _size(rng)
    leaf_codes, names = _func_tree(rng, n_leaves, classes)
    year = rng.choice([2023, 2024, 2025])
    has_fund, has_soe = rng.random() < 0.25, rng.random() < 0.08
    has_unit_funds, has_carry = rng.random() < 0.4, rng.random() < 0.6
    # projects sit on the 项 that are not 行政运行/事业运行/pension-type; at most max_projects of them
    project_able = [c for c, _ in leaf_codes if c[-2:] not in ("01", "50") and c[:5] not in ("20805", "21011", "22102")]
    n_proj_leaves = min(len(project_able), max(1, int(max_projects * rng.uniform(0.3, 0.9))))
    proj_leaf_codes = set(rng.sample(project_able, k=n_proj_leaves)) if project_able else set()
    leaves: list[Leaf] = []
    for code, name in leaf_codes:
        kind = "gen"
        if has_fund and code in proj_leaf_codes and rng.random() < 0.15:
            kind = "fund"
        elif has_soe and code in proj_leaf_codes and rng.random() < 0.08:
            kind = "soe"
        leaf = Leaf(code=code, name=name, kind=kind)
        if code in proj_leaf_codes:
            leaf.project_fiscal = _money(rng, 2_000, 3_000_000)
            if has_unit_funds and rng.random() < 0.3:
                leaf.project_other = _money(rng, 1_000, 500_000)
            if has_carry and rng.random() < 0.25:
                leaf.carry_fiscal = int(leaf.project_fiscal * rng.uniform(0.1, 1.0))
            if leaf.project_other and rng.random() < 0.3:
                leaf.carry_other = int(leaf.project_other * rng.uniform(0.1, 1.0))
        else:
            leaf.basic_fiscal = _money(rng, 5_000, 8_000_000)
            if has_unit_funds and rng.random() < 0.4:
                leaf.basic_other = _money(rng, 1_000, 1_000_000)
            if has_unit_funds and rng.random() < 0.05:
                leaf.oper = _money(rng, 1_000, 300_000)
        other_income = leaf.basic_other + leaf.project_other + leaf.oper - leaf.carry_other
        cols = ["spec", "biz", "oper", "upper", "other"]
        weights = [rng.choice([0, 0, 1, 3]) for _ in cols]
        if not any(weights):
            weights[1] = 1
        leaf.income = dict(zip(cols, split(other_income, weights)))
        leaves.append(leaf)
    leaves.sort(key=lambda x: x.code)

    projects: list[Project] = []
    serial = rng.randint(100, 900)
    region = rng.randint(110000, 659000)
    left = sum(1 for x in leaves if x.project)
    for leaf in leaves:
        if not leaf.project:
            continue
        left -= 1
        n = max(1, min(rng.choice([1, 1, 1, 2, 3]), max_projects - len(projects) - left))
        w = [rng.uniform(0.5, 2) for _ in range(n)]
        for fiscal, other in zip(split(leaf.project_fiscal, w), split(leaf.project_other, w)):
            serial += rng.randint(1, 40)
            yy = (year - 1) % 100 if leaf.carry_fiscal and rng.random() < 0.5 else year % 100
            code = f"{region}{yy:02d}P{serial:08d}{rng.choice('ABCDEFGHJKLMNPQRSTUVWXYZ0123456789')}"
            projects.append(Project(code=code, name=f"{names[leaf.code[:5]]}{rng.choice(PROJECT_WORDS)}",
                                    func_code=leaf.code, fiscal=fiscal, other=other))

    gen_basic = sum(x.basic_fiscal for x in leaves if x.kind == "gen")
    person, public = split(gen_basic, [rng.uniform(0.7, 0.9), rng.uniform(0.1, 0.3)])
    p301, p303 = split(person, [rng.uniform(0.85, 0.97), rng.uniform(0.03, 0.15)])
    econ: dict[str, tuple[str, int, int]] = {}
    econ_names = {"301": PERSON_ECON["301"][0], "303": PERSON_ECON["303"][0], "302": PUBLIC_ECON[1]}
    for cls, amount, is_person in (("301", p301, True), ("303", p303, True), ("302", public, False)):
        items = PERSON_ECON[cls][1] if is_person else PUBLIC_ECON[2]
        items = [it for i, it in enumerate(items) if i == 0 or it[0] in ("30217", "30231") or rng.random() < 0.7]
        for (code, name), part in zip(items, split(amount, [rng.uniform(0.2, 3) for _ in items])):
            econ[code] = (name, part if is_person else 0, 0 if is_person else part)
            econ_names[code] = name
    recep = econ.get("30217", ("", 0, 0))[2]
    car_run = econ.get("30231", ("", 0, 0))[2]
    sangong = {"abroad_other": _money(rng, 5_000, 200_000) if rng.random() < 0.2 else 0,
               "car_buy": _money(rng, 100_000, 400_000) if rng.random() < 0.1 else 0,
               "car_run": car_run + (_money(rng, 1_000, 50_000) if rng.random() < 0.3 else 0),
               "recep": recep + (_money(rng, 500, 20_000) if rng.random() < 0.2 else 0)}

    house_v, car_v, equip_v, other_v = (_money(rng, 1e5, 5e7), _money(rng, 5e4, 2e6), _money(rng, 2e5, 5e6) if
                                        rng.random() < 0.5 else 0, _money(rng, 1e4, 2e7))
    house_area = Decimal(rng.randint(200, 30000))
    assets = {"house": (house_area, house_v),
              "office": (Decimal(int(house_area * Decimal(rng.uniform(0.2, 0.8)))), int(house_v * rng.uniform(0.1, 0.6))),
              "car": (Decimal(rng.randint(1, 40)), car_v), "equip": (Decimal(rng.randint(1, 20)) if equip_v else None, equip_v),
              "other": (Decimal(rng.randint(50, 9000)), other_v)}
    assets["total"] = (None, house_v + car_v + equip_v + other_v)

    procurement = []
    if rng.random() < 0.5 and projects:
        for _ in range(rng.randint(1, 5)):
            p = rng.choice(projects)
            qty = rng.randint(1, 30)
            price = _money(rng, 200, 100_000)
            total = qty * price
            procurement.append({"proj_name": p.name, "proj_fund": p.budget, "item": rng.choice(
                ["台式计算机", "复印机", "办公桌椅", "服务器", "执法记录仪", "空调", "打印设备"]), "catalog": f"A0{rng.randint(1, 9)}",
                "measure": "台", "qty": qty, "price": price, "total": total, "gen": total,
                "sme": int(total * rng.choice([0, 0.3, 0.4]))})

    stem = rng.choice(DEPT_STEMS)
    place = rng.choice(PLACES)
    orgs = [{"name": f"{place}{stem}本级", "nature": "行政", "level": "正处（县）级", "funding": "财政拨款"}]
    for i in range(rng.randint(0, 4)):
        orgs.append({"name": f"{place}{stem}所属{['服务中心', '监测站', '执法大队', '信息中心', '培训中心'][i]}",
                     "nature": "参公", "level": "正科级", "funding": "财政拨款"})

    unit_style = rng.choice(["wan", "wan", "yuan", "mixed"])
    units = {}
    for key in ("T1", "T2", "T3", "T4", "T5", "T6", "T7", "T8", "T9", "PROJ", "PROC", "ASSET"):
        if unit_style == "wan":
            units[key] = WAN
        elif unit_style == "yuan":
            units[key] = YUAN if key in ("T1", "T2", "T3", "T4", "T5", "T6", "T7", "T8") else WAN
        else:
            units[key] = rng.choice([WAN, YUAN])
    basic_total = sum(x.basic for x in leaves)
    project_total = sum(x.project for x in leaves)
    prior = {"person": int(person * rng.uniform(0.9, 1.1)), "public": int(public * rng.uniform(0.9, 1.1)),
             "project": int(project_total * rng.uniform(0.7, 1.3)), "abroad": 0,
             "car_buy": 0, "car_run": int(sangong["car_run"] * rng.uniform(0.8, 1.2)),
             "recep": int(sangong["recep"] * rng.uniform(0.8, 1.2)), "opex": 0}
    prior["basic"] = prior["person"] + prior["public"] + (basic_total - gen_basic)
    prior["person"] += basic_total - gen_basic
    prior["total"] = prior["basic"] + prior["project"]
    prior["car"] = prior["car_buy"] + prior["car_run"]
    prior["sangong"] = prior["abroad"] + prior["car"] + prior["recep"]
    prior["opex"] = prior["public"]
    return Department(name=f"{place}{stem}", code=str(rng.randint(100, 999)), year=year, units=units, leaves=leaves,
                      names=names, econ=econ, econ_names=econ_names, projects=projects, sangong=sangong,
                      assets=assets, procurement=procurement, orgs=orgs, prior=prior)


# -- the department as a Budget (what the writer prints) ------------------------------------------------------
def _coded_rows(columns: list[str], leaves: list[tuple[str, dict[str, int]]], names: dict[str, str],
                unit: str) -> list[Row]:
    """合计, then 类, 款, 项 in code order; every parent is the exact sum of its children, printed rounded."""
    sums: dict[str, dict[str, int]] = {}
    for code, amounts in leaves:
        for key in (TOTAL_KEY, code[:3], code[:5], code) if len(code) == 7 else (TOTAL_KEY, code[:3], code):
            acc = sums.setdefault(key, dict.fromkeys(columns, 0))
            for c in columns:
                acc[c] += amounts.get(c, 0)
    rows = [Row(key=TOTAL_KEY, values={"code": None, "name": "合计",
                                      **{c: printed(sums[TOTAL_KEY][c], unit) for c in columns}})]
    for code in sorted(k for k in sums if k != TOTAL_KEY):
        rows.append(Row(key=code, values={"code": code, "name": names[code],
                                          **{c: printed(sums[code][c], unit) for c in columns}}))
    return rows


def _class_sums(leaves: list[Leaf], pick) -> dict[str, int]:
    out: dict[str, int] = {}
    for x in leaves:
        out[x.code[:3]] = out.get(x.code[:3], 0) + pick(x)
    return out


def to_budget(d: Department, schema: Schema) -> Budget:
    """The department printed table by table, each in its own unit."""
    u = d.units
    tables: dict[str, Table] = {lay.key: Table(layout=lay, unit=lay.unit or u.get(lay.key, WAN)) for lay in schema.layouts}

    def put(key: str, rows: list[Row], notes: list[str] = ()) -> None:
        tables[key].rows = rows
        tables[key].notes = [(n, None) for n in notes]

    leaves = d.leaves
    t2 = []
    for x in leaves:
        carry = x.carry_fiscal + x.carry_other
        fin = x.basic_fiscal + x.project_fiscal - x.carry_fiscal
        cols = {"fin": fin, **x.income, "carry": carry}
        cols["sub"] = x.total - carry
        cols["total"] = x.total
        t2.append((x.code, cols))
    put("T2", _coded_rows(["total", "sub", "fin", "spec", "biz", "oper", "upper", "affil", "other", "carry"], t2, d.names, u["T2"]))
    t3 = [(x.code, {"total": x.total, "basic": x.basic, "project": x.project, "oper": x.oper}) for x in leaves]
    put("T3", _coded_rows(["total", "basic", "project", "oper", "upper", "affil"], t3, d.names, u["T3"]))
    for key, kind in (("T5", "gen"), ("T7", "fund"), ("T8", "soe")):
        mine = [(x.code, {"total": x.basic_fiscal + x.project_fiscal, "basic": x.basic_fiscal, "project": x.project_fiscal})
                for x in leaves if x.kind == kind]
        if mine:
            put(key, _coded_rows(["total", "basic", "project"], mine, d.names, u[key]))
        else:
            put(key, [], [tables[key].layout.empty_note])
    econ_leaves = [(code, {"total": p + q, "person": p, "public": q}) for code, (_, p, q) in d.econ.items()]
    put("T6", _coded_rows(["total", "person", "public"], econ_leaves, d.econ_names, u["T6"]))

    # T1 and T4: income by source, spending by class
    fiscal = {k: sum(x.basic_fiscal + x.project_fiscal for x in leaves if x.kind == k) for k in ("gen", "fund", "soe")}
    carry_f = {k: sum(x.carry_fiscal for x in leaves if x.kind == k) for k in ("gen", "fund", "soe")}
    this_year = {k: fiscal[k] - carry_f[k] for k in fiscal}
    spec = sum(x.income.get("spec", 0) for x in leaves)
    unit_funds = sum(sum(v for c, v in x.income.items() if c != "spec") for x in leaves)
    carry_all = sum(x.carry_fiscal + x.carry_other for x in leaves)
    in_total = sum(this_year.values()) + spec + unit_funds
    total_all = sum(x.total for x in leaves)
    assert in_total + carry_all == total_all
    lay1 = tables["T1"].layout
    t1_in = {"gen": this_year["gen"], "fund": this_year["fund"], "soe": this_year["soe"], "special": spec,
             "unit": unit_funds, "in_total": in_total, "carry": carry_all, "in_grand": total_all}
    by_class = _class_sums(leaves, lambda x: x.total)
    t1_out = {**by_class, "out_total": total_all, "carry_out": 0, "out_grand": total_all}
    rows = []
    for side in lay1.sides:
        values = t1_in if side.name == "in" else t1_out
        amount = "in_amount" if side.name == "in" else "out_amount"
        for r in side.rows:
            rows.append(Row(key=r.key, side=side.name, values={side.label: r.label, amount: printed(values.get(r.key, 0), u["T1"])}))
    put("T1", rows)

    fiscal_total = sum(fiscal.values())
    t4_in = {**this_year, "in_total": sum(this_year.values()), "carry": sum(carry_f.values()),
             "carry_gen": carry_f["gen"], "carry_fund": carry_f["fund"], "carry_soe": carry_f["soe"], "in_grand": fiscal_total}
    cls_kind = {k: _class_sums([x for x in leaves if x.kind == k], lambda x: x.basic_fiscal + x.project_fiscal)
                for k in ("gen", "fund", "soe")}
    rows = []
    for side in tables["T4"].layout.sides:
        for r in side.rows:
            if side.name == "in":
                rows.append(Row(key=r.key, side="in", values={"in_item": r.label, "in_amount": printed(t4_in.get(r.key, 0), u["T4"])}))
                continue
            if r.key in ("out_total", "out_grand"):
                per = dict(fiscal)
            elif r.key == "carry_out":
                per = {"gen": 0, "fund": 0, "soe": 0}
            else:
                per = {k: cls_kind[k].get(r.key, 0) for k in ("gen", "fund", "soe")}
            values = {"out_item": r.label, "total": printed(sum(per.values()), u["T4"]),
                      **{k: printed(v, u["T4"]) for k, v in per.items()}}
            rows.append(Row(key=r.key, side="out", values=values))
    put("T4", rows)

    s = d.sangong
    t9 = {"abroad_edu": 0, "abroad_other": s["abroad_other"], "car_buy": s["car_buy"], "car_run": s["car_run"],
          "recep": s["recep"]}
    t9["abroad"] = t9["abroad_edu"] + t9["abroad_other"]
    t9["car"] = t9["car_buy"] + t9["car_run"]
    t9["total"] = t9["abroad"] + t9["car"] + t9["recep"]
    put("T9", [Row(key=r.key, values={"item": r.label, "total": printed(t9[r.key], u["T9"]),
                                      "gen": printed(t9[r.key], u["T9"])}) for r in tables["T9"].layout.rows])

    proj_rows, ind_rows = [], []
    pu = u["PROJ"]
    for p in d.projects:
        plan = sorted(random.Random(p.code).sample(range(10, 101, 5), 4))
        shown = printed(p.budget, pu)
        proj_rows.append(Row(key=p.code, values={
            "code": p.code, "name": p.name, "func_code": p.func_code, "budget": shown, "fiscal": printed(p.fiscal, pu),
            "other_funds": printed(p.other, pu), "purpose": f"用于{p.name}相关支出",
            **{k: Decimal(v) for k, v in zip(("plan_03", "plan_06", "plan_10", "plan_12"), plan)},
            "target": f"按期完成{p.name}各项任务，资金使用合规、有效。"}))
        for level2, level3, value in (("数量指标", "完成任务数", "≥10 项"), ("质量指标", "任务完成合格率", "≥95%"),
                                      ("成本指标", "总成本", f"≤{shown} {pu}"), ("满意度指标", "服务对象满意度", "≥90%")):
            ind_rows.append(Row(key=f"#{len(ind_rows) + 1}", values={
                "project": p.code, "level1": "满意度指标" if level2 == "满意度指标" else "产出指标", "level2": level2,
                "level3": level3, "desc": level3, "value": value, "basis": "年度工作计划"}))
    put("PROJ", proj_rows)
    put("IND", ind_rows)

    pc = u["PROC"]
    if d.procurement:
        put("PROC", [Row(key=f"#{i}", values={**{k: v for k, v in it.items() if isinstance(v, str)},
                                              "qty": Decimal(it["qty"]),
                                              **{k: printed(it[k], pc) for k in ("proj_fund", "price", "total", "gen", "sme")}})
                     for i, it in enumerate(d.procurement, start=1)], list(tables["PROC"].layout.notes))
    else:
        put("PROC", [], [*tables["PROC"].layout.notes, tables["PROC"].layout.empty_note])
    put("ASSET", [Row(key=r.key, values={"item": r.label, "qty": d.assets[r.key][0],
                                         "value": printed(d.assets[r.key][1], u["ASSET"])})
                  for r in tables["ASSET"].layout.rows])
    put("ORG", [Row(key=f"#{i}", values=o) for i, o in enumerate(d.orgs, start=1)])
    put("DUTY", [Row(key="#1", values={"text": f"贯彻落实{d.name.removeprefix(d.name[:3])}相关法律法规和政策。"})])
    put("PRIOR", [Row(key=r.key, values={"item": r.label, "amount": printed(d.prior.get(r.key, 0), WAN)})
                  for r in tables["PRIOR"].layout.rows])
    put("TEXT", [])
    info = {"dept_name": d.name, "dept_code": d.code, "year": str(d.year), "asset_date": f"{d.year - 1}年12月31日"}
    info_rows = []
    for r in tables["INFO"].layout.rows:
        if r.key == "planned_assets":
            info_rows.append(Row(key=r.key, values={"item": r.label, "amount": printed(d.assets["equip"][1], WAN) or Decimal("0.00")}))
        elif r.key in info:
            info_rows.append(Row(key=r.key, values={"item": r.label, "value": info[r.key]}))
    put("INFO", info_rows)
    tables["LOG"].present = False
    return Budget(tables=tables, source=d.name)
