"""Importing a bureau's list: the whole ``kg import`` of a 5,000-row workbook that brings 2,000 new hosts.

    python bench/import_speed.py --repeat 3

Target: importing a 5,000-row sheet that brings 2,000 new hosts takes at most 10 s
(the whole command, start to exit).

The workbook is made with openpyxl in a temporary folder, as bureaus publish
their lists: a title row merged across, the header ``序号 | 实验室名称 | 依托单位 |
所在区 | 认定年份``, 5,000 new laboratories named in Chinese only, a footnote
``注：…``. Their hosts (``依托单位``) are 2,000 names no entity of the lists has:
``天津…科技有限公司``, ``天津市…研究院``, ``…大学``, made from a fixed seed so that no
two are close (each distinctive part shares at most one character with any
other, and none holds a character of the fixed parts) and none is close to an
entity's name (the import's own check, ``loaders.hosts.NearNames``, over the
plan's lists and the new laboratories). ``所在区`` names districts the lists hold.

Each repeat, in a new folder, runs as a user would: ``kg init ws``, then
``kg import 名单.xlsx --data ws --kind 重点实验室 --source bench`` (timed: wall clock
and the child's CPU from ``getrusage(RUSAGE_CHILDREN)``; its output to a file),
then ``kg validate --data ws`` of the result and ``kg import --dry-run`` of the
same book into a fresh ``kg init``, for ratios within the same run. The import
must exit 0 having added 5,000 laboratories and 2,000 hosts (its own summary
and the lists it wrote are both checked). Prints a table and writes the
figures to bench/import-speed.json.
"""

from __future__ import annotations

import argparse
import csv
import difflib
import json
import os
import platform
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_S = 10.0
ROWS = 5_000
HOSTS = 2_000
SEED = 20240601
BOOK = "2024年天津市重点实验室认定名单.xlsx"
KIND = "重点实验室"
SOURCE = "bench"
#: Districts as the lists hold them (a name or an alias of a District): none is added by the import.
DISTRICTS = ("滨海新区", "南开区", "西青区", "东丽区", "津南区", "北辰区", "武清区", "宝坻区", "静海区", "红桥区")
#: The laboratories' names: 天津市 + field + topic + 重点实验室 (50 × 100 = 5,000 names).
FIELDS = (
    "海洋", "智能", "生物", "先进", "绿色", "精准", "数字", "量子", "低碳", "高端",
    "现代", "新型", "微纳", "光电", "分子", "细胞", "结构", "空天", "深海", "极端",
    "复杂", "柔性", "健康", "智慧", "功能", "系统", "信息", "工程", "环境", "能源",
    "化工", "医学", "农业", "食品", "药物", "材料", "电子", "通信", "交通", "城市",
    "水利", "地质", "气象", "生态", "化学", "物理", "数学", "计算", "网络", "安全",
)  # fmt: skip
TOPICS = (
    "传感", "制造", "装备", "检测", "成像", "诊断", "治疗", "合成", "催化", "储能",
    "芯片", "器件", "算法", "控制", "机器人", "感知", "决策", "仿真", "建模", "优化",
    "材料设计", "表面工程", "界面科学", "精密测量", "光学", "声学", "热科学", "流体", "力学", "振动",
    "焊接", "铸造", "涂层", "复合材料", "纳米技术", "生物医药", "基因", "蛋白", "免疫", "疫苗",
    "中药", "康复", "影像", "肿瘤", "心血管", "神经", "代谢", "营养", "育种", "种业",
    "病虫害", "土壤", "水处理", "大气", "固废", "污染防治", "修复", "监测", "预警", "评估",
    "规划", "调度", "运维", "可靠性", "寿命", "安全评价", "风险", "应急", "防护", "标准",
    "计量", "软件", "数据", "云计算", "区块链", "物联网", "大模型", "视觉", "语音", "语言",
    "导航", "遥感", "卫星", "雷达", "激光", "光纤", "半导体", "显示", "电池", "氢能",
    "风电", "光伏", "核能", "电网", "油气", "煤炭", "矿产", "港口", "船舶", "航空",
)  # fmt: skip
#: The hosts: a distinctive part of three characters in a fixed frame, by kind (company, institute, university).
COMPANIES = ("科技", "生物", "电子", "医药", "智能", "能源", "材料", "信息")  # 天津 + part + this + 有限公司
INSTITUTES = ("研究院", "研究所")  # 天津市 + part + this
UNIVERSITIES = ("大学", "理工大学", "科技大学", "师范大学")  # part + this
SPLIT = (1_200, 500, 300)  # companies, institutes, universities
#: Characters of the distinctive parts: common in Chinese firms' names, none in the fixed frames.
POOL = (
    "华瑞康泰恒信达博源通宇鑫凯晟盛嘉佳明远正创联德宏昌鸿腾飞龙金云星辰锦祥和润丰益奥迪维特捷尔普"
    "兴旺隆顺昊昱晨曦朗睿哲卓越英杰俊豪雄伟威振东南西北中青蓝红绿紫白银铭铄钧锐钢铁铜宁静安平"
    "清澄湖江河溪泉波涛浩瀚洋滨岳峰岩石林森松柏桦梅兰竹菊荷莲芳菲蕾茂荣耀辉煌灿烁炜烨焕熙煜"
    "聚汇融合拓展启航迈进升腾跃涌立建筑构成功勋业彩虹霞雪霜露雨风雷电光"
)
#: The import's measure of near names (``loaders.hosts.NearNames``: difflib ratio at least this).
NEAR = 0.85


