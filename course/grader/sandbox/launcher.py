"""The kernel launcher: limits applied to a grading kernel, and only to it.

    python -m course.grader.sandbox.launcher [--memory BYTES] [--file-size BYTES]
        [--network none|auto|host] [--cgroup DIR]... [--hide DIR]...
        [--scratch BYTES [--keep PATH]... [--keep-ro PATH]...] [--home DIR [--user NAME]] [--nproc N]
        -- KERNEL COMMAND...

The grader's kernel manager (course.grader.sandbox.kernel_manager.LimitedKernelManager) puts this in
front of the kernel's command. It runs in the kernel's own process, changes
that process, then `exec`s the kernel (same pid, so nbclient's interrupts and
kills reach the kernel itself):

- memory: `setrlimit(RLIMIT_DATA)`, the kernel's heap and private writable
  mappings (what tensors and arrays use). Not RLIMIT_AS: CUDA reserves huge
  ranges of address space it never touches, which RLIMIT_AS counts (and then
  refuses) while RLIMIT_DATA does not (they are mapped PROT_NONE).
  Each process the kernel starts (DataLoader workers) gets the same limit.
- network: a new, empty network namespace (`unshare(CLONE_NEWNET)`; as
  non-root, inside a new user namespace). The kernel still talks to the
  grader over zmq's ipc transport (Unix sockets are files, not network),
  while the worker that runs the kernel keeps its network (the PostgreSQL
  gradebook, say). A kernel started as root also loses CAP_SYS_ADMIN (and
  CAP_NET_ADMIN, CAP_SYS_PTRACE, CAP_SYS_MODULE), so it cannot join the
  grader's namespace again. `none` insists (the kernel does not start if no namespace
  can be made), `auto` isolates where the machine allows it and says so on
  stderr where it does not, `host` leaves the network alone.
- hide: each `--hide` folder is covered, for the kernel only, by an empty
  read-only tmpfs in a mount namespace of its own (`unshare(CLONE_NEWNS)`;
  as root, or inside the user namespace made for the network). The grader
  hides its data roots this way: the kernel reads its training files
  through hard links in its HOME, and finds nothing where the test labels
  are, whatever their permissions. Where it cannot, it says so on stderr
  and goes on (the permissions are then what protects them).
- scratch: with `--scratch BYTES`, the folders anyone may write on the
  runner (/tmp, /var/tmp, /dev/shm, /run/lock) and the kernel's HOME are,
  for the kernel only, folders of one new tmpfs of that size, in the same
  mount namespace: what the kernel writes there is counted against one
  budget (ENOSPC past it, and memory it can reach: tmpfs pages are RAM) and
  is gone when its last process ends. Each `--keep`/`--keep-ro` path (the
  kernel's data view and socket folder, the Python and course it needs)
  is bound back, as on the runner, where a private folder covered it.
- file size: `--file-size BYTES` sets RLIMIT_FSIZE, with SIGXFSZ ignored so
  that a write past it fails (OSError EFBIG) instead of killing the kernel.
- cgroups: each `--cgroup DIR` (a cgroup the grader made for this kernel,
  with its process and memory limits; course/grader/sandbox/cgroups.py) is joined
  before anything else, so the kernel and all it starts are counted there.
- processes, without a cgroup: `--nproc N` sets RLIMIT_NPROC, which counts
  the processes and threads of the kernel's user; the grader gives it with
  a `--user` uid of the worker's own, so it counts that kernel alone.
- user: started as root with `--user`, the kernel drops to that unprivileged
  user (course/grader/sandbox/kernel_user.py picks it and checks it can run this Python):
  then it cannot ptrace the grader, write the gradebook, the course or the
  Python environment, nor read what is closed to others (the grader closes
  tests/, source/, submitted/, autograded/, feedback/ and the gradebook).
  `--home` (made by the grader, removed after the kernel) becomes its HOME
  and TMPDIR, and holds the copy of the connection file it can read.
- the kernel dies with its worker (PR_SET_PDEATHSIG), so a worker killed for
  running past the notebook time limit leaves no kernel behind.

Imports only the standard library: it runs once per kernel start.
"""
import argparse
import ctypes
import errno
import os
import pwd
import resource
import signal
import subprocess
import sys

CLONE_NEWNET = 0x40000000
CLONE_NEWNS = 0x00020000
CLONE_NEWUSER = 0x10000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REMOUNT, MS_BIND = 1, 2, 4, 8, 32, 4096
MS_REC, MS_PRIVATE = 0x4000, 1 << 18
PR_SET_PDEATHSIG = 1
PR_CAPBSET_DROP = 24
# Capabilities a kernel running as root must not keep: with them it could
# join the grader's network namespace again (setns), reconfigure networking,
# or ptrace the worker (which has the network).
CAP_NET_ADMIN, CAP_SYS_MODULE, CAP_SYS_PTRACE, CAP_SYS_ADMIN = 12, 16, 19, 21
NETWORK_MODES = ("none", "auto", "host")


