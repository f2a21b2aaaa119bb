"""Adds the numbers given on the command line, as the original's addition example did."""
import os
import sys


def main(args):
    total = sum(int(a) for a in args)
    print("The sum is {}".format(total))
    results = "/data/results"
    if os.path.isdir(results) and os.access(results, os.W_OK):
        with open(os.path.join(results, "result.txt"), "w") as f:
            f.write("{}\n".format(total))


if __name__ == "__main__":
    main(sys.argv[1:])
