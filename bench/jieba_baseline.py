#!/usr/bin/python3
"""jieba baseline for bench/tokenize.sh: segments every line of FILE with jieba.lcut (accurate
mode, the default dictionary loaded before timing) and prints the throughput in MB/s of UTF-8 text,
best of REPEATS passes. Usage: /usr/bin/python3 bench/jieba_baseline.py FILE [REPEATS]"""
import logging
import sys
import time

import jieba


def main():
    path = sys.argv[1]
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    nbytes = sum(len(line.encode("utf-8")) for line in lines)
    best = None
    words = 0
    for _ in range(repeats):
        t0 = time.perf_counter()
        words = 0
        for line in lines:
            words += len(jieba.lcut(line))
        dt = time.perf_counter() - t0
        best = dt if best is None else min(best, dt)
    print("%.3f MB/s %d words %.1f MB" % (nbytes / 1e6 / best, words, nbytes / 1e6))


if __name__ == "__main__":
    main()
