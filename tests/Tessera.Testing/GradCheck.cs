using Xunit;

namespace Tessera.Testing;

/// <summary>Finite-difference gradient checks in Float64 (as torch.autograd.gradcheck).</summary>
public static class GradCheck
{
    /// <summary>
    /// Checks d(Σ w·f(inputs))/d(inputs) from autograd against central differences, where w is a fixed
    /// random weighting so every output element matters. Inputs must be Float64; those with
    /// RequiresGrad are checked.
    /// </summary>
    public static void Check(Func<Tensor[], Tensor> f, Tensor[] inputs, double eps = 1e-6, double atol = 1e-5, double rtol = 1e-4)
    {
        foreach (var t in inputs)
            if (t.RequiresGrad && t.DType != DType.Float64) throw new ArgumentException("GradCheck needs Float64 inputs.");
        var probe = f(inputs);
        var weights = Tensor.Randn(probe.ShapeArray(), new Generator(1234), DType.Float64);
        double Objective()
        {
            using (GradMode.NoGrad()) return f(inputs).To(DType.Float64).Mul(weights).Sum().ItemAsDouble();
        }
        foreach (var t in inputs) t.Grad = null;
        var loss = f(inputs).To(DType.Float64).Mul(weights).Sum();
        loss.Backward();
        for (int k = 0; k < inputs.Length; k++)
        {
            var x = inputs[k];
            if (!x.RequiresGrad) continue;
            var analytic = x.Grad?.ToDoubleArray() ?? new double[x.Numel];
            Assert.Equal(x.Numel, analytic.Length);
            var data = x.Detach();
            var flat = data.Reshape(-1);
            for (int i = 0; i < x.Numel; i++)
            {
                double orig = flat.GetAsDouble(i);
                using (GradMode.NoGrad()) flat.Narrow(0, i, 1).Fill_(orig + eps);
                double plus = Objective();
                using (GradMode.NoGrad()) flat.Narrow(0, i, 1).Fill_(orig - eps);
                double minus = Objective();
                using (GradMode.NoGrad()) flat.Narrow(0, i, 1).Fill_(orig);
                double numeric = (plus - minus) / (2 * eps);
                double diff = Math.Abs(numeric - analytic[i]);
                if (diff > atol + rtol * Math.Abs(numeric))
                    Assert.Fail($"Gradient mismatch for input {k} at flat index {i}: analytic {analytic[i]:R}, numeric {numeric:R} (|diff| {diff:E2} > {atol} + {rtol}·|numeric|).");
            }
        }
    }
}
