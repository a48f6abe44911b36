#!/bin/bash
# Submits a sweep as an N-task job array plus a merge job that runs when every task succeeded.
#   examples/slurm/submit.sh SPEC.yaml OUTROOT [N]      -> OUTROOT/shard-*/ and OUTROOT/merged/
set -euo pipefail
SPEC=${1:?usage: submit.sh SPEC.yaml OUTROOT [NUMSHARDS]}
OUT=${2:?usage: submit.sh SPEC.yaml OUTROOT [NUMSHARDS]}
N=${3:-4}
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$OUT"
jid=$(sbatch --parsable --array=0-$((N - 1)) --output="$OUT/papi-sweep-%A_%a.out" "$HERE/sweep.sbatch" "$SPEC" "$OUT")
mid=$(sbatch --parsable --dependency=afterok:"$jid" --output="$OUT/papi-sweep-merge-%j.out" "$HERE/merge.sbatch" "$OUT" "$N")
echo "array job $jid ($N shards), merge job $mid -> $OUT/merged"
