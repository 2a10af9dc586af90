namespace Tessera;

/// <summary>
/// Where a tensor's memory lives. Only <see cref="Cpu"/> exists today; the tag is carried by every storage so
/// that a device backend can attach at the one place ops turn storage into CPU pointers.
/// </summary>
public enum Device
{
    /// <summary>Host memory, addressable by CPU kernels.</summary>
    Cpu,
}
