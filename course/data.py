"""The course's datasets, all from one data root.

    data_root()                       where the datasets live (COURSE_DATA_DIR)
    fashion_mnist(split, transform)   torchvision.datasets.FashionMNIST
    mnist(split, transform)           torchvision.datasets.MNIST
    cifar10(split, transform)         torchvision.datasets.CIFAR10, or the same
                                      interface over the offline JPEG copy
    provision(check_only)             what `python -m course data [--check]` runs
    training_only(dest)               a data root without the test sets, for
                                      students and grading kernels

Notebooks call these instead of `torchvision.datasets.X(root="data", ...)`
so that every machine (a student's laptop, a grading kernel inside
autograded/<student>/<step>/, CI without internet) finds the same files.
What a notebook gets back is an ordinary torchvision dataset: index it, give
it `transforms`, wrap it in a `DataLoader`, exactly as anywhere else.

The splits
- "train": the training images but the last VALIDATION_SIZE of them;
- "val": those last VALIDATION_SIZE training images, held out to measure
  accuracy while we work (never trained on);
- "test": the official test set. Its labels belong to the grader: the
  hidden checks count a model's answers on it. A student's data root and a
  grading kernel's hold no test set (`training_only`), so no notebook can
  train on it, tune on it, or look its answers up.

Where things are
- The data root is $COURSE_DATA_DIR. A relative value is taken relative to
  the course directory (not the working directory: grading kernels run two
  folders down). Without it: `data/` in the course directory, or
  ~/.cache/pytorch-course-data outside any course.
- MNIST and Fashion-MNIST are torchvision's four .gz files in
  <root>/<Name>/raw/, md5-checked against torchvision's own table;
  torchvision extracts them (and downloads them where it can).
- CIFAR-10 is, in this order of preference: torchvision's official batches
  (<root>/cifar-10-batches-py/ or the archive cifar-10-python.tar.gz, md5
  checked by torchvision); the offline JPEG copy <root>/cifar10/cifar10-jpeg.zip
  (md5 checked here; see the data README); a download of the official archive.
- Derived files (extracted MNIST files, the decoded JPEG copy) go into the
  data root when it is writable, else into $COURSE_DATA_CACHE (default
  ~/.cache/pytorch-course-data). A folder without its owner's write bit
  counts as read-only even for root: a shared data folder stays untouched.

The JPEG copy is decoded once (60,000 small JPEGs: about 10 s) into one
uint8 .npz file per split, with an md5 beside it; later loads take a second.
"""
import hashlib
import io
import os
import shutil
import socket
import stat
import sys
import zipfile
from pathlib import Path

import numpy as np

from course import find_course_root, torchvision_private

ENV = "COURSE_DATA_DIR"
CACHE_ENV = "COURSE_DATA_CACHE"
HOME_ROOT = Path.home() / ".cache" / "pytorch-course-data"

CIFAR10_CLASSES = ("airplane", "automobile", "bird", "cat", "deer",
                   "dog", "frog", "horse", "ship", "truck")
# The offline copy: all 60,000 CIFAR-10 images as JPEG files in an
# ImageFolder layout, cifar10-jpeg/{train,test}/<class>/NNNN.jpg.
JPEG_ZIP = Path("cifar10") / "cifar10-jpeg.zip"
JPEG_ZIP_MD5 = "c78e910b75234b107ffc7c96fdc11e4e"
JPEG_SPLIT_SIZES = {"train": 50_000, "test": 10_000}
DOWNLOAD_TIMEOUT_S = 20

SPLITS = ("train", "val", "test")
# How many of the last training images each dataset holds out for "val".
VALIDATION_SIZE = {"MNIST": 10_000, "FashionMNIST": 10_000, "CIFAR10": 5_000}
# In a training-only data root: says the test sets were left out on purpose.
WITHHELD = "TEST-SETS-WITHHELD.txt"


