"""Hidden checks judged outside the student's kernel.

Student code is untrusted: in its own kernel it can redefine `hidden_check`,
patch `torch.equal` or `Tensor.__eq__`, or put a fake `course.grading` in
`sys.modules` before the hidden cells run. So when nbgrader autogrades, the
hidden checks do not run in that kernel at all:

1. `GradingExecute` (nbgrader's Execute preprocessor, with the limits of
   course/grader/limits.py, plus this) runs the notebook as usual. In the kernel,
   `hidden_check(...)` sees COURSE_JUDGE and does nothing.
2. After each graded cell has run, it reads the check ids from the cell's
   source (restored from the gradebook by nbgrader, so the student cannot
   change them) and runs those pytest checks here, in nbgrader's own process,
   where no student code has ever run.
3. The checks' `nb` is a `RemoteNotebook`: `nb.model(x)` sends `x` to the
   kernel, calls the student's model there, and brings back the result as
   plain tensors (`torch.load(weights_only=True)`: data, never code). All
   comparisons happen here, with an untouched torch.
4. A failed check appends an error to the cell's outputs, which is what
   nbgrader scores as 0 and shows in the feedback: the message, not the code.

Some questions need the object itself, where it lives (which tensors an
optimizer holds, what autograd sees): `run_beside` sends a probe function
(course/grader/in_kernel/probes.py, course/vision.py) to the kernel and runs it there. A
function of the `course` package is not sent by reference, which the kernel
would resolve through its own, patchable, sys.modules (the student may have
replaced course.grader.in_kernel.probes.trains with a liar, or put a fake course.grader.in_kernel.probes
there): the judge sends the text of the function's module, read from its own
copy of the file, once per session, and the kernel runs the function from a
fresh module made from that text (course/grader/in_kernel/kernel_side.py). Imports inside that
module still go through the kernel's sys.modules, so its `torch` may be
patched: probes return data (ids of objects, names, shapes, tensors) and the
checks, here, make every yes/no decision from it.

The student's kernel can still lie about values (return a tensor it did not
compute with the model it defines), but it can no longer change what the
checks do with them, nor whether a failure counts.

Checks written for a remote `nb` say so (`JUDGED_OUTSIDE_THE_KERNEL = True`
in their module; see `judged_outside_kernel`). A step whose checks are not
converted yet is graded as before: its checks run in the kernel.
"""
import ast
import asyncio
import base64
import builtins
import io
import os
import queue
import re
import sys
import types
from functools import lru_cache
from pathlib import Path

import torch
from nbformat.notebooknode import NotebookNode

import course
from course import find_course_root
from course.grading import HIDDEN_DIR, CheckFailed, missing_name_message, run_check
from course.grader.limits import LimitedExecute
from course.grader.in_kernel.probes import identities, mro_names

HIDDEN_CALL = re.compile(r"""hidden_check\(\s*["']([^"']+)["']""")
JUDGED_FLAG = re.compile(r"^JUDGED_OUTSIDE_THE_KERNEL = True\s*$", re.MULTILINE)
KERNEL_SIDE = Path(__file__).parent / "in_kernel" / "kernel_side.py"
MAX_REPLY_CHARS = 1 << 30
COURSE_PACKAGE = Path(course.__file__).resolve().parent


class StudentCodeError(Exception):
    """The student's code raised while a check was calling it."""


def student_error(ename, evalue):
    """The error the student's code raised in the kernel, raised again here.

    Only its name and message cross the wire. For a builtin type the error
    is also an instance of it (a RuntimeError stays a RuntimeError), so a
    check's `except RuntimeError` and its message read the same as when the
    check runs in the kernel."""
    base = getattr(builtins, ename, None)
    if isinstance(base, type) and issubclass(base, Exception) and base is not Exception:
        try:
            # Named like the builtin, so a failure reads "RuntimeError: ...".
            return type(ename, (StudentCodeError, base), {"__module__": "builtins"})(evalue)
        except TypeError:  # a builtin whose layout cannot be mixed in
            pass
    return StudentCodeError(f"{ename}: {evalue}")


class KernelUnavailable(Exception):
    """The kernel did not answer (crashed, or busy past the time limit)."""


