#!/usr/bin/python3
"""same_results.py A.h5 B.h5: exit 0 when both result files hold the same datasets (names,
types, shapes, values) and attributes, the run's circumstances aside (start time, wall time,
host name, command line); otherwise print each difference and exit 1.
same_results.py --attr NAME FILE: print the root attribute NAME of FILE."""
import sys

import h5py
import numpy as np

CIRCUMSTANCES = {"start_time_utc", "wall_seconds", "host_name", "command_line"}


def objects(f):
    """Every group and dataset by name, the root as '/'."""
    out = {"/": f}
    f.visititems(lambda name, obj: out.__setitem__("/" + name, obj))
    return out


def differences(a_path, b_path):
    with h5py.File(a_path, "r") as a, h5py.File(b_path, "r") as b:
        oa, ob = objects(a), objects(b)
        for name in sorted(set(oa) ^ set(ob)):
            yield f"{name}: only in {'A' if name in oa else 'B'}"
        for name in sorted(set(oa) & set(ob)):
            x, y = oa[name], ob[name]
            if type(x) is not type(y):
                yield f"{name}: a {type(x).__name__} in A, a {type(y).__name__} in B"
                continue
            skip = CIRCUMSTANCES if name == "/" else set()
            for key in sorted((set(x.attrs) | set(y.attrs)) - skip):
                if key not in x.attrs or key not in y.attrs:
                    yield f"{name} attribute {key}: only in {'A' if key in x.attrs else 'B'}"
                elif not np.array_equal(np.asarray(x.attrs[key]), np.asarray(y.attrs[key])):
                    yield f"{name} attribute {key}: {x.attrs[key]!r} != {y.attrs[key]!r}"
            if isinstance(x, h5py.Dataset):
                if x.dtype != y.dtype or x.shape != y.shape:
                    yield f"{name}: {x.dtype}{x.shape} != {y.dtype}{y.shape}"
                elif not np.array_equal(x[()], y[()]):
                    yield f"{name}: values differ"


def main(argv):
    if len(argv) == 4 and argv[1] == "--attr":
        with h5py.File(argv[3], "r") as f:
            value = f.attrs[argv[2]]
            print(value.decode() if isinstance(value, bytes) else value)
        return 0
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    found = list(differences(argv[1], argv[2]))
    for line in found:
        print(line)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
