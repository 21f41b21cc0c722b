"""Stand-in training script: only its presence and name matter to the captured requests."""

import argparse

if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--model_dir", default=None)
    args, _ = parser.parse_known_args()
    print(f"training for {args.epochs} epochs")
