"""Small questions the hidden checks ask about a student's object through
course.judge.run_beside: under the judge they run in the student's kernel
(so they must be importable there) and only their plain answer comes back;
run by hand, they run right here."""


def first_item(iterable):
    """What a loop over `iterable` sees first (one batch of a DataLoader),
    without fetching all of it."""
    return next(iter(iterable))


def parameters_device(model):
    """The device type ('cpu', 'cuda') of the model's first parameter."""
    return next(model.parameters()).device.type