def _libc():
    return ctypes.CDLL(None, use_errno=True)


def limit_memory(nbytes):
    """Cap this process's data segment (heap and private writable mappings)."""
    resource.setrlimit(resource.RLIMIT_DATA, (nbytes, nbytes))


def isolate_network():
    """Move this process into a new network namespace with no interfaces
    but a (down) loopback. Returns None on success, else why not."""
    libc = _libc()
    if libc.unshare(CLONE_NEWNET) == 0:
        return None
    first = os.strerror(ctypes.get_errno())
    # Not root (or no CAP_SYS_ADMIN): a user namespace grants it, if the
    # machine allows unprivileged user namespaces.
    uid, gid = os.getuid(), os.getgid()
    if libc.unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0:
        return f"unshare(CLONE_NEWNET): {first}; with a user namespace: {os.strerror(ctypes.get_errno())}"
    try:
        with open("/proc/self/setgroups", "w") as f:
            f.write("deny")
        with open("/proc/self/uid_map", "w") as f:
            f.write(f"{uid} {uid} 1")
        with open("/proc/self/gid_map", "w") as f:
            f.write(f"{gid} {gid} 1")
    except OSError as e:
        return f"user namespace id maps: {e}"
    return None


def new_mount_namespace():
    """Give this process (and what it starts) mounts of its own, which do
    not spread back to the grader's. Returns None on success, else why not."""
    libc = _libc()
    if libc.unshare(CLONE_NEWNS) != 0:
        return f"unshare(CLONE_NEWNS): {os.strerror(ctypes.get_errno())}"
    if libc.mount(b"none", b"/", None, MS_REC | MS_PRIVATE, None) != 0:
        return f"making / private: {os.strerror(ctypes.get_errno())}"
    return None


def _mount(source, target, fstype=None, flags=0, options=None):
    if _libc().mount(os.fsencode(source), os.fsencode(target), fstype, flags, options) != 0:
        raise OSError(ctypes.get_errno(), f"mounting {target}: {os.strerror(ctypes.get_errno())}")


