"""course.data: the data root, offline datasets, md5 checks, clear messages.

The tests that read real data use the data root of this run ($COURSE_DATA_DIR,
`../shared/data` in CI); the others build small fake roots in tmp_path.
"""
import io
import pickle
import shutil
import stat
import zipfile
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from course import data
from course.grader.cli import main
from tests.conftest import REPO

pytestmark = pytest.mark.unit

FASHION_FILES = ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                 "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")


@pytest.fixture
def env(monkeypatch, tmp_path):
    """A clean environment: derived files go to tmp, nothing is downloaded."""
    monkeypatch.setenv(data.CACHE_ENV, str(tmp_path / "cache"))
    monkeypatch.setenv("COURSE_DATA_OFFLINE", "1")
    monkeypatch.chdir(REPO)
    return monkeypatch


def real_root():
    root = data.data_root()
    if not (root / "FashionMNIST" / "raw" / FASHION_FILES[0]).is_file():
        pytest.fail(f"The data root {root} has no Fashion-MNIST: set {data.ENV} "
                    "(CI: ../shared/data) or run `python -m course data`")
    return root


def make_course(folder):
    (folder / "source").mkdir(parents=True)
    (folder / "nbgrader_config.py").write_text("")
    return folder


# -- where the data root is ------------------------------------------------------

def test_relative_data_dir_resolves_against_the_course_dir(monkeypatch, tmp_path):
    course = make_course(tmp_path / "repo")
    kernel_dir = course / "autograded" / "someone" / "12_images"
    kernel_dir.mkdir(parents=True)
    monkeypatch.chdir(kernel_dir)  # where a grading kernel runs
    monkeypatch.setenv(data.ENV, "../shared/data")
    assert data.data_root() == (tmp_path / "shared" / "data").resolve()


def test_default_data_root(monkeypatch, tmp_path):
    course = make_course(tmp_path / "repo")
    monkeypatch.delenv(data.ENV, raising=False)
    monkeypatch.chdir(course / "source")
    assert data.data_root() == course / "data"
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    monkeypatch.chdir(outside)
    assert data.data_root() == data.HOME_ROOT


# -- the real offline data -----------------------------------------------------------

def test_offline_fashion_mnist_and_cifar10(monkeypatch):
    real_root()
    monkeypatch.setenv("COURSE_DATA_OFFLINE", "1")
    test_set = data.fashion_mnist("test")
    assert len(test_set) == 10_000 and test_set[0][0].size == (28, 28)
    cifar = data.cifar10("test")
    assert len(cifar) == 10_000
    assert cifar.classes == list(data.CIFAR10_CLASSES)
    assert cifar.data.shape == (10_000, 32, 32, 3) and cifar.data.dtype == np.uint8
    assert np.bincount(cifar.targets).tolist() == [1000] * 10
    image, label = cifar[0]
    assert image.size == (32, 32) and image.mode == "RGB" and 0 <= label < 10


def test_read_only_root_is_left_alone(env, tmp_path):
    """A data root without write bits gets no extracted files: they go to the cache."""
    source = real_root() / "FashionMNIST" / "raw"
    root = tmp_path / "root"
    (root / "FashionMNIST" / "raw").mkdir(parents=True)
    for name in FASHION_FILES:
        (root / "FashionMNIST" / "raw" / name).symlink_to(source / name)
    for folder in (root / "FashionMNIST" / "raw", root / "FashionMNIST", root):
        folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    env.setenv(data.ENV, str(root))
    try:
        assert data.work_dir() == tmp_path / "cache"
        assert len(data.fashion_mnist("test")) == 10_000
        assert sorted(p.name for p in (root / "FashionMNIST" / "raw").iterdir()) == sorted(FASHION_FILES)
        assert (tmp_path / "cache" / "FashionMNIST" / "raw" / "t10k-images-idx3-ubyte").is_file()
    finally:
        for folder in (root, root / "FashionMNIST", root / "FashionMNIST" / "raw"):
            folder.chmod(stat.S_IRWXU)


# -- missing data ------------------------------------------------------------------------

def assert_says_what_to_do(message, *files):
    assert data.ENV in message, message
    assert "python -m course data" in message, message
    for name in files:
        assert name in message, f"{name} not in:\n{message}"


def test_missing_data_says_what_to_do(env, tmp_path):
    env.setenv(data.ENV, str(tmp_path / "empty"))
    with pytest.raises(data.DataMissing) as error:
        data.fashion_mnist("train")
    assert_says_what_to_do(str(error.value), "FashionMNIST/raw/train-images-idx3-ubyte.gz")
    with pytest.raises(data.DataMissing) as error:
        data.cifar10("train")
    assert_says_what_to_do(str(error.value), "cifar10/cifar10-jpeg.zip", "cifar-10-python.tar.gz")


