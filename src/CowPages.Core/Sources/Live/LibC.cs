using System.Runtime.InteropServices;

namespace CowPages.Sources.Live;

/// <summary>The few libc calls the readers need. Called directly so that errno reaches our errors intact.</summary>
internal static unsafe class LibC
{
    internal const int O_RDONLY = 0;
    internal const int O_CLOEXEC = 0x80000;

    internal const int EPERM = 1;
    internal const int ENOENT = 2;
    internal const int ESRCH = 3;
    internal const int EINTR = 4;
    internal const int EIO = 5;
    internal const int EACCES = 13;
    internal const int EINVAL = 22;
    internal const int ENOTTY = 25;
    internal const int EOPNOTSUPP = 95;

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    internal static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "pread", SetLastError = true)]
    internal static extern nint PRead(int fd, byte* buffer, nint count, long offset);

    [DllImport("libc", EntryPoint = "read", SetLastError = true)]
    internal static extern nint Read(int fd, byte* buffer, nint count);

    [DllImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    internal static extern int Ioctl(int fd, ulong request, void* argument);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    internal static extern int Close(int fd);

    internal const int PROT_READ = 1;
    internal const int PROT_WRITE = 2;
    internal const int MAP_PRIVATE = 2;
    internal const int MAP_ANONYMOUS = 0x20;

    [DllImport("libc", EntryPoint = "mmap", SetLastError = true)]
    internal static extern nint Mmap(nint address, nuint length, int protection, int flags, int fd, long offset);

    [DllImport("libc", EntryPoint = "munmap", SetLastError = true)]
    internal static extern int Munmap(nint address, nuint length);

    [DllImport("libc", EntryPoint = "strerror")]
    private static extern nint StrError(int errno);

    internal static string Describe(int errno)
    {
        nint text = StrError(errno);
        return text == 0 ? $"errno {errno}" : Marshal.PtrToStringUTF8(text) ?? $"errno {errno}";
    }
}
