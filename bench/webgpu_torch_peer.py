"""PyTorch peers of bench/webgpu.ts on the same GPU, in the same run: fp32 GEMM (TF32 off), the
float MLP forward, and a BNN training step done the way public BNN code does it (sign with a
straight-through estimator simulated in float32). Prints a markdown table; exits 1 with a
one-line reason when torch or CUDA is missing.
Usage: python3 bench/webgpu_torch_peer.py 4096 8192 --mlp 4096,10000 --train-width 4096"""
import sys, time

try:
    import torch
except ImportError:
    sys.exit("torch is not installed")
if not torch.cuda.is_available():
    sys.exit("torch has no CUDA device")
torch.backends.cuda.matmul.allow_tf32 = False
torch.backends.cudnn.allow_tf32 = False
dev = "cuda"

def timed(fn, reps=5):
    fn(); torch.cuda.synchronize()
    ts = []
    for _ in range(reps):
        t = time.perf_counter(); fn(); torch.cuda.synchronize(); ts.append(time.perf_counter() - t)
    return sorted(ts)[len(ts) // 2]

args = sys.argv[1:]
sizes = [int(a) for a in args[:args.index("--mlp")]]
width, batch = map(int, args[args.index("--mlp") + 1].split(","))
train_width = int(args[args.index("--train-width") + 1])
print(f"device: {torch.cuda.get_device_name()} · torch {torch.__version__} · CUDA {torch.version.cuda}\n")
print("| size | torch fp32 TFLOP/s |\n|---|---|")
for s in sizes:
    a, b = torch.randn(s, s, device=dev), torch.randn(s, s, device=dev)
    t = timed(lambda: a @ b.T)
    print(f"| {s} | {2 * s ** 3 / t / 1e12:.3f} |")

class SignSTE(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x); return torch.where(x >= 0, 1.0, -1.0)
    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors; return g * (x.abs() <= 1)

def mlp(w, binary):
    layers, d = [], 784
    for o in [w, w, w, 10]:
        layers.append((torch.nn.Linear(d, o, bias=False), torch.nn.BatchNorm1d(o))); d = o
    mods = torch.nn.ModuleList([m for pair in layers for m in pair]).to(dev)
    def forward(x):
        for l in range(4):
            lin, bn = mods[2 * l], mods[2 * l + 1]
            wgt = SignSTE.apply(lin.weight) if binary else lin.weight
            inp = SignSTE.apply(x) if binary and l > 0 else x
            x = bn(torch.nn.functional.linear(inp, wgt))
        return x
    return mods, forward

mods, fwd = mlp(width, False); mods.eval()
x = torch.randn(batch, 784, device=dev)
with torch.no_grad():
    t = timed(lambda: fwd(x))
print(f"\ntorch fp32 MLP forward 784-{width}x3-10 batch {batch}: {t * 1e3:.2f} ms ({batch / t:.0f} images/s)")

mods, fwd = mlp(train_width, True); mods.train()
opt = torch.optim.Adam(mods.parameters(), lr=0.003)
xb, yb = torch.randn(100, 784, device=dev), torch.nn.functional.one_hot(torch.arange(100, device=dev) % 10, 10).float() * 2 - 1
def step():
    opt.zero_grad(); loss = torch.clamp(1 - yb * fwd(xb), min=0).pow(2).mean(); loss.backward(); opt.step()
    with torch.no_grad():
        for m in mods:
            if isinstance(m, torch.nn.Linear): m.weight.clamp_(-1, 1)
t = timed(step, 20)
print(f"torch BNN training step (float-simulated sign+STE, fp32) 784-{train_width}x3-10 batch 100: {t * 1e3:.2f} ms ({100 / t:.0f} images/s)")
