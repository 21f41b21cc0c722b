"""PURE: the search strategies of a local tuning job — Random, Grid and Bayesian (a Gaussian process).

    space = SearchSpace.from_request(config["ParameterRanges"])
    strategy = make_strategy("Bayesian", space, max_jobs=10, seed=7, maximize=True)
    point = strategy.suggest(observed=[(point, value), ...], pending=[point, ...])   # {"eta": "0.13", ...}

Every point lives in the unit cube: each numeric range is mapped through its scaling
(Linear; Logarithmic as log x; ReverseLogarithmic as -log(1 - x); ``Auto`` is Linear
locally) and each categorical range through the index of its value, so the strategies
are written once. Values leave as the strings CreateTrainingJob sends.

* Random: independent uniform draws in the unit cube (so log-uniform on a Logarithmic
  range), seeded by ``RandomSeed`` when given: the same seed gives the same jobs.
* Grid: every combination of the categorical values, in the order of the ranges and
  their values (the last range varies fastest); only categorical ranges are allowed, as
  by the service, and ``MaxNumberOfTrainingJobs`` defaults to the grid's size.
* Bayesian: a Gaussian process (Matérn 5/2 kernel, length scale picked by marginal
  likelihood over a small grid) on the observed objective values, normalised; the next
  point maximises expected improvement over random candidates and perturbations of the
  best points. Points still training count as observed at the mean (the "constant liar"),
  so parallel jobs spread out. The first ``max(3, min(5, max_jobs // 3))`` points are
  random. Written in plain Python (a few dozen points, a few hundred candidates) so it
  needs no numpy/scipy: runtime dependencies stay the five the SDK has.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

Point = dict[str, str]


@attrs.frozen
class Dimension:
    name: str
    kind: str  # "Continuous" | "Integer" | "Categorical"
    low: float = 0.0
    high: float = 0.0
    scaling: str = "Linear"
    values: tuple[str, ...] = ()

    def _forward(self, x: float) -> float:
        if self.scaling == "Logarithmic":
            return math.log(x)
        if self.scaling == "ReverseLogarithmic":
            return -math.log(1.0 - x)
        return x

    def _backward(self, y: float) -> float:
        if self.scaling == "Logarithmic":
            return math.exp(y)
        if self.scaling == "ReverseLogarithmic":
            return 1.0 - math.exp(-y)
        return y

    def decode(self, u: float) -> str:
        u = min(max(u, 0.0), 1.0)
        if self.kind == "Categorical":
            return self.values[min(int(u * len(self.values)), len(self.values) - 1)]
        lo, hi = self._forward(self.low), self._forward(self.high)
        value = self._backward(lo + u * (hi - lo))
        if self.kind == "Integer":
            return str(int(min(max(round(value), self.low), self.high)))
        return repr(float(min(max(value, self.low), self.high)))

    def encode(self, text: str) -> float:
        if self.kind == "Categorical":
            return (self.values.index(text) + 0.5) / len(self.values)
        lo, hi = self._forward(self.low), self._forward(self.high)
        return 0.5 if hi == lo else (self._forward(float(text)) - lo) / (hi - lo)


@attrs.frozen
class SearchSpace:
    dimensions: tuple[Dimension, ...]

    @classmethod
    def from_request(cls, ranges: Mapping[str, Sequence[Mapping[str, Any]]]) -> SearchSpace:
        dims: list[Dimension] = []
        for kind in ("Continuous", "Integer"):
            for entry in ranges.get(f"{kind}ParameterRanges", []):
                scaling = entry.get("ScalingType", "Auto")
                dims.append(
                    Dimension(
                        entry["Name"],
                        kind,
                        float(entry["MinValue"]),
                        float(entry["MaxValue"]),
                        "Linear" if scaling == "Auto" else scaling,
                    )
                )
        for entry in ranges.get("CategoricalParameterRanges", []):
            dims.append(Dimension(entry["Name"], "Categorical", values=tuple(entry["Values"])))
        return cls(tuple(dims))

    def decode(self, unit: Sequence[float]) -> Point:
        return {d.name: d.decode(u) for d, u in zip(self.dimensions, unit, strict=True)}

    def encode(self, point: Mapping[str, str]) -> list[float]:
        return [d.encode(point[d.name]) for d in self.dimensions]


class Strategy:
    """Suggests the next point given finished (point, value) pairs and points still training."""

    def __init__(self, space: SearchSpace, *, seed: int | None, maximize: bool) -> None:
        self.space = space
        self.rng = random.Random(seed)
        self.maximize = maximize

    def suggest(self, observed: Sequence[tuple[Point, float]], pending: Sequence[Point]) -> Point | None:
        raise NotImplementedError

    def _random_unit(self) -> list[float]:
        return [self.rng.random() for _ in self.space.dimensions]


class RandomSearch(Strategy):
    def suggest(self, observed: Sequence[tuple[Point, float]], pending: Sequence[Point]) -> Point | None:
        return self.space.decode(self._random_unit())


class GridSearch(Strategy):
    def __init__(self, space: SearchSpace, *, seed: int | None, maximize: bool) -> None:
        super().__init__(space, seed=seed, maximize=maximize)
        if any(d.kind != "Categorical" for d in space.dimensions):
            raise ValueError("Grid search takes categorical parameter ranges only")
        names = [d.name for d in space.dimensions]
        self._grid = [
            dict(zip(names, combo, strict=True)) for combo in itertools.product(*(d.values for d in space.dimensions))
        ]
        self._next = 0

    @property
    def size(self) -> int:
        return len(self._grid)

    def suggest(self, observed: Sequence[tuple[Point, float]], pending: Sequence[Point]) -> Point | None:
        if self._next >= len(self._grid):
            return None
        point = self._grid[self._next]
        self._next += 1
        return dict(point)


def _matern52(a: Sequence[float], b: Sequence[float], scale: float) -> float:
    r = math.sqrt(sum((x - y) ** 2 for x, y in zip(a, b, strict=True))) / scale
    s5 = math.sqrt(5.0) * r
    return (1.0 + s5 + 5.0 * r * r / 3.0) * math.exp(-s5)


def _cholesky(matrix: list[list[float]]) -> list[list[float]]:
    n = len(matrix)
    lower = [[0.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(i + 1):
            total = matrix[i][j] - sum(lower[i][k] * lower[j][k] for k in range(j))
            if i == j:
                lower[i][i] = math.sqrt(max(total, 1e-12))
            else:
                lower[i][j] = total / lower[j][j]
    return lower


def _solve_lower(lower: list[list[float]], b: Sequence[float]) -> list[float]:
    out: list[float] = []
    for i, row in enumerate(lower):
        out.append((b[i] - sum(row[k] * out[k] for k in range(i))) / row[i])
    return out


def _solve_upper_t(lower: list[list[float]], b: Sequence[float]) -> list[float]:
    n = len(lower)
    out = [0.0] * n
    for i in reversed(range(n)):
        out[i] = (b[i] - sum(lower[k][i] * out[k] for k in range(i + 1, n))) / lower[i][i]
    return out


class GaussianProcess:
    """A zero-mean GP on normalised targets; ``predict`` gives (mean, std) at a point."""

    NOISE = 1e-4

    def __init__(self, xs: Sequence[Sequence[float]], ys: Sequence[float]) -> None:
        mean = sum(ys) / len(ys)
        spread = math.sqrt(sum((y - mean) ** 2 for y in ys) / len(ys)) or 1.0
        self.mean, self.spread = mean, spread
        self.xs = [list(x) for x in xs]
        self.ys = [(y - mean) / spread for y in ys]
        best: tuple[float, float, Any, Any] | None = None
        for scale in (0.1, 0.2, 0.35, 0.6, 1.0):
            lower, alpha = self._fit(scale)
            # log marginal likelihood, up to a constant
            fit = -0.5 * sum(y * a for y, a in zip(self.ys, alpha, strict=True)) - sum(
                math.log(lower[i][i]) for i in range(len(lower))
            )
            if best is None or fit > best[0]:
                best = (fit, scale, lower, alpha)
        assert best is not None
        _, self.scale, self.lower, self.alpha = best

    def _fit(self, scale: float) -> tuple[list[list[float]], list[float]]:
        n = len(self.xs)
        kernel = [
            [_matern52(self.xs[i], self.xs[j], scale) + (self.NOISE if i == j else 0.0) for j in range(n)]
            for i in range(n)
        ]
        lower = _cholesky(kernel)
        alpha = _solve_upper_t(lower, _solve_lower(lower, self.ys))
        return lower, alpha

    def predict(self, x: Sequence[float]) -> tuple[float, float]:
        k = [_matern52(x, xi, self.scale) for xi in self.xs]
        mu = sum(a * b for a, b in zip(k, self.alpha, strict=True))
        v = _solve_lower(self.lower, k)
        var = max(1.0 - sum(t * t for t in v), 1e-12)
        return mu, math.sqrt(var)


def expected_improvement(mu: float, sigma: float, best: float, xi: float = 0.01) -> float:
    """EI for maximisation of a normalised target."""
    if sigma <= 0:
        return 0.0
    z = (mu - best - xi) / sigma
    cdf = 0.5 * (1.0 + math.erf(z / math.sqrt(2.0)))
    pdf = math.exp(-0.5 * z * z) / math.sqrt(2.0 * math.pi)
    return (mu - best - xi) * cdf + sigma * pdf


class BayesianSearch(Strategy):
    CANDIDATES = 300

    def __init__(self, space: SearchSpace, *, seed: int | None, maximize: bool, max_jobs: int) -> None:
        super().__init__(space, seed=seed, maximize=maximize)
        self.initial = max(3, min(5, max_jobs // 3))

    def suggest(self, observed: Sequence[tuple[Point, float]], pending: Sequence[Point]) -> Point | None:
        if len(observed) < self.initial:
            return self.space.decode(self._random_unit())
        xs = [self.space.encode(p) for p, _ in observed]
        ys = [v if self.maximize else -v for _, v in observed]
        liar = sum(ys) / len(ys)
        xs += [self.space.encode(p) for p in pending]
        ys += [liar] * len(pending)
        gp = GaussianProcess(xs, ys)
        best = max(gp.ys)
        ranked = sorted(range(len(observed)), key=lambda i: -ys[i])[:3]
        candidates = [self._random_unit() for _ in range(self.CANDIDATES)]
        for i in ranked:  # local perturbations of the best points found so far
            for _ in range(self.CANDIDATES // 6):
                candidates.append([min(max(u + self.rng.gauss(0, 0.08), 0.0), 1.0) for u in xs[i]])
        scored = [(expected_improvement(*gp.predict(c), best), c) for c in candidates]
        return self.space.decode(max(scored, key=lambda item: item[0])[1])


def make_strategy(name: str, space: SearchSpace, *, max_jobs: int, seed: int | None, maximize: bool) -> Strategy:
    if name == "Grid":
        return GridSearch(space, seed=seed, maximize=maximize)
    if name == "Bayesian":
        return BayesianSearch(space, seed=seed, maximize=maximize, max_jobs=max_jobs)
    return RandomSearch(space, seed=seed, maximize=maximize)
