"""The grading service's journal: every submission it has seen in the
exchange, and what became of it, in SQLite next to the course
(autograde/journal.sqlite).

One row per submission (the exchange's inbound folder name is its key), and
an append-only `events` table, one line per change of state, which is what
"graded once" is checked against. Every change is committed before the
service acts on it, so a service killed at any point (SIGKILL included)
reads back where it was: a submission left `grading` is graded again once
(`recover`), never lost, and `done` is written only after its feedback was
released.

States:
    waiting      seen, to be graded (in order of arrival)
    held         over the per-student limit: graded after `not_before`
    grading      collected, in the grader
    done         graded, feedback released
    failed       could not be graded (message says why)
    superseded   the same student handed in the same step again before this was graded
    manual       automatic grading was off for its step: the instructor grades it
"""
import sqlite3
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

STATES = ("waiting", "held", "grading", "done", "failed", "superseded", "manual")
# A submission whose grading was interrupted this many times (the service
# killed while on it) is marked failed rather than tried forever.
MAX_ATTEMPTS = 3

SCHEMA = """
CREATE TABLE IF NOT EXISTS submissions (
    name TEXT PRIMARY KEY,          -- the inbound folder: student+step+timestamp+random
    student TEXT NOT NULL,
    step TEXT NOT NULL,
    submitted_at TEXT NOT NULL,     -- the exchange's timestamp (UTC, ISO 8601)
    seen_at REAL NOT NULL,
    state TEXT NOT NULL,
    not_before REAL,
    attempts INTEGER NOT NULL DEFAULT 0,
    started_at REAL,
    finished_at REAL,
    score REAL,
    max_score REAL,
    message TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS events (
    at REAL NOT NULL,
    name TEXT NOT NULL,
    state TEXT NOT NULL,
    message TEXT NOT NULL DEFAULT ''
);
"""


@dataclass
class Submission:
    name: str
    student: str
    step: str
    submitted_at: str
    seen_at: float
    state: str
    not_before: float | None
    attempts: int
    started_at: float | None
    finished_at: float | None
    score: float | None
    max_score: float | None
    message: str


def journal_path(root):
    return Path(root) / "autograde" / "journal.sqlite"


class Journal:
    """The journal of one course directory."""

    def __init__(self, path, clock=time.time):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.clock = clock
        with closing(self._connect()) as db, db:
            db.executescript(SCHEMA)

    def _connect(self):
        db = sqlite3.connect(self.path, timeout=30)
        db.execute("PRAGMA synchronous=FULL")
        return db

    def _change(self, db, name, state, message="", **fields):
        assignments = ", ".join(f"{k} = ?" for k in ("state", "message", *fields))
        db.execute(f"UPDATE submissions SET {assignments} WHERE name = ?",
                   (state, message, *fields.values(), name))
        db.execute("INSERT INTO events VALUES (?, ?, ?, ?)", (self.clock(), name, state, message))

    # -- reading ---------------------------------------------------------------

    def all(self, states=None):
        """Submissions (in `states`), in order of arrival."""
        query = "SELECT * FROM submissions"
        args = ()
        if states:
            query += f" WHERE state IN ({', '.join('?' * len(states))})"
            args = tuple(states)
        with closing(self._connect()) as db:
            rows = db.execute(query + " ORDER BY submitted_at, name", args).fetchall()
        return [Submission(*row) for row in rows]

    def get(self, name):
        with closing(self._connect()) as db:
            row = db.execute("SELECT * FROM submissions WHERE name = ?", (name,)).fetchone()
        return Submission(*row) if row else None

    def events(self, name=None):
        """[(at, name, state, message)], oldest first."""
        with closing(self._connect()) as db:
            if name:
                return db.execute("SELECT * FROM events WHERE name = ? ORDER BY rowid", (name,)).fetchall()
            return db.execute("SELECT * FROM events ORDER BY rowid").fetchall()

    def started_since(self, student, step, since, besides=None):
        """[started_at] of this student's gradings of `step` started at or
        after `since` (other than the submission `besides`): what the limit counts."""
        with closing(self._connect()) as db:
            rows = db.execute("SELECT started_at FROM submissions WHERE student = ? AND step = ? "
                              "AND started_at IS NOT NULL AND started_at >= ? AND name != ? "
                              "ORDER BY started_at", (student, step, since, besides or "")).fetchall()
        return [r[0] for r in rows]

    # -- writing ---------------------------------------------------------------

    def add(self, name, student, step, submitted_at):
        """Record a submission seen in the exchange; False if already known."""
        with closing(self._connect()) as db, db:
            added = db.execute("INSERT OR IGNORE INTO submissions (name, student, step, submitted_at, seen_at, state) "
                               "VALUES (?, ?, ?, ?, ?, 'waiting')",
                               (name, student, step, submitted_at, self.clock())).rowcount
            if added:
                db.execute("INSERT INTO events VALUES (?, ?, 'waiting', 'seen in the exchange')",
                           (self.clock(), name))
        return bool(added)

    def set(self, name, state, message="", **fields):
        assert state in STATES, state
        with closing(self._connect()) as db, db:
            self._change(db, name, state, message, **fields)

    def start(self, name):
        """The submission goes to the grader: committed before grading starts."""
        with closing(self._connect()) as db, db:
            db.execute("UPDATE submissions SET attempts = attempts + 1 WHERE name = ?", (name,))
            self._change(db, name, "grading", "", started_at=self.clock(), not_before=None)

    def recover(self):
        """On start: submissions left `grading` by a service that stopped
        (or was killed) go back to `waiting`, to be graded again once; after
        MAX_ATTEMPTS interruptions, `failed`. Returns the names sent back."""
        again = []
        for s in self.all(["grading"]):
            if s.attempts >= MAX_ATTEMPTS:
                self.set(s.name, "failed", f"grading was interrupted {s.attempts} times "
                                           "(the service stopped while grading it)")
            else:
                self.set(s.name, "waiting", "the service stopped while grading it: graded again",
                         started_at=None)
                again.append(s.name)
        return again
