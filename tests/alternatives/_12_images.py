ALTERNATIVES = {
    "methods-and-keywords": {
        "style": "Normalize with keyword arguments and plain floats; the loader's shuffle=False spelled out; "
                 "view instead of flatten",
        "answers": {
            "transform": ("transform = transforms.Compose([transforms.ToTensor(), "
                          "transforms.Normalize(mean=[0.5], std=[0.5])])"),
            "loaders": ("train_loader = DataLoader(train_set, batch_size=64, shuffle=True)\n"
                        "val_loader = DataLoader(val_set, batch_size=1000, shuffle=False)"),
            "to-vectors": "def to_vectors(images):\n    return images.view(images.shape[0], -1)",
        },
    },
    "reshape-and-helpers": {
        "style": "a loader made by a helper of their own; reshape with -1; a print",
        "answers": {
            "loaders": ("def make_loader(dataset, batch_size, shuffle):\n"
                        "    return DataLoader(dataset, batch_size=batch_size, shuffle=shuffle)\n\n"
                        "train_loader = make_loader(train_set, 64, True)\n"
                        "val_loader = make_loader(val_set, 1000, False)\n"
                        "print(len(train_loader), 'training batches')"),
            "to-vectors": "def to_vectors(images):\n    n = len(images)\n    return torch.reshape(images, (n, -1))",
        },
    },
    "imported-names-and-loop": {
        "style": "the transforms imported by name, Normalize with mean= and std= tuples; both loaders made in one "
                 "loop over (dataset, batch size, shuffle) triples; torch.flatten(images, start_dim=1)",
        "answers": {
            "transform": ("from torchvision.transforms import Compose, Normalize, ToTensor\n\n"
                          "transform = Compose([ToTensor(), Normalize(mean=(0.5,), std=(0.5,))])\n"
                          "print(transform)"),
            "loaders": ("train_loader, val_loader = [DataLoader(dataset, batch_size=size, shuffle=shuffle)\n"
                        "                            for dataset, size, shuffle in ((train_set, 64, True), (val_set, 1000, False))]"),
            "to-vectors": "def to_vectors(images):\n    return torch.flatten(images, start_dim=1)",
        },
    },
    "samplers": {
        "style": "the shuffling and batching spelled out with samplers: a SubsetRandomSampler over every index for "
                 "training, a BatchSampler of a SequentialSampler for validation",
        "answers": {
            "loaders": ("from torch.utils.data import BatchSampler, SequentialSampler, SubsetRandomSampler\n\n"
                        "train_loader = DataLoader(train_set, batch_size=64,\n"
                        "                          sampler=SubsetRandomSampler(range(len(train_set))))\n"
                        "val_loader = DataLoader(val_set, batch_sampler=BatchSampler(SequentialSampler(val_set), 1000, False))"),
        },
    },
}
