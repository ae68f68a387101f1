"""parse_overrides and to_number (pure functions), and one run with a --set on two lines."""
import pytest

from fabricsim_analysis import load, parse_overrides
from fabricsim_analysis.sweep import to_number


def test_lines_become_a_dict():
    text = "routing.policy=spray\n\nworkload.0.bytes = 1MiB\nseed=3\n"
    assert parse_overrides(text) == {"routing.policy": "spray", "workload.0.bytes": "1MiB",
                                     "seed": "3"}


def test_value_may_contain_equals_and_last_wins():
    assert parse_overrides("a.b=x=y\na.b=z") == {"a.b": "z"}
    assert parse_overrides("k=x=y") == {"k": "x=y"}


def test_empty_text_gives_empty_dict():
    assert parse_overrides("") == {}


@pytest.mark.parametrize("line", ["no-equals-sign", "=value"])
def test_malformed_line_raises(line):
    with pytest.raises(ValueError, match="key.path=value"):
        parse_overrides(line)


def test_to_number():
    assert to_number("4") == 4 and isinstance(to_number("4"), int)
    assert to_number("2.5") == 2.5
    assert to_number("1e3") == 1000.0
    assert to_number("spray") == "spray"
    assert to_number("1MiB") == "1MiB"


def test_a_value_on_several_lines_continues_until_the_next_key():
    text = ("topology={kind: leaf_spine, leaves: 4,\n"
            "         spines: 4}\n"
            "seed=2\n")
    assert parse_overrides(text) == {"topology": "{kind: leaf_spine, leaves: 4,\n"
                                                 "         spines: 4}", "seed": "2"}


def test_a_run_with_a_multi_line_set_loads(run_sim):
    path = run_sim("multi-line-set", "topology={kind: leaf_spine, leaves: 2, spines: 2,\n"
                                     "  hosts_per_leaf: 2}", "seed=5")
    assert load(path).overrides == {
        "topology": "{kind: leaf_spine, leaves: 2, spines: 2,\n  hosts_per_leaf: 2}",
        "seed": "5"}
