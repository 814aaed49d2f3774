"""What the locked first cell of every notebook runs."""
import logging
import os
import random
import sys
import warnings

_counting = False


def show_on_stdout(message, category, filename, lineno, file=None, line=None):
    """Print a warning to stdout, as one line a student can read.

    nbgrader scores a test cell that writes anything to stderr as 0, and
    Python prints warnings to stderr; on stdout they stay visible and cost
    nothing."""
    print(f"{category.__name__}: {message}", file=sys.stdout)


def prepare(seed=0):
    """Make a notebook repeatable, with its warnings visible but harmless.

    - Seeds Python's `random`, NumPy and PyTorch, so every run of the notebook
      (yours, and the autograder's) starts from the same random numbers.
    - Makes cuDNN pick deterministic convolution algorithms (no benchmarking
      of the fastest, which may differ between runs), so that on a GPU too
      two gradings of one notebook train the same network.
    - Counts every optimizer's steps (see steps_taken) and keeps the
      gradients a plain SGD's last step used (`optimizer.last_step_grads`):
      what the checks read to tell how a training loop ran.
    - Shows each warning once per place it comes from, on stdout (see
      show_on_stdout); deprecation notices, which are about libraries and not
      about the student's code, stay hidden.
    """
    warnings.resetwarnings()
    warnings.simplefilter("default")
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    warnings.filterwarnings("ignore", category=PendingDeprecationWarning)
    warnings.showwarning = show_on_stdout
    logging.getLogger("matplotlib").setLevel(logging.ERROR)
    os.environ.setdefault("PYTHONWARNINGS", "ignore")  # DataLoader workers: their stderr is not the cell's

    import numpy as np
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.backends.cudnn.deterministic = True
    torch.backends.cudnn.benchmark = False
    global _counting
    if not _counting:
        from torch.optim.optimizer import register_optimizer_step_post_hook

        register_optimizer_step_post_hook(_count_step)
        _counting = True


def _count_step(optimizer, args, kwargs):
    optimizer.steps_taken = getattr(optimizer, "steps_taken", 0) + 1
    # The gradients this step used, kept after a zero_grad() clears them: for
    # SGD only, the one optimizer whose step the checks can undo (step 17's
    # AdamW would copy every gradient of every batch for nothing).
    from torch.optim import SGD

    if isinstance(optimizer, SGD):
        optimizer.last_step_grads = [None if p.grad is None else p.grad.detach().clone()
                                     for group in optimizer.param_groups for p in group["params"]]


def steps_taken(optimizer):
    """How many times `optimizer.step()` has run since prepare(): where an
    exercise says to change tensors only through the optimizer, 0 means
    they were changed by hand. Kept on the optimizer (`optimizer.steps_taken`),
    where the grader reads it too."""
    return getattr(optimizer, "steps_taken", 0)
