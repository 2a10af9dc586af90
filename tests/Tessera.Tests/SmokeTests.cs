namespace Tessera.Tests;

public class SmokeTests
{
    [Fact]
    public void AssemblyLoads() => Assert.NotNull(typeof(Tessera.Kernels.Threading.ParallelRuntime).Assembly);
}
