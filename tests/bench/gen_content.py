#!/usr/bin/env python3
"""Generates a synthetic oyako content tree of N pages for build benchmarks.

Shape: 12 top sections x 11 sub-sections x 11 sub-sub-sections x up to 7 pages, so every
page stays within the three-tap rule (the build checks it, so the benchmark measures a
build that really passes). Each page has realistic Japanese text: headings, a list, a
table, emphasis, a link to a sibling page and a phone link.

usage: gen_content.py N OUT_DIR
"""
import os
import sys

WORDS = ["予防接種", "健診", "児童手当", "母子健康手帳", "子育て支援", "妊婦健診", "離乳食",
         "一時預かり", "保育園", "相談窓口", "医療費", "紙おむつ", "出産", "発達", "病児保育"]


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def body(i, sibling):
    w = WORDS[i % len(WORDS)]
    v = WORDS[(i * 7) % len(WORDS)]
    para = (f"{w}についてのご案内です。対象となる方は、市内にお住まいの{v}に関係するご家庭です。"
            "詳しい日程や持ち物は、下の表とリストをご確認ください。") * 2
    return f"""{para}

## 対象と時期

| 対象 | 時期 |
| --- | --- |
| 生後2か月から | 随時（要確認） |
| 1歳から | 年2回（要確認） |

## 持ち物

- 母子健康手帳
- 保険証
  - マイナ保険証でも可
- **印鑑**（要確認）

詳しくは[となりのページ]({sibling}.md)もご覧ください。[電話で問い合わせる](tel:0479-62-1212)

> 日程は変わることがあります。*最新の情報* をご確認ください。
"""


def main():
    n, out = int(sys.argv[1]), sys.argv[2]
    write(f"{out}/_index.md", "---\ntitle: ベンチマーク市\nfallback: 見つかりませんでした。\n---\nようこそ。\n")
    made = 0
    for a in range(12):
        if made >= n:
            break
        write(f"{out}/s{a:02}/_index.md", f"---\ntitle: セクション{a:02}\nsummary: 説明{a}\norder: {a}\n---\n")
        for b in range(11):
            if made >= n:
                break
            write(f"{out}/s{a:02}/t{b:02}/_index.md", f"---\ntitle: 分類{a:02}-{b:02}\norder: {b}\n---\n")
            for c in range(11):
                base = f"{out}/s{a:02}/t{b:02}/u{c:02}"
                pages = min(7, n - made)
                if pages <= 0:
                    continue
                write(f"{base}/_index.md", f"---\ntitle: 項目{a:02}-{b:02}-{c:02}\norder: {c}\n---\n")
                for p in range(pages):
                    sibling = f"p{(p + 1) % pages}"
                    title = f"{WORDS[made % len(WORDS)]}の案内 {a:02}{b:02}{c:02}{p}"
                    write(f"{base}/p{p}.md",
                          f"---\ntitle: {title}\nsummary: {WORDS[made % len(WORDS)]}について（番号{made}）\n"
                          f"keywords: [あんない{made}, {WORDS[(made + 3) % len(WORDS)]}]\norder: {p}\n---\n"
                          + body(made, sibling))
                    made += 1
    if made < n:
        sys.exit(f"shape holds at most {made} pages")
    print(f"{made} pages in {out}")


if __name__ == "__main__":
    main()