class DataMissing(FileNotFoundError):
    """A dataset is not in the data root and could not be downloaded.
    The message says which files, where, and what to do."""


# -- where ---------------------------------------------------------------------

def _course_dir():
    try:
        return find_course_root()
    except FileNotFoundError:
        return None


def data_root():
    """The folder the datasets are read from (see the module's docstring)."""
    value = os.environ.get(ENV)
    course = _course_dir()
    if value:
        path = Path(value).expanduser()
        if not path.is_absolute():
            path = (course or Path.cwd()) / path
        return path.resolve()
    return (course / "data") if course else HOME_ROOT


def _describe_root():
    value = os.environ.get(ENV)
    how = f"{ENV}={value}" if value else f"{ENV} is not set, so the default"
    return f"{data_root()} ({how})"


def writable(folder):
    """Whether derived files may be written into `folder`. Its owner's write
    bit must be set: root may write anywhere, but a folder someone made
    read-only (a shared copy of the data) is left alone."""
    folder = Path(folder)
    while not folder.exists():
        folder = folder.parent
    return bool(folder.stat().st_mode & stat.S_IWUSR) and os.access(folder, os.W_OK)


def work_dir():
    """Where extracted and decoded files go: the data root if writable,
    else $COURSE_DATA_CACHE or ~/.cache/pytorch-course-data."""
    root = data_root()
    if writable(root):
        return root
    cache = os.environ.get(CACHE_ENV)
    return Path(cache).expanduser().resolve() if cache else HOME_ROOT


def test_files():
    """The grader's files that hold a test set or its labels (in the data
    root and the work folder, and where their links lead): what no student
    process may read."""
    patterns = ("t10k-*", "test_batch", "cifar10-jpeg-test.*", JPEG_ZIP.name, "cifar-10-python.tar.gz")
    found = []
    for folder in dict.fromkeys((data_root(), work_dir())):
        if not folder.is_dir():
            continue
        for pattern in patterns:
            found += [p for p in folder.rglob(pattern) if p.is_file()]
        found += [next(p.glob("*/*.jpg"), None) for p in folder.rglob("cifar10-jpeg/test")]
    found += [p.resolve() for p in found if p and p.is_symlink()]
    return sorted({p for p in found if p})


# -- md5 -----------------------------------------------------------------------

_md5_memo = {}


def md5(path):
    """The md5 of a file, remembered for as long as its size and time stay."""
    path = Path(path)
    st = path.stat()
    key = (str(path.resolve()), st.st_size, st.st_mtime_ns)
    if key not in _md5_memo:
        digest = hashlib.md5(usedforsecurity=False)
        with open(path, "rb") as f:
            while chunk := f.read(1 << 20):
                digest.update(chunk)
        _md5_memo[key] = digest.hexdigest()
    return _md5_memo[key]


def _status(path, expected):
    """'ok', 'missing' or 'md5 mismatch (found ..., expected ...)'."""
    path = Path(path)
    if not path.is_file():
        return "missing"
    found = md5(path)
    return "ok" if found == expected else f"md5 mismatch (found {found}, expected {expected})"


def _size(path):
    if not Path(path).is_file():
        return "       -"
    size = Path(path).stat().st_size
    return f"{size / 1e6:6.1f} MB" if size >= 1e5 else f"{size / 1e3:6.1f} kB"


# -- download, carefully -------------------------------------------------------

_lending = False  # training_only() lends what is here and downloads nothing


def _allow_download():
    return not _lending and os.environ.get("COURSE_DATA_OFFLINE", "") in ("", "0")


class _Timeout:
    """A socket timeout for torchvision's downloads: an offline machine fails
    in seconds instead of hanging."""

    def __enter__(self):
        self.saved = socket.getdefaulttimeout()
        socket.setdefaulttimeout(DOWNLOAD_TIMEOUT_S)

    def __exit__(self, *exc):
        socket.setdefaulttimeout(self.saved)


