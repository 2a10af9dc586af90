using Tessera.IO;

namespace Tessera.Optim.Tests;

public class ReadOnlyParameterTests
{
    [Fact]
    public void StepOnAMappedParameterThrowsNamingTheFileAndWritesNothing()
    {
        string path = Path.Combine(Path.GetTempPath(), $"tessera-ro-{Guid.NewGuid():N}.safetensors");
        try
        {
            SafeTensors.Save(new Dictionary<string, Tensor> { ["w"] = Tensor.FromArray(new float[] { 1, 2, 3 }) }, path);
            var w = SafeTensors.Load(path)["w"].RequiresGrad_();
            w.Grad = Tensor.Ones([3]);
            foreach (Optimizer opt in new Optimizer[] { new Sgd([w], lr: 0.1), new Adam([w]), new AdamW([w]), new RmsProp([w]), new Adagrad([w]) })
            {
                var ex = Assert.Throws<InvalidOperationException>(opt.Step);
                Assert.Equal($"{opt.GetType().Name}.Step: tensor is a read-only view of the mapped file '{path}'; Clone() it to write.", ex.Message);
            }
            Assert.Equal([1f, 2f, 3f], w.ToArray<float>());

            var writable = w.Detach().Clone().RequiresGrad_();   // the documented way out
            writable.Grad = Tensor.Ones([3]);
            new Sgd([writable], lr: 0.5).Step();
            Assert.Equal([0.5f, 1.5f, 2.5f], writable.ToArray<float>());
        }
        finally { File.Delete(path); }
    }
}
