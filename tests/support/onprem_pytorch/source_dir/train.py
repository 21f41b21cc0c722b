import argparse
import os

import numpy as np
import onprem_helpers
import torch
from sagemaker_training import environment

parser = argparse.ArgumentParser()
parser.add_argument("--epochs", type=int, default=1)
parser.add_argument("--lr", type=float, default=0.1)
args, _ = parser.parse_known_args()
env = environment.Environment()
data = np.loadtxt(os.path.join(env.channel_input_dirs["training"], "train.csv"), delimiter=",")
x = torch.tensor(data[:, 1:], dtype=torch.float32)
y = torch.tensor(data[:, :1], dtype=torch.float32) * onprem_helpers.SCALE
torch.manual_seed(0)
model = torch.nn.Linear(x.shape[1], 1)
opt = torch.optim.SGD(model.parameters(), lr=args.lr)
for _ in range(args.epochs):
    opt.zero_grad()
    loss = torch.nn.functional.mse_loss(model(x), y)
    loss.backward()
    opt.step()
print(f"loss={loss.item():.4f}")
torch.save(model.state_dict(), os.path.join(env.model_dir, "model.pth"))