def _fix_message(what, files, error=None):
    lines = [
        f"{what} is not in the data root {_describe_root()}.",
        "Expected (md5-checked):",
        *(f"    {f}" for f in files),
    ]
    if error:
        lines.append(f"Downloading it failed: {error}")
    lines += [
        "To fix it, either:",
        f"  - point {ENV} at a folder that has these files, e.g. `export {ENV}=/path/to/shared/data`",
        "    (a relative path is taken from the course directory), or",
        "  - copy the files to those paths, or",
        "  - run `python -m course data` (or `make data`) on a machine with internet access.",
        "Then check with `python -m course data --check`.",
    ]
    return "\n".join(lines)


# -- MNIST and Fashion-MNIST ---------------------------------------------------

def _mnist_classes():
    from torchvision import datasets
    return {"MNIST": datasets.MNIST, "FashionMNIST": datasets.FashionMNIST}


def _mnist_report(cls, root):
    """[(path, status, size)] for the four .gz files of `cls` under `root`."""
    raw = Path(root) / cls.__name__ / "raw"
    return [(raw / name, _status(raw / name, expected), _size(raw / name)) for name, expected in cls.resources]


def _mnist_dataset(cls, train, transform=None, target_transform=None):
    """torchvision's `cls` (MNIST, FashionMNIST), the whole training or test
    split, from the data root.

    The .gz files are md5-checked here; torchvision extracts them into
    <work>/<Name>/raw/ (the data root itself when it is writable), and
    downloads what is missing where it can."""
    root, work = data_root(), work_dir()
    prefix = "train" if train else "t10k"
    needed = [name for name, _ in cls.resources if name.startswith(prefix)]
    loader = torchvision_private.one_split(cls)
    for folder in dict.fromkeys((root, work)):  # already extracted (a training-only root is)
        if all((folder / cls.__name__ / "raw" / Path(n).stem).is_file() for n in needed):
            try:
                return loader(str(folder), train=train, transform=transform, target_transform=target_transform)
            except RuntimeError:
                continue  # extracted files that do not verify: extract again below
    report = [r for r in _mnist_report(cls, root) if r[0].name in needed]
    bad = [(p, s) for p, s, _ in report if s.startswith("md5")]
    if bad:
        raise DataMissing(_fix_message(cls.__name__, [f"{p}: {s}" for p, s in bad]))
    if work != root:
        # Read-only data root: link its good files into the work folder, so
        # torchvision extracts (or downloads) there and never writes to the root.
        raw = work / cls.__name__ / "raw"
        raw.mkdir(parents=True, exist_ok=True)
        for path, status, _ in report:
            target = raw / path.name
            if status == "ok" and not target.exists():
                target.symlink_to(path)
    missing = [p for p, s, _ in _mnist_report(cls, work) if s != "ok" and p.name in needed]
    if missing and not _allow_download():
        raise DataMissing(_fix_message(cls.__name__, [str(p) for p in missing], "COURSE_DATA_OFFLINE is set"))
    try:
        with _Timeout():
            return loader(str(work), train=train, transform=transform, target_transform=target_transform,
                          download=True)
    except (RuntimeError, OSError) as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise DataMissing(_fix_message(cls.__name__, [str(p) for p, _, _ in report], first_line)) from None


# name: (as people write it, the function that loads it)
_NAMES = {"FashionMNIST": ("Fashion-MNIST", "fashion_mnist"), "MNIST": ("MNIST", "mnist"),
          "CIFAR10": ("CIFAR-10", "cifar10")}


def _withheld_message(name):
    written, function = _NAMES[name]
    return (f"The {written} test set is not in this data root ({_describe_root()}): its labels are kept "
            "by the grader, who counts your model's answers on it. Measure your model on the "
            f"validation split instead: {function}(\"val\", transform).")


