"""What instructors set for the grading service: which steps are off (an
exam), and how many graded submissions a student gets per step and period.
A small JSON file in the course directory (autograde/settings.json), read
again on every round of the service, so a change applies within seconds:

    python -m course autograde-service off 17_cnn_cifar10
    python -m course autograde-service on 17_cnn_cifar10
    python -m course autograde-service limit 5 --per 60     # 5 graded per student and step per 60 minutes
"""
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

DEFAULT_LIMIT = 5
DEFAULT_PERIOD_MINUTES = 60


@dataclass
class Settings:
    off: list = field(default_factory=list)   # steps graded by hand only
    limit: int = DEFAULT_LIMIT               # graded submissions per student and step per period; 0: no limit
    period_minutes: float = DEFAULT_PERIOD_MINUTES

    @property
    def period(self):
        return self.period_minutes * 60

    def is_on(self, step):
        return step not in self.off


def settings_path(root):
    return Path(root) / "autograde" / "settings.json"


def load(root):
    path = settings_path(root)
    if not path.is_file():
        return Settings()
    data = json.loads(path.read_text())
    known = Settings.__dataclass_fields__
    return Settings(**{k: v for k, v in data.items() if k in known})


def save(root, settings):
    """Written whole, then renamed: the service never reads half a file."""
    path = settings_path(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(asdict(settings), indent=2) + "\n")
    os.replace(tmp, path)
    return path


def switch(root, steps, on):
    settings = load(root)
    off = set(settings.off)
    off = off - set(steps) if on else off | set(steps)
    settings.off = sorted(off)
    save(root, settings)
    return settings
