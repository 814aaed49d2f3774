#!/bin/bash
# Grade a class on a Slurm cluster: an array job whose tasks each grade one
# shard of the students (`--shard $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT`)
# with the same command an instructor runs, against the shared PostgreSQL
# gradebook.
#
#   export COURSE_DB_URL='postgresql+psycopg://grader:PASSWORD@db.example.edu/gradebook'
#   sbatch --export=ALL deploy/grading/slurm-grade.sh            # every step
#   sbatch --export=ALL,STEPS=17_cnn_cifar10 deploy/grading/slurm-grade.sh
#
# Run from the course directory on a shared filesystem (submitted/,
# autograded/ and feedback/ are shared by all tasks; the gradebook is
# PostgreSQL, never SQLite on NFS). Not run here: this project's machines
# have no Slurm.
#SBATCH --job-name=course-grade
#SBATCH --array=0-3                  # 4 shards; change with sbatch --array=0-N
#SBATCH --cpus-per-task=8            # workers = the CPUs Slurm gives the task
#SBATCH --mem=40G
#SBATCH --gres=gpu:1                 # drop for CPU-only partitions
#SBATCH --time=04:00:00
#SBATCH --output=logs/grade-%A_%a.out
set -euo pipefail

: "${COURSE_DB_URL:?set COURSE_DB_URL to the shared PostgreSQL gradebook}"
STEPS="${STEPS:-all}"
mkdir -p logs

# sched_getaffinity sees the CPUs Slurm bound the task to, so -j defaults to
# them; CUDA_VISIBLE_DEVICES from --gres is respected, workers share the GPU.
# Slurm's task does not run as root: the kernel's network namespace then
# needs unprivileged user namespaces (COURSE_KERNEL_NETWORK=auto grades
# anyway and says so; =none refuses).
# Not root either, student code runs as this job's user and can read what
# it can: run grading jobs from an account that holds the course only, or
# as root (the kernel then runs as nobody: COURSE_KERNEL_USER).
exec .venv/bin/python -m course grade "$STEPS" \
    --shard "${SLURM_ARRAY_TASK_ID}/${SLURM_ARRAY_TASK_COUNT}" \
    --log-dir "logs/shard-${SLURM_ARRAY_TASK_ID}" \
    --quiet
