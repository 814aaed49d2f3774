"""Hidden checks for step 09 (mini-batches). Each test gets the student's
notebook variables as `nb`; its assertion message is the student's feedback."""
import copy
import numbers

import torch
import torch.nn as nn
import torch.optim as optim
from torch.utils.data import DataLoader, TensorDataset

from course.grader.judge import is_instance, run_beside, the_object, type_name
from course.grader.in_kernel.probes import passes, seeded, with_recording_loader

# Judged from outside the student's kernel (course/grader/judge): `nb` is remote.

X = torch.tensor([[0.0, 0.0, 1.0, 1.0], [0.0, 1.0, 1.0, 0.0], [1.0, 0.0, 1.0, 0.0], [1.0, 1.0, 1.0, 1.0]])
Y = torch.tensor([[0.0], [1.0], [1.0], [0.0]])


def test_data(nb):
    x, y = nb.x, nb.y
    for name, t in (("x", x), ("y", y)):
        assert isinstance(t, torch.Tensor), f"{name} should be a tensor, found {type_name(t)}"
        assert t.dtype == torch.float32, f"{name} should hold floats (torch.float32), found {t.dtype}"
    assert tuple(x.shape) == (4, 4) and torch.equal(x, X), f"x should be the 4 rows of the table, {X.tolist()}, found {x.tolist()}"
    assert tuple(y.shape) == (4, 1), (
        f"y should be a column of shape (4, 1), one row per sample, found shape {tuple(y.shape)}. "
        "Against the layer's (4, 1) output a flat (4,) target broadcasts to (4, 4), and the loss "
        "compares every output with every target"
    )
    assert torch.equal(y, Y), f"y should hold the targets 0, 1, 1, 0, found {y.flatten().tolist()}"


def _rows(t):
    return [tuple(r) for r in t.tolist()]


def test_loader(nb):
    dataset, loader = nb.dataset, nb.loader
    assert len(dataset) == 4, f"dataset should have 4 samples, found {len(dataset)}"
    for i in range(4):
        xi, yi = dataset[i][:2]
        assert torch.equal(xi, X[i]) and torch.equal(torch.as_tensor(yi).reshape(1), Y[i]), (
            f"dataset[{i}] should be the pair (x[{i}], y[{i}]) = ({X[i].tolist()}, {Y[i].tolist()}), "
            f"found ({xi.tolist()}, {torch.as_tensor(yi).tolist()})"
        )
    assert is_instance(loader, DataLoader), f"loader should be a DataLoader, found {type_name(loader)}"
    orders = set()
    # 20 epochs, shuffled in the kernel from a seed (course/grader/in_kernel/probes.py).
    for batches in run_beside(the_object(nb, "loader"), seeded, 9, passes, 20):
        assert len(batches) == 2, f"one pass over the loader should give 2 batches, found {len(batches)}"
        seen = []
        for xb, yb in batches:
            assert tuple(xb.shape) == (2, 4), f"each batch of inputs should have shape (2, 4), found {tuple(xb.shape)}"
            assert tuple(yb.shape) == (2, 1), (
                f"each batch of targets yb should have shape (2, 1), found {tuple(yb.shape)}: "
                "build the loader from a y of shape (4, 1)"
            )
            for xr, yr in zip(xb, yb):
                i = _rows(X).index(tuple(xr.tolist()))
                assert torch.equal(yr, Y[i]), f"the sample {xr.tolist()} came with the target {yr.tolist()}, expected {Y[i].tolist()}"
            seen += _rows(xb)
        assert sorted(seen) == sorted(_rows(X)), (
            f"each epoch should give every sample exactly once, found {seen}"
        )
        orders.add(tuple(seen))
    assert len(orders) > 1, (
        "the loader gives the samples in the same order every epoch: pass shuffle=True to the DataLoader"
    )


def _reference(layer, loader, epochs, lr):
    model = copy.deepcopy(layer)
    sgd = optim.SGD(model.parameters(), lr=lr)
    losses = []
    for _ in range(epochs):
        for inputs, targets in loader:
            sgd.zero_grad()
            loss = nn.MSELoss()(model(inputs), targets)
            loss.backward()
            sgd.step()
            losses.append(float(loss))
    return losses, model


def _flat(layer):
    return torch.cat([layer.weight.detach().flatten(), layer.bias.detach()])


def test_train_batches(nb):
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(99)
        start = nn.Linear(4, 1)
        # Every sample once per epoch, one update per batch: the loader, and
        # the dataset noting its reads, are made in the kernel (course/grader/in_kernel/probes.py).
        epochs = 3
        history, reads = run_beside(the_object(nb, "train_batches"), seeded, 99, with_recording_loader,
                                    copy.deepcopy(start), X, Y, epochs, 0.1)
        assert history is not None, "train_batches returned None: end it with `return history`"
        assert len(reads) == 4 * epochs, (
            f"each epoch should go through every batch of the loader (`for xb, yb in loader:`): in {epochs} "
            f"epochs over 4 samples, {4 * epochs} samples should be read, found {len(reads)}"
        )
        for e in range(epochs):
            assert sorted(reads[4 * e: 4 * e + 4]) == [0, 1, 2, 3], (
                f"each epoch should read every sample exactly once, found {reads[4 * e: 4 * e + 4]} in epoch {e + 1}"
            )
        assert isinstance(history, (list, tuple)), (
            f"train_batches should return a list of losses (loss.item() of each step), found {type_name(history)}"
        )
        history = list(history)
        assert len(history) == 4 * epochs, (
            f"train_batches should return one loss per batch: {4 * epochs} for {epochs} epochs of 4 batches of 1, "
            f"found {len(history)}"
        )
        for h in history:
            assert isinstance(h, numbers.Real), f"the history should hold plain floats (loss.item()), found a {type_name(h)}"

        # The same updates as the loop written out here, on a loader without shuffling.
        loader = DataLoader(TensorDataset(X, Y), batch_size=2, shuffle=False)
        layer = copy.deepcopy(start)
        history = [float(h) for h in nb.train_batches(layer, loader, 40, 0.1)]
        expected, trained = _reference(start, loader, 40, 0.1)
        assert torch.allclose(_flat(layer), _flat(trained), atol=1e-5), (
            "after 40 epochs of 2 batches the layer is not where one update per batch takes it: "
            "for each batch, zero_grad(), the loss of layer(xb) against yb, backward(), step()"
        )
        assert torch.allclose(torch.tensor(history), torch.tensor(expected), rtol=1e-4, atol=1e-6), (
            "the history should hold the loss of every batch, computed before its step: "
            f"expected {[round(v, 4) for v in expected[:4]]}..., found {[round(v, 4) for v in history[:4]]}..."
        )
        first, last = (history[0] + history[1]) / 2, (history[-2] + history[-1]) / 2
        assert last < 0.1 * first, f"the mean loss per batch should fall to a tenth in 40 epochs, found {first:.4f} then {last:.4f}"
