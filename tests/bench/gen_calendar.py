#!/usr/bin/env python3
"""Generates a realistic year of centre calendars for build benchmarks.

A small account (20 information pages) plus 3 子育て支援センター, each with a `schedule:`
(opening days, holidays and year-end closure, 4-5 weekly and monthly programmes, a dozen one-off
changes on two of them), and an events section with ~30 events a month for the next year
(11 month sections, the rest of the build month going with the first; weeks as sub-sections so
every event stays within three taps), all dated from the build day on.

usage: gen_calendar.py OUT_DIR [TODAY=2026-11-27] [EVENTS_PER_MONTH=30]
"""
import datetime as dt
import os
import sys

CENTRES = [
    ("himawari", "子育て支援センターひまわり", "ひまわり", "[月, 火, 水, 木, 金, 土]"),
    ("sakura", "子育て支援センターさくら", "さくら", "[月, 火, 水, 木, 金]"),
    ("umi", "地域子育てひろば うみ", "うみ", "[火, 水, 木, 金, 土]"),
]
PROGRAMMES = [
    ("ひろば", "9:30〜11:30", "プレイルーム", "weekly: [火, 木]"),
    ("赤ちゃんタイム", "10:00〜11:00", "和室", "weekly: [水]"),
    ("身体測定", "10:00〜11:30", "多目的室", "monthly: 第2水"),
    ("誕生会", "11:00〜11:30", "プレイルーム", "monthly: 第4金"),
    ("子育て相談会", "13:30〜15:00", "相談室", "monthly: [第1月, 第3月]"),
]
KINDS = ["親子リトミック", "離乳食教室", "絵本の読み聞かせ", "親子ヨガ", "季節の工作", "育児講座", "ベビーマッサージ", "パパの子育て教室"]
PLACES = ["ひまわり", "さくら", "うみ", "保健センター", "市民会館"]


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def holidays():
    """The holidays of compiler/data/syukujitsu.csv (changes must not fall on them)."""
    here = os.path.dirname(os.path.abspath(__file__))
    table = os.path.join(here, "..", "..", "compiler", "data", "syukujitsu.csv")
    out = set()
    for line in open(table, encoding="utf-8"):
        if line[:1].isdigit():
            y, m, d = line.split(",")[0].split("/")
            out.add(dt.date(int(y), int(m), int(d)))
    return out


def open_on(day, open_days):
    names = "月火水木金土日"
    return names[day.weekday()] in open_days


def main():
    out = sys.argv[1]
    today = dt.date.fromisoformat(sys.argv[2] if len(sys.argv) > 2 else "2026-11-27")
    per_month = int(sys.argv[3]) if len(sys.argv) > 3 else 30
    write(f"{out}/_index.md", "---\ntitle: ベンチマーク市 子育てLINE\nfallback: 見つかりませんでした。\n---\nようこそ。\n")
    write(f"{out}/info/_index.md", "---\ntitle: 子育ての情報\norder: 1\n---\n")
    for i in range(20):
        write(f"{out}/info/p{i:02}.md", f"---\ntitle: 子育ての情報{i:02}\nsummary: 手続きや相談の案内{i}\n---\n"
              + "子育てに役立つ情報です。詳しくは市役所にお問い合わせください。\n" * 3)
    write(f"{out}/center/_index.md", "---\ntitle: 子育て支援センター\norder: 2\n---\n")
    closed = holidays()
    for n, (slug, title, name, open_days) in enumerate(CENTRES):
        # うみ is closed on Mondays: its consultations are on Saturdays.
        rules = [(p, t, pl, rule.replace("月", "土") if "月" not in open_days else rule)
                 for p, t, pl, rule in PROGRAMMES[n % 2:]]
        programmes = "".join(f"    - {{name: {p}, time: \"{t}\", place: {pl}, {rule}}}\n" for p, t, pl, rule in rules)
        # One-off changes on real Tuesdays and Thursdays (ひろば) in the coming months.
        changes = ""
        day, made = today + dt.timedelta(days=3), 0
        while made < 12:
            if day.weekday() in (1, 3) and open_on(day, open_days) and day not in closed \
                    and not (day.month == 12 and day.day >= 29) \
                    and not (day.month == 1 and day.day <= 3) and n % 2 == 0:
                kind = "cancel: true, note: 職員研修のため" if made % 3 == 0 else "time: \"13:00〜15:00\", note: 午後に変更"
                changes += f"    - {{date: {day}, programme: ひろば, {kind}}}\n"
                made += 1
            day += dt.timedelta(days=9)
            if n % 2 == 1:
                break
        schedule = (f"schedule:\n  name: {name}\n  hours: \"8:30〜17:15\"\n  open: {open_days}\n"
                    f"  closed: [祝日, \"{today.year}-12-29〜{today.year + 1}-01-03 年末年始\"]\n"
                    f"  programmes:\n{programmes}")
        if changes:
            schedule += f"  changes:\n{changes}"
        write(f"{out}/center/{slug}.md", f"---\ntitle: {title}\nsummary: 親子で遊べる場所（{name}）\n{schedule}---\n"
              "0〜3歳ごろのお子さんと保護者が一緒に遊べる場所です。\n")
    # Events: one section per month (the rest of this month goes with the next), one
    # sub-section per week of the month, so every event stays within three taps.
    write(f"{out}/events/_index.md", "---\ntitle: イベント\norder: 3\n---\n")
    made = 0
    start = (today.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    for m in range(11):
        first = (start + dt.timedelta(days=32 * m)).replace(day=1)
        month = f"{out}/events/m{first:%Y%m}"
        write(f"{month}/_index.md", f"---\ntitle: {first.year}年{first.month}月のイベント\norder: {m}\n---\n")
        days = ((first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - first).days
        dates = [first + dt.timedelta(days=(e * 37) % days) for e in range(per_month)]
        if m == 0:
            dates += [today + dt.timedelta(days=k) for k in range((first - today).days)]
        for e, day in enumerate(dates):
            week = (day.day - 1) // 7 + 1 if day >= first else 1
            folder = f"{month}/w{week}"
            write(f"{folder}/_index.md", f"---\ntitle: {first.month}月 第{week}週\norder: {week}\n---\n")
            kind = KINDS[(made * 3) % len(KINDS)]
            place = PLACES[made % len(PLACES)]
            write(f"{folder}/e{e:02}.md",
                  f"---\ntitle: {kind}（{day.month}月{day.day}日・{e:02}）\nsummary: {place}で{kind}を開きます\n"
                  f"event: {{date: {day}, time: \"{10 + e % 4}:00〜{11 + e % 4}:00\", place: {place}}}\n---\n"
                  f"{kind}を開きます。申込みは市役所へ。\n")
            made += 1
    print(f"3 centres, {made} events in {out}")


if __name__ == "__main__":
    main()
