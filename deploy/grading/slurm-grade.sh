#!/bin/bash
# One task of a Slurm job array that grades a class: task i of n grades
# shard i/n of the students (`python -m course grade STEPS --shard i/n`, the
# command an instructor runs on one machine) into the shared PostgreSQL
# gradebook. Submit it with deploy/grading/slurm-submit.sh, which also queues
# the job that releases feedback and reports what was not graded; or alone:
#
#   export COURSE_DIR=/shared/course COURSE_DATA_DIR=/shared/data \
#          COURSE_DB_URL='postgresql+psycopg://grader:PASSWORD@db.example.edu/gradebook'
#   sbatch --array=0-3 --export=ALL,GRADE_STEPS=17_cnn_cifar10 deploy/grading/slurm-grade.sh
#
# Environment (sbatch passes the submitter's on):
#   COURSE_DIR       the course directory (nbgrader_config.py, submitted/,
#                    autograded/, feedback/) on a filesystem every node shares
#   COURSE_DATA_DIR  the data root, test sets included (python -m course data)
#   COURSE_DB_URL    the PostgreSQL gradebook every task writes to (never
#                    SQLite: tasks on several nodes)
#   GRADE_STEPS      steps to grade, or "all" (default)
#   COURSE_PYTHON    the course's Python (default: $COURSE_DIR/.venv/bin/python)
#   GRADE_RUN_DIR    where this run's logs go (default: $COURSE_DIR/logs/grade-<array job id>)
#
# Grading a (step, student) again replaces its grades (nbgrader autograde),
# so a task that is killed and requeued counts nothing twice (tests/test_slurm.py).
# `bash slurm-grade.sh --check` only checks the environment.
#SBATCH --job-name=course-grade
#SBATCH --array=0-3                  # 4 shards: task i grades shard i/4; change with sbatch --array=0-N
#SBATCH --cpus-per-task=8            # grading workers = these CPUs
#SBATCH --mem=40G                    # each worker's kernel may take COURSE_MEMORY_LIMIT (4G)
#SBATCH --time=04:00:00
#SBATCH --requeue                    # requeued if its node fails; `scontrol requeue JOB_i` by hand
#SBATCH --open-mode=append           # a requeued task's log follows the killed attempt's
#SBATCH --output=slurm-grade-%A_%a.out
# GPUs: add `--gres=gpu:1` on the sbatch command line where the nodes have
# them (slurm-submit.sh does when sinfo lists a gpu gres); the workers share it.
set -uo pipefail

check_environment() {
  local missing=() name
  for name in COURSE_DIR COURSE_DATA_DIR COURSE_DB_URL; do
    [[ -n "${!name:-}" ]] || missing+=("$name")
  done
  if ((${#missing[@]})); then
    echo "slurm-grade.sh: not set: ${missing[*]}. COURSE_DIR is the course directory," \
      "COURSE_DATA_DIR the data root, COURSE_DB_URL the PostgreSQL gradebook (deploy/GRADING.md)." >&2
    return 2
  fi
  if [[ ! -f "$COURSE_DIR/nbgrader_config.py" ]]; then
    echo "slurm-grade.sh: COURSE_DIR=$COURSE_DIR has no nbgrader_config.py: not the course directory" >&2
    return 2
  fi
  if [[ ! -d "$COURSE_DATA_DIR" ]]; then
    echo "slurm-grade.sh: COURSE_DATA_DIR=$COURSE_DATA_DIR is not a directory" >&2
    return 2
  fi
  if [[ "$COURSE_DB_URL" != postgresql* ]]; then
    echo "slurm-grade.sh: COURSE_DB_URL must be the PostgreSQL gradebook (postgresql+psycopg://...):" \
      "tasks on several nodes cannot share SQLite" >&2
    return 2
  fi
  PYTHON="${COURSE_PYTHON:-$COURSE_DIR/.venv/bin/python}"
  if [[ ! -x "$PYTHON" ]]; then
    echo "slurm-grade.sh: no course Python at $PYTHON (make setup in COURSE_DIR, or set COURSE_PYTHON)" >&2
    return 2
  fi
}

check_environment || exit
[[ "${1:-}" == --check ]] && exit 0
if [[ -z "${SLURM_ARRAY_TASK_ID:-}" ]]; then
  echo "slurm-grade.sh: not a Slurm array task: submit it with sbatch --array=0-N (or slurm-submit.sh)" >&2
  exit 2
fi
# Shard i of n needs the array 0..n-1, every index once.
shards=$((SLURM_ARRAY_TASK_MAX + 1))
if ((SLURM_ARRAY_TASK_MIN != 0 || SLURM_ARRAY_TASK_COUNT != shards)); then
  echo "slurm-grade.sh: the array must be 0-N with no gaps (got ${SLURM_ARRAY_TASK_MIN}-${SLURM_ARRAY_TASK_MAX}," \
    "${SLURM_ARRAY_TASK_COUNT} tasks)" >&2
  exit 2
fi
cd "$COURSE_DIR" || exit 2
run_dir="${GRADE_RUN_DIR:-$COURSE_DIR/logs/grade-$SLURM_ARRAY_JOB_ID}"
mkdir -p "$run_dir"
task="$SLURM_ARRAY_TASK_ID"
# shard-<i>.exit says how the task ended; a task killed (scancel, time
# limit, node lost, requeue) writes none, which the report job reads as "did not finish".
rm -f "$run_dir/shard-$task.exit"
jobs=()
[[ -n "${SLURM_CPUS_PER_TASK:-}" ]] && jobs=(-j "$SLURM_CPUS_PER_TASK")
echo "$(date -Is) shard $task/$shards of ${GRADE_STEPS:-all} on $(hostname)," \
  "attempt $((${SLURM_RESTART_COUNT:-0} + 1)), CUDA_VISIBLE_DEVICES=${CUDA_VISIBLE_DEVICES:-none}"

# Not root, the kernels' network namespace needs unprivileged user
# namespaces (COURSE_KERNEL_NETWORK=auto grades anyway and says so; =none
# refuses), and student code runs as this job's user: run grading from an
# account that holds the course only, or as root (kernels then run as nobody).
# shellcheck disable=SC2086  # GRADE_STEPS is a list of steps
"$PYTHON" -m course grade ${GRADE_STEPS:-all} --shard "$task/$shards" "${jobs[@]}" --log-dir "$run_dir/shard-$task" --quiet
status=$?
echo "$status" > "$run_dir/shard-$task.exit"
echo "$(date -Is) shard $task/$shards exited $status"
exit "$status"