def test_failed_download_says_what_to_do(env, tmp_path):
    """Where downloading is allowed but fails (offline), the message is the same."""
    import torchvision.datasets.mnist as tv_mnist
    from urllib.error import URLError

    def no_network(*args, **kwargs):
        raise URLError("no network here")

    env.delenv("COURSE_DATA_OFFLINE")
    env.setattr(tv_mnist, "download_and_extract_archive", no_network)
    env.setenv(data.ENV, str(tmp_path / "empty"))
    with pytest.raises(data.DataMissing) as error:
        data.fashion_mnist("test")
    assert_says_what_to_do(str(error.value), "FashionMNIST/raw/t10k-images-idx3-ubyte.gz", "Downloading it failed")


def test_check_command_fails_on_missing_data(env, tmp_path, capsys):
    env.setenv(data.ENV, str(tmp_path / "empty"))
    assert main(["data", "--check"]) == 1
    out = capsys.readouterr().out
    assert "missing" in out and "not ready" in out
    assert not (tmp_path / "empty").exists(), "--check must not create anything"


def test_check_command_passes_on_the_offline_root(monkeypatch, capsys):
    real_root()
    assert main(["data", "--check"]) == 0
    assert "all datasets ready" in capsys.readouterr().out


# -- md5 ------------------------------------------------------------------------------------

def test_md5_mismatch_is_detected(env, tmp_path):
    raw = tmp_path / "root" / "FashionMNIST" / "raw"
    raw.mkdir(parents=True)
    for name in FASHION_FILES:
        shutil.copy(real_root() / "FashionMNIST" / "raw" / name, raw / name)
    with open(raw / "t10k-labels-idx1-ubyte.gz", "ab") as f:
        f.write(b"\0")
    env.setenv(data.ENV, str(tmp_path / "root"))
    with pytest.raises(data.DataMissing) as error:
        data.fashion_mnist("test")
    message = str(error.value)
    assert "md5 mismatch" in message and "t10k-labels-idx1-ubyte.gz" in message, message

    (tmp_path / "root" / "cifar10").mkdir()
    (tmp_path / "root" / data.JPEG_ZIP).write_bytes(b"not the CIFAR-10 copy")
    with pytest.raises(data.DataMissing) as error:
        data.cifar10("test")
    assert "md5 mismatch" in str(error.value) and "cifar10-jpeg.zip" in str(error.value)


# -- the JPEG copy of CIFAR-10, on a tiny fake ---------------------------------------

def fake_jpeg_zip(path, per_class):
    """A zip laid out like the offline copy; image k of class c is a flat
    colour (10 * c, 10 * k, 100)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as archive:
        for split, n in per_class.items():
            for c, name in enumerate(data.CIFAR10_CLASSES):
                for k in range(n):
                    image = Image.new("RGB", (32, 32), (10 * c, 10 * k, 100))
                    buffer = io.BytesIO()
                    image.save(buffer, "JPEG", quality=95)
                    archive.writestr(f"cifar10-jpeg/{split}/{name}/{k:04d}.jpg", buffer.getvalue())
    return data.md5(path)


@pytest.fixture
def fake_jpeg_root(env, tmp_path):
    root = tmp_path / "root"
    digest = fake_jpeg_zip(root / data.JPEG_ZIP, {"train": 3, "test": 1})
    env.setattr(data, "JPEG_ZIP_MD5", digest)
    env.setattr(data, "JPEG_SPLIT_SIZES", {"train": 30, "test": 10})
    env.setitem(data.VALIDATION_SIZE, "CIFAR10", 10)
    env.setenv(data.ENV, str(root))
    return root


def test_jpeg_copy_is_a_cifar10_dataset(fake_jpeg_root):
    from torchvision import datasets, transforms

    train = data.cifar10("train", transform=transforms.ToTensor())
    assert isinstance(train, datasets.CIFAR10) and train.split == "train"
    assert len(train) == 20 and train.classes == list(data.CIFAR10_CLASSES)
    # Ordered by (rank in class, class): neighbours are of different classes.
    assert train.targets == list(range(10)) * 2
    image, label = train[13]  # rank 1 of class 3
    assert image.shape == (3, 32, 32) and label == 3
    assert abs(image[0].mean().item() * 255 - 30) < 3 and abs(image[1].mean().item() * 255 - 10) < 3
    val = data.cifar10("val", transform=transforms.ToTensor())
    assert len(val) == 10 and val.targets == list(range(10)) and val.split == "val"
    assert abs(val[4][0][1].mean().item() * 255 - 20) < 3, "val: the last images, rank 2 of each class"
    assert len(data.cifar10("test")) == 10


def test_tampered_cache_is_detected_and_rebuilt(fake_jpeg_root):
    first = data.cifar10("train").data.copy()
    cache = data._jpeg_cache_path("train")
    assert data._jpeg_cache_status("train") == "ok"
    blob = bytearray(cache.read_bytes())
    blob[-200] ^= 0xFF
    cache.write_bytes(bytes(blob))
    assert data._jpeg_cache_status("train").startswith("md5 mismatch")
    assert np.array_equal(data.cifar10("train").data, first)
    assert data._jpeg_cache_status("train") == "ok"


def test_official_cifar10_is_preferred(fake_jpeg_root, env):
    """Where torchvision's own CIFAR-10 batches are, they are used, not the JPEG copy."""
    from torchvision import datasets

    folder = fake_jpeg_root / datasets.CIFAR10.base_folder
    folder.mkdir()
    files = {}
    for name, n in [("data_batch_1", 14), ("data_batch_2", 0), ("data_batch_3", 0),
                    ("data_batch_4", 0), ("data_batch_5", 0), ("test_batch", 2)]:
        batch = {"data": np.full((n, 3072), 7, dtype=np.uint8), "labels": [1] * n}
        (folder / name).write_bytes(pickle.dumps(batch))
        files[name] = data.md5(folder / name)
    (folder / "batches.meta").write_bytes(pickle.dumps({"label_names": list(data.CIFAR10_CLASSES)}))
    env.setattr(datasets.CIFAR10, "train_list", [[f"data_batch_{i}", files[f"data_batch_{i}"]] for i in range(1, 6)])
    env.setattr(datasets.CIFAR10, "test_list", [["test_batch", files["test_batch"]]])
    env.setattr(datasets.CIFAR10, "meta", {"filename": "batches.meta", "key": "label_names",
                                           "md5": data.md5(folder / "batches.meta")})
    train = data.cifar10("train")
    assert type(train).__name__ == "CIFAR10" and not isinstance(train, data._cifar10_jpeg_class())
    assert len(train) == 4 and train.targets == [1] * 4 and len(data.cifar10("val")) == 10
    assert len(data.cifar10("test")) == 2


