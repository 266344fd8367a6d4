using System;
using System.Collections.Generic;

namespace CowPages;

/// <summary>What a snapshot file holds, as Save-CowSnapshot reports it after writing it.</summary>
public sealed class SnapshotInfo
{
    internal SnapshotInfo(string path, long length, IReadOnlyList<int> processIds, ulong pages, ulong residentPages, int frames,
        long textBytes, bool framesVisible, string kernel, string hostName, DateTimeOffset capturedAt)
    {
        Path = path;
        Length = length;
        ProcessId = new ProcessIdList(processIds);
        Pages = pages;
        ResidentPages = residentPages;
        Frames = frames;
        TextBytes = textBytes;
        FramesVisible = framesVisible;
        Kernel = kernel;
        HostName = hostName;
        CapturedAt = capturedAt.UtcDateTime;
    }

    /// <summary>The snapshot file's full path.</summary>
    public string Path { get; }

    /// <summary>The file's size in bytes.</summary>
    public long Length { get; }

    /// <summary>The processes stored, in the order they were captured.</summary>
    public ProcessIdList ProcessId { get; }

    /// <summary>Pagemap words stored: every page of every mapping of the processes.</summary>
    public ulong Pages { get; }

    /// <summary>Of those, the pages present in RAM.</summary>
    public ulong ResidentPages { get; }

    /// <summary>Distinct frames stored with their kpage* words; 0 when frames were hidden from the capture.</summary>
    public int Frames { get; }

    /// <summary>Bytes of status, maps, smaps_rollup and smaps text stored (before compression).</summary>
    public long TextBytes { get; }

    /// <summary>True when the capture saw frames (CAP_SYS_ADMIN): analyses of the snapshot then use Method Pfn.</summary>
    public bool FramesVisible { get; }

    /// <summary>The captured host's kernel release.</summary>
    public string Kernel { get; }

    public string HostName { get; }

    /// <summary>When the capture began, in UTC, to the millisecond (a DateTime, which survives remoting as itself).</summary>
    public DateTime CapturedAt { get; }

    /// <summary>The file's bytes per resident page, text included.</summary>
    public double BytesPerResidentPage => ResidentPages == 0 ? 0 : (double)Length / ResidentPages;
}
