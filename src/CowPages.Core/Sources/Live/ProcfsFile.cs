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
            while (total < buffer.Length)
            {
                int n = ReadOnce(buffer[total..], offset + total);
                if (n == 0)
                {
                    break;
                }
                total += n;
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

    /// <summary>
    /// One read into <paramref name="buffer"/>: at <paramref name="offset"/> (pread), or from the current position
    /// when it is null (read, as procfs's seq files expect of a whole-file read). Retries on EINTR; 0 means end of
    /// file. The caller holds a reference on the handle.
    /// </summary>
    private int ReadOnce(Span<byte> buffer, long? offset)
    {
        while (true)
        {
            nint n;
            fixed (byte* start = buffer)
            {
                n = offset is long at ? LibC.PRead(_handle.Fd, start, buffer.Length, at) : LibC.Read(_handle.Fd, start, buffer.Length);
            }
            if (n >= 0)
            {
                return (int)n;
            }
            int errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
            if (errno != LibC.EINTR)
            {
                throw Errno.ToException(errno, "read", Path, ProcessId);
            }
        }
    }

    /// <summary>Opens <paramref name="path"/>, reads it whole and closes it: for the small text files.</summary>
    /// <exception cref="ProcfsException">The open or a read failed; the exception carries errno and the path.</exception>
    public static byte[] ReadAll(string path, int? processId = null)
    {
        using ProcfsFile file = Open(path, processId);
        return file.ReadToEnd();
    }

    /// <summary>
    /// Opens <paramref name="path"/>, reads as much as fits in <paramref name="buffer"/> and closes it: for one-line
    /// files such as <c>stat</c>, read for many processes, where a fresh array per file would be garbage every time.
    /// Returns the number of bytes read.
    /// </summary>
    /// <exception cref="ProcfsException">The open or a read failed; the exception carries errno and the path.</exception>
    public static int ReadInto(string path, Span<byte> buffer, int? processId = null)
    {
        using ProcfsFile file = Open(path, processId);
        return file.ReadAt(0, buffer);
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
                int n = ReadOnce(buffer.AsSpan(length), null);
                if (n == 0)
                {
                    break;
                }
                length += n;
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
