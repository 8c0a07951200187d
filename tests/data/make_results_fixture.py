#!/usr/bin/env python3
"""Writes the small, made-up results directories the plot tests read.

Deterministic (no randomness): plausible shapes for a 30-day WeChat
campaign.  Run from tests/data/; the outputs are checked in."""
import math, os

DAYS = range(0, 31, 1)
MODULES = [("oa", "公众号", "official_account", 9000.0, 0.09),
           ("wecom", "企业微信", "wecom", 2500.0, 0.06),
           ("mini", "小程序, 商城", "mini_program", 1200.0, 0.05)]


def series(cap, rate, t, scale=1.0):
    return cap * scale * (1.0 - math.exp(-rate * t))


def qrow(t, scope, name, metric, mean, rel_sd):
    sd = mean * rel_sd
    qs = [mean - 1.645 * sd, mean - 0.674 * sd, mean, mean + 0.674 * sd,
          mean + 1.645 * sd]
    qs = [max(0.0, q) for q in qs]
    return "%g,%s,%s,%s,40,%.2f,%.2f,%s" % (
        t, scope, name, metric, mean, sd, ",".join("%.1f" % q for q in qs))


def write_run(d, scale, with_optional=True):
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "entities.csv"), "w", encoding="utf-8") as f:
        f.write("scope,name,label,kind\n")
        for name, label, kind, _, _ in MODULES:
            lab = '"%s"' % label if "," in label else label
            f.write("module,%s,%s,%s\n" % (name, lab, kind))
        f.write("flow,oa_to_wecom,公众号 → 企业微信,\n")
        f.write("outcome,purchase,下单 purchase,\n")
        f.write("source,ads,朋友圈广告,\n")
    rows = []
    for t in DAYS:
        for name, _, _, cap, rate in MODULES:
            m = series(cap, rate, t, scale)
            rows.append(qrow(t, "module", name, "members", m, 0.08))
            rows.append(qrow(t, "module", name, "joins", cap * rate * scale *
                             math.exp(-rate * t), 0.15))
            rows.append(qrow(t, "module", name, "leaves", m * 0.01, 0.3))
        rows.append(qrow(t, "flow", "oa_to_wecom", "fired",
                         series(2600, 0.07, t, scale), 0.1))
        rows.append(qrow(t, "outcome", "purchase", "count",
                         series(640, 0.05, t, scale), 0.12))
        rows.append(qrow(t, "source", "ads", "arrivals", 400.0 * scale, 0.05))
    with open(os.path.join(d, "series_stats.csv"), "w", encoding="utf-8") as f:
        f.write("time,scope,name,metric,n,mean,sd,p5,p25,p50,p75,p95\n")
        f.write("\n".join(rows) + "\n")
    with open(os.path.join(d, "kpi_summary.csv"), "w", encoding="utf-8") as f:
        f.write("kpi,unit,n,mean,sd,ci_low,ci_high,p5,p50,p95\n")
        f.write("customers,people,40,%.1f,40.2,%.1f,%.1f,560,%.1f,700\n" %
                (630 * scale, 617 * scale, 643 * scale, 630 * scale))
        f.write("revenue,CNY,40,%.0f,8100,%.0f,%.0f,90000,%.0f,117000\n" %
                (103000 * scale, 100500 * scale, 105500 * scale,
                 103000 * scale))
        f.write("cac,CNY/person,40,%.2f,3.1,%.2f,%.2f,42,%.2f,52\n" %
                (47.5 / scale, 46.5 / scale, 48.5 / scale, 47.5 / scale))
    if not with_optional:
        return
    with open(os.path.join(d, "funnel.csv"), "w", encoding="utf-8") as f:
        f.write("stage,label,mean,ci_low,ci_high\n")
        f.write("reached,触达 reached,152000,149800,154200\n")
        f.write("followers,公众号关注,9000,8760,9240\n")
        f.write("staff_friends,企业微信好友,2500,2410,2590\n")
        f.write("group_members,\"社群, 群成员\",1400,1330,1470\n")
        f.write("customers,客户,630,617,643\n")
    with open(os.path.join(d, "constraints.csv"), "w", encoding="utf-8") as f:
        f.write("constraint,label,first_bind_day,refused\n")
        f.write("wecom_friend_cap,企业微信好友上限,12.5,3410\n")
        f.write("group_size_cap,群人数上限 500,21.0,880\n")
        f.write("oa_push_quota,公众号群发次数,,0\n")
    with open(os.path.join(d, "manifest.json"), "w", encoding="utf-8") as f:
        f.write('{"title": "私域引流 Q3 计划", "seed": 42, '
                '"replications": 40}\n')


def write_compare(d):
    variants = [("baseline", 1.0), ("more_ads", 1.25), ("no_group", 0.85)]
    for v, s in variants:
        write_run(os.path.join(d, "variants", v), s, with_optional=False)
    kpis = [("customers", 630.0, 13.0), ("revenue", 103000.0, 2500.0),
            ("cac", 47.5, 1.0)]
    with open(os.path.join(d, "compare.csv"), "w", encoding="utf-8") as f:
        f.write("kpi,variant,mean,ci_low,ci_high,diff,diff_ci_low,"
                "diff_ci_high,significant\n")
        for k, base, hw in kpis:
            for v, s in variants:
                m = base / s if k == "cac" else base * s
                h = hw / s if k == "cac" else hw * s
                if v == "baseline":
                    f.write("%s,%s,%g,%g,%g,,,,\n" % (k, v, m, m - h, m + h))
                    continue
                dd = m - base
                f.write("%s,%s,%g,%g,%g,%g,%g,%g,%s\n" % (
                    k, v, m, m - h, m + h, dd, dd - 1.4 * h, dd + 1.4 * h,
                    "true" if abs(dd) > 1.4 * h else "false"))
    with open(os.path.join(d, "manifest.json"), "w", encoding="utf-8") as f:
        f.write('{"title": "方案对比 variants", "kind": "compare"}\n')


write_run("results_fixture", 1.0)
write_compare("compare_fixture")
