#!/bin/bash
# Grade a class on a Slurm cluster, one command: a job array whose task i
# grades shard i of the students (slurm-grade.sh), then one job that runs
# when every task has ended, however it ended (afterany: slurm-finish.sh),
# which reports any task that did not finish with the students it left
# ungraded, releases the feedback and exports the grades.
#
#   export COURSE_DIR=/shared/course COURSE_DATA_DIR=/shared/data \
#          COURSE_DB_URL='postgresql+psycopg://grader:PASSWORD@db.example.edu/gradebook'
#   deploy/grading/slurm-submit.sh                      # every step
#   deploy/grading/slurm-submit.sh 17_cnn_cifar10       # one step (or several)
#   GRADE_SHARDS=8 deploy/grading/slurm-submit.sh all -- --partition=gpu --time=2:00:00
#
# Options after `--` go to the grading array's sbatch (they override the
# #SBATCH lines of slurm-grade.sh: --cpus-per-task, --mem, --time, ...);
# sbatch's own SBATCH_PARTITION, SBATCH_ACCOUNT, ... apply to both jobs.
#   GRADE_SHARDS  tasks in the array, one shard of the students each (default 4)
#   GRADE_GRES    auto (default): --gres=gpu:1 per task when sinfo lists a gpu
#                 gres on the cluster; none; or a gres to ask for (gpu:a100:1)
# Logs, the tasks' exit files and grades.csv go to $COURSE_DIR/logs/grade-<time>/.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

steps=()
while (($#)) && [[ "$1" != -- ]]; do steps+=("$1"); shift; done
(($#)) && shift   # the --
((${#steps[@]})) || steps=(all)
shards="${GRADE_SHARDS:-4}"
if ! [[ "$shards" =~ ^[1-9][0-9]*$ ]]; then
  echo "slurm-submit.sh: GRADE_SHARDS=$shards is not a number of tasks" >&2
  exit 2
fi
bash "$here/slurm-grade.sh" --check   # the environment, here and now rather than in a task's log
for tool in sbatch sinfo; do
  command -v "$tool" >/dev/null || { echo "slurm-submit.sh: no $tool here: run it on a Slurm login node" >&2; exit 2; }
done

gres=()
case "${GRADE_GRES:-auto}" in
  auto) if sinfo -h -o %G | grep -q gpu; then gres=(--gres=gpu:1); fi ;;
  none) ;;
  *) gres=(--gres="$GRADE_GRES") ;;
esac

run_dir="$COURSE_DIR/logs/grade-$(date +%Y%m%d-%H%M%S)-$$"
mkdir -p "$run_dir"
touch "$run_dir/started"   # what finish.py counts as graded in this run is newer than this
export GRADE_STEPS="${steps[*]}" GRADE_SHARDS="$shards" GRADE_RUN_DIR="$run_dir" GRADE_SCRIPTS="$here"

array=$(sbatch --parsable --export=ALL --chdir="$COURSE_DIR" --array="0-$((shards - 1))" "${gres[@]}" \
  --output="$run_dir/slurm-%A_%a.out" "$@" "$here/slurm-grade.sh")
array="${array%%;*}"   # --parsable: "jobid[;cluster]"
finish=$(sbatch --parsable --export=ALL --chdir="$COURSE_DIR" --dependency="afterany:$array" \
  --output="$run_dir/slurm-%j-finish.out" "$here/slurm-finish.sh")
finish="${finish%%;*}"
echo "Grading ${steps[*]} in $shards tasks${gres:+ (${gres[*]})}: array job $array, then job $finish" \
  "(feedback, grades, what was not graded)."
echo "Logs: $run_dir   Watch: squeue -j $array,$finish   Report: $run_dir/slurm-$finish-finish.out"
