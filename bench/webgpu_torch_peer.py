"""PyTorch peers of bench/webgpu.ts on the same GPU, in the same run: fp32 GEMM (TF32 off), the
float MLP forward, and a BNN training step done the way public BNN code does it (sign with a
straight-through estimator simulated in float32), and the same for a cifar10-cnv step. Prints a
markdown table; exits 1 with a one-line reason when torch or CUDA is missing.
Usage: python3 bench/webgpu_torch_peer.py 4096 8192 --mlp 4096,10000 --train-width 4096 [--cnv-batch 100]"""
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
cnv_batch = int(args[args.index("--cnv-batch") + 1]) if "--cnv-batch" in args else 100
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

# cifar10-cnv (src/models/conv-nets.ts): 2x64C3-MP2-2x128C3-MP2-2x256C3-2x512FC-10, valid padding,
# [conv -> (max-pool) -> BN -> HardTanh] per conv, real pixels into the first conv; NCHW here
convs, dense, c, d = [64, 64, "M", 128, 128, "M", 256, 256], [512, 512, 10], 3, 32
layers = []
for i, o in enumerate(convs):
    if o == "M": continue
    pool = i + 1 < len(convs) and convs[i + 1] == "M"
    layers.append((torch.nn.Conv2d(c, o, 3, bias=False), torch.nn.BatchNorm2d(o), pool)); c, d = o, (d - 2) // 2 if pool else d - 2
fc, f = [], c * d * d
for o in dense:
    fc.append((torch.nn.Linear(f, o, bias=False), torch.nn.BatchNorm1d(o))); f = o
cnv_mods = torch.nn.ModuleList([m for conv, bn, _ in layers for m in (conv, bn)] + [m for pair in fc for m in pair]).to(dev).train()
def cnv_forward(x):
    for l, (conv, bn, pool) in enumerate(layers):
        x = torch.nn.functional.conv2d(x if l == 0 else SignSTE.apply(x), SignSTE.apply(conv.weight))
        if pool: x = torch.nn.functional.max_pool2d(x, 2)
        x = torch.clamp(bn(x), -1, 1)
    x = x.flatten(1)
    for l, (lin, bn) in enumerate(fc):
        x = bn(torch.nn.functional.linear(SignSTE.apply(x), SignSTE.apply(lin.weight)))
        if l + 1 < len(fc): x = torch.clamp(x, -1, 1)
    return x
cnv_opt = torch.optim.Adam(cnv_mods.parameters(), lr=0.001)
xc = torch.rand(cnv_batch, 3, 32, 32, device=dev) * 2 - 1
yc = torch.nn.functional.one_hot(torch.arange(cnv_batch, device=dev) % 10, 10).float() * 2 - 1
def cnv_step():
    cnv_opt.zero_grad(); loss = torch.clamp(1 - yc * cnv_forward(xc), min=0).pow(2).mean(); loss.backward(); cnv_opt.step()
    with torch.no_grad():
        for m in cnv_mods:
            if isinstance(m, (torch.nn.Linear, torch.nn.Conv2d)): m.weight.clamp_(-1, 1)
t = timed(cnv_step, 10)
print(f"torch cifar10-cnv training step (float-simulated sign+STE, fp32) batch {cnv_batch}: {t * 1e3:.2f} ms ({cnv_batch / t:.0f} images/s)")
