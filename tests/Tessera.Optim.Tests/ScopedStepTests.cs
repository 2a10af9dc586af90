namespace Tessera.Optim.Tests;

public class ScopedStepTests
{
    private static float[] Train(Func<Tensor, Optimizer> make, bool scoped, bool setToNone, int steps = 4)
    {
        var w = Tensor.FromArray(new float[] { 1, -2, 3 }).RequiresGrad_();
        var target = Tensor.FromArray(new float[] { 0.5f, 0.5f, 0.5f });
        var opt = make(w);
        for (int s = 0; s < steps; s++)
        {
            using var scope = scoped ? TensorScope.Begin() : null;   // every step scoped, the first one included
            opt.ZeroGrad(setToNone);
            w.Sub(target).Mul(w.Sub(target)).Sum().Backward();
            opt.Step();
        }
        foreach (var b in opt.GetState(w)!.Buffers.Values) Assert.DoesNotContain(b.ToDoubleArray(), double.IsNaN);   // state still readable
        return w.ToArray<float>();
    }

    public static TheoryData<string> Optimizers => ["sgd", "adam", "adamw", "rmsprop", "adagrad"];

    private static Optimizer Make(string name, Tensor w) => name switch
    {
        "sgd" => new Sgd([w], lr: 0.1, momentum: 0.9),
        "adam" => new Adam([w], lr: 0.1),
        "adamw" => new AdamW([w], lr: 0.1),
        "rmsprop" => new RmsProp([w], lr: 0.01, momentum: 0.5, centered: true),
        "adagrad" => new Adagrad([w], lr: 0.1),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void StateCreatedInAScopedFirstStepSurvivesAndGivesTheUnscopedNumbers(string name)
    {
        var reference = Train(w => Make(name, w), scoped: false, setToNone: true);
        Assert.Equal(reference, Train(w => Make(name, w), scoped: true, setToNone: true));
        Assert.Equal(reference, Train(w => Make(name, w), scoped: true, setToNone: false));   // the gradient is zeroed in place across scopes
    }

    [Fact]
    public void SgdStepsMatchHandComputedValues()
    {
        // w <- w - 0.1 * 2 (w - 0.5), twice, without momentum: w - 0.5 shrinks by 0.8 per step.
        var w = Train(w => new Sgd([w], lr: 0.1), scoped: true, setToNone: true, steps: 2);
        float[] expected = [0.5f + 0.5f * 0.64f, 0.5f - 2.5f * 0.64f, 0.5f + 2.5f * 0.64f];
        for (int i = 0; i < 3; i++) Assert.Equal(expected[i], w[i], 5);
    }
}