def _split(name, split, load, transform, target_transform):
    """The course's `split` of dataset `name`: load(train) gives torchvision's
    whole training or test set, which "train" and "val" cut in two."""
    if split not in SPLITS:
        raise ValueError(f"split should be one of {', '.join(map(repr, SPLITS))}, not {split!r}")
    if split == "test" and (data_root() / WITHHELD).is_file():
        raise DataMissing(_withheld_message(name))
    dataset = load(split != "test", transform, target_transform)
    if split != "test":
        # .data and .targets are what torchvision's datasets index (and
        # what course.vision.ImageBatches reads): cut them, keep the rest.
        cut = len(dataset.data) - VALIDATION_SIZE[name]
        part = slice(None, cut) if split == "train" else slice(cut, None)
        dataset.data, dataset.targets = dataset.data[part], dataset.targets[part]
    dataset.split = split
    return dataset


def fashion_mnist(split="train", transform=None, target_transform=None):
    """Fashion-MNIST (28x28 grey images of clothes, 10 classes) as a
    torchvision.datasets.FashionMNIST: split "train" (50,000 images), "val"
    (the other 10,000 training images) or "test" (10,000; the grader's)."""
    cls = _mnist_classes()["FashionMNIST"]
    return _split("FashionMNIST", split, lambda *a: _mnist_dataset(cls, *a), transform, target_transform)


def mnist(split="train", transform=None, target_transform=None):
    """MNIST (handwritten digits), split "train", "val" or "test", as
    torchvision.datasets.MNIST (see fashion_mnist)."""
    cls = _mnist_classes()["MNIST"]
    return _split("MNIST", split, lambda *a: _mnist_dataset(cls, *a), transform, target_transform)


# -- CIFAR-10 ------------------------------------------------------------------

def _official_cifar10(root, train=True):
    """'batches' if torchvision's extracted, md5-verified CIFAR-10 batches of
    the split are in `root`, 'archive' if its archive is (md5-verified),
    else None."""
    from torchvision import datasets

    if torchvision_private.has_official_cifar10_batches(root, train):
        return "batches"
    archive = Path(root) / datasets.CIFAR10.filename
    if _status(archive, datasets.CIFAR10.tgz_md5) == "ok":
        return "archive"
    return None


def _jpeg_cache_path(split):
    """The decoded split: in the data root if it is there (a training-only
    root has the training split's), else in the work folder."""
    name = Path("cifar10") / f"cifar10-jpeg-{split}.npz"
    in_root = data_root() / name
    return in_root if in_root.is_file() else work_dir() / name


def _decode_jpeg_copy(source, split):
    """(images (N, 32, 32, 3) uint8, labels (N,) int64) of one split of the
    JPEG copy, from the zip or from its unzipped folder.

    The files are NNNN.jpg, the image's rank within its class; they are
    ordered by (rank, class), so neighbours are of different classes, as in
    the official batches (a test loader without shuffling shows a mix)."""
    from PIL import Image

    prefix = f"cifar10-jpeg/{split}/"
    if zipfile.is_zipfile(source):
        archive = zipfile.ZipFile(source)
        names = [n for n in archive.namelist() if n.startswith(prefix) and n.endswith(".jpg")]
        read = archive.read
    else:
        folder = Path(source)
        names = sorted(str(p.relative_to(folder.parent)).replace(os.sep, "/")
                       for p in (folder / split).glob("*/*.jpg"))
        read = lambda n: (folder.parent / n).read_bytes()  # noqa: E731
    entries = []
    for name in names:
        class_name, file_name = name[len(prefix):].split("/")
        entries.append((int(Path(file_name).stem), CIFAR10_CLASSES.index(class_name), name))
    entries.sort()
    expected = JPEG_SPLIT_SIZES.get(split)
    if expected is not None and len(entries) != expected:
        raise DataMissing(_fix_message(
            "The CIFAR-10 JPEG copy", [f"{source}: {split} holds {len(entries)} images, expected {expected}"]))
    images = np.empty((len(entries), 32, 32, 3), dtype=np.uint8)
    for i, (_, _, name) in enumerate(entries):
        with Image.open(io.BytesIO(read(name))) as image:
            images[i] = np.asarray(image.convert("RGB"))
    labels = np.array([label for _, label, _ in entries], dtype=np.int64)
    return images, labels


