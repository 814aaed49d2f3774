"""The judge's connection to one student's kernel.

Requests go as `torch.save` payloads and answers come back as data only
(`torch.load(weights_only=True)`): tensors, numbers, lists, and handles to
objects that stay in the kernel (api.Remote). The kernel's half of the
conversation is in_kernel/kernel_side.py, sent as text when the judge
connects. Why course functions go to the kernel as source text and not by
reference: docs/design.md, "Why probes go to the kernel as source text".
"""
import ast
import base64
import builtins
import io
import queue
import sys
import types
from functools import lru_cache
from pathlib import Path

import torch

import course
from course.grader.judge.api import Remote

KERNEL_SIDE = Path(__file__).parents[1] / "in_kernel" / "kernel_side.py"
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
