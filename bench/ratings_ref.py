#!/usr/bin/python3
"""Reference leaderboard in numpy/scipy (FastChat's rating_systems.py formulation), for bench/ratings.ts.

Reads Chatbot Arena battle JSONL, then: online Elo (K=4, base 10, scale 400, init 1000) in time order;
Bradley-Terry by L-BFGS on (pair, outcome) rows collapsed with weights, ties = half a win each side;
100 bootstrap rounds drawn as multinomial counts over the collapsed rows; 95% percentile intervals;
rank = 1 + #models whose lower bound is above this model's upper bound. Prints JSON with stage timings.

usage: /usr/bin/python3 bench/ratings_ref.py INPUT [--bootstrap N] [--seed S] [--ties half|drop]
"""
import argparse
import json
import math
import time

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit

OUTCOMES = {"model_a": 0, "model_b": 1, "tie": 2, "tie (bothbad)": 3}


def read_battles(path):
    ids, names = {}, []
    a, b, o, t = [], [], [], []
    with open(path, "rb") as f:
        for line in f:
            if not line.strip():
                continue
            r = json.loads(line)
            for key, col in (("model_a", a), ("model_b", b)):
                name = r[key]
                i = ids.get(name)
                if i is None:
                    i = ids[name] = len(names)
                    names.append(name)
                col.append(i)
            o.append(OUTCOMES[r["winner"]])
            t.append(r.get("tstamp", math.nan))
    return names, np.array(a, np.int64), np.array(b, np.int64), np.array(o, np.int8), np.array(t, float)


def online_elo(n_models, a, b, o, tstamp, drop_ties, k=4.0, base=10.0, scale=400.0, init=1000.0):
    order = np.argsort(tstamp, kind="stable")
    rating = [init] * n_models
    score = {0: 1.0, 1: 0.0, 2: 0.5, 3: 0.5}
    for i, j, w in zip(a[order].tolist(), b[order].tolist(), o[order].tolist()):
        if drop_ties and w >= 2:
            continue
        ea = 1.0 / (1.0 + base ** ((rating[j] - rating[i]) / scale))
        d = k * (score[w] - ea)
        rating[i] += d
        rating[j] -= d
    return np.array(rating)


def collapse(n_models, a, b, o, drop_ties):
    """(pair, outcome) rows: matchups [R, 2], outcomes [R] (1 = first won, 0.5 tie), weights [R]."""
    keep = o < 2 if drop_ties else np.ones(len(o), bool)
    a, b, o = a[keep], b[keep], o[keep]
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    first_won = np.where(a == lo, o == 0, o == 1)
    slot = np.where(o >= 2, 2, np.where(first_won, 0, 1))
    counts = np.bincount((lo * n_models + hi) * 3 + slot, minlength=n_models * n_models * 3)
    nz = np.flatnonzero(counts)
    pair, slot = nz // 3, nz % 3
    matchups = np.stack([pair // n_models, pair % n_models], axis=1)
    outcomes = np.array([1.0, 0.0, 0.5])[slot]
    return matchups, outcomes, counts[nz].astype(float)


def bt_loss_and_grad(ratings, matchups, outcomes, weights, alpha):
    logits = alpha * (ratings[matchups[:, 0]] - ratings[matchups[:, 1]])
    probs = expit(logits)
    loss = -((np.log(probs) * outcomes + np.log(1.0 - probs) * (1.0 - outcomes)) * weights).sum()
    g = ((probs - outcomes) * weights * alpha)
    grad = np.zeros_like(ratings)
    np.add.at(grad, matchups[:, 0], g)
    np.add.at(grad, matchups[:, 1], -g)
    return loss, grad


def fit_bt(matchups, outcomes, weights, n_models, alpha=math.log(10.0), tol=1e-6):
    res = minimize(bt_loss_and_grad, np.zeros(n_models), args=(matchups, outcomes, weights, alpha),
                   jac=True, method="L-BFGS-B", options={"maxiter": 1000, "gtol": tol})
    return res.x - res.x.mean()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("input")
    p.add_argument("--bootstrap", type=int, default=100)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--ties", choices=["half", "drop"], default="half")
    args = p.parse_args()
    drop = args.ties == "drop"
    timings = {}
    t0 = time.perf_counter()
    names, a, b, o, t = read_battles(args.input)
    m = len(names)
    timings["read"] = time.perf_counter() - t0

    t1 = time.perf_counter()
    elo = online_elo(m, a, b, o, t, drop)
    timings["elo"] = time.perf_counter() - t1

    t1 = time.perf_counter()
    matchups, outcomes, weights = collapse(m, a, b, o, drop)
    timings["collapse"] = time.perf_counter() - t1

    t1 = time.perf_counter()
    theta = fit_bt(matchups, outcomes, weights, m)
    bt = 400.0 * theta + 1000.0
    timings["bt"] = time.perf_counter() - t1

    t1 = time.perf_counter()
    rng = np.random.default_rng(args.seed)
    total = int(weights.sum())
    draws = rng.multinomial(total, weights / weights.sum(), size=args.bootstrap)
    samples = np.array([400.0 * fit_bt(matchups, outcomes, d.astype(float), m) + 1000.0 for d in draws])
    lower, upper = np.percentile(samples, [2.5, 97.5], axis=0)
    timings["bootstrap"] = time.perf_counter() - t1

    t1 = time.perf_counter()
    rank = 1 + (lower[None, :] > upper[:, None]).sum(axis=1)
    keep = o < 2 if drop else np.ones(len(o), bool)
    score_a = np.array([1.0, 0.0, 0.5, 0.5])[o[keep]]
    battles = np.bincount(a[keep], minlength=m) + np.bincount(b[keep], minlength=m)
    score = np.bincount(a[keep], score_a, minlength=m) + np.bincount(b[keep], 1.0 - score_a, minlength=m)
    order = np.argsort(-bt, kind="stable")
    rows = [{"model": names[i], "elo": float(elo[i]), "bt": float(bt[i]), "ci_lower": float(lower[i]),
             "ci_upper": float(upper[i]), "rank": int(rank[i]), "battles": int(battles[i]),
             "win_rate": float(score[i] / battles[i])} for i in order]
    timings["table"] = time.perf_counter() - t1
    timings["total"] = time.perf_counter() - t0
    print(json.dumps({"timings": timings, "battles": int(len(a)), "models": rows}))


if __name__ == "__main__":
    main()
