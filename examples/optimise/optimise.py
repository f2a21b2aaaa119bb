# SPDX-License-Identifier: MIT
"""Gradient descent with momentum on the Rosenbrock function.

One condition of the optimise example: Logistician passes
--learning_rate X --momentum Y (from parameter_grid in parameters.json), and
the run writes /data/results/metrics.json, which the compare table and the
chart read. Nothing beyond Python's standard library.
"""
import argparse
import json
import math
import os


def rosenbrock(x, y):
    return (1 - x) ** 2 + 100 * (y - x * x) ** 2


def gradient(x, y):
    return (-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--learning_rate", type=float, required=True)
    parser.add_argument("--momentum", type=float, required=True)
    parser.add_argument("--steps", type=int, default=5000)
    parser.add_argument("--out", default="/data/results")
    args = parser.parse_args()

    x, y = -1.5, 2.0
    vx, vy = 0.0, 0.0
    loss = rosenbrock(x, y)
    diverged = False
    for step in range(1, args.steps + 1):
        gx, gy = gradient(x, y)
        vx = args.momentum * vx - args.learning_rate * gx
        vy = args.momentum * vy - args.learning_rate * gy
        x, y = x + vx, y + vy
        loss = rosenbrock(x, y)
        if not math.isfinite(loss) or loss > 1e12:
            diverged = True
            break
        if step % 1000 == 0:
            print(f"step {step}: loss {loss:.6g} at ({x:.4f}, {y:.4f})", flush=True)

    # A diverged run has no loss worth comparing: it reports only how far it got.
    metrics = {"steps": step, "diverged": 1 if diverged else 0}
    if not diverged:
        metrics["final_loss"] = loss
        # The losses span 30 orders of magnitude; their logarithm charts well.
        metrics["log10_loss"] = round(math.log10(max(loss, 1e-300)), 3)
        metrics["distance_to_optimum"] = math.hypot(x - 1, y - 1)
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "metrics.json"), "w") as f:
        json.dump(metrics, f, indent=2)
    print(("diverged after %d steps" % step) if diverged else f"final loss {loss:.6g} after {step} steps")


if __name__ == "__main__":
    main()