def is_instance(obj, cls):
    """isinstance() that also works on objects living in the student's kernel."""
    if isinstance(obj, Remote):
        return f"{cls.__module__}.{cls.__qualname__}" in obj._mro
    return isinstance(obj, cls)


def is_subclass(obj, cls):
    """Whether obj is a class that inherits from cls, also for a class living
    in the student's kernel: its MRO comes back as names, compared here."""
    if isinstance(obj, Remote):
        return "builtins.type" in obj._mro and f"{cls.__module__}.{cls.__qualname__}" in run_beside(obj, mro_names)
    return isinstance(obj, type) and issubclass(obj, cls)


def type_name(obj):
    """type(obj).__name__, also for objects living in the student's kernel."""
    if isinstance(obj, Remote):
        return obj._mro[0].rpartition(".")[2]
    return type(obj).__name__


class Remote:
    """An object in the student's kernel (a model, a function, an optimizer).

    Attribute access, calls, iteration, len() and indexing go to the kernel;
    what comes back is a plain value (tensor, number, list...) or another Remote.
    """

    __slots__ = ("_judge", "_key", "_mro", "_callable")

    def __init__(self, judge, key, mro, is_callable):
        self._judge, self._key, self._mro, self._callable = judge, key, mro, is_callable

    def __getattr__(self, attr):
        if attr.startswith("__"):
            raise AttributeError(attr)
        return self._judge.request("getattr", self._key, attr)

    def __call__(self, *args, **kwargs):
        return self._judge.call(self, args, kwargs)

    def __iter__(self):
        return iter(self._judge.request("iter", self._key))

    def __len__(self):
        return self._judge.request("len", self._key)

    def __getitem__(self, item):
        return self._judge.request("getitem", self._key, self._judge.encode(item))

    def __repr__(self):
        return f"<{self._mro[0]} in your notebook>"


class RemoteNotebook:
    """The `nb` fixture under the judge: the student's variables, fetched on use."""

    def __init__(self, judge):
        self._judge = judge

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        reply = self._judge.send("lookup", name)
        if reply[0] == "missing":
            raise CheckFailed(missing_name_message(name))
        return self._judge.decode(reply[1])

    def __contains__(self, name):
        return self._judge.send("lookup", name)[0] != "missing"


def the_object(nb, name):
    """The notebook's variable `name` itself, not a copy of its value: under
    the judge a Remote handle, to pass to run_beside; run by hand, the object."""
    if isinstance(nb, RemoteNotebook):
        reply = nb._judge.send("handle", name)
        if reply[0] == "missing":
            raise CheckFailed(missing_name_message(name))
        return nb._judge.decode(reply[1])
    return getattr(nb, name)


def same_object(nb, name, other):
    """Whether the notebook's `name` and `other` are one object (`y is x1`):
    their ids, asked where they live (values fetched from the kernel are
    copies), compared here."""
    first, second = run_beside(the_object(nb, name), identities, the_object(nb, other))
    return first == second


@lru_cache(maxsize=None)
def module_source(name):
    """The text of the course module `name`, read from the judge's own copy."""
    return Path(sys.modules[name].__file__).read_text()


def sent_as_source(func):
    """Whether func is a function of the `course` package, which goes to the
    kernel as its module's source rather than by reference (see Judge.encode).
    The standard library's and torch's functions (operator.is_, torch.sigmoid)
    and classes (nn.Linear) still go by reference."""
    if not isinstance(func, types.FunctionType):
        return False
    name = func.__module__ or ""
    module = sys.modules.get(name)
    path = getattr(module, "__file__", None)
    return (name == "course" or name.startswith("course.")) and path is not None and \
        Path(path).resolve().is_relative_to(COURSE_PACKAGE)


