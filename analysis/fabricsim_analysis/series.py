"""The per-link time series of a packet-model run (/links/series): one long DataFrame
(link_series) or an xarray Dataset over (link, time) with the links' names and tiers
(link_dataset)."""
from __future__ import annotations

import os
from typing import Tuple, Union

import h5py
import numpy as np
import pandas as pd

from .loader import PS_PER_US, PathLike, Result, _read_table

#: Columns of link_series, in order.
LINK_SERIES_COLUMNS = ["time_ps", "time_us", "link_id", "queue_bytes", "tx_bytes",
                       "throughput_bps"]


def _read_series(path: str, links: int = 0) -> Tuple[np.ndarray, ...]:
    """time_ps [T], queue_bytes, tx_bytes and throughput_bps [T x L] of /links/series; T = 0
    (and L = `links`) when the file has none. Throughput row t covers (time[t-1], time[t]]:
    the bits sent in it over its length, NaN at t = 0."""
    time_ps = np.zeros(0, dtype="int64")
    queue = tx = np.zeros((0, links), dtype="int64")
    with h5py.File(path, "r") as f:
        if "links/series" in f:
            group = f["links/series"]
            time_ps = group["time_ps"][()]
            queue = group["queue_bytes"][()]
            tx = group["tx_bytes"][()]
    throughput = np.full(queue.shape, np.nan)
    if len(time_ps) > 1:
        seconds = np.diff(time_ps).astype("float64") * 1e-12
        throughput[1:] = np.diff(tx, axis=0) * 8.0 / seconds[:, None]
    return time_ps, queue, tx, throughput


def link_series(path: PathLike) -> pd.DataFrame:
    """One row per (sample, link), ordered by time then link id: `time_ps` / `time_us` of the
    sample, `link_id` (row of /topology/links), `queue_bytes` (backlog at that instant) and
    `tx_bytes` (wire bytes sent since the start), both in bytes, and `throughput_bps`: bits
    per second the link sent between the previous sample and this one (NaN at the first).
    Empty (with these columns) when the file has no series: flow model, or sampling off.
    For a wide table: `df.pivot(index="time_ps", columns="link_id", values="queue_bytes")`."""
    time_ps, queue, tx, throughput = _read_series(os.fspath(path))
    samples, links = queue.shape
    return pd.DataFrame({
        "time_ps": np.repeat(time_ps, links),
        "time_us": np.repeat(time_ps, links) / PS_PER_US,
        "link_id": np.tile(np.arange(links), samples),
        "queue_bytes": queue.ravel(),
        "tx_bytes": tx.ravel(),
        "throughput_bps": throughput.ravel(),
    }, columns=LINK_SERIES_COLUMNS)


def link_dataset(source: Union[PathLike, Result]):
    """/links/series as an xarray.Dataset over dims (link, time).

    Variables: `queue_bytes`, `tx_bytes` (bytes, as in link_series), `throughput_bps` (bit/s
    since the previous sample, NaN at the first) and `utilisation` (throughput over the
    link's rate, 0..1; it can pass 1 by a packet per interval), all [link x time]; and the
    whole-run `busy_fraction` [link] of /links/summary. Coordinates: `link` (link id), `time`
    (us) and `time_ps`; per link `name` ("leaf0->spine1"), `src_tier` / `dst_tier` (the node
    kinds at its ends: host, leaf, spine, ...), `tier` ("leaf->spine") and `rate_bps`.
    Select a tier with `ds.where(ds.tier == "leaf->spine", drop=True)`. A run without a
    series (flow model, or output.sample_interval: 0) gives time of length 0."""
    import xarray as xr  # only this function needs it

    path = source.path if isinstance(source, Result) else os.fspath(source)
    with h5py.File(path, "r") as f:
        nodes = _read_table(f, "topology/nodes")
        links = _read_table(f, "topology/links")
        summary = _read_table(f, "links/summary")
    time_ps, queue, tx, throughput = _read_series(path, len(links))
    kind = nodes.set_index("id")["kind"]
    src_tier = links["src"].map(kind).to_numpy(dtype=object)
    dst_tier = links["dst"].map(kind).to_numpy(dtype=object)
    rate = links["rate_bps"].to_numpy()
    busy = summary.set_index("link_id")["busy_fraction"].reindex(links["id"]).to_numpy()
    dims = ("link", "time")
    return xr.Dataset(
        {"queue_bytes": (dims, queue.T), "tx_bytes": (dims, tx.T),
         "throughput_bps": (dims, throughput.T),
         "utilisation": (dims, throughput.T / rate[:, None]),
         "busy_fraction": ("link", busy.astype("float64"))},
        coords={"link": links["id"].to_numpy(), "time": time_ps / PS_PER_US,
                "time_ps": ("time", time_ps),
                "name": ("link", links["name"].to_numpy(dtype=object)),
                "src_tier": ("link", src_tier), "dst_tier": ("link", dst_tier),
                "tier": ("link", src_tier + "->" + dst_tier), "rate_bps": ("link", rate)},
        attrs={"file": path, "units": "queue_bytes, tx_bytes: bytes; throughput_bps: bit/s; "
                                      "utilisation, busy_fraction: fraction; time: us"})