def _build_jpeg_cache(split, path):
    """Decode one split of the JPEG copy into `path` (.npz) and write its
    md5 beside it. Written to a temporary name, then renamed: a reader never
    sees half a file, and two builders at once do no harm."""
    root = data_root()
    zip_path, folder = root / JPEG_ZIP, root / "cifar10" / "cifar10-jpeg"
    status = _status(zip_path, JPEG_ZIP_MD5)
    if status == "ok":
        source = zip_path
    elif status == "missing" and (folder / split).is_dir():
        source = folder
    else:
        raise DataMissing(_fix_message("CIFAR-10", [f"{zip_path}: {status}"]))
    images, labels = _decode_jpeg_copy(source, split)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as f:
        np.savez(f, images=images, labels=labels)
    digest = md5(tmp)
    os.replace(tmp, path)
    path.with_suffix(".md5").write_text(f"{digest}  {path.name}\n")
    return images, labels


def _jpeg_cache_status(split):
    path = _jpeg_cache_path(split)
    sidecar = path.with_suffix(".md5")
    if not path.is_file() or not sidecar.is_file():
        return "missing"
    return _status(path, sidecar.read_text().split()[0])


def _load_jpeg_copy(split):
    """(images, labels) of one split: from the decoded cache when it
    verifies, else decoded now (and cached)."""
    path = _jpeg_cache_path(split)
    if _jpeg_cache_status(split) == "ok":
        with np.load(path) as cached:
            return cached["images"], cached["labels"]
    return _build_jpeg_cache(split, path)


def _jpeg_copy_present(split="train"):
    root = data_root()
    return (root / JPEG_ZIP).is_file() or (root / "cifar10" / "cifar10-jpeg").is_dir() \
        or _jpeg_cache_status(split) == "ok"


def _cifar10_jpeg_class():
    """torchvision's CIFAR10, filled from the JPEG copy instead of the
    official batches. Made on first use, so importing course.data stays light."""
    return torchvision_private.cifar10_from_arrays(_load_jpeg_copy, tuple(CIFAR10_CLASSES), __name__)


def _cifar10_whole(train, transform=None, target_transform=None):
    """torchvision's whole CIFAR-10 training or test set: the official
    batches where the data root has them, else the offline JPEG copy, else
    downloaded."""
    from torchvision import datasets

    root, work = data_root(), work_dir()
    loader = torchvision_private.cifar10_one_split()
    for folder in dict.fromkeys((root, work)):
        found = _official_cifar10(folder, train)
        if found == "batches":
            return loader(str(folder), train=train, transform=transform, target_transform=target_transform)
        if found == "archive":
            if folder != work:
                (work).mkdir(parents=True, exist_ok=True)
                link = work / datasets.CIFAR10.filename
                if not link.exists():
                    link.symlink_to(folder / datasets.CIFAR10.filename)
            return loader(str(work), train=train, transform=transform,
                          target_transform=target_transform, download=True)
    if _jpeg_copy_present("train" if train else "test"):
        return _cifar10_jpeg_class()(root, train=train, transform=transform, target_transform=target_transform)
    expected = [str(root / "cifar-10-batches-py") + "/ (torchvision's CIFAR-10), or",
                str(root / datasets.CIFAR10.filename) + f" (md5 {datasets.CIFAR10.tgz_md5}), or",
                str(root / JPEG_ZIP) + f" (the offline JPEG copy, md5 {JPEG_ZIP_MD5})"]
    if not _allow_download():
        raise DataMissing(_fix_message("CIFAR-10", expected, "COURSE_DATA_OFFLINE is set"))
    try:
        with _Timeout():
            return loader(str(work), train=train, transform=transform,
                          target_transform=target_transform, download=True)
    except (RuntimeError, OSError) as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise DataMissing(_fix_message("CIFAR-10", expected, first_line)) from None


