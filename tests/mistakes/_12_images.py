MISTAKES = {
    # ToTensor alone: values 0..1, not centred.
    "no-normalize": {
        "answers": {"transform": "transform = transforms.Compose([transforms.ToTensor()])"},
        "fails": {"check-transform": "values should go from -1 to 1, found 0.00 to 1.00"},
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
    # flatten() without a start dimension: one long vector for the whole batch.
    "flatten-everything": {
        "answers": {"to-vectors": "def to_vectors(images):\n    return images.flatten()"},
        "fails": {"check-to-vectors": "should have shape (64, 784), found (50176,)"},
    },
    # The seed's style: the image size hard-coded; breaks on CIFAR-10.
    "hard-coded-784": {
        "answers": {"to-vectors": "def to_vectors(images):\n    return images.view(-1, 784)"},
        "fails": {"check-to-vectors": "hard-coding 784 only fits 28x28 grey images"},
    },
}
