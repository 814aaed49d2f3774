"""What the locked first cell of every notebook runs."""
import logging
import os
import random
import warnings


def prepare(seed=0):
    """Make a notebook repeatable and quiet.

    - Seeds Python's `random`, NumPy and PyTorch, so every run of the notebook
      (yours, and the autograder's) starts from the same random numbers.
    - Silences warnings: nbgrader scores a test cell that writes to stderr
      as 0, and a deprecation notice from a library is not the student's fault.
    """
    warnings.filterwarnings("ignore")
    logging.getLogger("matplotlib").setLevel(logging.ERROR)
    os.environ.setdefault("PYTHONWARNINGS", "ignore")  # DataLoader workers too

    import numpy as np
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
