"""course/probes.py, without a kernel: quick."""
import pytest
import torch
from torch import nn

from course import probes


def test_probes_answer_with_data():
    a, b = nn.Linear(2, 1), nn.Linear(2, 1)
    b.weight = a.weight
    ids_a, ids_b = probes.parameter_ids(a, b)
    assert set(ids_a) & set(ids_b) == {id(a.weight)}
    optimizer = torch.optim.SGD([a.weight], lr=0.1)
    held, (weight, bias) = probes.held_ids(optimizer, a.weight, a.bias)
    assert weight in held and bias not in held
    held, named = probes.named_parameter_ids(optimizer, a)
    assert [name for name, i in named if i in held] == ["weight"]
    assert probes.attribute_ids(a.weight, a, "weight") == (id(a.weight), id(a.weight))
    assert "torch.nn.modules.module.Module" in probes.mro_names(nn.Linear)
