// Linear regression by gradient descent: the "hello world" of PyTorch, in Tessera.
// PyTorch twin:
//     X = 2 * torch.rand(100, 1); y = 4 + 3 * X + torch.randn(100, 1)
//     model = nn.Linear(1, 1); opt = torch.optim.SGD(model.parameters(), lr=0.1)
//     for step in range(1000): opt.zero_grad(); loss = F.mse_loss(model(X), y); loss.backward(); opt.step()
using Tessera;
using Tessera.Models;
using Tessera.Optim;

// One seeded generator makes the data and the initial weights, so every run prints the same numbers.
var gen = new Generator(42);
const int n = 100;
var x = Tensor.Rand([n, 1], gen).Mul(2f);                            // (100, 1), uniform in [0, 2)
var y = x.Mul(3f).Add(4f).Add(Tensor.Randn([n, 1], gen));            // (100, 1), y = 4 + 3x + noise

var model = new LinearRegression(1, 1, generator: gen);
var opt = new Sgd(model.Parameters(), lr: 0.1);

// Full-batch gradient descent: the loss is convex, so 1000 steps reach the least-squares optimum.
for (int step = 0; step < 1000; step++)
{
    // The scope frees this step's temporaries; parameters, gradients and optimizer state are owned by no scope.
    using var scope = TensorScope.Begin();
    opt.ZeroGrad();
    var loss = Functional.MseLoss(model.Forward(x), y);
    loss.Backward();
    opt.Step();
    if (step % 200 == 0 || step == 999) Console.WriteLine($"step {step,4}  loss {loss.Item<float>():F6}");
}

float w = model.Linear.Weight.Item<float>();
float b = model.Linear.Bias!.Item<float>();

// The same fit in closed form (ordinary least squares), in plain double arithmetic as a check:
// w = cov(x, y) / var(x), b = mean(y) − w·mean(x).
float[] xs = x.ToArray<float>(), ys = y.ToArray<float>();
double mx = xs.Average(), my = ys.Average();
double sxy = 0, sxx = 0;
for (int i = 0; i < n; i++)
{
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) * (xs[i] - mx);
}
double wStar = sxy / sxx, bStar = my - wStar * mx;

Console.WriteLine($"gradient descent: w = {w:F4}, b = {b:F4}");
Console.WriteLine($"least squares:    w = {wStar:F4}, b = {bStar:F4}   (data made with w = 3, b = 4)");
double err = Math.Max(Math.Abs(w - wStar), Math.Abs(b - bStar));
if (err > 1e-2)
{
    Console.Error.WriteLine($"FAILED: gradient descent is {err:E2} away from the least-squares solution (> 1e-2).");
    return 1;
}
Console.WriteLine($"OK: within {err:E2} of the least-squares solution.");
return 0;
