#!/bin/bash
# The job that runs after a grading array (sbatch --dependency=afterany:ARRAY,
# queued by slurm-submit.sh): reports the tasks that did not finish and the
# students they left ungraded, releases the feedback and exports the grades
# (deploy/grading/finish.py). Exit status 1 when something was left ungraded.
#
# Environment: COURSE_DIR, COURSE_DATA_DIR, COURSE_DB_URL and COURSE_PYTHON as
# for slurm-grade.sh; GRADE_RUN_DIR (the run's log folder), GRADE_SHARDS,
# GRADE_STEPS and GRADE_SCRIPTS (this folder: sbatch runs a copy of the script).
#SBATCH --job-name=course-grade-finish
#SBATCH --cpus-per-task=1
#SBATCH --mem=4G
#SBATCH --time=00:30:00
#SBATCH --output=slurm-grade-finish-%j.out
set -uo pipefail

missing=()
for name in COURSE_DIR COURSE_DB_URL GRADE_RUN_DIR GRADE_SHARDS GRADE_SCRIPTS; do
  [[ -n "${!name:-}" ]] || missing+=("$name")
done
if ((${#missing[@]})); then
  echo "slurm-finish.sh: not set: ${missing[*]} (slurm-submit.sh sets them; deploy/GRADING.md)" >&2
  exit 2
fi
cd "$COURSE_DIR" || exit 2
# shellcheck disable=SC2086  # GRADE_STEPS is a list of steps
exec "${COURSE_PYTHON:-$COURSE_DIR/.venv/bin/python}" "$GRADE_SCRIPTS/finish.py" "$GRADE_RUN_DIR" \
  --shards "$GRADE_SHARDS" ${GRADE_STEPS:-all}
