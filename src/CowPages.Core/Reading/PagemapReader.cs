using System;
using System.Runtime.InteropServices;
using CowPages.Native;

namespace CowPages.Reading;

/// <summary>
/// Reads <c>/proc/PID/pagemap</c> in caller-sized chunks: one <c>pread</c> per chunk, never one per page.
/// Opening needs ptrace read access to the target; PFNs are shown only to CAP_SYS_ADMIN in the initial
/// user namespace, checked when the file is opened.
/// </summary>
public sealed class PagemapReader : IDisposable
{
    public const int PageShift = 12;
    public const ulong PageSize = 1UL << PageShift;

    private readonly ProcfsFile _file;

    private PagemapReader(ProcfsFile file, int processId)
    {
        _file = file;
        ProcessId = processId;
    }

    public int ProcessId { get; }

    public string Path => _file.Path;

    public static PagemapReader Open(int processId) =>
        new(ProcfsFile.Open($"/proc/{processId}/pagemap", processId), processId);

    /// <summary>
    /// Fills <paramref name="words"/> with the entries of consecutive pages starting at virtual page
    /// <paramref name="firstPage"/>. Returns how many were read: fewer than asked means the range ran past
    /// the task size, or the process exited (the kernel then returns nothing).
    /// </summary>
    public int Read(ulong firstPage, Span<ulong> words)
    {
        if (firstPage > long.MaxValue / sizeof(ulong))
        {
            return 0;
        }
        int bytes = _file.ReadAt((long)(firstPage * sizeof(ulong)), MemoryMarshal.AsBytes(words));
        return bytes / sizeof(ulong);
    }

    internal ProcfsFile File => _file;

    public void Dispose() => _file.Dispose();
}