def _pool() -> list[str]:
    frame = set("天津市有限公司重点实验室" + "".join(COMPANIES + INSTITUTES + UNIVERSITIES))
    return sorted({char for char in POOL if char not in frame})


def _frames(rng: random.Random) -> list[tuple[str, str]]:
    """``(prefix, suffix)`` of each host, in a shuffled order of kinds."""
    frames = [("天津", rng.choice(COMPANIES) + "有限公司") for _ in range(SPLIT[0])]
    frames += [("天津市", rng.choice(INSTITUTES)) for _ in range(SPLIT[1])]
    frames += [("", rng.choice(UNIVERSITIES)) for _ in range(SPLIT[2])]
    rng.shuffle(frames)
    return frames


def host_names(rng: random.Random, taken: set[str], near) -> list[str]:
    """2,000 host names: each distinctive part three characters, no two parts sharing two characters
    (so that two hosts differ by at least two characters of their part), no name an entity's, and
    none that ``near`` (the import's NearNames) finds close to an entity's."""
    pool = _pool()
    used_pairs: set[frozenset] = set()
    names: list[str] = []
    for prefix, suffix in _frames(rng):
        for _ in range(10_000):
            part = "".join(rng.sample(pool, 3))
            pairs = {frozenset((a, b)) for i, a in enumerate(part) for b in part[i + 1 :]}
            name = prefix + part + suffix
            if pairs & used_pairs or name in taken or near.close_to(name) is not None:
                continue
            used_pairs |= pairs
            names.append(name)
            break
        else:
            raise RuntimeError("ran out of distinctive parts: widen POOL")
    return names


def close_pairs(names: list[str]) -> list[tuple[str, str]]:
    """Pairs of ``names`` within the import's measure of near names (a difflib ratio of at least
    :data:`NEAR`): the names sharing enough of their pairs of characters are compared."""
    by_pair: dict[str, list[int]] = {}
    grams = [{name[i : i + 2] for i in range(len(name) - 1)} for name in names]
    for index, pairs in enumerate(grams):
        for pair in pairs:
            by_pair.setdefault(pair, []).append(index)
    found = []
    for index, name in enumerate(names):
        shared: dict[int, int] = {}
        for pair in grams[index]:
            for other in by_pair[pair]:
                if other > index:
                    shared[other] = shared.get(other, 0) + 1
        matcher = difflib.SequenceMatcher(None)
        matcher.set_seq2(name)
        for other, count in shared.items():
            if count < len(grams[index]) - 4:
                continue
            matcher.set_seq1(names[other])
            if matcher.quick_ratio() >= NEAR and matcher.ratio() >= NEAR:
                found.append((name, names[other]))
    return found


