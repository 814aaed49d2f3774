"""Hidden checks for step 07 (weight update). Each test gets the student's
notebook variables as `nb`; its assertion message is the student's feedback."""
import torch
import torch.nn as nn
import torch.optim as optim

from course.grader.judge import is_instance, run_beside, student_call, the_object, type_name
from course.grader.in_kernel.probes import calls_with_grads, named_parameter_ids

# Judged from outside the student's kernel (course/grader/judge): `nb` is remote.

def _fmt(t):
    return [round(v, 4) for v in t.detach().flatten().tolist()]


def test_manual_step(nb):
    # A model with more parameters than the notebook's layer, another lr:
    # manual_step must update every parameter, whatever the model.
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(7)
        model = nn.Sequential(nn.Linear(3, 2), nn.Tanh(), nn.Linear(2, 1))
        inputs, targets = torch.randn(5, 3), torch.randn(5, 1)
    nn.MSELoss()(model(inputs), targets).backward()
    params = list(model.parameters())
    start = [p.detach().clone() for p in params]
    grads = [p.grad.detach().clone() for p in params]
    lr = 0.05

    # Run in the kernel with the gradients sent beside the model (course/grader/in_kernel/probes.py).
    _, after, ids_before, ids_after = student_call(
        "manual_step(model, 0.05) on a two-layer model, nn.Sequential(nn.Linear(3, 2), nn.Tanh(), nn.Linear(2, 1)),",
        run_beside, the_object(nb, "manual_step"), calls_with_grads, model, [grads], lr,
        hint="manual_step should work for any model: loop over model.parameters() and update each one")
    assert ids_after == ids_before, (
        "manual_step replaced the model's parameters with new tensors: change each parameter "
        "in place (p -= lr * p.grad) so the model keeps its own parameters"
    )
    for i, (p, w, g) in enumerate(zip(after, start, grads)):
        shape = tuple(p.shape)
        assert not torch.equal(p.detach(), w), (
            f"manual_step left parameter {i} (shape {shape}) unchanged: update every parameter of the "
            "model in place with p -= lr * p.grad (p = p - lr * p.grad makes a new tensor and leaves "
            "the model as it was)"
        )
        assert not torch.allclose(p.detach(), w + lr * g), (
            f"manual_step moved parameter {i} (shape {shape}) uphill, to p + lr * grad: subtract the gradient"
        )
        assert torch.allclose(p.detach(), w - lr * g, atol=1e-6), (
            f"with lr={lr}, parameter {i} (shape {shape}) should become p - lr * grad = "
            f"{_fmt(w - lr * g)}, found {_fmt(p)}"
        )
        assert p.requires_grad, (
            f"after manual_step parameter {i} no longer requires grad: update it inside "
            "`with torch.no_grad():` rather than replacing it"
        )


def test_optimizer(nb):
    opt = nb.optimizer
    assert is_instance(opt, optim.SGD), f"optimizer should be an optim.SGD, found {type_name(opt)}"
    # Which of the layer's parameters the optimizer holds, by id (course/grader/in_kernel/probes.py).
    held_ids, named = run_beside(the_object(nb, "optimizer"), named_parameter_ids, the_object(nb, "linear_layer1"))
    held = [name for name, i in named if i in held_ids]
    for name in ("weight", "bias"):
        assert name in held, (
            f"your optimizer would never change linear_layer1.{name}: it was not given that parameter. "
            "Give it linear_layer1.parameters(), which holds the weight and the bias"
        )
    for group in opt.param_groups:
        assert group["lr"] == 0.1, f"the learning rate should be 0.1, found {group['lr']}"
    # Momentum or weight decay are not refused here: what the step does is
    # judged by test_step_both (momentum's first step is plain SGD's).


def test_step_both(nb):
    # The expected step, computed here from the values of the untouched copy
    # `before` (an nn.Linear like linear_layer1).
    before = nb.before
    names = ("weight", "bias")
    start = [getattr(before, n).detach().clone().requires_grad_() for n in names]
    loss = nn.MSELoss()(nn.functional.linear(nb.x1, *start), nb.target_y)
    grads = torch.autograd.grad(loss, start)
    for model_name in ("linear_layer1", "by_hand"):
        model = getattr(nb, model_name)
        for name, w, g in zip(names, start, grads):
            p = getattr(model, name).detach()
            w = w.detach()
            assert not torch.equal(p, w), (
                f"{model_name}.{name} did not change: " + (
                    "call optimizer.step() once" if model_name == "linear_layer1" else "call manual_step(by_hand, 0.1) once")
            )
            assert not torch.allclose(p, w - 0.2 * g), (
                f"{model_name}.{name} moved twice as far as one step: its gradient was added up from two "
                "backward() calls (gradients accumulate in .grad). Both models already held their gradient: "
                "step without calling backward() again"
            )
            assert torch.allclose(p, w - 0.1 * g, atol=1e-6), (
                f"after one step {model_name}.{name} should be its value before minus 0.1 times its gradient, "
                f"{_fmt(w - 0.1 * g)}, found {_fmt(p)}"
            )
