#!/usr/bin/env python3
"""Writes one large-literal file per format with N elements (plus one planted credential line so the
language-aware prefilter passes and the file is parsed): the inputs of benches/curves.sh and of the
linear-time test (tests/linear_scan.rs builds the same shapes in Rust).

    gen_literals.py OUT_DIR N
"""
import os
import sys

out, n = sys.argv[1], int(sys.argv[2])
os.makedirs(out, exist_ok=True)


def items(fmt):
    # Alternate ints and short strings: both literal kinds go through the detectors.
    return [str(i * 7) if i % 2 == 0 else fmt % i for i in range(n)]


def write(name, text):
    with open(os.path.join(out, name), "w") as f:
        f.write(text)


canary = "Zq7vR2mK9xL4pW8n"
write("list.py", f'db_password = "{canary}"\ndata = [{", ".join(items(chr(34) + "s%d" + chr(34)))}]\n')
write("dict.py", f'db_password = "{canary}"\ndata = {{{", ".join(f"{chr(34)}k{i}{chr(34)}: {chr(34)}v{i}{chr(34)}" for i in range(n))}}}\n')
write("args.py", f'db_password = "{canary}"\nf({", ".join(items(chr(34) + "s%d" + chr(34)))})\n')
write("tuple.py", f'db_password = "{canary}"\ndata = {", ".join(items(chr(34) + "s%d" + chr(34)))}\n')
write("list.js", f'const dbPassword = "{canary}";\nconst data = [{", ".join(items(chr(39) + "s%d" + chr(39)))}];\n')
write("list.go", f'package main\n\nvar dbPassword = "{canary}"\nvar data = []interface{{}}{{{", ".join(items(chr(34) + "s%d" + chr(34)))}}}\n')
write("List.java", f'class List {{\n  String dbPassword = "{canary}";\n  Object[] data = {{{", ".join(items(chr(34) + "s%d" + chr(34)))}}};\n}}\n')
write("list.json", f'{{"db_password": "{canary}", "data": [{", ".join(items(chr(34) + "s%d" + chr(34)))}]}}\n')
write("map.json", f'{{"db_password": "{canary}", "data": {{{", ".join(f"{chr(34)}k{i}{chr(34)}: {chr(34)}v{i}{chr(34)}" for i in range(n))}}}}}\n')
write("list.yaml", f"db_password: {canary}\ndata:\n" + "".join(f"  - {x}\n" for x in items("s%d")))
write("map.yaml", f"db_password: {canary}\ndata:\n" + "".join(f"  k{i}: v{i}\n" for i in range(n)))
write("list.tf", f'variable "db_password" {{\n  default = "{canary}"\n}}\nlocals {{\n  data = [{", ".join(items(chr(34) + "s%d" + chr(34)))}]\n}}\n')
write("list.xml", f"<config><password>{canary}</password><data>" + "".join(f"<i>{x}</i>" for x in items("s%d")) + "</data></config>\n")
