"""The local tuning strategies (sagemaker_lite.local.tuning.search): pure, seeded, checked on known functions."""

from __future__ import annotations

import math
import statistics

import pytest

from sagemaker_lite.local.tuning.search import (
    BayesianSearch,
    GaussianProcess,
    GridSearch,
    RandomSearch,
    SearchSpace,
    expected_improvement,
)

RANGES = {
    "ContinuousParameterRanges": [
        {"Name": "x", "MinValue": "-5", "MaxValue": "5", "ScalingType": "Linear"},
        {"Name": "lr", "MinValue": "0.0001", "MaxValue": "1", "ScalingType": "Logarithmic"},
    ],
    "IntegerParameterRanges": [{"Name": "depth", "MinValue": "1", "MaxValue": "9", "ScalingType": "Auto"}],
    "CategoricalParameterRanges": [{"Name": "opt", "Values": ["adam", "sgd"]}],
}


def test_random_points_are_in_range_log_uniform_and_reproducible() -> None:
    space = SearchSpace.from_request(RANGES)
    a = [RandomSearch(space, seed=5, maximize=True).suggest([], []) for _ in range(1)]
    first = RandomSearch(space, seed=5, maximize=True)
    second = RandomSearch(space, seed=5, maximize=True)
    points = [first.suggest([], []) for _ in range(400)]
    assert points == [second.suggest([], []) for _ in range(400)] and points[0] == a[0]
    for p in points:
        assert p is not None
        assert -5 <= float(p["x"]) <= 5 and 1 <= int(p["depth"]) <= 9 and p["opt"] in ("adam", "sgd")
    decades = [math.floor(math.log10(float(p["lr"]))) for p in points if p is not None]
    counts = [decades.count(d) for d in (-4, -3, -2, -1)]
    assert min(counts) > 60  # log-uniform: each decade gets about a quarter of the draws


def test_grid_enumerates_every_combination_then_stops() -> None:
    space = SearchSpace.from_request(
        {"CategoricalParameterRanges": [{"Name": "a", "Values": ["1", "2"]}, {"Name": "b", "Values": ["x", "y", "z"]}]}
    )
    grid = GridSearch(space, seed=None, maximize=True)
    seen = [grid.suggest([], []) for _ in range(7)]
    assert seen[:6] == [{"a": a, "b": b} for a in ("1", "2") for b in ("x", "y", "z")]
    assert seen[6] is None and grid.size == 6


def test_grid_refuses_numeric_ranges() -> None:
    with pytest.raises(ValueError, match="categorical"):
        GridSearch(SearchSpace.from_request(RANGES), seed=None, maximize=True)


def test_gaussian_process_interpolates_and_is_uncertain_far_away() -> None:
    xs = [[0.1], [0.5], [0.9]]
    ys = [1.0, 3.0, 2.0]
    gp = GaussianProcess(xs, ys)
    for x, y in zip(xs, ys, strict=True):
        mu, sigma = gp.predict(x)
        assert mu * gp.spread + gp.mean == pytest.approx(y, abs=0.05) and sigma < 0.05
    assert gp.predict([0.3])[1] > gp.predict([0.5])[1]
    assert expected_improvement(1.0, 0.5, 0.0) > expected_improvement(0.0, 0.5, 0.0) > 0


def _objective(p: dict[str, str]) -> float:
    return -((float(p["x"]) - 2.0) ** 2) - (float(p["y"]) + 1.0) ** 2


def _best_after(strategy_cls: type, seed: int, jobs: int = 10) -> float:
    space = SearchSpace.from_request(
        {
            "ContinuousParameterRanges": [
                {"Name": "x", "MinValue": "-5", "MaxValue": "5"},
                {"Name": "y", "MinValue": "-5", "MaxValue": "5"},
            ]
        }
    )
    kwargs = {"max_jobs": jobs} if strategy_cls is BayesianSearch else {}
    strategy = strategy_cls(space, seed=seed, maximize=True, **kwargs)
    observed: list[tuple[dict[str, str], float]] = []
    for _ in range(jobs):
        point = strategy.suggest(observed, [])
        observed.append((point, _objective(point)))
    return max(v for _, v in observed)


def test_bayesian_beats_the_median_random_search_on_the_synthetic_objective() -> None:
    bayes = [_best_after(BayesianSearch, seed) for seed in range(5)]
    random = [_best_after(RandomSearch, seed) for seed in range(5)]
    assert statistics.median(bayes) > statistics.median(random)