def cifar10(split="train", transform=None, target_transform=None):
    """CIFAR-10 (32x32 colour images, 10 classes) as a
    torchvision.datasets.CIFAR10: split "train" (45,000 images), "val" (the
    other 5,000 training images) or "test" (10,000; the grader's)."""
    return _split("CIFAR10", split, _cifar10_whole, transform, target_transform)


# -- a data root without the test sets -----------------------------------------

def withheld():
    """Whether the data root was made without its test sets (training_only)."""
    return (data_root() / WITHHELD).is_file()


def _training_files():
    """{path in a training-only root: the file here} for every dataset whose
    training split this data root can give (extracting or decoding it first)."""
    files = {}
    for name, cls in _mnist_classes().items():
        try:
            raw = Path(_mnist_dataset(cls, True).raw_folder)
        except DataMissing:
            continue
        for resource, _ in cls.resources:
            if resource.startswith("train"):
                files[Path(name) / "raw" / Path(resource).stem] = raw / Path(resource).stem
    try:
        cifar = _cifar10_whole(True)
    except DataMissing:
        return files
    if isinstance(cifar, _cifar10_jpeg_class()):
        npz = _jpeg_cache_path("train")
        for path in (npz, npz.with_suffix(".md5")):
            files[Path("cifar10") / path.name] = path
    else:
        for batch, _ in cifar.train_list + [(cifar.meta["filename"], None)]:
            files[Path(cifar.base_folder) / batch] = Path(cifar.root) / cifar.base_folder / batch
    return files


_training_files_memo = {}


def training_view():
    """(key, {path in a training-only root: the file here}) for this data
    root, found once per process: finding it loads every training split
    (seconds, torchvision imported), and again when a dataset is added or
    extracted. A grading run finds it in its parent and hands it to its
    workers (remember_training_view)."""
    key = (str(data_root()), str(work_dir()), _folders_changed_at(data_root(), work_dir()))
    if key not in _training_files_memo:
        global _lending
        _lending = True
        try:
            _training_files_memo[key] = _training_files()
        finally:
            _lending = False
    return key, _training_files_memo[key]


def _folders_changed_at(*roots):
    """When the roots and the folders two levels under them last changed:
    a dataset added, extracted or decoded changes one of them."""
    stamps = []
    for root in dict.fromkeys(Path(r) for r in roots):
        for folder in [root, *root.glob("*/"), *root.glob("*/*/")]:
            try:
                stamps.append((str(folder), folder.stat().st_mtime_ns))
            except OSError:
                pass
    return tuple(stamps)


def remember_training_view(found):
    """Take what training_view() found in the grading parent."""
    if found:
        key, files = found
        _training_files_memo[key] = files


def training_only(dest):
    """Make `dest` a data root holding the training split ("train" and
    "val") of every dataset this data root has, ready to load, and no test
    set: what a student's notebook and a grading kernel are given, so that
    the test labels stay with the grader. Files are hard links where the
    file system allows (instant, no space), else copies; every file is
    readable by everyone. Returns `dest`."""
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    for relative, source in training_view()[1].items():
        target = dest / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        source = source.resolve()
        try:
            if not source.stat().st_mode & stat.S_IROTH:
                raise PermissionError("not readable by others: copy it")
            os.link(source, target)
        except OSError:
            shutil.copyfile(source, target)
            target.chmod(0o644)
    (dest / WITHHELD).write_text(
        "This data root holds the training images of the course's datasets (splits \"train\" and\n"
        "\"val\") and no test set: the test labels stay with the grader, who counts a model's\n"
        "answers on the test images. Made by course.data.training_only.\n")
    return dest