def make_book(path: Path) -> dict:
    """The bureau's workbook at ``path``; its laboratories and hosts."""
    import openpyxl

    from loaders.csv_lists import read_workspace
    from loaders.hosts import NearNames

    plan = read_workspace()
    names = {}
    for row in plan.entities:
        for name in (row.get("name_zh"), *(row.get("aliases") or "").split("|")):
            if name:
                names.setdefault(name, row.get("id"))
    district_names = {
        name
        for row in plan.entities
        if row.get("kind") == "District"
        for name in (row.get("name_zh"), *(row.get("aliases") or "").split("|"))
    }
    missing = [d for d in DISTRICTS if d not in district_names]
    if missing:
        raise RuntimeError(f"districts the lists lack: {missing}")

    rng = random.Random(SEED)
    labs = [f"天津市{field}{topic}重点实验室" for field in FIELDS for topic in TOPICS]
    assert len(labs) == len(set(labs)) == ROWS, len(labs)
    clash = [lab for lab in labs if lab in names]
    if clash:
        raise RuntimeError(f"laboratories the lists hold already: {clash[:5]}")
    rng.shuffle(labs)
    # The import compares a new host with every entity's name, the new laboratories' included.
    near = NearNames({**names, **{lab: f"lab-{i}" for i, lab in enumerate(labs)}})
    hosts = host_names(rng, set(names) | set(labs), near)
    assert len(set(hosts)) == HOSTS
    close = close_pairs(hosts)
    if close:
        raise RuntimeError(f"hosts close to each other: {close[:5]}")
    # Every host hosts two or three laboratories, in no particular order.
    row_hosts = [hosts[i % HOSTS] for i in range(ROWS)]
    rng.shuffle(row_hosts)

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "2024年"
    sheet.append(["2024年天津市重点实验室认定名单"])
    sheet.merge_cells("A1:E1")
    sheet.append(["序号", "实验室名称", "依托单位", "所在区", "认定年份"])
    for number, (lab, host) in enumerate(zip(labs, row_hosts, strict=True), start=1):
        sheet.append([number, lab, host, rng.choice(DISTRICTS), rng.randint(2016, 2024)])
    sheet.append(["注：排名不分先后；依托单位均为首次认定的单位。"])
    sheet.merge_cells(f"A{sheet.max_row}:E{sheet.max_row}")  # across the table, as bureaus write it
    book.save(path)
    return {"labs": labs, "hosts": hosts}


