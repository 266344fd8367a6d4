using System;
using System.Runtime.InteropServices;

namespace CowPages.Sources.Live;

/// <summary>Owns a raw file descriptor, so that a scan interrupted by Ctrl+C or an exception never leaks it.</summary>
internal sealed class FileDescriptorHandle : SafeHandle
{
    internal FileDescriptorHandle(int fd) : base(new IntPtr(-1), ownsHandle: true) => SetHandle(new IntPtr(fd));

    public override bool IsInvalid => handle.ToInt64() < 0;

    internal int Fd => (int)handle.ToInt64();

    protected override bool ReleaseHandle() => LibC.Close(Fd) == 0;
}
