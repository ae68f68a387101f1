"""Packet-model counters and link_series() on runs of tiny.yaml with model=packet."""
import math

import numpy as np
import pytest

from fabricsim_analysis import link_series, load
from fabricsim_analysis.series import LINK_SERIES_COLUMNS

INTERVAL_PS = 5_000_000  # 5 us
LINKS = 16  # 4 hosts x (up + down) + 2 leaves x 2 spines x 2 directions
PACKET_COLUMNS = ["packets", "retransmits", "reordered_packets", "max_reorder", "probes",
                  "timeouts"]
LINK_COLUMNS = ["max_queue_bytes", "drops", "dropped_bytes", "ecn_marks", "lost_bytes"]


@pytest.fixture(scope="module")
def packet_file(run_sim):
    return run_sim("packet", "model=packet", "output.sample_interval=5us")


def test_load_exposes_the_packet_counters(packet_file, ecmp_file):
    for path in (packet_file, ecmp_file):
        r = load(path)
        assert list(r.flows.columns[9:15]) == PACKET_COLUMNS
        assert list(r.links.columns[8:13]) == LINK_COLUMNS
        assert (r.flows["retransmits"] <= r.flows["packets"]).all()
    fluid = load(ecmp_file)
    assert (fluid.flows[PACKET_COLUMNS] == 0).all().all()
    assert (fluid.links[LINK_COLUMNS] == 0).all().all()


def test_series_has_one_row_per_sample_and_link(packet_file):
    r = load(packet_file)
    df = link_series(packet_file)
    assert list(df.columns) == LINK_SERIES_COLUMNS
    samples = math.ceil(r.attrs["sim_end_ps"] / INTERVAL_PS)
    assert samples >= 10
    assert len(df) == samples * LINKS
    assert (df["time_ps"].to_numpy() == np.repeat(np.arange(samples) * INTERVAL_PS, LINKS)).all()
    assert (df["link_id"].to_numpy() == np.tile(np.arange(LINKS), samples)).all()
    assert np.allclose(df["time_us"], df["time_ps"] / 1e6)


def test_tx_bytes_grow_to_at_most_the_link_totals(packet_file):
    r = load(packet_file)
    wide = link_series(packet_file).pivot(index="time_ps", columns="link_id", values="tx_bytes")
    assert (wide.diff().iloc[1:] >= 0).all().all()
    totals = r.links.set_index("id")["tx_bytes"]
    assert (wide.iloc[-1] <= totals).all()
    assert (wide.iloc[-1] > 0).sum() >= 8, "every host link carries a flow"


def test_throughput_is_the_bits_sent_between_samples(packet_file):
    r = load(packet_file)
    df = link_series(packet_file)
    first = df["time_ps"] == 0
    assert df.loc[first, "throughput_bps"].isna().all()
    assert df.loc[~first, "throughput_bps"].notna().all()
    # Integrating the throughput over the intervals gives back the bytes sent by the last
    # sample.
    for link, rows in df.groupby("link_id"):
        sent = (rows["throughput_bps"].iloc[1:] * INTERVAL_PS * 1e-12 / 8).sum()
        assert sent == pytest.approx(rows["tx_bytes"].iloc[-1], abs=1e-3), link
    # No link sends faster than its 100 Gb/s, give or take a packet caught mid-way.
    packet_bps = 4096 * 8 / (INTERVAL_PS * 1e-12)
    assert (df["throughput_bps"].dropna() <= 100e9 + packet_bps).all()
    # Host uplinks send at line rate while their flow lasts.
    kind = r.nodes.set_index("id")["kind"]
    uplinks = r.links.loc[r.links["src"].map(kind) == "host", "id"]
    busiest = df[df["link_id"].isin(uplinks)].groupby("link_id")["throughput_bps"].max()
    assert (busiest > 0.9 * 100e9).all(), busiest


def test_flow_model_and_sampling_off_give_an_empty_series(ecmp_file, run_sim):
    for path in (ecmp_file, run_sim("packet-off", "model=packet", "output.sample_interval=0us")):
        df = link_series(path)
        assert df.empty
        assert list(df.columns) == LINK_SERIES_COLUMNS
