#!/usr/bin/python3
"""gensim's LdaModel on the term matrix bench_lda wrote (UCI bag of words), as the baseline for
topic quality and speed.

    gensim_baseline.py UCI_DIR K OUT_FILE [PASSES]

Trains LdaModel with K topics, prints one line "gensim K=.. passes=.. train_s=..", and writes the
top-10 words of every topic to OUT_FILE as 0-based term ids, one topic per line, so that
bench_lda --score can compute NPMI for gensim's topics with the same code as for ours."""
import logging
import os
import sys
import time


def read_uci(d):
    with open(os.path.join(d, "vocab.txt"), encoding="utf-8") as f:
        vocab = [line.rstrip("\n") for line in f]
    with open(os.path.join(d, "docword.txt"), encoding="utf-8") as f:
        ndocs = int(f.readline())
        int(f.readline())
        int(f.readline())
        docs = [[] for _ in range(ndocs)]
        for line in f:
            d, w, c = line.split()
            docs[int(d) - 1].append((int(w) - 1, int(c)))
    return vocab, docs


def main():
    if len(sys.argv) < 4:
        sys.stderr.write(__doc__)
        return 2
    uci, k, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    passes = int(sys.argv[4]) if len(sys.argv) > 4 else 5
    logging.disable(logging.WARNING)
    from gensim.models import LdaModel

    vocab, docs = read_uci(uci)
    id2word = {i: w for i, w in enumerate(vocab)}
    t0 = time.perf_counter()
    model = LdaModel(corpus=docs, id2word=id2word, num_topics=k, passes=passes, chunksize=2000,
                     alpha="auto", eta=None, random_state=1, eval_every=None)
    dt = time.perf_counter() - t0
    with open(out, "w", encoding="utf-8") as f:
        for t in range(k):
            f.write(" ".join(str(w) for w, _ in model.get_topic_terms(t, topn=10)) + "\n")
    tokens = sum(c for doc in docs for _, c in doc)
    print("gensim LdaModel K=%d passes=%d: train %.1f s (%.2f M tokens/s per pass)"
          % (k, passes, dt, tokens * passes / dt / 1e6))
    return 0


if __name__ == "__main__":
    sys.exit(main())
