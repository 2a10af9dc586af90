namespace Tessera;

/// <summary>Whether ops record the autograd graph on this thread.</summary>
public static class GradMode
{
    [ThreadStatic] private static int _disabledDepth;

    /// <summary>True unless inside a <see cref="NoGrad"/> scope.</summary>
    public static bool IsEnabled => _disabledDepth == 0;

    /// <summary>Disables graph recording until the returned scope is disposed: <c>using (GradMode.NoGrad()) { ... }</c>.</summary>
    public static NoGradScope NoGrad()
    {
        _disabledDepth++;
        return new NoGradScope(true);
    }

    internal static void Exit() => _disabledDepth--;

    /// <summary>Scope returned by <see cref="NoGrad"/>; re-enables recording when disposed.</summary>
    public readonly struct NoGradScope : IDisposable
    {
        private readonly bool _active;

        internal NoGradScope(bool active) => _active = active;

        /// <summary>Leaves the scope.</summary>
        public void Dispose()
        {
            if (_active) Exit();
        }
    }
}
