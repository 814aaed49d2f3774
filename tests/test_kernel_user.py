"""Who student code runs as (course/grader/sandbox/kernel_user.py, course/grader/sandbox/launcher.py --user):
the switch itself, what it closes, and what the kernel is lent."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from course.grader.sandbox import kernel_user

pytestmark = pytest.mark.unit

ROOT = os.geteuid() == 0


@pytest.fixture
def switch():
    """Skips unless the tests can switch to the kernel user: root, and a
    Python that user can run (a probe process: asked here, not at import)."""
    if not ROOT:
        pytest.skip("needs root, and a Python that nobody can run")
    works, why = kernel_user.check(kernel_user.DEFAULT_USER)
    if not works:
        pytest.skip("needs root, and a Python that nobody can run: " + why)


needs_switch = pytest.mark.usefixtures("switch")


def run_as_nobody(home, code, cwd=None):
    return subprocess.run([sys.executable, "-m", "course.grader.sandbox.launcher", "--user", kernel_user.DEFAULT_USER,
                           "--home", str(home), "--", sys.executable, "-c", code],
                          capture_output=True, text=True, timeout=120, cwd=cwd)


def test_close_course_takes_away_only_the_others_permissions(tmp_path):
    for name in ("tests", "source", "submitted", "release", "course"):
        (tmp_path / name).mkdir(mode=0o755)
    (tmp_path / "gradebook.db").write_text("")
    (tmp_path / "gradebook.db").chmod(0o664)
    kernel_user.close_course(tmp_path)
    mode = lambda name: oct((tmp_path / name).stat().st_mode & 0o777)  # noqa: E731
    assert [mode(n) for n in ("tests", "source", "submitted", "gradebook.db")] == ["0o750"] * 3 + ["0o660"]
    assert mode("release") == mode("course") == "0o755", "what students may see stays open"


def test_kernel_home_lends_the_training_splits_and_no_test_set(tmp_path, monkeypatch):
    """The kernel's data root: the grader's training files, hard-linked (no
    copy, nothing decoded again), no test file, and a note that says why."""
    from course import data

    from tests.test_data import real_root
    real_root()
    monkeypatch.setenv("COURSE_DATA_CACHE", str(tmp_path / "cache"))
    grader = data.fashion_mnist("train")
    home = kernel_user.kernel_home("nobody" if ROOT else None)
    try:
        view = home / "data"
        lent = view / "FashionMNIST" / "raw" / "train-labels-idx1-ubyte"
        assert lent.stat().st_ino == (Path(grader.raw_folder) / lent.name).resolve().stat().st_ino, "a hard link"
        files = [p.relative_to(view).as_posix() for p in view.rglob("*") if p.is_file()]
        assert not [f for f in files if "t10k" in f or "test" in f or f.endswith(".zip")], files
        assert "cifar10/cifar10-jpeg-train.npz" in files or "cifar-10-batches-py/data_batch_5" in files, files
        assert (view / data.WITHHELD).is_file()
        if ROOT:
            assert view.stat().st_uid == kernel_user.user_ids("nobody")[0], "the kernel's own folder"
            assert lent.stat().st_uid == os.geteuid(), "the lent files stay the grader's"
        monkeypatch.setenv("COURSE_DATA_DIR", str(view))
        assert len(data.fashion_mnist("val")) == 10_000 and len(data.cifar10("train")) == 45_000
        with pytest.raises(data.DataMissing, match="labels are kept by the grader"):
            data.fashion_mnist("test")
        with pytest.raises(data.DataMissing, match="labels are kept by the grader"):
            data.cifar10("test")
    finally:
        import shutil
        shutil.rmtree(home)


@needs_switch
def test_the_check_lists_the_test_files_the_kernel_user_could_read(tmp_path, monkeypatch):
    """A grader whose test labels the kernel could read hears about it (a
    0644 labels file in a 0755 root: covered; not covered; closed)."""
    import shutil
    import tempfile

    open_folder = Path(tempfile.mkdtemp(prefix="course-labels-"))  # pytest's tmp_path is 0700
    try:
        root = open_folder / "root"
        raw = root / "FashionMNIST" / "raw"
        raw.mkdir(parents=True)
        (raw / "t10k-labels-idx1-ubyte.gz").write_bytes(b"labels")
        (raw / "train-labels-idx1-ubyte.gz").write_bytes(b"labels")
        for folder in (open_folder, root, root / "FashionMNIST", raw):
            folder.chmod(0o755)
        monkeypatch.setenv("COURSE_DATA_DIR", str(root))
        monkeypatch.setenv("COURSE_DATA_CACHE", str(tmp_path / "cache"))
        # Covered for the kernel (course.grader.sandbox.launcher --hide): nothing to read.
        monkeypatch.setattr(kernel_user, "_checked", {})
        assert kernel_user.exposed("nobody") == []
        # Where nothing can be covered, the permissions decide.
        monkeypatch.setattr(kernel_user, "hidden_folders", lambda home: [])
        monkeypatch.setattr(kernel_user, "_checked", {})
        assert kernel_user.exposed("nobody") == [str(raw / "t10k-labels-idx1-ubyte.gz")]
        root.chmod(0o700)
        monkeypatch.setattr(kernel_user, "_checked", {})
        assert kernel_user.exposed("nobody") == []
    finally:
        shutil.rmtree(open_folder)


def test_a_user_that_does_not_exist_is_refused():
    works, why = kernel_user.check("no-such-user-here")
    assert not works and "no user 'no-such-user-here'" in why


@pytest.mark.skipif(ROOT, reason="run as root")
def test_a_grader_that_is_not_root_keeps_its_user():
    assert kernel_user.choose("auto") is None


@needs_switch
def test_the_kernel_runs_as_nobody_and_cannot_read_the_graders_secrets(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("hidden")
    secret.chmod(0o600)
    home = kernel_user.kernel_home("nobody", lend_data=False)
    code = (f"import os\nprint(os.getuid(), os.environ['HOME'] == {str(home)!r})\n"
            f"try:\n    open({str(secret)!r}).read()\nexcept PermissionError:\n    print('denied')\n"
            "print(os.access('/', os.W_OK))")
    try:
        probe = run_as_nobody(home, code)
    finally:
        import shutil
        shutil.rmtree(home)
    assert probe.returncode == 0, probe.stderr
    uid = kernel_user.user_ids("nobody")[0]
    assert probe.stdout.split() == [str(uid), "True", "denied", "False"]


@needs_switch
def test_choose_picks_nobody_and_a_named_user_that_cannot_run_is_refused():
    assert kernel_user.choose("auto") == "nobody"
    with pytest.raises(kernel_user.KernelUserError, match="refusing to grade"):
        kernel_user.choose("no-such-user-here")


def test_hidden_folders_are_the_data_roots_but_nothing_the_kernel_needs(tmp_path, monkeypatch):
    from tests.conftest import REPO

    root = tmp_path / "data"
    (root / "FashionMNIST" / "raw").mkdir(parents=True)
    (root / "FashionMNIST" / "raw" / "t10k-labels-idx1-ubyte.gz").write_bytes(b"labels")
    monkeypatch.setenv("COURSE_DATA_DIR", str(root))
    monkeypatch.chdir(REPO)
    home = tmp_path / "home"
    home.mkdir()
    assert kernel_user.hidden_folders(home) == [root.resolve()], "the root holds the folder of its test files"
    # A data root above the course, its Python or the kernel's HOME is never covered.
    for above in (REPO.parent, Path(sys.prefix).parent, tmp_path):
        monkeypatch.setenv("COURSE_DATA_DIR", str(above))
        assert above.resolve() not in kernel_user.hidden_folders(home)


@pytest.mark.skipif(not ROOT, reason="covering a folder needs root (or a user namespace)")
def test_the_sandbox_hides_a_folder_from_the_kernel_only(tmp_path):
    secret = tmp_path / "labels"
    secret.mkdir()
    (secret / "t10k-labels").write_text("7 2 1 0")
    probe = subprocess.run([sys.executable, "-m", "course.grader.sandbox.launcher", "--hide", str(secret), "--",
                            sys.executable, "-c", f"import os; print(os.listdir({str(secret)!r}))"],
                           capture_output=True, text=True, timeout=60)
    assert probe.returncode == 0 and "WARNING" not in probe.stderr, probe.stderr
    assert probe.stdout.strip() == "[]", "covered for the kernel"
    assert (secret / "t10k-labels").read_text() == "7 2 1 0", "the grader still sees it"