def kg_command() -> list[str]:
    """The ``kg`` command as installed next to this Python, else ``python -m kg``."""
    script = shutil.which("kg", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", "kg"]


def timed(args: list[str], cwd: Path, out: Path) -> tuple[float, float, subprocess.CompletedProcess]:
    """Wall seconds and the child's CPU seconds (user + system) of one command; stdout to ``out``."""
    env = {k: v for k, v in os.environ.items() if k != "KG_DATA"}
    env["KG_CACHE_DIR"] = str(cwd / "cache")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    with out.open("wb") as handle:
        done = subprocess.run(args, cwd=cwd, stdout=handle, stderr=subprocess.PIPE, env=env, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} exited {done.returncode}: {done.stderr.decode()[-2000:]}")
    return wall, cpu, done


_HOST_NOTE = re.compile(r"'([^']+)' is no entity of the lists: added as ")
_SUMMARY = re.compile(r"entities: (\d+) added, (\d+) changed; links: (\d+) added, (\d+) changed")


def summary_of(stderr: str, lead: str) -> tuple[int, int, int, int]:
    """The counts of the line of the import's output that starts with ``lead`` (Wrote …, Dry run …)."""
    for line in stderr.splitlines():
        match = _SUMMARY.search(line)
        if line.startswith(lead) and match:
            return tuple(int(n) for n in match.groups())
    raise RuntimeError(f"no '{lead} …' summary in the import's output: {stderr[-1000:]}")


def read_list(path: Path) -> list[dict]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def check_written(ws: Path, made: dict, before: dict) -> dict:
    """The lists the import wrote hold those ``kg init`` copied, the 5,000 laboratories and the 2,000 hosts."""
    from loaders.ids import new_id

    rows = read_list(ws / "entities.csv")
    new = [row for row in rows if row["derived_from"].startswith(BOOK + ":")]
    labs = [row for row in new if row["kind"] == "KeyLaboratory"]
    hosts = [row for row in new if row["kind"] != "KeyLaboratory"]
    assert len(rows) == before["entities"] + ROWS + HOSTS, len(rows)
    assert sorted(row["name_zh"] for row in labs) == sorted(made["labs"]), "laboratories written"
    assert sorted(row["name_zh"] for row in hosts) == sorted(made["hosts"]), "hosts written"
    links = read_list(ws / "links.csv")
    assert len(links) == before["links"] + 2 * ROWS, len(links)
    kinds: dict[str, int] = {}
    for row in hosts:
        kinds[row["kind"]] = kinds.get(row["kind"], 0) + 1
    # The id made from the name alone, or one with a hash of the name appended (loaders/ids.py).
    plain = sum(1 for row in hosts if row["id"] == new_id(row["name_zh"], "", set()))
    return {
        "entities": len(rows),
        "links": len(links),
        "host_kinds": dict(sorted(kinds.items())),
        "host_ids_plain": plain,
        "host_ids_suffixed": len(hosts) - plain,
    }


def one_run(folder: Path, book: Path, made: dict) -> dict:
    kg = kg_command()
    folder.mkdir()
    shutil.copy(book, folder / BOOK)
    command = ["import", BOOK, "--data", "ws", "--kind", KIND, "--source", SOURCE]
    init_wall, init_cpu, _ = timed([*kg, "init", "ws"], folder, folder / "init.out")
    before = {name: len(read_list(folder / "ws" / f"{name}.csv")) for name in ("entities", "links")}
    wall, cpu, done = timed([*kg, *command], folder, folder / "import.out")
    stderr = done.stderr.decode()
    added = summary_of(stderr, "Wrote ws:")
    assert added == (ROWS + HOSTS, 0, 2 * ROWS, 0), f"the import's summary: {added}"
    # One note per row that names a new host (so 2 or 3 per host here): the hosts are the names noted.
    host_notes = _HOST_NOTE.findall(stderr)
    hosts_added = len(set(host_notes))
    assert hosts_added == HOSTS, f"{hosts_added} hosts added, said the import"
    written = check_written(folder / "ws", made, before)
    validate_wall, validate_cpu, _ = timed([*kg, "validate", "--data", "ws"], folder, folder / "validate.out")
    timed([*kg, "init", "fresh"], folder, folder / "init-fresh.out")
    command[3] = "fresh"
    dry_wall, dry_cpu, dry = timed([*kg, *command, "--dry-run"], folder, folder / "dry-run.out")
    would = summary_of(dry.stderr.decode(), "Dry run, nothing written.")
    assert would == (ROWS + HOSTS, 0, 2 * ROWS, 0), f"the dry run's summary: {would}"
    return {
        "init": {"wall": init_wall, "cpu": init_cpu},
        "import": {"wall": wall, "cpu": cpu, "output_bytes": (folder / "import.out").stat().st_size},
        "validate": {"wall": validate_wall, "cpu": validate_cpu},
        "dry_run": {"wall": dry_wall, "cpu": dry_cpu},
        "entities_added": added[0],
        "hosts_added": hosts_added,
        "host_notes": len(host_notes),
        "links_added": added[2],
        "lists_before": before,
        "written": written,
    }


def stats(values: list[float]) -> dict:
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "runs": len(values)}


def _version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "(not installed)"


PACKAGES = ("openpyxl", "defusedxml", "pypinyin", "rdflib", "pyshacl", "click")