# -- python -m course data -----------------------------------------------------

def _provision_training_only(say):
    """provision() for a root made by training_only: each training split loads."""
    say("training splits only: the test sets are withheld (the grader keeps them)")
    problems = 0
    for name, load in (("FashionMNIST", fashion_mnist), ("MNIST", mnist), ("CIFAR-10", cifar10)):
        try:
            say(f"  {name}: {len(load('train')):,} train + {len(load('val')):,} val images, ready")
        except DataMissing as error:
            problems += 1
            say(f"  {name}: not ready: " + str(error).replace("\n", "\n  "))
    say("\nall datasets ready" if not problems else f"\n{problems} dataset(s) not ready")
    return problems


def provision(check_only=False, out=None):
    """Verify (and unless `check_only`, prepare) every dataset of the course.
    Prints what it found; returns the number of datasets that are not ready."""
    root, work = data_root(), work_dir()
    say = lambda *a: print(*a, file=out or sys.stdout)  # noqa: E731
    say(f"data root: {_describe_root()}")
    if withheld():
        return _provision_training_only(say)
    say(f"derived files: {work}" + ("" if work == root else " (the data root is read-only)"))
    problems = 0

    for name, cls in _mnist_classes().items():
        say(f"\n{name}")
        for path, status, size in _mnist_report(cls, root):
            say(f"  {size}  {status:<8}  {path.relative_to(root)}")
        if not check_only:
            try:
                for train in (True,) if withheld() else (True, False):
                    _mnist_dataset(cls, train)
                say(f"  ready: extracted in {work / name / 'raw'}")
            except DataMissing as error:
                problems += 1
                say("  " + str(error).replace("\n", "\n  "))
        elif any(s != "ok" for _, s, _ in _mnist_report(cls, root)):
            problems += 1
            say(f"  not ready: see above; `python -m course data` would try to download it")

    say("\nCIFAR-10")
    official = next((f for f in dict.fromkeys((root, work)) if _official_cifar10(f)), None)
    if official is not None:
        say(f"  official torchvision CIFAR-10 ({_official_cifar10(official)}, md5 ok) in {official}")
        if not check_only:
            _cifar10_whole(True), _cifar10_whole(False)
            say("  ready")
    else:
        zip_path = root / JPEG_ZIP
        say(f"  official batches: not found ({root / 'cifar-10-batches-py'})")
        say(f"  {_size(zip_path)}  {_status(zip_path, JPEG_ZIP_MD5):<8}  {JPEG_ZIP} (offline JPEG copy)")
        for split in ("train", "test"):
            path = _jpeg_cache_path(split)
            status = _jpeg_cache_status(split)
            if status != "ok" and not check_only:
                try:
                    _load_jpeg_copy(split)
                    status = f"built now, {_jpeg_cache_status(split)}"
                except DataMissing as error:
                    status = "cannot build"
                    say("  " + str(error).replace("\n", "\n  "))
            say(f"  {_size(path)}  {status:<8}  decoded {split} cache {path}")
        ready = all(_jpeg_cache_status(s) == "ok" for s in ("train", "test"))
        if not ready and check_only and _status(zip_path, JPEG_ZIP_MD5) == "ok":
            ready = True
            say("  ready: the first use decodes the JPEG copy into the cache (about 10 s)")
        if not ready and not check_only and not _jpeg_copy_present():
            try:
                _cifar10_whole(True), _cifar10_whole(False)
                say("  downloaded the official CIFAR-10")
                ready = True
            except DataMissing as error:
                say("  " + str(error).replace("\n", "\n  "))
        if not ready:
            problems += 1
            say("  not ready: provide the official CIFAR-10 or the JPEG copy (see above)")
    say("\nall datasets ready" if not problems else f"\n{problems} dataset(s) not ready")
    return problems
