"""The program of a new experiment, from Logistician's python template.

It runs in /project (the project root) with each condition's words as its
arguments (`python3 main.py --seed 1`). What it writes into /data/results is
what `logistician results` compares; its output is kept in /data/logs.
Replace it with your own program.
"""
import argparse
import json
import random

parser = argparse.ArgumentParser()
parser.add_argument("--seed", type=int, default=0)
args, unknown = parser.parse_known_args()
if unknown:
    print("main.py: ignoring", " ".join(unknown))

random.seed(args.seed)
value = sum(random.random() for _ in range(1000)) / 1000
print(f"main.py: seed {args.seed}, mean of 1000 draws {value:.4f}")
with open("/data/results/metrics.json", "w") as out:
    json.dump({"seed": args.seed, "mean": value}, out)