def machine() -> dict:
    return {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cores": os.cpu_count(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "packages": {name: _version(name) for name in PACKAGES},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of the whole sequence (medians)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "import-speed.json")
    args = parser.parse_args()

    info = machine()
    with tempfile.TemporaryDirectory(prefix="kg-import-bench-") as tmp:
        book = Path(tmp) / BOOK
        start = time.perf_counter()
        made = make_book(book)
        made_s = time.perf_counter() - start
        print(
            f"{BOOK}: {ROWS:,} rows, {HOSTS:,} new hosts, {book.stat().st_size:,} bytes ({made_s:.1f} s)",
            file=sys.stderr,
        )
        runs = []
        for n in range(args.repeat):
            runs.append(one_run(Path(tmp) / f"run-{n}", book, made))
            r = runs[-1]
            print(
                f"run {n + 1}: import {r['import']['wall']:.2f} s (CPU {r['import']['cpu']:.2f} s), "
                f"validate {r['validate']['wall']:.2f} s, dry run {r['dry_run']['wall']:.2f} s",
                file=sys.stderr,
            )
        book_bytes = book.stat().st_size

    figures = {step: stats([r[step]["wall"] for r in runs]) for step in ("init", "import", "dry_run", "validate")}
    cpu = {step: stats([r[step]["cpu"] for r in runs]) for step in ("init", "import", "dry_run", "validate")}
    ratio = stats([r["import"]["wall"] / r["validate"]["wall"] for r in runs])
    dry_ratio = stats([r["import"]["wall"] / r["dry_run"]["wall"] for r in runs])
    result = {
        "target": f"kg import of a {ROWS:,}-row sheet bringing {HOSTS:,} new hosts ≤ {TARGET_S:g} s (whole command)",
        "met": figures["import"]["median"] <= TARGET_S,
        "command": f"kg import {BOOK} --data ws --kind {KIND} --source {SOURCE}",
        "book": {
            "rows": ROWS,
            "hosts": HOSTS,
            "host_split": dict(zip(("companies", "institutes", "universities"), SPLIT, strict=True)),
            "districts": list(DISTRICTS),
            "seed": SEED,
            "bytes": book_bytes,
            "made_s": made_s,
        },
        "lists_before": runs[0]["lists_before"],
        "lists_after": runs[0]["written"],
        "entities_added": runs[0]["entities_added"],
        "hosts_added": runs[0]["hosts_added"],
        "host_notes": runs[0]["host_notes"],
        "links_added": runs[0]["links_added"],
        "import_output_bytes": runs[0]["import"]["output_bytes"],
        "wall_s": figures,
        "cpu_s": cpu,
        "rows_per_s": ROWS / figures["import"]["median"],
        "import_over_validate": ratio,
        "import_over_dry_run": dry_ratio,
        "runs": runs,
        "machine": {**info, "load_average_at_end": [round(x, 2) for x in os.getloadavg()]},
    }
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

    print(f"\n{ROWS:,} rows, {HOSTS:,} new hosts; median of {args.repeat} runs (min–max)\n")
    print("| command | wall | CPU (child) | rows/s |")
    print("|---|---|---:|---:|")
    for step, label in (
        ("init", "kg init"),
        ("import", "kg import"),
        ("dry_run", "kg import --dry-run"),
        ("validate", "kg validate"),
    ):
        f = figures[step]
        rate = f"{ROWS / f['median']:,.0f}" if step in ("import", "dry_run") else ""
        print(
            f"| {label} | {f['median']:.2f} s ({f['min']:.2f}–{f['max']:.2f}) | {cpu[step]['median']:.2f} s | {rate} |"
        )
    print(f"\nimport ÷ validate: {ratio['median']:.2f} ({ratio['min']:.2f}–{ratio['max']:.2f})")
    print(f"import ÷ dry run: {dry_ratio['median']:.2f} ({dry_ratio['min']:.2f}–{dry_ratio['max']:.2f})")
    print(f"target ≤ {TARGET_S:g} s: {'met' if result['met'] else 'not met'}")


if __name__ == "__main__":
    main()
