using System;
using System.Runtime.InteropServices;
using Xunit;

namespace CowPages.Core.Tests;

/// <summary>mmap, mprotect and munmap in the test host: the tests that need pages of a known shape map them here.</summary>
internal static class OwnMemory
{
    public const ulong Page = 4096;
    public const int ProtNone = 0, ProtRead = 1, ProtReadWrite = 3;
    public const int MapPrivateAnonymous = 0x02 | 0x20;
    public const int MapNoReserve = 0x4000;

    [DllImport("libc", EntryPoint = "mmap", SetLastError = true)]
    private static extern nint MMap(nint address, nuint length, int protection, int flags, int fd, long offset);

    [DllImport("libc", EntryPoint = "mprotect", SetLastError = true)]
    public static extern int Protect(nint address, nuint length, int protection);

    [DllImport("libc", EntryPoint = "munmap", SetLastError = true)]
    public static extern int Unmap(nint address, nuint length);

    /// <summary>Maps a private anonymous region; fails the test if the kernel refuses.</summary>
    public static nint Map(ulong length, int protection, int extraFlags = 0)
    {
        nint region = MMap(0, (nuint)length, protection, MapPrivateAnonymous | extraFlags, -1, 0);
        Assert.NotEqual(-1, region);
        return region;
    }
}
