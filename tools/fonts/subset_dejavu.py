#!/usr/bin/python3
"""Makes the small DejaVu Sans fonts embedded in the CLI for `tessera plot`.

Skia finds no font on a machine without system fonts and then draws no text at all, so the plot
command carries its own. DejaVu (Bitstream Vera licence, free to embed and redistribute) is subset to
Basic Latin, Latin-1 and a few typographic symbols to keep the files small.

Needs Debian's fonts-dejavu-core and python3-fonttools. Run from the repository root:
    /usr/bin/python3 tools/fonts/subset_dejavu.py
"""
from fontTools import subset

SOURCE = "/usr/share/fonts/truetype/dejavu/"
TARGET = "src/Tessera.Cli/Plotting/Fonts/"
# Basic Latin + Latin-1 Supplement, then en/em dash, minus, ellipsis, bullet, middle dot, multiplication sign, micro.
UNICODES = list(range(0x20, 0x7F)) + list(range(0xA0, 0x100)) + [0x2013, 0x2014, 0x2212, 0x2026, 0x2022, 0x2009]

for name in ("DejaVuSans", "DejaVuSans-Bold"):
    options = subset.Options()
    options.layout_features = ["kern", "liga"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.hinting = False
    font = subset.load_font(SOURCE + name + ".ttf", options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=UNICODES)
    subsetter.subset(font)
    subset.save_font(font, TARGET + name + ".subset.ttf", options)
    print(TARGET + name + ".subset.ttf")
