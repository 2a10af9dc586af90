namespace Tessera.Testing;

internal static class TestingInfo
{
}
