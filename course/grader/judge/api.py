"""What hidden checks import: the student's objects as the judge hands them
over, and questions about them that work whether a check runs beside the
kernel (under autograde: objects are `Remote` handles) or by hand in it.

Nothing here talks to the kernel itself (client.py does) nor imports
nbgrader, so a check that wants `run_beside` imports only this.
"""
from course.grading import CheckFailed, missing_name_message
from course.grader.in_kernel.probes import identities, mro_names


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


def student_call(what, func, *args, hint=""):
    """func(*args), where func is the student's code (or runs it). An error it
    raises fails the check with a sentence about the answer, `what` (the call,
    in words) raised <error>, then the hint: never a bare exception from inside
    the check. The check's own assertions are not wrapped."""
    try:
        return func(*args)
    except AssertionError:
        raise
    except Exception as error:
        raise CheckFailed(f"{what} raised {type(error).__name__}: {error}" + (f". {hint}" if hint else "")) from None


def assert_probabilities(out, shape, what):
    """Outputs a binary cross-entropy can take: a tensor of `shape` with every
    value in [0, 1]; else a sentence about `what` (the student's call), said
    before the BCE would fail with an error of its own."""
    import torch

    assert isinstance(out, torch.Tensor) and out.shape == shape, (
        f"{what} should give one output per sample, shape {tuple(shape)}, found "
        + (f"shape {tuple(out.shape)}" if isinstance(out, torch.Tensor) else type_name(out))
    )
    assert 0 <= out.min() and out.max() <= 1, (
        f"{what} should be probabilities between 0 and 1 (a sigmoid at the end), found "
        f"{[round(v, 3) for v in out.flatten().tolist()]}"
    )
