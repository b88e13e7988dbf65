"""Embed a text file as a C string constant: embed.py INPUT OUTPUT SYMBOL."""
import sys

src, dst, symbol = sys.argv[1:4]
with open(src, "rb") as f:
    data = f.read()
lines = [f"/* Generated from {src.split('/')[-1]} by inputs/embed.py; do not edit. */",
         f"extern const char {symbol}[];",
         f"const char {symbol}[] = {{"]
for i in range(0, len(data), 16):
    lines.append("  " + ", ".join(str(b) for b in data[i:i + 16]) + ",")
lines.append("  0};")
with open(dst, "w") as f:
    f.write("\n".join(lines) + "\n")