def hide(folders):
    """Cover each of `folders` with an empty, read-only tmpfs (in this
    process's own mount namespace). Returns None on success, else why not."""
    for folder in folders:
        try:
            _mount("tmpfs", folder, b"tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, b"size=4k,mode=0555")
        except OSError as e:
            return f"covering {folder}: {e.strerror}"
    return None


# Where anyone may write on a usual Linux machine: each gets a private copy.
PRIVATE_FOLDERS = ("/tmp", "/var/tmp", "/dev/shm", "/run/lock")


def private_folders(home=None):
    """The runner's world-writable folders that exist here (links resolved,
    each once), then `home`: what scratch() makes private."""
    found = []
    for folder in PRIVATE_FOLDERS:
        real = os.path.realpath(folder)
        if os.path.isdir(real) and real not in found:
            found.append(real)
    if home and os.path.realpath(home) not in found:
        found.append(os.path.realpath(home))
    return found


def _under(path, folder):
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def scratch(size, folders, keep=(), keep_ro=()):
    """Make `folders` (the first one holds the others) folders of one new
    tmpfs of `size` bytes, then bind each `keep` path (`keep_ro`: read-only)
    back where a private folder covered it. Needs a mount namespace of its
    own. Returns None on success, else why not."""
    kept = [(os.path.realpath(p), False) for p in keep] + [(os.path.realpath(p), True) for p in keep_ro]
    # Opened before anything is covered: what the paths lead to on the runner.
    handles = [(path, ro, os.open(path, os.O_PATH)) for path, ro in kept if os.path.exists(path)]
    first, others = folders[0], folders[1:]
    try:
        _mount("tmpfs", first, b"tmpfs", MS_NOSUID | MS_NODEV, f"size={size},mode=1777".encode())
        for i, folder in enumerate(others):
            if _under(folder, first):  # inside the tmpfs already (a HOME in /tmp)
                os.makedirs(folder, exist_ok=True)
                continue
            inside = os.path.join(first, ".scratch", folder.strip("/").replace("/", "-"))
            os.makedirs(inside, exist_ok=True)
            os.chmod(os.path.dirname(inside), 0o755)
            os.chmod(inside, 0o1777)
            _mount(inside, folder, None, MS_BIND)
        for path, ro, fd in sorted(handles):
            if not any(_under(path, f) for f in folders):
                continue  # never covered
            if os.path.isdir(f"/proc/self/fd/{fd}"):
                os.makedirs(path, exist_ok=True)
            elif not os.path.exists(path):
                os.makedirs(os.path.dirname(path), exist_ok=True)
                open(path, "a").close()
            _mount(f"/proc/self/fd/{fd}", path, None, MS_BIND | MS_REC)
            if ro:
                _mount("none", path, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV)
    except OSError as e:
        return str(e)
    finally:
        for _, _, fd in handles:
            os.close(fd)
    return None


def limit_file_size(nbytes):
    """Cap the size of any file this process writes; a write past it fails
    with EFBIG (SIGXFSZ ignored, as Python itself does) instead of a kill."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (nbytes, nbytes))


def join_cgroups(folders):
    """Move this process into each cgroup folder. Returns None, else why not."""
    for folder in folders:
        try:
            with open(os.path.join(folder, "cgroup.procs"), "w") as f:
                f.write(str(os.getpid()))
        except OSError as e:
            return f"joining {folder}: {e.strerror}"
    return None


def drop_capabilities():
    """Take the namespace-changing capabilities out of the bounding set, so
    the kernel `exec`d next never has them, even as root."""
    libc = _libc()
    for cap in (CAP_NET_ADMIN, CAP_SYS_MODULE, CAP_SYS_PTRACE, CAP_SYS_ADMIN):
        libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0)  # fails harmlessly without CAP_SETPCAP


def user_ids(user):
    """(uid, gid) of a user name or number; KeyError for an unknown name.
    A uid no user has (kernel_user.worker_uid) gets the group of `nobody`."""
    if str(user).isdigit():
        try:
            entry = pwd.getpwuid(int(user))
        except KeyError:
            return int(user), pwd.getpwnam("nobody").pw_gid
    else:
        entry = pwd.getpwnam(user)
    return entry.pw_uid, entry.pw_gid


def limit_processes(count):
    """Cap the processes and threads of this process's user (RLIMIT_NPROC,
    counted per real uid: a kernel's own once it runs as a uid of its own)."""
    resource.setrlimit(resource.RLIMIT_NPROC, (count, count))


def read_connection_file(command):
    """(index in command, text) of the connection file named after -f, or
    None: read before the mounts change, as a private /tmp covers it."""
    for i, arg in enumerate(command[:-1]):
        if arg == "-f" and os.path.isfile(command[i + 1]):
            with open(command[i + 1]) as f:
                return i + 1, f.read()
    return None


def copy_connection_file(command, connection, home):
    """The command, naming a copy of the connection file in `home` (0600),
    where the kernel can read it whoever it runs as."""
    index, text = connection
    copy = os.path.join(home, "kernel.json")
    fd = os.open(copy, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)
    return [*command[:index], copy, *command[index + 1:]]


def become(user, home):
    """Go on as `user` (this process, then the kernel `exec`d next), with
    `home` (and the connection file's copy in it) as HOME and TMPDIR."""
    uid, gid = user_ids(user)
    copy = os.path.join(home, "kernel.json")
    if os.path.exists(copy):
        os.chown(copy, uid, gid)
    os.chown(home, uid, gid)
    os.chmod(home, 0o700)
    os.environ.update(HOME=home, TMPDIR=home, USER=str(user), LOGNAME=str(user))
    os.environ.pop("XDG_RUNTIME_DIR", None)
    os.setgroups([])
    os.setgid(gid)
    os.setuid(uid)  # for good: the real, effective and saved ids all change


def die_with_parent():
    _libc().prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def parse_arguments(options):
    """The launcher's options (what comes before `--`), as argparse reads them."""
    parser = argparse.ArgumentParser(prog="python -m course.grader.sandbox.launcher",
                                     usage="%(prog)s [options] -- KERNEL COMMAND...")
    parser.add_argument("--memory", type=int, default=0, help="RLIMIT_DATA, bytes (0: none)")
    parser.add_argument("--file-size", type=int, default=0, help="RLIMIT_FSIZE, bytes (0: none)")
    parser.add_argument("--network", choices=NETWORK_MODES, default="host")
    parser.add_argument("--cgroup", action="append", default=[], help="a cgroup folder to join")
    parser.add_argument("--hide", action="append", default=[], help="a folder to cover")
    parser.add_argument("--scratch", type=int, default=0, help="size of the private /tmp, /dev/shm and HOME")
    parser.add_argument("--keep", action="append", default=[], help="a path bound back under the scratch")
    parser.add_argument("--keep-ro", action="append", default=[], help="the same, read-only")
    parser.add_argument("--nproc", type=int, default=0, help="RLIMIT_NPROC of the kernel's user (0: none)")
    parser.add_argument("--home", help="the kernel's HOME and TMPDIR")
    parser.add_argument("--user", help="the user (name or uid) to run the kernel as")
    return parser.parse_args(options)


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    if "--" not in argv:
        print(__doc__, file=sys.stderr)
        return 2
    split = argv.index("--")
    command = argv[split + 1:]
    try:
        args = parse_arguments(argv[:split])
    except SystemExit as e:  # argparse has said why
        return e.code
    memory, network, user, home, hidden = args.memory, args.network, args.user, args.home, args.hide
    size, file_size, keep, keep_ro, cgroups = args.scratch, args.file_size, args.keep, args.keep_ro, args.cgroup
    if not command:
        print("course.grader.sandbox.launcher: no command after --", file=sys.stderr)
        return 2
    if user is not None and (home is None or os.geteuid() != 0):
        print("course.grader.sandbox.launcher: --user needs --home, and root to switch users", file=sys.stderr)
        return 2

    connection = read_connection_file(command) if home else None
    if cgroups:  # first, as root: all the kernel starts is counted there
        why = join_cgroups(cgroups)
        if why:
            print(f"course.grader.sandbox.launcher: WARNING: no process or memory limit for the kernel ({why})",
                  file=sys.stderr)
    if network != "host":
        why = isolate_network()
        if why and network == "none":
            print(f"course.grader.sandbox.launcher: cannot cut the kernel off the network ({why}); "
                  "refusing to run student code with network access. Grade with "
                  "--network auto or host to allow it.", file=sys.stderr)
            return 3
        if why:
            print(f"course.grader.sandbox.launcher: WARNING: student code has network access ({why})", file=sys.stderr)
    if hidden or size:
        namespace = new_mount_namespace()
        if hidden:
            why = namespace or hide(hidden)
            if why:
                print(f"course.grader.sandbox.launcher: WARNING: the grader's data stays visible to student code ({why})",
                      file=sys.stderr)
        if size:
            why = namespace or scratch(size, private_folders(home), keep, keep_ro)
            if why:
                print("course.grader.sandbox.launcher: WARNING: student code writes to the runner's own /tmp, "
                      f"/dev/shm and disk, with no size limit ({why})", file=sys.stderr)
    if network != "host" or hidden or size:
        drop_capabilities()
    if file_size > 0:
        limit_file_size(file_size)
    if memory > 0:
        limit_memory(memory)
    if connection:
        command = copy_connection_file(command, connection, home)
    if user is not None:
        try:
            become(user, home)
        except (KeyError, OSError) as e:
            print(f"course.grader.sandbox.launcher: cannot run the kernel as {user}: {e}", file=sys.stderr)
            return 4
    if args.nproc > 0:  # after the switch: root's own processes are not the kernel's
        limit_processes(args.nproc)
    die_with_parent()  # after the switch: a change of user clears it
    try:
        os.execvp(command[0], command)
    except OSError as e:
        print(f"course.grader.sandbox.launcher: cannot run {command[0]}: {e}", file=sys.stderr)
        return 127 if e.errno == errno.ENOENT else 126


def network_isolation_works():
    """Whether this machine lets the launcher cut a process off the network:
    (True, "") or (False, why)."""
    probe = subprocess.run(
        [sys.executable, "-m", "course.grader.sandbox.launcher", "--network", "none", "--",
         sys.executable, "-c", "import socket; print(len(socket.if_nameindex()))"],
        capture_output=True, text=True, timeout=60,
    )
    if probe.returncode == 0:
        return True, ""
    return False, (probe.stderr.strip() or f"exit {probe.returncode}")


def python_folders():
    """The folders this Python runs from (its venv, and the Python it was
    made from), resolved: a kernel must see them, whatever is made private."""
    return [os.path.realpath(p) for p in dict.fromkeys((sys.prefix, sys.base_prefix))]


_scratch_probe = []


def scratch_works():
    """Whether this machine lets the launcher give a kernel a private,
    size-limited /tmp, /dev/shm and HOME: (True, "") or (False, why).
    Asked once per process."""
    if not _scratch_probe:
        import course

        # What a kernel needs from under the private folders, kept as for a
        # kernel: this Python may live under /tmp (a CI checkout's .venv).
        needed = [*python_folders(), os.path.realpath(os.path.dirname(course.__file__))]
        keep = [arg for path in needed for arg in ("--keep", path)]
        probe = subprocess.run(
            [sys.executable, "-m", "course.grader.sandbox.launcher", "--scratch", str(1 << 20), *keep, "--",
             sys.executable, "-c", "import os; print(os.listdir('/dev/shm'))"],
            capture_output=True, text=True, timeout=60,
        )
        why = probe.stderr.strip() or f"exit {probe.returncode}"
        _scratch_probe.append((True, "") if probe.returncode == 0 and not probe.stderr.strip() else (False, why))
    return _scratch_probe[0]


if __name__ == "__main__":
    sys.exit(main())
