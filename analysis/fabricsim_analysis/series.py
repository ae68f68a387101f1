"""The per-link time series of a packet-model run (/links/series) as one long DataFrame."""
from __future__ import annotations

import os

import h5py
import numpy as np
import pandas as pd

from .loader import PS_PER_US, PathLike

#: Columns of link_series, in order.
LINK_SERIES_COLUMNS = ["time_ps", "time_us", "link_id", "queue_bytes", "tx_bytes",
                       "throughput_bps"]


def link_series(path: PathLike) -> pd.DataFrame:
    """One row per (sample, link), ordered by time then link id: `time_ps` / `time_us` of the
    sample, `link_id` (row of /topology/links), `queue_bytes` (backlog at that instant) and
    `tx_bytes` (wire bytes sent since the start), both in bytes, and `throughput_bps`: bits
    per second the link sent between the previous sample and this one (NaN at the first).
    Empty (with these columns) when the file has no series: flow model, or sampling off.
    For a wide table: `df.pivot(index="time_ps", columns="link_id", values="queue_bytes")`."""
    time_ps = np.zeros(0, dtype="int64")
    queue = tx = np.zeros((0, 0), dtype="int64")
    with h5py.File(os.fspath(path), "r") as f:
        if "links/series" in f:
            group = f["links/series"]
            time_ps = group["time_ps"][()]
            queue = group["queue_bytes"][()]
            tx = group["tx_bytes"][()]
    samples, links = queue.shape
    # Bits sent in each interval over its length: row t covers (time[t-1], time[t]].
    throughput = np.full((samples, links), np.nan)
    if samples > 1:
        seconds = np.diff(time_ps).astype("float64") * 1e-12
        throughput[1:] = np.diff(tx, axis=0) * 8.0 / seconds[:, None]
    return pd.DataFrame({
        "time_ps": np.repeat(time_ps, links),
        "time_us": np.repeat(time_ps, links) / PS_PER_US,
        "link_id": np.tile(np.arange(links), samples),
        "queue_bytes": queue.ravel(),
        "tx_bytes": tx.ravel(),
        "throughput_bps": throughput.ravel(),
    }, columns=LINK_SERIES_COLUMNS)
