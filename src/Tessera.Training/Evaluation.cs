using Tessera.Nn;

namespace Tessera.Training;

/// <summary>Batched inference helpers for classifiers.</summary>
public static class Evaluation
{
    /// <summary>Argmax predictions of <paramref name="model"/> (in eval mode, no grad) for every row of <paramref name="inputs"/>.</summary>
    public static long[] Predict(Module<Tensor, Tensor> model, Tensor inputs, int batchSize = 1000)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputs);
        bool wasTraining = model.Training;
        model.Eval();
        int n = inputs.Size(0);
        var result = new long[n];
        using (GradMode.NoGrad())
        {
            for (int i = 0; i < n; i += batchSize)
            {
                using var scope = TensorScope.Begin();
                int m = Math.Min(batchSize, n - i);
                model.Forward(inputs.Narrow(0, i, m)).Argmax(1).Contiguous().ToArray<long>().CopyTo(result, i);
            }
        }
        model.Train(wasTraining);
        return result;
    }

    /// <summary>Softmax probabilities (classes) of one example <paramref name="input"/> (its shape without the batch dimension).</summary>
    public static float[] Probabilities(Module<Tensor, Tensor> model, Tensor input)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(input);
        bool wasTraining = model.Training;
        model.Eval();
        float[] p;
        using (GradMode.NoGrad())
        using (TensorScope.Begin())
            p = model.Forward(input.Unsqueeze(0)).Softmax(1).Contiguous().ToArray<float>();
        model.Train(wasTraining);
        return p;
    }
}