class Judge:
    """Talks to one running kernel through its own client connection."""

    def __init__(self, connection_info, timeout):
        from jupyter_client import BlockingKernelClient

        self.timeout = timeout
        self.client = BlockingKernelClient()
        self.client.load_connection_info(connection_info)
        self.client.start_channels(iopub=False, stdin=False, hb=False)
        self._sources_sent = set()  # course modules whose text the kernel has
        source = KERNEL_SIDE.read_text()
        # A fresh namespace in the kernel, so this does not depend on what the
        # student left in sys.modules; it still runs in their process and is
        # trusted only to carry values.
        self._evaluate(
            "(lambda ns: (exec(compile(%r, 'course-judge', 'exec'), ns), "
            "ns.__setitem__('user_ns', get_ipython().user_ns), "
            "get_ipython().user_ns.__setitem__('__course_judge__', ns)) and None)({})" % source
        )

    def close(self):
        self.client.stop_channels()

    def _evaluate(self, expression):
        msg_id = self.client.execute("", silent=True, store_history=False, user_expressions={"r": expression})
        while True:
            try:
                reply = self.client.get_shell_msg(timeout=self.timeout)
            except queue.Empty:
                raise KernelUnavailable(
                    f"your notebook's kernel did not answer within {self.timeout} s "
                    "(is a function you wrote stuck in a loop?)"
                ) from None
            if reply["parent_header"].get("msg_id") == msg_id:
                break
        content = reply["content"]
        if content.get("status") != "ok":
            raise KernelUnavailable(f"the kernel could not run the check: {content.get('ename')}")
        result = content["user_expressions"]["r"]
        if result.get("status") != "ok":
            raise StudentCodeError(f"{result.get('ename')}: {result.get('evalue')}")
        return result["data"]["text/plain"]

    def send(self, *request):
        buffer = io.BytesIO()
        torch.save(request, buffer)
        payload = base64.b64encode(buffer.getvalue()).decode("ascii")
        text = self._evaluate(f"__course_judge__['answer'](__course_judge__['user_ns'], '{payload}')")
        if len(text) > MAX_REPLY_CHARS:
            raise KernelUnavailable("the kernel's answer is too large")
        reply = torch.load(io.BytesIO(base64.b64decode(ast.literal_eval(text))), weights_only=True)
        if reply[0] == "error":
            raise student_error(reply[1], reply[2])
        return reply

    def request(self, *request):
        return self.decode(self.send(*request)[1])

    def encode(self, value):
        if isinstance(value, Remote):
            return ("handle", value._key)
        if sent_as_source(value):
            # (module, qualified name, the module's text the first time):
            # the kernel takes the function from a fresh module made from
            # that text, never from its own sys.modules (kernel_side.decode).
            name = value.__module__
            source = None if name in self._sources_sent else module_source(name)
            self._sources_sent.add(name)
            return ("function", name, value.__qualname__, source)
        if type(value) in (list, tuple):
            return (type(value).__name__, [self.encode(v) for v in value])
        if type(value) is dict:
            return ("dict", {k: self.encode(v) for k, v in value.items()})
        return ("value", value)

    def decode(self, data):
        kind = data[0]
        if kind == "value":
            return data[1]
        if kind == "tensor":
            tensor, grad, requires_grad, is_leaf, is_parameter, _device = data[1:]
            if is_parameter:
                tensor = torch.nn.Parameter(tensor, requires_grad=requires_grad)
            elif requires_grad:
                tensor.requires_grad_(True)
            if not is_leaf:
                # Computed from other tensors in the kernel: so it is here (it
                # has a grad_fn, it is no leaf), though the graph stays there.
                return tensor.clone()
            if grad is not None:
                tensor.grad = grad
            return tensor
        if kind == "ndarray":
            return data[1].numpy()
        if kind == "list":
            return [self.decode(x) for x in data[1]]
        if kind == "tuple":
            return tuple(self.decode(x) for x in data[1])
        if kind == "dict":
            return {k: self.decode(v) for k, v in data[1].items()}
        if kind == "handle":
            return Remote(self, data[1], data[2], data[3])
        raise ValueError(f"unexpected answer from the kernel: {kind!r}")

    def call(self, func, args, kwargs):
        """func(*args, **kwargs) in the kernel: func is a Remote, or a function
        of the `course` package (course.grader.in_kernel.probes.one_step, course.vision.layer_shapes:
        sent as its module's source, see encode), or one the kernel can import
        (the standard library's or torch's: sent by reference)."""
        _, result, after = self.send(
            "call", self.encode(func), [self.encode(a) for a in args], {k: self.encode(v) for k, v in kwargs.items()}
        )
        # Mirror what the call did to our own arguments.
        for arg, change in zip(args, after):
            if change is None:
                continue
            if change[0] == "state":
                arg.load_state_dict(change[1])
            else:
                new = self.decode(change)
                with torch.no_grad():
                    arg.copy_(new)
                if new.grad is not None:
                    arg.grad = new.grad
        if result[0] == "argument":
            return args[result[1]]
        return self.decode(result)