# -- the splits, and a data root without the test sets ---------------------------

def test_train_and_val_split_the_training_set(monkeypatch):
    real_root()
    whole = data._mnist_dataset(data._mnist_classes()["FashionMNIST"], True)
    train, val = data.fashion_mnist("train"), data.fashion_mnist("val")
    assert (len(train), len(val)) == (50_000, 10_000) and (train.split, val.split) == ("train", "val")
    assert torch.equal(torch.cat([train.data, val.data]), whole.data), "val: the last 10,000, no overlap"
    assert torch.equal(torch.cat([train.targets, val.targets]), whole.targets)
    assert torch.bincount(val.targets).min() > 900, "every class is in the validation split"
    with pytest.raises(ValueError, match="'train', 'val', 'test'"):
        data.fashion_mnist("validation")


def test_training_only_root_has_no_test_set(tmp_path, monkeypatch, capsys):
    real_root()
    dest = tmp_path / "students"
    assert main(["data", "--training-only", str(dest)]) == 0
    files = sorted(p.relative_to(dest).as_posix() for p in dest.rglob("*") if p.is_file())
    assert "FashionMNIST/raw/train-labels-idx1-ubyte" in files and data.WITHHELD in files, files
    assert not [f for f in files if "t10k" in f or "test" in f or f.endswith((".zip", ".gz"))], files
    monkeypatch.setenv(data.ENV, str(dest))
    monkeypatch.setenv(data.CACHE_ENV, str(tmp_path / "cache"))
    monkeypatch.setenv("COURSE_DATA_OFFLINE", "1")
    assert main(["data"]) == 0
    assert "the test sets are withheld" in capsys.readouterr().out
    assert len(data.cifar10("val")) == 5_000 and len(data.fashion_mnist("train")) == 50_000
    for load, name in ((data.fashion_mnist, "fashion_mnist"), (data.cifar10, "cifar10")):
        with pytest.raises(data.DataMissing) as error:
            load("test")
        assert "labels are kept by the grader" in str(error.value) and f'{name}("val"' in str(error.value)
    assert data.test_files() == [], "nothing of a test set in this root"


def test_torchvision_still_has_the_private_api_course_data_uses():
    """course.torchvision_private subclasses torchvision's datasets through
    private methods; an upgrade that drops one must fail here, by name."""
    import torchvision

    from course import torchvision_private

    missing = torchvision_private.missing_private_api()
    assert not missing, (f"torchvision {torchvision.__version__} (tested: {torchvision_private.TESTED_TORCHVISION}) "
                         f"lacks what course/torchvision_private.py uses: {missing}")
    assert torchvision.__version__.startswith(torchvision_private.TESTED_TORCHVISION), (
        f"torchvision {torchvision.__version__}: check course/torchvision_private.py, then update TESTED_TORCHVISION")


def test_the_private_api_check_can_fail(monkeypatch):
    from torchvision import datasets

    from course import torchvision_private

    monkeypatch.delattr(datasets.CIFAR10, "_check_integrity")
    assert "CIFAR10._check_integrity" in torchvision_private.missing_private_api()
