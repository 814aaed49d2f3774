"""Code that runs inside the student's kernel.

The judge sends each module here into the kernel as its source text, and
the kernel runs it from a fresh module, never from its own (patchable)
sys.modules: docs/design.md, "Why probes go to the kernel as source text".
So every module in this folder must stay self-contained: it may import the
standard library and torch, never another `course` module, and what it
returns must be data (ids, names, tensors), for the judge to decide on.
"""
