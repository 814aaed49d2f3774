"""The half of the judge that runs inside the student's kernel.

The judge (course/grader/judge/client.py) never imports this module: it
sends this file's text to the kernel, which runs it in a fresh namespace and
from then on answers requests like "look up `model`", "call handle 3 with
these tensors". Every answer goes back as `torch.save` bytes, read with
`torch.load(weights_only=True)`; it moves values and decides nothing. The
functions the judge runs here come as their module's text (fresh_function):
docs/design.md, "Why probes go to the kernel as source text".
"""
import base64
import io

import torch

MAX_ITEMS = 100_000  # a longer list or dict goes back as a handle

handles = {}
sources = {}  # module name: its text, as the judge sent it (once per session)
modules = {}  # module name: the namespace of the fresh module made from it


def _handle(obj):
    key = len(handles) + 1
    handles[key] = obj
    cls = type(obj)
    mro = [f"{c.__module__}.{c.__qualname__}" for c in cls.__mro__]
    return ("handle", key, mro, callable(obj))


PLAIN = (bool, int, float, complex, str)


def encode(obj, depth=0):
    """A value the judge can load safely, or a handle to the object here."""
    if obj is None or type(obj) in PLAIN or isinstance(obj, (torch.dtype, torch.device, torch.Size)):
        return ("value", obj)
    if isinstance(obj, torch.Tensor):
        grad = obj.grad.detach().cpu().clone() if obj.grad is not None else None
        return ("tensor", obj.detach().cpu().clone(), grad, obj.requires_grad, obj.is_leaf,
                isinstance(obj, torch.nn.Parameter), obj.device.type)
    try:
        import numpy as np

        if isinstance(obj, np.ndarray) and obj.dtype != object:
            return ("ndarray", torch.from_numpy(obj.copy()))
        if isinstance(obj, np.generic):
            return ("value", obj.item())
    except ImportError:
        pass
    if isinstance(obj, PLAIN):  # a subclass of one: only its plain value crosses (weights_only loads no class)
        return ("value", next(t for t in PLAIN if isinstance(obj, t))(obj))
    if depth < 4 and isinstance(obj, (list, tuple)) and len(obj) <= MAX_ITEMS and type(obj) in (list, tuple):
        return (type(obj).__name__, [encode(x, depth + 1) for x in obj])
    if depth < 4 and type(obj) is dict and len(obj) <= MAX_ITEMS and all(isinstance(k, (str, int)) for k in obj):
        return ("dict", {k: encode(v, depth + 1) for k, v in obj.items()})
    return _handle(obj)


def fresh_function(module, qualname, source=None):
    """The function `qualname` of a fresh module made from the judge's text of
    `module` (sent the first time only, kept in `sources`): executed in a new
    namespace of its own, which sys.modules never sees, so that what the
    student did to sys.modules[module] does not matter. The imports that
    text makes are resolved by this kernel as usual."""
    if source is not None:
        sources[module] = source
        modules.pop(module, None)
    if module not in modules:
        if module not in sources:
            raise LookupError(f"the judge never sent the text of {module}")
        namespace = {"__name__": module, "__file__": f"<the judge's copy of {module}>"}
        exec(compile(sources[module], namespace["__file__"], "exec"), namespace)
        modules[module] = namespace
    head, *rest = qualname.split(".")
    obj = modules[module][head]
    for attr in rest:
        obj = getattr(obj, attr)
    return obj


def decode(data):
    """An argument from the judge: a handle to an object here, a course
    function (see fresh_function), or a value."""
    kind = data[0]
    if kind == "handle":
        return handles[data[1]]
    if kind == "function":
        return fresh_function(*data[1:])
    if kind == "list":
        return [decode(x) for x in data[1]]
    if kind == "tuple":
        return tuple(decode(x) for x in data[1])
    if kind == "dict":
        return {k: decode(v) for k, v in data[1].items()}
    return data[1]  # a value: tensor, module, number...


def _on_device_of(func, value):
    """Tensors sent to a model go to the model's device (the judge works on
    the CPU; a student's model may live on the GPU)."""
    if isinstance(func, torch.nn.Module) and isinstance(value, torch.Tensor):
        param = next(func.parameters(), None)
        if param is not None:
            return value.to(param.device)
    return value


def serve(namespace, request):
    op, args = request[0], request[1:]
    if op == "lookup":
        (name,) = args
        if name not in namespace:
            return ("missing", name)
        return ("ok", encode(namespace[name]))
    if op == "handle":  # the object itself, even a tensor: see judge.the_object
        (name,) = args
        if name not in namespace:
            return ("missing", name)
        return ("ok", _handle(namespace[name]))
    if op == "getattr":
        key, attr = args
        return ("ok", encode(getattr(handles[key], attr)))
    if op == "getitem":
        key, item = args
        return ("ok", encode(handles[key][decode(item)]))
    if op == "iter":
        (key,) = args
        return ("ok", ("list", [encode(x) for x in handles[key]]))
    if op == "len":
        (key,) = args
        return ("ok", ("value", len(handles[key])))
    if op == "call":
        func_ref, call_args, call_kwargs = args
        func = decode(func_ref)  # a handle, a course function, or one sent by reference
        values = [_on_device_of(func, decode(a)) for a in call_args]
        kwvalues = {k: _on_device_of(func, decode(v)) for k, v in call_kwargs.items()}
        result = func(*values, **kwvalues)
        # What the call did to the judge's own arguments, so the judge can
        # apply it to its copies: tensors changed in place, modules trained.
        after = []
        for sent, value in zip(call_args, values):
            if sent[0] == "value" and isinstance(value, torch.Tensor):
                after.append(encode(value))
            elif sent[0] == "value" and isinstance(value, torch.nn.Module):
                after.append(("state", {k: v.detach().cpu().clone() for k, v in value.state_dict().items()}))
            else:
                after.append(None)
        same = next((i for i, v in enumerate(values) if v is result and call_args[i][0] == "value"), None)
        return ("ok", ("argument", same) if same is not None else encode(result), after)
    raise ValueError(f"unknown request {op!r}")


def answer(namespace, request_b64):
    """Entry point: base64 of torch.save(request) in, base64 of torch.save(reply) out."""
    request = torch.load(io.BytesIO(base64.b64decode(request_b64)), weights_only=False)
    try:
        reply = serve(namespace, request)
    except Exception as error:  # the student's code raised: report it, do not crash
        reply = ("error", type(error).__name__, str(error)[:2000])
    buffer = io.BytesIO()
    torch.save(reply, buffer)
    return base64.b64encode(buffer.getvalue()).decode("ascii")
