#!/usr/bin/env python3
"""Times `sdesk kb search` on a desk of N generated articles (default 10,000).

Usage: bench/kb_search.py SDESK_BINARY [N] [DIR]

Articles are written straight into kb/ as valid sdesk files (published, one `new`, `review`
and `publish` event each) and committed with plain git in one commit, since making 10,000
articles through sdesk would time process start-up, not search. Then `kb search` runs cold
(no .git/sdesk/kb-search.cache), warm, and warm after one `kb edit` (one blob re-read).
"""
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

SUBJECTS = ["打印机", "显示器", "笔记本", "邮箱", "VPN", "Outlook", "Excel", "共享盘", "无线网络",
            "电话机", "投影仪", "扫描仪", "SAP", "Teams", "Chrome", "DNS", "域账号", "键盘"]
PROBLEMS = ["脱机", "无法连接", "卡纸", "闪屏", "蓝屏", "打开缓慢", "密码错误", "无声音",
            "登录超时", "无法识别", "频繁断开", "空间已满", "fails to start", "is slow",
            "crashes", "not detected"]
FIXES = ["重启服务", "重新安装驱动", "清理缓存", "更换线缆", "重置密码", "更新固件",
         "restart the spooler", "flush the cache", "reinstall the client", "check the cable"]
WORDS = ["用户", "反馈", "任务栏", "显示", "提示", "错误", "部门", "财务", "行政", "客户端",
         "网络", "服务器", "error", "code", "after", "update", "the", "system", "logon"]


def b32(v, width):
    s = ""
    for _ in range(width):
        s = ALPHABET[v % 32] + s
        v //= 32
    return s


def sentence(rng, n):
    return "".join(rng.choice(WORDS) + ("" if rng.random() < 0.6 else " ") for _ in range(n))


def article(i, rng):
    aid = "KB-2603-" + b32(i, 5) + "BN"
    subject, problem = rng.choice(SUBJECTS), rng.choice(PROBLEMS)
    title = f"{subject}{problem}"
    symptom = f"{sentence(rng, 6)}{subject}{sentence(rng, 3)}{problem}{sentence(rng, 6)}"
    solution = f"{rng.choice(FIXES)}，{sentence(rng, 10)}"
    cause = sentence(rng, 8)
    at = "2026-03-02T09:00:00+08:00"
    ev = lambda k: b32(1_700_000_000_000 + i * 4 + k, 9) + "BN"
    return aid, f"""id: {aid}
title: {title}
status: published
version: 1
author: l1a
reviewer: l2a
tickets: []
symptom: {symptom}
environment: null
cause: {cause}
solution: {solution}
tags: []
review_due: 2027-03-02T09:00:00+08:00
created_at: {at}
published_at: {at}
events:
- id: {ev(0)}
  at: {at}
  by: l1a
  action: new
  title: {title}
  symptom: {symptom}
  cause: {cause}
  solution: {solution}
- id: {ev(1)}
  at: {at}
  by: l1a
  action: review
- id: {ev(2)}
  at: {at}
  by: l2a
  action: publish
  review_due: 2027-03-02T09:00:00+08:00
"""


def run(sdesk, desk, args, env):
    t = time.perf_counter()
    r = subprocess.run([sdesk, "-C", desk] + args, env=env, capture_output=True, text=True)
    dt = (time.perf_counter() - t) * 1000
    if r.returncode != 0:
        sys.exit(f"sdesk {' '.join(args)} failed: {r.stderr}")
    return dt, r.stdout


def main():
    sdesk = os.path.abspath(sys.argv[1])
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
    root = sys.argv[3] if len(sys.argv) > 3 else tempfile.mkdtemp(prefix="sdesk-kb-bench-")
    desk = os.path.join(root, "desk")
    shutil.rmtree(desk, ignore_errors=True)
    env = dict(os.environ, SDESK_NOW="2026-03-02T09:00:00+08:00", SDESK_USER="pm1")
    subprocess.run([sdesk, "init", desk, "--name", "bench"], env=env, check=True,
                   capture_output=True)
    for cmd in (["staff", "add", "pm1", "--name", "PM", "--role", "pm"],
                ["staff", "add", "l1a", "--name", "L1", "--role", "l1"],
                ["staff", "add", "l2a", "--name", "L2", "--role", "l2"]):
        run(sdesk, desk, cmd, env)
    rng = random.Random(42)
    os.makedirs(os.path.join(desk, "kb"), exist_ok=True)
    for i in range(n):
        aid, text = article(i, rng)
        with open(os.path.join(desk, "kb", aid + ".yaml"), "w", encoding="utf-8") as f:
            f.write(text)
    # The target the queries look for, written through sdesk like a real article.
    subprocess.run(["git", "-C", desk, "add", "kb"], check=True)
    subprocess.run(["git", "-C", desk, "-c", "user.name=bench", "-c", "user.email=b@x",
                    "commit", "-q", "-m", f"bench: {n} articles"], check=True)
    _, out = run(sdesk, desk, ["kb", "new", "--title", "财务部无法打印", "--symptom",
                               "打印机在任务栏显示脱机"], env)
    target = out.strip()
    run(sdesk, desk, ["kb", "review", target], env)
    run(sdesk, desk, ["kb", "publish", target], dict(env, SDESK_USER="l2a"))
    cache = os.path.join(desk, ".git", "sdesk", "kb-search.cache")
    if os.path.exists(cache):
        os.remove(cache)
    print(f"articles: {n + 1}")
    cold, _ = run(sdesk, desk, ["kb", "search", "打印机脱机", "--json"], env)
    print(f"kb search 打印机脱机, cold (parses every article, writes the cache): {cold:.0f} ms")
    warm = []
    for q in ["打印机脱机", "VPN", "Outlook 密码错误", "restart the spooler", "蓝屏"]:
        dt, out = run(sdesk, desk, ["kb", "search", q, "--json"], env)
        warm.append(dt)
        if q == "打印机脱机":
            import json
            ids = [h["id"] for h in json.loads(out)]
            rank = ids.index(target) + 1 if target in ids else None
            print(f"  {len(ids)} hits for 打印机脱机; the hand-written target ranks {rank} "
                  f"(generated titles say 打印机脱机 outright)")
    print(f"kb search, warm (cache): median {sorted(warm)[len(warm) // 2]:.0f} ms, "
          f"max {max(warm):.0f} ms over {len(warm)} queries")
    run(sdesk, desk, ["kb", "edit", target, "--solution", "取消脱机使用打印机"],
        dict(env, SDESK_USER="l2a"))
    dt, _ = run(sdesk, desk, ["kb", "search", "打印机脱机", "--json"], env)
    print(f"kb search after one kb edit (one blob re-read): {dt:.0f} ms")
    t = time.perf_counter()
    subprocess.run(["git", "-C", desk, "grep", "-c", "脱机", "HEAD", "--", "kb"],
                   capture_output=True)
    print(f"plain `git grep -c 脱机 HEAD -- kb` for comparison: "
          f"{(time.perf_counter() - t) * 1000:.0f} ms")
    dt, _ = run(sdesk, desk, ["kb", "list", "--json"], env)
    print(f"kb list (parses every article, no cache): {dt:.0f} ms")


if __name__ == "__main__":
    main()
