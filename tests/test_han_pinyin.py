"""The compact pinyin tables (data/han_chars.csv, data/han_phrases.csv) read as pypinyin's own."""

from __future__ import annotations

import random
import subprocess
import sys

from redlist.match import cjk, han_pinyin


def test_tables_are_pypinyins_first_readings() -> None:
    # rewrite the files with han_pinyin.write (see their header) when this fails after a pypinyin upgrade
    chars, phrases = han_pinyin.derive()
    table = han_pinyin.tables()
    assert {c: table.char(c) for c in chars} == chars
    known = set(chars)
    assert not [
        chr(p)
        for p in range(table.first, table.first + len(table.numbers))
        if table.char(chr(p)) and chr(p) not in known
    ]
    assert {w: " ".join(r) for w, r in table.phrases.items()} == phrases
    assert table.longest == max(map(len, phrases))
    assert table.char("a") == "" and table.char("\U0010ffff") == ""


def _pypinyin_syllables(han: str) -> tuple[str, ...]:
    """pinyin_syllables as it was written on pypinyin's own tables (greedy, longest phrase first)."""
    from pypinyin.phrases_dict import phrases_dict
    from pypinyin.pinyin_dict import pinyin_dict

    longest = max(len(k) for k in phrases_dict)
    out: list[str] = []
    i, n = 0, len(han)
    while i < n:
        for size in range(min(longest, n - i), 1, -1):
            reading = phrases_dict.get(han[i : i + size])
            if reading is not None and len(reading) == size:
                out.extend(han_pinyin.plain(r[0]) for r in reading)
                i += size
                break
        else:
            readings = pinyin_dict.get(ord(han[i]))
            out.append(han_pinyin.plain(readings.split(",", 1)[0]) if readings else "")
            i += 1
    return tuple(out)


def test_pinyin_syllables_read_as_on_pypinyins_tables() -> None:
    from pypinyin.phrases_dict import phrases_dict

    words = sorted(phrases_dict)
    rng = random.Random(18)
    # runs of phrases and pieces of phrases side by side, where the greedy segmentation has to choose
    texts = ["银行", "重庆", "华为技术有限公司", "习近平", "中国航空工业集团", "一丁不识", "吕"]
    for _ in range(3000):
        parts = [rng.choice(words) for _ in range(rng.randint(1, 4))]
        text = "".join(parts)
        start = rng.randint(0, len(parts[0]) - 1)
        texts.append(text[start:])
    for text in texts:
        assert cjk.pinyin_syllables(text) == _pypinyin_syllables(text), text


def test_reading_han_does_not_import_pypinyin() -> None:
    code = (
        "import sys; from redlist.match import cjk; "
        "assert cjk.latin_forms('华为技术有限公司') and cjk.pinyin_syllables('重庆') == ('chong', 'qing'); "
        "print(sorted(m for m in sys.modules if m.startswith('pypinyin')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
