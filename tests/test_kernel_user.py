"""Who student code runs as (course/kernel_user.py, course/sandbox.py --user):
the switch itself, what it closes, and what the kernel is lent."""
import os
import subprocess
import sys

import pytest

from course import kernel_user

ROOT = os.geteuid() == 0
CAN_SWITCH = ROOT and kernel_user.check(kernel_user.DEFAULT_USER)[0]
needs_switch = pytest.mark.skipif(not CAN_SWITCH, reason="needs root, and a Python that nobody can run: "
                                  + ("" if not ROOT else kernel_user.check(kernel_user.DEFAULT_USER)[1]))


def run_as_nobody(home, code, cwd=None):
    return subprocess.run([sys.executable, "-m", "course.sandbox", "--user", kernel_user.DEFAULT_USER,
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


def test_kernel_home_lends_the_graders_decoded_data(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path / "readonly-root"))
    (tmp_path / "readonly-root").mkdir()
    (tmp_path / "readonly-root").chmod(0o555)  # read-only: derived files go to the cache
    cache = tmp_path / "cache"
    monkeypatch.setenv("COURSE_DATA_CACHE", str(cache))
    decoded = cache / "cifar10" / "cifar10-jpeg-test.npz"
    decoded.parent.mkdir(parents=True)
    decoded.write_bytes(b"pixels")
    (cache / "cifar10" / "unrelated.txt").write_text("not derived")
    raw = cache / "FashionMNIST" / "raw"
    raw.mkdir(parents=True)
    (raw / "t10k-images-idx3-ubyte.gz").symlink_to("/elsewhere/t10k-images-idx3-ubyte.gz")
    home = kernel_user.kernel_home("nobody")
    try:
        lent = home / "data-cache"
        assert (lent / "cifar10" / "cifar10-jpeg-test.npz").stat().st_ino == decoded.stat().st_ino, "a hard link"
        assert os.readlink(lent / "FashionMNIST" / "raw" / "t10k-images-idx3-ubyte.gz") == \
            "/elsewhere/t10k-images-idx3-ubyte.gz"
        assert not (lent / "cifar10" / "unrelated.txt").exists()
    finally:
        import shutil
        shutil.rmtree(home)


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
    home = kernel_user.kernel_home("nobody", link_data=False)
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
