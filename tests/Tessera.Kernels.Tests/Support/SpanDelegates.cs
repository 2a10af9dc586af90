namespace Tessera.Kernels.Tests.Support;

internal delegate void SpanUnary<T>(ReadOnlySpan<T> x, Span<T> dst);

internal delegate void SpanBinary<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> dst);
