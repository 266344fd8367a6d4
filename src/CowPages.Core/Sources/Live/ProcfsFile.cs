using System;

namespace CowPages.Sources.Live;

/// <summary>
/// A read-only procfs file opened through libc. Positional reads (<c>pread</c>) serve the binary files,
/// whose offsets are page or frame numbers times eight; sequential reads serve the text files.
/// </summary>
internal sealed unsafe class ProcfsFile : IDisposable
{
    private readonly FileDescriptorHandle _handle;

    private ProcfsFile(FileDescriptorHandle handle, string path, int? processId)
    {
        _handle = handle;
        Path = path;
        ProcessId = processId;
    }

    public string Path { get; }

    public int? ProcessId { get; }

    /// <summary>Opens <paramref name="path"/> for reading.</summary>
    /// <exception cref="ProcfsException">The open failed; the exception carries errno and the path.</exception>
    public static ProcfsFile Open(string path, int? processId = null)
    {
        int fd;
        do
        {
            fd = LibC.Open(path, LibC.O_RDONLY | LibC.O_CLOEXEC);
        }
        while (fd < 0 && System.Runtime.InteropServices.Marshal.GetLastPInvokeError() == LibC.EINTR);

        if (fd < 0)
        {
            throw Errno.ToException(System.Runtime.InteropServices.Marshal.GetLastPInvokeError(), "open", path, processId);
        }
        return new ProcfsFile(new FileDescriptorHandle(fd), path, processId);
    }

    /// <summary>
    /// Reads at <paramref name="offset"/> until <paramref name="buffer"/> is full or the file ends.
    /// Returns the number of bytes read; fewer than asked means end of file (for pagemap: past the
    /// task size, or the process has gone).
    /// </summary>
    public int ReadAt(long offset, Span<byte> buffer)
    {
        int total = 0;
        bool added = false;
        try
        {
            _handle.DangerousAddRef(ref added);
            fixed (byte* start = buffer)
            {
                while (total < buffer.Length)
                {
                    nint n = LibC.PRead(_handle.Fd, start + total, buffer.Length - total, offset + total);
                    if (n < 0)
                    {
                        int errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
                        if (errno == LibC.EINTR)
                        {
                            continue;
                        }
                        throw Errno.ToException(errno, "read", Path, ProcessId);
                    }
                    if (n == 0)
                    {
                        break;
                    }
                    total += (int)n;
                }
            }
        }
        finally
        {
            if (added)
            {
                _handle.DangerousRelease();
            }
        }
        return total;
    }

    /// <summary>Opens <paramref name="path"/>, reads it whole and closes it: for the small text files.</summary>
    /// <exception cref="ProcfsException">The open or a read failed; the exception carries errno and the path.</exception>
    public static byte[] ReadAll(string path, int? processId = null)
    {
        using ProcfsFile file = Open(path, processId);
        return file.ReadToEnd();
    }

    /// <summary>Reads a text file from its current position to its end, as procfs's seq files expect.</summary>
    public byte[] ReadToEnd()
    {
        byte[] buffer = new byte[16384];
        int length = 0;
        bool added = false;
        try
        {
            _handle.DangerousAddRef(ref added);
            while (true)
            {
                if (length == buffer.Length)
                {
                    Array.Resize(ref buffer, buffer.Length * 2);
                }
                nint n;
                fixed (byte* start = buffer)
                {
                    n = LibC.Read(_handle.Fd, start + length, buffer.Length - length);
                }
                if (n < 0)
                {
                    int errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
                    if (errno == LibC.EINTR)
                    {
                        continue;
                    }
                    throw Errno.ToException(errno, "read", Path, ProcessId);
                }
                if (n == 0)
                {
                    break;
                }
                length += (int)n;
            }
        }
        finally
        {
            if (added)
            {
                _handle.DangerousRelease();
            }
        }
        Array.Resize(ref buffer, length);
        return buffer;
    }

    /// <summary>Issues an ioctl on the file; returns the kernel's result or throws with errno.</summary>
    internal int Ioctl(ulong request, void* argument, string operation)
    {
        bool added = false;
        try
        {
            _handle.DangerousAddRef(ref added);
            while (true)
            {
                int result = LibC.Ioctl(_handle.Fd, request, argument);
                if (result >= 0)
                {
                    return result;
                }
                int errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
                if (errno != LibC.EINTR)
                {
                    throw Errno.ToException(errno, operation, Path, ProcessId);
                }
            }
        }
        finally
        {
            if (added)
            {
                _handle.DangerousRelease();
            }
        }
    }

    public void Dispose() => _handle.Dispose();
}