def run_beside(obj, func, *args):
    """func(obj, *args), run where obj lives: in the student's kernel when obj
    is a Remote (for what needs the object itself, such as forward hooks on a
    model; only the result comes back), else here.

    A course function runs there from a fresh copy of its module, made from
    the judge's own text of it, so patching course.grader.in_kernel.probes in the kernel does
    not reach it; but what that module imports (torch) is the kernel's, and
    the kernel may lie: func should return data (ids, names, tensors) for
    the check to judge here, not a yes or no."""
    if isinstance(obj, Remote):
        return obj._judge.call(func, (obj, *args), {})
    return func(obj, *args)


def _is_graded(cell):
    return bool(cell.get("metadata", {}).get("nbgrader", {}).get("grade"))


def judged_outside_kernel(check_id, root):
    """Whether this check's step is judged outside the kernel.

    A step's checks must be written for a remote `nb` (values come back as
    plain tensors: no autograd graph, no `is` between two fetches, and
    `is_instance` instead of isinstance for the student's objects). A check
    module says it is with `JUDGED_OUTSIDE_THE_KERNEL = True`; the steps not
    converted yet still run their checks in the kernel.
    """
    path = Path(root).joinpath(*HIDDEN_DIR, f"check_{check_id.partition('::')[0]}.py")
    return path.is_file() and JUDGED_FLAG.search(path.read_text()) is not None


class JudgeHiddenChecks:
    """Mix into nbgrader's Execute preprocessor (or a subclass of it) to judge
    hidden checks outside the kernel."""

    def preprocess(self, nb, resources=None, km=None):
        check_ids = [i for cell in nb.cells if _is_graded(cell) for i in HIDDEN_CALL.findall(cell.source)]
        self._judging = bool(check_ids) and all(judged_outside_kernel(i, find_course_root()) for i in check_ids)
        # The kernel inherits this: its hidden_check() stands aside while we judge.
        if self._judging:
            os.environ["COURSE_JUDGE"] = "1"
        else:
            os.environ.pop("COURSE_JUDGE", None)
        self._judge = None
        try:
            return super().preprocess(nb, resources, km)
        finally:
            if self._judge is not None:
                self._judge.close()
                self._judge = None

    def _kernel_reads_course_files(self):
        # Judged here, the checks need nothing from the kernel but values.
        return not self._judging

    def on_cell_executed(self, **kwargs):
        super().on_cell_executed(**kwargs)
        cell = kwargs["cell"]
        check_ids = HIDDEN_CALL.findall(cell.source) if self._judging and _is_graded(cell) else []
        if check_ids:
            return self._judge_cell(cell, check_ids)
        return None

    async def _judge_cell(self, cell, check_ids):
        loop = asyncio.get_running_loop()
        results = await loop.run_in_executor(None, self._run_checks, check_ids)
        for check_id, message in results:
            test = check_id.partition("::")[2]
            if message is None:
                cell.outputs.append(NotebookNode(output_type="stream", name="stdout", text=f"{test}: passed\n"))
            else:
                cell.outputs.append(NotebookNode(
                    output_type="error", ename="CheckFailed", evalue=message,
                    traceback=[f"\x1b[0;31mCheckFailed\x1b[0m: {message}"],
                ))

    def _run_checks(self, check_ids):
        root = find_course_root()  # nbgrader works from the course directory
        results = []
        for check_id in check_ids:
            try:
                if self._judge is None:
                    self._judge = Judge(self.km.get_connection_info(), timeout=self.timeout or 600)
                results.append((check_id, run_check(check_id, RemoteNotebook(self._judge), root)))
            except Exception as error:  # the kernel died or never answered: the check fails
                results.append((check_id, f"{type(error).__name__}: {error}"))
        return results


class GradingExecute(JudgeHiddenChecks, LimitedExecute):
    """What autograde runs in place of nbgrader's Execute (nbgrader_config.py):
    the limits of course/grader/limits.py, and hidden checks judged outside the kernel."""
