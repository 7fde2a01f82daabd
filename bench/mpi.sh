#!/bin/bash
# Training across processes (MPI build): on the pyvideo talks at K = 20, with 1, 2 and 4
# processes on this machine: sampling tokens per second per process, the bytes each process
# sends per sweep against the scaling model of docs/cluster.md, and topic quality (mean NPMI of
# the top-10 words) against the one-process run. "talks" and "read_s" are the talks each process
# read (its share of the input) and its seconds from start until every share's talks were in. "changed cells" is the mean number of count
# cells a process changed per sweep: what an exchange of sparse changes would have to send.
#   bash bench/mpi.sh TOPICS_BINARY SHARED_DIR
# Environment: MPI_ITERS (sweeps, default 200), MPI_K (default 20), MPI_NP (default "1 2 4").
# The processes talk over TCP on the loopback (btl tcp,self), where the kernel counts the bytes
# each writes, and the reduction uses the ring algorithm the model assumes.
set -u
topics=${1:?usage: mpi.sh TOPICS_BINARY SHARED_DIR}
shared=${2:?usage: mpi.sh TOPICS_BINARY SHARED_DIR}
data="$shared/data/talks-pyvideo.jsonl"
if [ ! -r "$data" ]; then
  echo "mpi: skipped ($data not found)"
  exit 0
fi
if ! command -v mpirun > /dev/null; then
  echo "mpi: skipped (mpirun not installed: apt-get install openmpi-bin)"
  exit 0
fi
iters=${MPI_ITERS:-200} k=${MPI_K:-20}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '%3s %6s %7s %8s %7s %6s %14s %14s %14s %10s %13s %8s\n' np talks read_s tokens terms sweeps "tok/s/process" "bytes/sweep" "model bytes" "meas/model" "changed cells" NPMI
for np in ${MPI_NP:-1 2 4}; do
  TOPICS_MPI_STATS=1 mpirun --allow-run-as-root --oversubscribe --mca btl tcp,self \
    --mca coll_tuned_use_dynamic_rules 1 --mca coll_tuned_allreduce_algorithm 4 -np "$np" \
    "$topics" "$data" -k "$k" -i "$iters" -s 1 -q -f json > "$tmp/out$np.json" 2> "$tmp/err$np" || {
    echo "mpi: the run with $np processes failed:"; tail -5 "$tmp/err$np"; exit 1; }
  python3 - "$tmp/out$np.json" "$tmp/err$np" "$np" <<'PY'
import json, re, statistics, sys
out, err, np_ = sys.argv[1], sys.argv[2], int(sys.argv[3])
d = json.load(open(out))
npmi = statistics.mean(t["coherence"] for t in d["topics"])
rows = [dict(kv.split("=") for kv in l.split()[1:]) for l in open(err) if l.startswith("topics-mpi-stats")]
rows.sort(key=lambda r: int(r["rank"]))
V, K = int(rows[0]["terms"]), int(rows[0]["k"])
# The model: a ring allreduce of (V*K + 1) 32-bit counts sends 2 (P-1)/P of them from each process.
model = 2 * (np_ - 1) / np_ * (V * K + 1) * 4
for r in rows:
    meas = float(r["bytes_per_reduction"])
    ratio = f"{meas / model:10.3f}" if model else "         -"
    print(f"{np_:3d} {int(r['talks_read']):6d} {float(r['read_s']):7.2f} {int(r['tokens']):8d} {V:7d} {int(r['sweeps']):6d} {float(r['tokens_per_s']):14.0f} "
          f"{meas:14.0f} {model:14.0f} {ratio} {float(r.get('changed_per_reduction', 0)):13.0f} {npmi:8.4f}  (rank {r['rank']}, {float(r['comm_s']):.1f} of {float(r['train_s']):.1f} s in reductions)")
PY
done
