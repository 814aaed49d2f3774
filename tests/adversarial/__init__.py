"""Untrusted submissions: a corpus of broken and hostile notebooks for step
01_tensors (corpus.py), graded by `python -m course grade` in
test_adversarial.py."""
