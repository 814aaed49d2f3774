MISTAKES = {
    # ToTensor alone: values 0..1, not centred.
    "no-normalize": {
        "answers": {"transform": "transform = transforms.Compose([transforms.ToTensor()])"},
        "fails": {"check-transform": "values should go from -1 to 1, found 0.00 to 1.00"},
        "lesson": True,
    },
    # The training set dealt in the same order every epoch.
    "no-shuffle": {
        "answers": {"loaders": (
            "train_loader = DataLoader(train_set, batch_size=64)\n"
            "val_loader = DataLoader(val_set, batch_size=1000)"
        )},
        "fails": {"check-loaders": "should shuffle the training images"},
    },
    # Both loaders shuffled, though the text asks for a validation loader in a fixed order.
    "val-shuffled": {
        "answers": {"loaders": (
            "train_loader = DataLoader(train_set, batch_size=64, shuffle=True)\n"
            "val_loader = DataLoader(val_set, batch_size=1000, shuffle=True)"
        )},
        "fails": {"check-loaders": "val_loader should not shuffle"},
    },
    # The validation loader in batches of 64, as the training one, though the text asks for 1000.
    "val-batches-of-64": {
        "answers": {"loaders": (
            "train_loader = DataLoader(train_set, batch_size=64, shuffle=True)\n"
            "val_loader = DataLoader(val_set, batch_size=64)"
        )},
        "fails": {"check-loaders": "a validation batch should have shape (1000, 1, 28, 28), found (64, 1, 28, 28)"},
    },
    # flatten() without a start dimension: one long vector for the whole batch.
    "flatten-everything": {
        "answers": {"to-vectors": "def to_vectors(images):\n    return images.flatten()"},
        "fails": {"check-to-vectors": "should have shape (64, 784), found (50176,)"},
        "lesson": True,
    },
    # The seed's style, which the text warns against: the image size hard-coded; breaks on CIFAR-10.
    "hard-coded-784": {
        "answers": {"to-vectors": "def to_vectors(images):\n    return images.view(-1, 784)"},
        "fails": {"check-to-vectors": "hard-coding 784 only fits 28x28 grey images"},
        "lesson": True,
    },
    # The vectors handed back as a NumPy array.
    "returns-numpy": {
        "answers": {"to-vectors": "def to_vectors(images):\n    return images.flatten(1).numpy()"},
        "fails": {"check-to-vectors": "to_vectors(images) should return a tensor, found ndarray"},
    },
}
